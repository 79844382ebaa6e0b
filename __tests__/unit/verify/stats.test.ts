import { describe, expect, it } from '@jest/globals';
import {
  binomialPmf,
  binomialTest,
  chiSquareTest,
  multinomialTest,
  percentile,
  regularizedGammaQ
} from '../../../src/verify/stats.js';

describe('binomialTest (two-sided, exact)', () => {
  it('matches hand-computed values for 30 trials', () => {
    // P(X ≤ 5) for Bin(30, ½) = (1+30+435+4060+27405+142506)/2^30; two-sided doubles it.
    expect(binomialTest(5, 30, 0.5)).toBeCloseTo((2 * 174437) / 2 ** 30, 12);
    expect(binomialTest(15, 30, 0.5)).toBe(1);
    expect(binomialTest(24, 30, 0.8)).toBeCloseTo(1, 12);
    // R: binom.test(20, 30, 0.8)$p.value = 0.1052661
    expect(binomialTest(20, 30, 0.8)).toBeCloseTo(0.1052661, 6);
  });

  it('is 0 or 1 for deterministic routes', () => {
    expect(binomialTest(30, 30, 1)).toBe(1);
    expect(binomialTest(29, 30, 1)).toBe(0);
    expect(binomialTest(0, 30, 0)).toBe(1);
  });

  it('pmf sums to 1', () => {
    let sum = 0;
    for (let k = 0; k <= 30; k++) sum += binomialPmf(k, 30, 0.37);
    expect(sum).toBeCloseTo(1, 12);
  });
});

describe('multinomialTest', () => {
  it('reduces to the binomial test for two categories', () => {
    expect(multinomialTest([5, 25], [0.5, 0.5]).pValue).toBeCloseTo(binomialTest(5, 30, 0.5), 14);
  });

  it('exact: a perfect even split has p = 1; all in one of three has p = 3·3^-30', () => {
    expect(multinomialTest([10, 10, 10], [1 / 3, 1 / 3, 1 / 3])).toEqual({ pValue: 1, method: 'exact' });
    expect(multinomialTest([30, 0, 0], [1 / 3, 1 / 3, 1 / 3]).pValue).toBeCloseTo(3 * 3 ** -30, 25);
  });

  it('exact: the p-values of all outcomes no more likely than observed (brute-force check)', () => {
    const probs = [0.7, 0.2, 0.1];
    const observed = [14, 4, 2];
    const n = 20;
    const pmf = (c: number[]): number => {
      let f = 1;
      for (let i = 2; i <= n; i++) f *= i;
      return c.reduce((acc, x, i) => {
        let fx = 1;
        for (let j = 2; j <= x; j++) fx *= j;
        return (acc * (probs[i] ?? 0) ** x) / fx;
      }, f);
    };
    const p0 = pmf(observed);
    let expected = 0;
    for (let a = 0; a <= n; a++)
      for (let b = 0; a + b <= n; b++) {
        const d = pmf([a, b, n - a - b]);
        if (d <= p0 * (1 + 1e-7)) expected += d;
      }
    expect(multinomialTest(observed, probs).pValue).toBeCloseTo(expected, 12);
  });

  it('fails any hit in a category expected never', () => {
    expect(multinomialTest([29, 1], [1, 0])).toEqual({ pValue: 0, method: 'deterministic' });
    expect(multinomialTest([30, 0], [1, 0])).toEqual({ pValue: 1, method: 'deterministic' });
  });

  it('falls back to chi-square for huge samples', () => {
    const r = multinomialTest([3400, 3300, 3300, 0, 0], [1 / 3, 1 / 3, 1 / 3, 0, 0]);
    // 10 000 requests over 3 live categories: C(10002, 2) ≈ 5·10^7 outcomes, too many to enumerate.
    expect(r.method).toBe('chi-square');
    expect(r.pValue).toBeCloseTo(chiSquareTest([3400, 3300, 3300], [1 / 3, 1 / 3, 1 / 3]), 12);
    expect(r.pValue).toBeGreaterThan(0.05);
  });
});

describe('chi-square and gamma', () => {
  it('Q(1, x) = e^-x and the 5 % critical value of χ²(1) is 3.841', () => {
    expect(regularizedGammaQ(1, 3)).toBeCloseTo(Math.exp(-3), 12);
    expect(regularizedGammaQ(0.5, 3.841459 / 2)).toBeCloseTo(0.05, 6);
    // χ²(2) survival at 5.991465 is 0.05.
    expect(chiSquareTest([40, 30, 30], [1 / 3, 1 / 3, 1 / 3])).toBeCloseTo(regularizedGammaQ(1, 2 / 2), 12);
  });
});

describe('percentile', () => {
  it('interpolates between ranks', () => {
    const values = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
    expect(percentile(values, 50)).toBe(5.5);
    expect(percentile(values, 95)).toBeCloseTo(9.55, 12);
    expect(percentile([42], 95)).toBe(42);
    expect(percentile([], 50)).toBeNaN();
  });
});

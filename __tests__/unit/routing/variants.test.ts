import { describe, expect, it } from '@jest/globals';
import { expectationFromObjects } from '../../../src/routing/expect.js';
import { planRouting } from '../../../src/routing/plan.js';
import { editDistance } from '../../../src/inputs/suggest.js';
import { suggestVariant, variantNames, VARIANTS } from '../../../src/routing/variants.js';
import { sampleFiles } from './samples.js';

describe('variant table', () => {
  it('lists every variant the issue asks for, once, in table order', () => {
    const names = variantNames();
    expect(names).toEqual(VARIANTS.map((v) => v.name));
    expect(new Set(names).size).toBe(names.length);
    for (const wanted of [
      'none',
      'all-v1',
      'reviews-v2',
      'reviews-v3',
      'reviews-test-v2',
      'reviews-jason-v2-v3',
      'reviews-50-v3',
      'reviews-80-20',
      'reviews-90-10',
      'ratings-test-delay',
      'ratings-test-abort',
      'mirror'
    ]) {
      expect(names).toContain(wanted);
    }
  });

  it.each(VARIANTS.map((v) => [v.name, v] as const))(
    '%s: expected distributions add up to 100 %%',
    (_name, v) => {
      for (const dist of [v.expect.anonymous, ...Object.values(v.expect.users ?? {})]) {
        const sum = Object.values(dist).reduce((a, b) => a + (b ?? 0), 0);
        expect(sum).toBeCloseTo(100, 9);
      }
    }
  );

  // The hand-written expectations must agree with what the manifests actually route.
  it.each(VARIANTS.map((v) => [v.name] as const))(
    '%s: table expectation matches the routes it applies',
    (name) => {
      const plan = planRouting(
        { kind: 'variant', variant: name, service: 'reviews', mtls: false },
        {
          samples: sampleFiles('networking.istio.io/v1'),
          apiVersion: 'networking.istio.io/v1',
          securityApiVersion: 'security.istio.io/v1',
          namespace: 'bookinfo',
          gatewayHosts: ['*'],
          labels: {}
        }
      );
      const derived = expectationFromObjects(plan.objects);
      expect(derived).not.toBeNull();
      const table = VARIANTS.find((v) => v.name === name)?.expect;
      expect(derived?.anonymous).toEqual(table?.anonymous);
      expect(derived?.users ?? {}).toEqual(table?.users ?? {});
      expect(derived?.ratingsFault).toEqual(table?.ratingsFault);
    }
  );
});

describe('suggestVariant', () => {
  it.each([
    ['reviws-v3', 'reviews-v3'],
    ['reviews-v33', 'reviews-v3'],
    ['reveiws-50-v3', 'reviews-50-v3'],
    ['80-20', 'reviews-80-20'],
    ['All-V1', 'all-v1'],
    ['ratings_test_abort', 'ratings-test-abort'],
    ['mirorr', 'mirror'],
    ['reviews-jason-v2v3', 'reviews-jason-v2-v3']
  ])('%s → %s', (typo, meant) => {
    expect(suggestVariant(typo)).toBe(meant);
  });

  it('suggests nothing for unrelated input', () => {
    expect(suggestVariant('kubernetes')).toBeUndefined();
    expect(suggestVariant('')).toBeUndefined();
    // "v3" is in several names: ambiguous, and too far from any of them.
    expect(suggestVariant('v3')).toBeUndefined();
  });

  it('editDistance counts single edits', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });
});

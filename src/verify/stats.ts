// Exact tests for "does the observed traffic split match the configured one?". With ~30 requests a
// normal approximation is poor, so binomial and multinomial p-values are computed exactly; only very
// large samples fall back to Pearson's chi-square.

const logFactorials: number[] = [0];

function logFactorial(n: number): number {
  for (let i = logFactorials.length; i <= n; i++)
    logFactorials[i] = (logFactorials[i - 1] ?? 0) + Math.log(i);
  return logFactorials[n] ?? NaN;
}

/** log P(counts) under a multinomial with probabilities `probs` (all > 0). */
function logMultinomialPmf(counts: number[], probs: number[]): number {
  const n = counts.reduce((a, b) => a + b, 0);
  let log = logFactorial(n);
  counts.forEach((c, i) => {
    log += c * Math.log(probs[i] ?? 0) - logFactorial(c);
  });
  return log;
}

export function binomialPmf(k: number, n: number, p: number): number {
  if (k < 0 || k > n) return 0;
  if (p === 0) return k === 0 ? 1 : 0;
  if (p === 1) return k === n ? 1 : 0;
  return Math.exp(logMultinomialPmf([k, n - k], [p, 1 - p]));
}

// Outcomes as likely as the observed one count towards the p-value; the tolerance keeps ties that
// differ only by rounding (the same rule R's binom.test uses).
const TIE = 1 + 1e-7;

/** Two-sided exact binomial test: P(an outcome no more likely than k successes in n trials). */
export function binomialTest(k: number, n: number, p: number): number {
  const observed = binomialPmf(k, n, p);
  let sum = 0;
  for (let i = 0; i <= n; i++) {
    const d = binomialPmf(i, n, p);
    if (d <= observed * TIE) sum += d;
  }
  return Math.min(1, sum);
}

/** Number of ways to spread n requests over k categories: C(n+k-1, k-1). */
function compositions(n: number, k: number): number {
  return Math.round(Math.exp(logFactorial(n + k - 1) - logFactorial(k - 1) - logFactorial(n)));
}

const EXACT_LIMIT = 2_000_000;

export interface MultinomialResult {
  pValue: number;
  method: 'exact' | 'chi-square' | 'deterministic';
}

/**
 * Goodness of fit of `counts` to `probs` (same order; probs sum to 1). Categories with probability 0
 * must be empty, else p = 0. Exact (sum over every outcome no more likely than the observed one)
 * unless that means enumerating more than two million outcomes.
 */
export function multinomialTest(counts: number[], probs: number[]): MultinomialResult {
  if (counts.length !== probs.length) throw new Error('counts and probabilities differ in length');
  const live: number[] = [];
  for (let i = 0; i < counts.length; i++) {
    if ((probs[i] ?? 0) > 0) live.push(i);
    else if ((counts[i] ?? 0) > 0) return { pValue: 0, method: 'deterministic' };
  }
  const c = live.map((i) => counts[i] ?? 0);
  const total = live.reduce((s, i) => s + (probs[i] ?? 0), 0);
  const p = live.map((i) => (probs[i] ?? 0) / total);
  const n = c.reduce((a, b) => a + b, 0);
  if (c.length <= 1 || n === 0) return { pValue: 1, method: 'deterministic' };
  if (c.length === 2) return { pValue: binomialTest(c[0] ?? 0, n, p[0] ?? 0), method: 'exact' };
  if (compositions(n, c.length) > EXACT_LIMIT) return { pValue: chiSquareTest(c, p), method: 'chi-square' };

  const threshold = logMultinomialPmf(c, p) + Math.log(TIE);
  let sum = 0;
  const current: number[] = new Array<number>(c.length).fill(0);
  const walk = (i: number, left: number): void => {
    if (i === c.length - 1) {
      current[i] = left;
      const lp = logMultinomialPmf(current, p);
      if (lp <= threshold) sum += Math.exp(lp);
      return;
    }
    for (let x = 0; x <= left; x++) {
      current[i] = x;
      walk(i + 1, left - x);
    }
  };
  walk(0, n);
  return { pValue: Math.min(1, sum), method: 'exact' };
}

/** Pearson's chi-square goodness-of-fit p-value, df = k − 1. */
export function chiSquareTest(counts: number[], probs: number[]): number {
  const n = counts.reduce((a, b) => a + b, 0);
  let x2 = 0;
  counts.forEach((o, i) => {
    const e = n * (probs[i] ?? 0);
    x2 += ((o - e) * (o - e)) / e;
  });
  return regularizedGammaQ((counts.length - 1) / 2, x2 / 2);
}

function logGamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9); accurate to ~1e-15 for x > 0.
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0] ?? 0;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += (c[i] ?? 0) / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Q(a, x) = Γ(a, x) / Γ(a): series below a + 1, continued fraction above. */
export function regularizedGammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const gln = logGamma(a);
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let k = 1; k < 1000; k++) {
      term *= x / (a + k);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return Math.max(0, 1 - sum * Math.exp(-x + a * Math.log(x) - gln));
  }
  // Lentz's method for the continued fraction.
  const tiny = 1e-300;
  let b = x + 1 - a;
  let cc = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    cc = b + an / cc;
    if (Math.abs(cc) < tiny) cc = tiny;
    d = 1 / d;
    const delta = d * cc;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.min(1, Math.exp(-x + a * Math.log(x) - gln) * h);
}

/** The q-th percentile (0–100) with linear interpolation between ranks; NaN for no values. */
export function percentile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (q / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo] ?? NaN;
  const b = sorted[hi] ?? NaN;
  return a + (b - a) * (rank - lo);
}

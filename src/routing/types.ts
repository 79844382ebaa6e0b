// Shapes shared by the routing modules. Kubernetes objects are the kube layer's own types.
export type { KubeObject, ObjectRef } from '../kube/objects.js';

/**
 * What a verified request can show about the reviews service. The productpage HTML tells the
 * reviews version apart by its stars (v1 none, v2 black, v3 red); when a fault hides the stars the
 * page shows an error message instead, which is an outcome of its own.
 */
export type Outcome = 'v1' | 'v2' | 'v3' | 'ratings-unavailable' | 'reviews-unavailable';

export const OUTCOMES: readonly Outcome[] = ['v1', 'v2', 'v3', 'ratings-unavailable', 'reviews-unavailable'];

/** Expected share of each outcome, in percent (sums to 100). Missing outcomes are expected never. */
export type Distribution = Partial<Record<Outcome, number>>;

/** Expected behaviour per identity: the anonymous visitor, and logged-in users by name. */
export interface Expectation {
  anonymous: Distribution;
  users?: Record<string, Distribution>;
  /** A fault the variant injects into ratings for the listed users. */
  ratingsFault?: { fault: 'delay7s' | 'abort'; users: string[] };
}

/** "v1 70 %, v2 20 %, v3 10 %": a distribution in the words of the summary and the log. */
const OUTCOME_TEXT: Record<string, string> = {
  v1: 'v1',
  v2: 'v2',
  v3: 'v3',
  'ratings-unavailable': 'ratings unavailable',
  'reviews-unavailable': 'reviews unavailable'
};

export function describeDistribution(dist: Distribution): string {
  const parts = Object.entries(dist)
    .filter(([, pct]) => (pct ?? 0) > 0)
    .map(([outcome, pct]) => {
      const name = OUTCOME_TEXT[outcome] ?? outcome;
      return pct === 100
        ? `${name} 100 %`
        : `${name} ${Number.isInteger(pct) ? pct : (pct ?? 0).toFixed(1)} %`;
    });
  return parts.join(', ');
}

import { describe, expect, it } from '@jest/globals';
import type { IdentityResult } from '../../../src/verify/http.js';
import { foreignResponses } from '../../../src/verify/origin.js';

const identity = (servedBy: Record<string, number>): IdentityResult => ({
  identity: 'anonymous',
  expected: { v1: 80, v2: 20 },
  observed: {},
  requests: 0,
  pValue: 0,
  method: 'exact',
  pass: false,
  latency: { p50: 0, p95: 0 },
  errors: [],
  servedBy
});

describe('[R3-11] foreignResponses', () => {
  it('[R3-11] nothing to say when every page came from this namespace, or pages name no pod', () => {
    const located = new Map([['reviews-v1-a', 'ns-b']]);
    expect(foreignResponses([identity({ 'reviews-v1-a': 30 })], 'ns-b', located)).toBeUndefined();
    expect(foreignResponses([identity({})], 'ns-b', located)).toBeUndefined();
  });

  it('[R3-11] names the other namespace and counts its pages, across identities', () => {
    const located = new Map([
      ['reviews-v1-a', 'ns-b'],
      ['reviews-v3-z', 'ns-a']
    ]);
    const msg = foreignResponses(
      [identity({ 'reviews-v1-a': 2, 'reviews-v3-z': 18 }), identity({ 'reviews-v3-z': 10 })],
      'ns-b',
      located
    );
    expect(msg).toMatch(
      /^28 of 30 pages were rendered by reviews pods of namespace ns-a \(reviews-v3-z\), not by those of ns-b:/
    );
  });

  it('[R3-11] pods that cannot be placed (no cluster-wide list) are reported as not found here', () => {
    const msg = foreignResponses([identity({ 'reviews-v3-z': 5 })], 'ns-b', new Map());
    expect(msg).toMatch(
      /^5 of 5 pages were rendered by reviews pods that are not in namespace ns-b \(reviews-v3-z\), not by those of ns-b:/
    );
  });
});

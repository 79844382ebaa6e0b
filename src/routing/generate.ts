// Generators for VirtualServices that no Bookinfo release ships as a sample file: a weighted split
// over subsets, a per-user route (the `end-user` header productpage forwards after login), and a
// mirror. They produce the same shapes as the samples so plan/verify treat them alike.

import type { KubeObject } from './types.js';

export interface SubsetWeight {
  subset: string;
  weight: number;
}

/** The VirtualService envelope every generator shares: named after, and routing, the one service. */
function virtualService(
  apiVersion: string,
  service: string,
  http: Array<Record<string, unknown>>
): KubeObject {
  return {
    apiVersion,
    kind: 'VirtualService',
    metadata: { name: service },
    spec: { hosts: [service], http }
  };
}

function destination(host: string, subset: string): Record<string, unknown> {
  return { destination: { host, subset } };
}

/** `service` → subsets by weight. A single 100 % subset is written without a weight, like the samples. */
export function weightedVirtualService(
  apiVersion: string,
  service: string,
  weights: SubsetWeight[]
): KubeObject {
  return virtualService(apiVersion, service, [{ route: weightedRoute(service, weights) }]);
}

function weightedRoute(service: string, weights: SubsetWeight[]): Array<Record<string, unknown>> {
  const nonZero = weights.filter((w) => w.weight > 0);
  if (nonZero.length === 1 && nonZero[0]) return [destination(service, nonZero[0].subset)];
  return nonZero.map((w) => ({ ...destination(service, w.subset), weight: w.weight }));
}

/**
 * `user` (matched on the `end-user` header, exactly as productpage sets it from its session) →
 * `userSubset`; everyone else → the `others` split.
 */
export function userVirtualService(
  apiVersion: string,
  service: string,
  user: string,
  userSubset: string,
  others: SubsetWeight[]
): KubeObject {
  return virtualService(apiVersion, service, [
    { match: [{ headers: { 'end-user': { exact: user } } }], route: [destination(service, userSubset)] },
    { route: weightedRoute(service, others) }
  ]);
}

/** All live traffic → `subset`; a copy of every request → `mirrorSubset` (its answers are dropped). */
export function mirrorVirtualService(
  apiVersion: string,
  service: string,
  subset: string,
  mirrorSubset: string
): KubeObject {
  return virtualService(apiVersion, service, [
    {
      route: [{ ...destination(service, subset), weight: 100 }],
      mirror: { host: service, subset: mirrorSubset },
      mirrorPercentage: { value: 100 }
    }
  ]);
}

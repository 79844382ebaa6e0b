// Generators for Gateway API HTTPRoutes that Istio's samples/bookinfo/gateway-api does not ship: a weighted
// split, a per-user route (an HTTPRoute header match on `end-user`, which productpage sets from its session)
// and a mirror. Shaped like the samples: a mesh ("producer") route whose parent is the Service itself, with
// backendRefs to the per-version Services of platform/kube/bookinfo-versions.yaml (`reviews-v1`, …).
import type { SubsetWeight } from './generate.js';
import type { KubeObject } from './types.js';

export const GATEWAY_API_VERSION_V1 = 'gateway.networking.k8s.io/v1';
export const BOOKINFO_PORT = 9080;

/** The per-version Service the samples route to: `reviews` + `v2` → `reviews-v2`. */
export function versionService(service: string, subset: string): string {
  return `${service}-${subset}`;
}

function httpRoute(service: string, rules: Array<Record<string, unknown>>): KubeObject {
  return {
    apiVersion: GATEWAY_API_VERSION_V1,
    kind: 'HTTPRoute',
    metadata: { name: service },
    spec: {
      parentRefs: [{ group: '', kind: 'Service', name: service, port: BOOKINFO_PORT }],
      rules
    }
  };
}

function backendRefs(service: string, weights: SubsetWeight[]): Array<Record<string, unknown>> {
  const nonZero = weights.filter((w) => w.weight > 0);
  // One 100 % backend is written without a weight, as route-reviews-v3.yaml is.
  if (nonZero.length === 1 && nonZero[0])
    return [{ name: versionService(service, nonZero[0].subset), port: BOOKINFO_PORT }];
  return nonZero.map((w) => ({
    name: versionService(service, w.subset),
    port: BOOKINFO_PORT,
    weight: w.weight
  }));
}

export function weightedHttpRoute(service: string, weights: SubsetWeight[]): KubeObject {
  return httpRoute(service, [{ backendRefs: backendRefs(service, weights) }]);
}

/** `user` (header `end-user`, exact) → `userSubset`; everyone else → the `others` split. */
export function userHttpRoute(
  service: string,
  user: string,
  userSubset: string,
  others: SubsetWeight[]
): KubeObject {
  return httpRoute(service, [
    {
      matches: [{ headers: [{ type: 'Exact', name: 'end-user', value: user }] }],
      backendRefs: backendRefs(service, [{ subset: userSubset, weight: 100 }])
    },
    { backendRefs: backendRefs(service, others) }
  ]);
}

/** All traffic → `subset`, with a copy of each request to `mirrorSubset` (HTTPRoute's RequestMirror filter). */
export function mirrorHttpRoute(service: string, subset: string, mirrorSubset: string): KubeObject {
  return httpRoute(service, [
    {
      filters: [
        {
          type: 'RequestMirror',
          requestMirror: {
            backendRef: { name: versionService(service, mirrorSubset), port: BOOKINFO_PORT }
          }
        }
      ],
      backendRefs: backendRefs(service, [{ subset, weight: 100 }])
    }
  ]);
}

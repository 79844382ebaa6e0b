// Where the verification's pages came from. Every Bookinfo page (images 1.16.4+) names the reviews pod
// that rendered it ("Reviews served by: reviews-v3-…"), and productpage only calls the reviews Service of
// its own namespace: a pod that is not in this run's namespace means the gateway sent the requests to
// another deployment's Bookinfo (another namespace's Gateway claiming the same host). Saying so beats
// "sidecars may still be picking up the routes", which sends the user the wrong way.
import type { Kube } from '../kube/client.js';
import { KubeApiError } from '../kube/errors.js';
import type { IdentityResult } from './http.js';

/** Pod name → namespace of the reviews pods that could be found; undefined when none could be listed. */
export type PodNamespaces = ReadonlyMap<string, string>;

/** One sentence naming the namespaces (or, unknown, the pods) that answered instead of `namespace`. */
export function foreignResponses(
  identities: readonly IdentityResult[],
  namespace: string,
  located: PodNamespaces | undefined
): string | undefined {
  const counts = new Map<string, number>();
  for (const id of identities)
    for (const [pod, n] of Object.entries(id.servedBy ?? {})) counts.set(pod, (counts.get(pod) ?? 0) + n);
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const foreign = [...counts.entries()].filter(([pod]) => located?.get(pod) !== namespace);
  if (foreign.length === 0 || total === 0) return undefined;
  const byNamespace = new Map<string, string[]>();
  for (const [pod] of foreign) {
    const ns = located?.get(pod) ?? '';
    byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), pod]);
  }
  const n = foreign.reduce((a, [, c]) => a + c, 0);
  const parts = [...byNamespace.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([ns, pods]) =>
      ns
        ? `reviews pods of namespace ${ns} (${pods.sort().join(', ')})`
        : `reviews pods that are not in namespace ${namespace} (${pods.sort().join(', ')})`
    );
  return (
    `${n} of ${total} pages were rendered by ${parts.join(' and ')}, not by those of ${namespace}: ` +
    'the ingress sent these requests to another deployment of Bookinfo, typically through another namespace’s ' +
    'Gateway claiming the same host (Istio serves a shared host from the older Gateway)'
  );
}

/**
 * Where the reviews pods are: all namespaces when the identity may list pods cluster-wide, else only this
 * namespace (a pod missing there is then reported as "not found in" it).
 */
export async function locateReviewsPods(kube: Kube, namespace: string): Promise<PodNamespaces | undefined> {
  const toMap = (pods: Awaited<ReturnType<Kube['list']>>) =>
    new Map(pods.map((p) => [p.metadata.name, p.metadata.namespace ?? namespace]));
  try {
    return toMap(await kube.list('v1', 'Pod', { labelSelector: 'app=reviews' }));
  } catch (err) {
    if (!(err instanceof KubeApiError && err.status === 403)) return undefined;
  }
  try {
    return toMap(await kube.list('v1', 'Pod', { namespace, labelSelector: 'app=reviews' }));
  } catch {
    return undefined;
  }
}

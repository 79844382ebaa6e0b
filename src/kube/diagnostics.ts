// Why a wait failed, in the words of the pods: a failed wait's error gains each failing pod's reason and
// its recent events, so a timeout names the pod, not only the Deployment. Used by every step that waits.
import type { Kube } from './client.js';
import type { KubeObject } from './objects.js';
import { containerReadySummary, deploymentReady, podFailure } from './readiness.js';
import { ActionError } from '../errors.js';

/** Runs a wait; when it fails, the error gets the failing pods' reasons and events appended. */
export async function withDiagnostics<T>(
  kube: Kube,
  namespace: string,
  labelSelector: string | undefined,
  wait: () => Promise<T>
): Promise<T> {
  try {
    return await wait();
  } catch (err) {
    if (err instanceof ActionError)
      err.details.push(...(await podDiagnostics(kube, namespace, labelSelector).catch(() => [])));
    throw err;
  }
}

/** What awaitDeployments waits for beyond availability, and how it can be stopped early. */
export interface AwaitDeploymentsOptions {
  /** Stricter than available (e.g. "runs this version"); defaults to deploymentReady. */
  ready?: (deployment: KubeObject) => boolean;
  signal?: AbortSignal;
  description?: string;
}

/**
 * Waits until each named Deployment of `namespace` exists and is available (its newest ReplicaSet's pods
 * ready), watching rather than polling; a timeout names what is still missing or not ready and, through
 * withDiagnostics, why its pods are not. Returns the named Deployments as they were when ready.
 */
export async function awaitDeployments(
  kube: Kube,
  namespace: string,
  names: readonly string[],
  timeoutMs: number,
  { ready = deploymentReady, signal, description }: AwaitDeploymentsOptions = {}
): Promise<KubeObject[]> {
  const items = await withDiagnostics(kube, namespace, undefined, () =>
    kube.waitFor(
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace },
      (deployments) => {
        const waiting = names.flatMap((n) => {
          const d = deployments.find((i) => i.metadata.name === n);
          if (!d) return [`${n} (missing)`];
          return ready(d) ? [] : [n];
        });
        return {
          done: waiting.length === 0,
          progress: waiting.length ? `waiting for ${waiting.join(', ')}` : 'all available'
        };
      },
      { timeoutMs, signal, ...(description ? { description } : {}) }
    )
  );
  return items.filter((d) => names.includes(d.metadata.name));
}

/** Why pods are not ready: each failing pod's reason and its recent events. */
export async function podDiagnostics(
  kube: Kube,
  namespace: string,
  labelSelector?: string
): Promise<string[]> {
  const pods = await kube.list('v1', 'Pod', { namespace, labelSelector });
  const lines: string[] = [];
  for (const p of pods) {
    if (p.metadata.deletionTimestamp) continue;
    // A pod that runs but never passes its readiness probe has no "failure" of its own; without this
    // the timeout would name only the Deployment, not the pod and its Unhealthy events.
    const failure = podFailure(p) ?? notReadyReason(p);
    if (!failure) continue;
    lines.push(failure);
    const events = await kube.eventsFor({ apiVersion: 'v1', kind: 'Pod', namespace, name: p.metadata.name });
    lines.push(...events.slice(-3).map((e) => `  event: ${e}`));
  }
  return lines;
}

/** "pod X is not ready (1/2 containers ready: ratings; ContainersNotReady)", or undefined when it is ready. */
function notReadyReason(pod: KubeObject): string | undefined {
  const status = pod.status as
    | {
        containerStatuses?: Array<{ name?: string; ready?: boolean }>;
        conditions?: Array<{ type?: string; status?: string; reason?: string; message?: string }>;
      }
    | undefined;
  const ready = status?.conditions?.find((c) => c.type === 'Ready');
  if (ready?.status === 'True') return undefined;
  const waiting = (status?.containerStatuses ?? []).filter((c) => !c.ready).map((c) => c.name ?? '?');
  const why = [ready?.reason, ready?.message].filter(Boolean).join(': ');
  return (
    `pod ${pod.metadata.name} is not ready (${containerReadySummary(pod)} containers ready` +
    `${waiting.length ? `; not ready: ${waiting.join(', ')}` : ''}${why ? `; ${why}` : ''})`
  );
}

// The in-cluster productpage check for a namespace whose sidecars refuse plaintext (PeerAuthentication
// STRICT, e.g. `mtls: true`). The API server's service proxy speaks plaintext, so under STRICT it is
// reset by productpage's sidecar; a short-lived pod in the mesh (its own sidecar speaks mTLS) asks
// instead, with the curl image of the release's own samples/curl (samples/sleep before 1.24).
// plan* are pure; runMeshProbe is the thin part.
import * as core from '@actions/core';
import { loadAll } from 'js-yaml';
import { ActionError } from '../errors.js';
import type { Kube } from '../kube/client.js';
import type { KubeObject } from '../kube/objects.js';
import { podFailure, podFailureIsFinal } from '../kube/readiness.js';
import { COMPONENT_LABEL, type Ownership } from '../ownership.js';

export const PROBE_COMPONENT = 'productpage-check';
export const PROBE_CONTAINER = 'check';
/** Release files that define Istio's curl client, newest name first. */
export const CURL_SAMPLES = ['samples/curl/curl.yaml', 'samples/sleep/sleep.yaml'];
export const PROBE_ATTEMPTS = 30;
export const PROBE_INTERVAL_S = 2;

/**
 * Tries until productpage answers 200 with the expected text; prints what it saw last. The URL and text
 * come in as environment variables, never spliced into the script.
 */
const PROBE_SCRIPT = [
  `i=0; while [ "$i" -lt ${PROBE_ATTEMPTS} ]; do`,
  '  code=$(curl -sS -o /tmp/page -w "%{http_code}" --max-time 5 "$CHECK_URL" 2>/tmp/err)',
  '  if [ "$code" = 200 ] && grep -q "$CHECK_TEXT" /tmp/page; then echo "HTTP 200, $CHECK_TEXT"; exit 0; fi',
  `  i=$((i+1)); sleep ${PROBE_INTERVAL_S}`,
  'done',
  'echo "HTTP ${code:-none} after $i attempts: $(cat /tmp/err 2>/dev/null)"; exit 1'
].join('\n');

/** The image of the curl client in a release's samples/curl/curl.yaml (or sleep.yaml). */
export function curlImageOf(sampleYaml: string): string | undefined {
  for (const doc of loadAll(sampleYaml) as Array<Record<string, unknown> | null>) {
    if (doc?.kind !== 'Deployment') continue;
    const containers =
      ((doc.spec as { template?: { spec?: { containers?: Array<{ image?: unknown }> } } } | undefined)
        ?.template?.spec?.containers as Array<{ image?: unknown }> | undefined) ?? [];
    const image = containers.find((c) => typeof c.image === 'string')?.image;
    if (typeof image === 'string') return image;
  }
  return undefined;
}

export interface ProbePodOptions {
  namespace: string;
  name: string;
  image: string;
  url: string;
  expectText: string;
  ownership: Ownership;
  /** The ECI annotations Bookinfo's pods get (pod-annotations). */
  podAnnotations: Record<string, string>;
}

export function planProbePod(o: ProbePodOptions): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: o.name,
      namespace: o.namespace,
      labels: { ...o.ownership.labels, [COMPONENT_LABEL]: PROBE_COMPONENT, app: PROBE_COMPONENT },
      annotations: {
        ...o.podAnnotations,
        // Without native sidecars the check would start before Envoy and fail its first attempts.
        'proxy.istio.io/config': '{"holdApplicationUntilProxyStarts": true}'
      }
    },
    spec: {
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 0,
      containers: [
        {
          name: PROBE_CONTAINER,
          image: o.image,
          command: ['sh', '-c', PROBE_SCRIPT],
          env: [
            { name: 'CHECK_URL', value: o.url },
            { name: 'CHECK_TEXT', value: o.expectText }
          ],
          // Its last output line becomes the terminated state's message when it fails.
          terminationMessagePolicy: 'FallbackToLogsOnError'
        }
      ]
    }
  };
}

export type ProbeState =
  | { done: false; progress: string; failure?: string; fatal?: boolean }
  | { done: true; ok: boolean; message: string };

/** What the probe pod says so far: still starting, failed to start, or the check's own verdict. */
export function probeState(pod: KubeObject | undefined): ProbeState {
  if (!pod) return { done: false, progress: 'probe pod not created yet' };
  const statuses =
    (pod.status as { containerStatuses?: Array<Record<string, unknown>> } | undefined)?.containerStatuses ??
    [];
  const check = statuses.find((s) => s.name === PROBE_CONTAINER) as
    { state?: { terminated?: { exitCode?: number; message?: string; reason?: string } } } | undefined;
  const terminated = check?.state?.terminated;
  if (terminated) {
    const message = (terminated.message ?? terminated.reason ?? '').trim();
    return { done: true, ok: terminated.exitCode === 0, message };
  }
  const failure = podFailure(pod);
  if (failure) return { done: false, progress: 'probe pod failing', failure, fatal: podFailureIsFinal(pod) };
  return {
    done: false,
    progress: `probe pod ${String((pod.status as { phase?: string })?.phase ?? 'Pending')}`
  };
}

/** Runs the probe pod to its verdict and removes it, whatever happened. */
export async function runMeshProbe(
  kube: Kube,
  opts: ProbePodOptions & { timeoutMs: number }
): Promise<string> {
  const pod = planProbePod(opts);
  const ref = { apiVersion: 'v1', kind: 'Pod', namespace: opts.namespace, name: opts.name };
  await kube.apply([pod]);
  let verdict: ProbeState | undefined;
  try {
    await kube.waitFor(
      { ...ref, labelSelector: `${COMPONENT_LABEL}=${PROBE_COMPONENT}` },
      (pods) => {
        const state = probeState(pods.find((p) => p.metadata.name === opts.name));
        verdict = state;
        return state.done ? { done: true, progress: 'check finished' } : state;
      },
      { timeoutMs: opts.timeoutMs, description: `pod ${opts.namespace}/${opts.name} (in-mesh check)` }
    );
  } finally {
    await kube
      .delete(ref)
      .catch((err: unknown) => core.warning(`could not delete ${opts.name}: ${String(err)}`));
  }
  if (verdict?.done && verdict.ok) return verdict.message;
  throw new ActionError(
    `productpage in namespace ${opts.namespace} did not answer "${opts.expectText}" to a pod in the mesh: ${verdict?.done ? verdict.message || 'no output' : 'no verdict'}`,
    {
      hint: 'the namespace requires mTLS (PeerAuthentication STRICT); check that every Bookinfo pod has its sidecar and that the destination rules do not disable TLS'
    }
  );
}

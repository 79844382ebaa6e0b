// The curl client the action starts as its in-mesh productpage check (src/bookinfo/probe.ts), modelled:
// no container runs here, so this does what its shell loop does — GET $CHECK_URL from the pod (through
// the pod's sidecar when it has one, so mTLS; plaintext otherwise), up to 30 times 2 s apart, exit 0 on
// HTTP 200 with $CHECK_TEXT in the body, else exit 1 printing the last status and error. Claimed only for
// a curl image with exactly those two variables; any other pod of the image is not modelled.
import type { V1Pod } from '@kubernetes/client-node';
import type { ContainerProgram } from './kubelet.js';
import { resolveHost } from './istioConfig.js';
import { hasSidecar, UpstreamError, type Mesh } from './mesh.js';

const ATTEMPTS = 30;
const INTERVAL_MS = 2000;
const TIMEOUT_MS = 5000;

export function meshProbeProgram(mesh: Mesh, pod: V1Pod): ContainerProgram | undefined {
  const container = (pod.spec?.containers ?? []).find((c) => {
    const names = new Set((c.env ?? []).map((e) => e.name));
    return (
      /curl/.test(c.image ?? '') &&
      c.command?.[0] === 'sh' &&
      names.has('CHECK_URL') &&
      names.has('CHECK_TEXT')
    );
  });
  if (!container) return undefined;
  const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value ?? '']));
  const url = new URL(env.CHECK_URL ?? '');
  const namespace = pod.metadata?.namespace ?? 'default';
  const { service, namespace: serviceNamespace } = resolveHost(url.hostname, namespace);
  const text = env.CHECK_TEXT ?? '';
  return {
    container: container.name,
    async run() {
      let last = 'none';
      let error = '';
      for (let i = 0; i < ATTEMPTS; i++) {
        try {
          const res = await mesh.callService(
            pod,
            serviceNamespace,
            service,
            { method: 'GET', path: `${url.pathname}${url.search}`, headers: { host: url.host }, body: '' },
            TIMEOUT_MS
          );
          last = String(res.status);
          error = '';
          if (res.status === 200 && res.body.includes(text))
            return { exitCode: 0, output: `HTTP 200, ${text}` };
        } catch (err) {
          if (err instanceof UpstreamError && hasSidecar(pod)) {
            // The pod's own Envoy answers for an upstream it could not reach.
            last = String(err.status);
            error = err.message;
          } else {
            // curl's words for a connection its peer reset (what a STRICT sidecar does to plaintext).
            last = '000';
            error = 'curl: (56) Recv failure: Connection reset by peer';
          }
        }
        await new Promise((r) => setTimeout(r, INTERVAL_MS));
      }
      return { exitCode: 1, output: `HTTP ${last} after ${ATTEMPTS} attempts: ${error}` };
    }
  };
}

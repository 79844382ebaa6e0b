// `npm run demo`: the action's main job end to end on the embedded local cluster. Starts the real control
// plane, the simulator and the stand-in Istio release server (test/harness), runs the BUNDLED action
// (dist/index.js) with the demo profile, Bookinfo and a routing variant, prints the outputs and the job
// summary, then requests the gateway URL like `curl` would. Keeps the cluster up until Ctrl-C, or stops
// with --once. Runs the `current` stack (Kubernetes 1.35 + the real istioctl/istiod 1.30.3: the action's
// defaults); --seed runs the seed's (Kubernetes 1.20.2 + stand-in Istio 1.13.3). Options: --routing
// <variant> (default reviews-test-v2; reviews-50-v3 with --ingress gateway-api), --istio-version <v> (default:
// the stack's), --ingress istio-gateway|gateway-api (gateway-api: the namespace's own Gateway, HTTPRoutes),
// --debug (the step's debug lines too). The step's log reads as a runner shows it (harness/runnerLog.ts).
import { readFileSync } from 'node:fs';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { stackNamed } from './cluster/stacks.js';
import { startHarness, type Harness } from './harness/harness.js';
import { runAction } from './harness/runAction.js';
import { outputsTable, RunnerLog } from '../src/cli/runnerLog.js';
import { httpGet } from './harness/http.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}

const once = process.argv.includes('--once');
const started = performance.now();
let harness: Harness | undefined;
let failed = false;
try {
  const stack = stackNamed(
    process.argv.includes('--seed') ? 'seed' : (process.env.ASK_ISTIO_STACK ?? 'current')
  );
  harness = await startHarness({ stack: stack.name, log: (m: string) => console.error(`[demo] ${m}`) });
  const state = harness.state;
  console.error(
    `[demo] stack ${stack.name}: Kubernetes ${state.kubernetesVersion}, Istio ${stack.istio} (${stack.realIstio.includes(stack.istio) ? 'the real istioctl and istiod' : 'stand-in release'})`
  );
  console.error(
    `[demo] cluster + simulator + release server up in ${((performance.now() - started) / 1000).toFixed(1)}s`
  );
  const log = new RunnerLog({ out: (l) => console.log(l), debug: process.argv.includes('--debug') });
  const result = await runAction({
    inputs: {
      kubeconfig: readFileSync(state.kubeconfigPath, 'utf8'),
      'istio-version': arg('istio-version', stack.istio),
      'istio-download-url': state.downloadUrl,
      namespace: arg('namespace', 'bookinfo-demo'),
      ingress: arg('ingress', 'istio-gateway'),
      routing: arg('routing', arg('ingress', '') === 'gateway-api' ? 'reviews-50-v3' : 'reviews-test-v2'),
      'verify-routing': 'true',
      'verify-requests': arg('verify-requests', '100'),
      'wait-timeout': '5m'
    },
    // As a runner shows the step: commands hidden, secrets as ***, groups as headings (--debug: debug lines).
    echo: (chunk, stream) => (stream === 'stdout' ? log.write(chunk) : process.stderr.write(log.mask(chunk)))
  });
  log.end();
  // The CLI's table: each value masked before it is shortened (a cut could leave a secret's start unmasked).
  console.log(['', '=== outputs ===', ...outputsTable(result.outputs, (v) => log.mask(v), 120)].join('\n'));
  console.log('\n=== job summary ===\n' + result.summary);
  if (result.code !== 0) throw new Error(`the action failed (exit ${result.code})`);
  // What a Bookinfo pod really got from the sidecar injector (istiod's own on `current`).
  const kc = new KubeConfig();
  kc.loadFromFile(state.kubeconfigPath);
  const pods = await kc.makeApiClient(CoreV1Api).listNamespacedPod({
    namespace: arg('namespace', 'bookinfo-demo'),
    labelSelector: 'app=productpage'
  });
  const pod = pods.items[0];
  if (pod) {
    const names = (cs: Array<{ name: string; image?: string }> | undefined): string =>
      (cs ?? []).map((c) => `${c.name} (${c.image})`).join(', ');
    console.log(`\n=== pod ${pod.metadata?.name} ===`);
    console.log(`init containers: ${names(pod.spec?.initContainers) || 'none'}`);
    console.log(`containers:      ${names(pod.spec?.containers)}`);
    console.log(
      `sidecar.istio.io/status: ${pod.metadata?.annotations?.['sidecar.istio.io/status'] ?? '(none)'}`
    );
  }
  const url = result.outputs['productpage-url'];
  if (url) {
    const res = await httpGet(url, result.outputs['gateway-host-header']);
    const title = /<title>([^<]*)<\/title>/.exec(res.body)?.[1];
    console.log(`\n$ curl ${url}\nHTTP ${res.status} — <title>${title ?? '?'}</title>`);
  }
  console.log(`\ndemo finished in ${((performance.now() - started) / 1000).toFixed(1)}s`);
} catch (err) {
  failed = true;
  console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
}
if (once || failed || !harness) {
  await harness?.stop();
  process.exit(failed ? 1 : 0);
}
console.log(`cluster running; KUBECONFIG=${harness.state.kubeconfigPath} — Ctrl-C to stop`);
process.once('SIGINT', () => void harness?.stop().then(() => process.exit(0)));

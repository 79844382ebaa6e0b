// `npm run demo`: the action's main job end to end on the embedded local cluster. Starts the real control
// plane, the simulator and the stand-in Istio release server (test/harness), runs the BUNDLED action
// (dist/index.js) with the demo profile, Bookinfo and a routing variant, prints the outputs and the job
// summary, then requests the gateway URL like `curl` would. Keeps the cluster up until Ctrl-C, or stops
// with --once. Options: --routing <variant> (default reviews-test-v2), --istio-version <v> (default 1.13.3).
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { startHarness, type Harness } from './harness/harness.js';
import { runAction } from './harness/runAction.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}

function get(url: string, host?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: host ? { host } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const once = process.argv.includes('--once');
const started = performance.now();
let harness: Harness | undefined;
let failed = false;
try {
  harness = await startHarness({ log: (m: string) => console.error(`[demo] ${m}`) });
  const state = harness.state;
  console.error(
    `[demo] cluster + simulator + release server up in ${((performance.now() - started) / 1000).toFixed(1)}s`
  );
  const result = await runAction({
    inputs: {
      kubeconfig: readFileSync(state.kubeconfigPath, 'utf8'),
      'istio-version': arg('istio-version', '1.13.3'),
      'istio-download-url': state.downloadUrl,
      namespace: arg('namespace', 'bookinfo-demo'),
      routing: arg('routing', 'reviews-test-v2'),
      'verify-routing': 'true',
      'wait-timeout': '5m'
    },
    echo: true
  });
  console.log('\n=== outputs ===');
  for (const [k, v] of Object.entries(result.outputs)) console.log(`${k}=${v}`);
  console.log('\n=== job summary ===\n' + result.summary);
  if (result.code !== 0) throw new Error(`the action failed (exit ${result.code})`);
  const url = result.outputs['productpage-url'];
  if (url) {
    const res = await get(url, result.outputs['gateway-host-header']);
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

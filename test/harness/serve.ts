// Runs the harness in the foreground until Ctrl-C, so e2e tests or the action can be run repeatedly
// against one cluster:  node --import ./test/register-ts.mjs test/harness/serve.ts
// then, in another shell, export the printed ASK_ISTIO_HARNESS_STATE and run jest (globalSetup reuses it).
import { startHarness } from './harness.js';
import { STATE_ENV } from './state.js';

const harness = await startHarness({
  simulator: !process.argv.includes('--no-simulator'),
  releaseServer: !process.argv.includes('--no-release')
});
process.stdout.write(
  `export ${STATE_ENV}=${harness.statePath}\nexport KUBECONFIG=${harness.state.kubeconfigPath}\n`
);
let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    if (stopping) return;
    stopping = true;
    void harness.stop().then(() => process.exit(0));
  });
}

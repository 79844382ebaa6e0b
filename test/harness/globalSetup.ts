// jest globalSetup for the `e2e` project: starts the harness once for all e2e files. globalSetup and
// globalTeardown run in the same (parent) process, so the handle is kept on globalThis for the teardown.
// When ASK_ISTIO_HARNESS_STATE already names a live harness (started with test/harness/serve.ts), reuse it.
//
// jest imports this file with Node's own loader (Node 24 strips the types), not through its module sandbox,
// so moduleNameMapper does not apply: local modules are imported only after the `.js` → `.ts` resolve hook
// of test/register-ts.mjs is registered, and only type imports appear at the top.
import { existsSync } from 'node:fs';
import type { Harness } from './harness.js';

/** Must match globalTeardown.ts (kept literal there too: that file cannot import this one statically). */
const HANDLE_KEY = '__askIstioHarness';
const STATE_ENV = 'ASK_ISTIO_HARNESS_STATE';

export default async function globalSetup(): Promise<void> {
  const existing = process.env[STATE_ENV];
  if (existing && existsSync(existing)) {
    process.stderr.write(`[harness] reusing the harness described by ${existing}\n`);
    return;
  }
  await import(new URL('../register-ts.mjs', import.meta.url).href);
  const { startHarness } = await import('./harness.js');
  const harness: Harness = await startHarness({
    // Parts may be left out for a control-plane-only run: ASK_ISTIO_HARNESS_PARTS=cluster.
    ...(process.env.ASK_ISTIO_HARNESS_PARTS === 'cluster' ? { simulator: false, releaseServer: false } : {})
  });
  (globalThis as Record<string, unknown>)[HANDLE_KEY] = harness;
  process.stderr.write(
    `\n[harness] control plane up in ${harness.state.startupMs} ms ${JSON.stringify(harness.state.timings)}\n`
  );
}

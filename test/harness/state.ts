// What tests know about the running harness. Tests run in jest's module sandbox (and `npm run demo` in its
// own process), so the harness hands its facts over as a JSON file named by ASK_ISTIO_HARNESS_STATE.
import { existsSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { Stack } from '../cluster/stacks.js';

export const STATE_ENV = 'ASK_ISTIO_HARNESS_STATE';
export const SIMULATOR_NAMESPACE = 'ask-istio-sim';

export interface HarnessState {
  /** Admin kubeconfig (context `ask-istio-test`). */
  kubeconfigPath: string;
  /** https://127.0.0.1:PORT */
  server: string;
  /** Directory of kube-apiserver / kube-controller-manager. */
  binDir: string;
  /** Scratch directory of this harness run (cluster files, releases, logs). */
  workDir: string;
  /** Stand-in release server, e.g. http://127.0.0.1:PORT ('' when it is not running). */
  releaseBaseUrl: string;
  /** Value for the `istio-download-url` input: `${releaseBaseUrl}/download`. */
  downloadUrl: string;
  simulatorNamespace: typeof SIMULATOR_NAMESPACE;
  /** Which parts started; a part missing here means the tests that need it cannot run. */
  components: { controlPlane: true; simulator: boolean; releaseServer: boolean };
  /**
   * Harness control endpoint (http://127.0.0.1:PORT): `POST /restart-apiserver` restarts the real
   * kube-apiserver process (same flags, same etcd) and answers once it is ready again. Tests run in
   * jest's sandbox, so they reach the harness through HTTP rather than through objects.
   */
  controlUrl: string;
  /** Control-plane start-up time and its phases, for reports. */
  startupMs: number;
  timings: Record<string, number>;
  /** The matrix entry this harness runs (test/cluster/stacks.ts). */
  stack: Stack;
  /** What the apiserver's /version reports, e.g. v1.35.4. */
  kubernetesVersion: string;
  /** Real Istio builds by version: directory with bin/istioctl, bin/pilot-discovery and tree/. */
  realIstio: Record<string, string>;
}

export function readHarnessState(): HarnessState {
  const path = process.env[STATE_ENV];
  if (!path) {
    throw new Error(
      `${STATE_ENV} is not set: the e2e tests need the harness. Run them through the jest project "e2e" ` +
        '(its globalSetup starts the harness) or start it with `node --import ./test/register-ts.mjs test/harness/serve.ts`.'
    );
  }
  if (!existsSync(path))
    throw new Error(`${STATE_ENV} names ${path}, which does not exist (harness stopped?)`);
  const state = JSON.parse(readFileSync(path, 'utf8')) as Partial<HarnessState>;
  for (const key of ['kubeconfigPath', 'server', 'binDir', 'workDir'] as const) {
    if (typeof state[key] !== 'string' || state[key] === '')
      throw new Error(`harness state ${path} lacks "${key}"`);
  }
  return state as HarnessState;
}

/**
 * A namespace name no other test (or earlier run against the same cluster) uses: `<prefix>-<base36 time>-<random>`,
 * a valid DNS-1123 label of at most 63 characters.
 */
export function newNamespace(prefix: string): string {
  const clean =
    prefix
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'ns';
  const suffix = `${Date.now().toString(36).slice(-5)}-${randomBytes(3).toString('hex')}`;
  const head = clean.slice(0, 63 - suffix.length - 1).replace(/-+$/, '');
  return `${head}-${suffix}`;
}

/**
 * For scenarios that exist on one matrix entry only (e.g. PodSecurityPolicy on 1.20, the real istiod on
 * current): `describeOn(['seed'], describe)('...', () => …)` runs the block there and skips it elsewhere,
 * so the skip shows in jest's summary with the block's name.
 */
export function describeOn<D extends { skip: unknown }>(
  stacks: ReadonlyArray<Stack['name']>,
  describe: D
): D {
  const here = process.env.ASK_ISTIO_HARNESS_STATE ? readHarnessState().stack.name : undefined;
  return (here && stacks.includes(here) ? describe : describe.skip) as D;
}

// Secrets never leak. Every path of the bundled action — success, failures before and after authentication,
// dry run, and the Alibaba Cloud access-key (+ STS token) way including a rejected key — runs with debug
// logging on (ACTIONS_STEP_DEBUG / RUNNER_DEBUG) and known secret values: a real ServiceAccount token, a
// generated private key (client-key-data), an AccessKey secret, an STS token and a GitHub token. None may
// appear in stdout, stderr, any file-command file (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_ENV,
// GITHUB_STEP_SUMMARY), nor in the runner temp directory once the post step ran — also not as base64,
// nor any single line of the multi-line key. Each must be registered with `::add-mask::`.
// Also: the kubeconfig the main step writes is 0600 while the job runs and gone after the post step.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dump, load } from 'js-yaml';
import { CoreV1Api, KubeConfig, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { kubeconfigForServiceAccount } from '../../test/cluster/controlPlane.js';
import { startAliyunFakes, type AliyunFakes } from '../../test/fakes/aliyun.js';
import { prependRules, setRules } from '../../test/harness/behaviour.js';
import { newNamespace, readHarnessState } from '../../test/harness/state.js';
import { node24, runAction, type RunActionResult, actionErrors } from '../../test/harness/runAction.js';

const state = readHarnessState();
const adminKc = new KubeConfig();
adminKc.loadFromFile(state.kubeconfigPath);
const core = adminKc.makeApiClient(CoreV1Api);
const rbac = adminKc.makeApiClient(RbacAuthorizationV1Api);

const NS = newNamespace('security');
const NEVER_READY_NS = newNamespace('security-never-ready');
const SA_NAMESPACE = 'security-e2e-auth';
const SA_NAME = 'deployer';
const BINDING = 'security-e2e-deployer-admin';
const CLUSTER_ID = 'c0e2esecurity0000000000000000001';

// Known secret values. Random per run so a hit cannot come from some fixture text.
const GITHUB_TOKEN = `ghp_${randomBytes(18).toString('hex')}`;
const ACCESS_KEY_ID = `STS.${randomBytes(8).toString('hex')}`;
const ACCESS_KEY_SECRET = `sk-${randomBytes(15).toString('base64url')}`;
const WRONG_SECRET = `wrong-${randomBytes(15).toString('base64url')}`;
const STS_TOKEN = `CAIS${randomBytes(48).toString('base64')}`;
// A real private key (never used to authenticate): multi-line PEM whose every body line must stay hidden.
const KEY_PEM = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
  type: 'pkcs8',
  format: 'pem'
}) as string;
const KEY_B64 = Buffer.from(KEY_PEM).toString('base64');
const KEY_LINES = KEY_PEM.split('\n').filter((l) => l.length > 8 && !l.startsWith('-----'));

let token = '';
let kubeconfigYaml = '';
let fakes: AliyunFakes;

interface KubeconfigDoc {
  contexts: Array<{ name: string; context: { cluster: string; user: string } }>;
  users: Array<{ name: string; user: Record<string, string> }>;
}

beforeAll(async () => {
  // A real ServiceAccount token with cluster-admin: the action must deploy with it, so masking is tested
  // on the credential that actually travels to the API server, not on a dummy.
  const saPath = await kubeconfigForServiceAccount(state.kubeconfigPath, SA_NAME, SA_NAMESPACE);
  await rbac.deleteClusterRoleBinding({ name: BINDING }).catch(() => undefined);
  await rbac.createClusterRoleBinding({
    body: {
      metadata: { name: BINDING },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'ServiceAccount', name: SA_NAME, namespace: SA_NAMESPACE }]
    }
  });
  const doc = load(readFileSync(saPath, 'utf8')) as KubeconfigDoc;
  const user = doc.users[0];
  const context = doc.contexts[0];
  if (!user?.user.token || !context) throw new Error(`${saPath} has no token user/context`);
  token = user.user.token;
  // A client key next to a token would make the TLS client present a certificate it cannot match, so the
  // key lives in a second, unused user entry (with its own context): still part of the input, still secret.
  doc.users.push({ name: 'break-glass', user: { 'client-key-data': KEY_B64 } });
  doc.contexts.push({
    name: 'break-glass',
    context: { cluster: context.context.cluster, user: 'break-glass' }
  });
  kubeconfigYaml = dump({ ...doc, 'current-context': context.name }, { lineWidth: -1 });

  fakes = await startAliyunFakes({
    kubeconfigFor: (id) => (id === CLUSTER_ID ? kubeconfigYaml : undefined),
    accessKeys: { [ACCESS_KEY_ID]: { secret: ACCESS_KEY_SECRET, securityToken: STS_TOKEN } }
  });
});

afterAll(async () => {
  await fakes?.close();
  await rbac.deleteClusterRoleBinding({ name: BINDING }).catch(() => undefined);
  for (const name of [NS, NEVER_READY_NS, SA_NAMESPACE])
    await core.deleteNamespace({ name }).catch(() => undefined);
});

/** Every known secret in every form it could leak in. */
function secretForms(): Array<[string, string]> {
  return [
    ['service account token', token],
    ['base64 of the token', Buffer.from(token).toString('base64')],
    ['client-key-data', KEY_B64],
    ...KEY_LINES.map((l, i): [string, string] => [`line ${i + 1} of the client key`, l]),
    ['GitHub token', GITHUB_TOKEN],
    ['AccessKey secret', ACCESS_KEY_SECRET],
    ['wrong AccessKey secret', WRONG_SECRET],
    ['STS token', STS_TOKEN],
    ['base64 of the STS token', Buffer.from(STS_TOKEN).toString('base64')]
  ];
}

/** All files below `dir` (the run's file-command files, or the runner temp directory). */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

/**
 * What a user (or a later step) can read: both steps' output except the `::add-mask::` instructions (the
 * runner consumes those and never shows them), and every file-command file of the run, raw.
 */
function readable(r: RunActionResult): Array<[string, string]> {
  const out: Array<[string, string]> = [
    [
      'stdout',
      r.stdout
        .split('\n')
        .filter((l) => !l.startsWith('::add-mask::'))
        .join('\n')
    ],
    ['stderr', r.stderr]
  ];
  const runDir = dirname(r.runnerTemp);
  for (const f of readdirSync(runDir)) {
    const p = join(runDir, f);
    if (statSync(p).isFile()) out.push([f, readFileSync(p, 'utf8')]);
  }
  return out;
}

function expectNoLeak(texts: Array<[string, string]>): void {
  const leaks: string[] = [];
  for (const [what, secret] of secretForms()) {
    expect(secret.length).toBeGreaterThan(8);
    for (const [where, text] of texts) if (text.includes(secret)) leaks.push(`${what} in ${where}`);
  }
  expect(leaks).toEqual([]);
}

function masked(r: RunActionResult): string[] {
  return r.commands.filter((c) => c.command === 'add-mask').map((c) => c.message);
}

const DEBUG = { ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' };

function base(extra: Record<string, string>): Record<string, string> {
  return {
    'istio-version': state.stack.istio,
    'istio-download-url': state.downloadUrl,
    'github-token': GITHUB_TOKEN,
    namespace: NS,
    'gateway-hosts': `${NS}.bookinfo.test`,
    routing: 'all-v1',
    'wait-timeout': '4m',
    ...extra
  };
}

function run(inputs: Record<string, string>, post = true): Promise<RunActionResult> {
  return runAction({ inputs: base(inputs), env: DEBUG, post, timeoutMs: 240_000 });
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** Runs dist/post.js on its own, as the runner does at the end of the job, with the main step's state. */
function runPost(r: RunActionResult): { code: number | null; output: string } {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    GITHUB_ACTIONS: 'true',
    RUNNER_TEMP: r.runnerTemp,
    ...DEBUG
  };
  for (const [k, v] of Object.entries(r.state)) env[`STATE_${k}`] = v;
  const p = spawnSync(node24(), [join(root, 'dist', 'post.js')], { env, encoding: 'utf8', timeout: 60_000 });
  return { code: p.status, output: `${p.stdout}${p.stderr}` };
}

/** The action's kubeconfig (and nothing else holding a secret) must be gone from RUNNER_TEMP after post. */
function expectRunnerTempClean(r: RunActionResult): void {
  const texts = filesUnder(r.runnerTemp)
    .filter((f) => statSync(f).size < 5_000_000)
    .map((f): [string, string] => [f, readFileSync(f, 'latin1')]);
  expectNoLeak(texts);
}

describe('secrets never leak', () => {
  it('success with a ServiceAccount token kubeconfig (raw): 0600 kubeconfig, removed by post', async () => {
    const r = await run({ kubeconfig: kubeconfigYaml, 'verify-routing': 'true' }, false);
    if (r.code !== 0) throw new Error(`the action failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
    // The deploy really used the token: Bookinfo runs and the gateway answered.
    expect(r.outputs['namespace']).toBe(NS);
    expect(r.outputs['smoke-status']).toBe('passed');
    const verification = JSON.parse(r.outputs['verification'] ?? '{}') as {
      pass?: boolean;
      identities?: Array<{ observed?: Record<string, number>; requests?: number }>;
    };
    expect(verification.pass).toBe(true);
    expect(verification.identities?.[0]?.observed?.['v1']).toBe(verification.identities?.[0]?.requests);
    expect(r.stdout).toContain('::debug::');
    const path = r.state['kubeconfig-path'] ?? '';
    expect(dirname(path)).toBe(r.runnerTemp);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    // The file holds the credential (it is the one the action used) — which is why it must not outlive the job.
    expect(readFileSync(path, 'utf8')).toContain(token);
    expect(masked(r)).toEqual(
      expect.arrayContaining([token, b64(token), KEY_B64, ...KEY_LINES, GITHUB_TOKEN])
    );
    expectNoLeak(readable(r));

    // Negative control: the scanner does find the token and the key in the kubeconfig file, so a clean
    // result after post means the file is gone, not that the scan is blind.
    expect(() => expectRunnerTempClean(r)).toThrow(/service account token in .*client-key-data in/s);

    const post = runPost(r);
    expect(post.code).toBe(0);
    expect(post.output).toContain('Removed the kubeconfig');
    expect(existsSync(path)).toBe(false);
    expectNoLeak([['post output', post.output]]);
    expectRunnerTempClean(r);
  });

  it('dry run (base64 kubeconfig) changes nothing and leaks nothing', async () => {
    const r = await run({ kubeconfig: b64(kubeconfigYaml), 'dry-run': 'true', 'verify-routing': 'false' });
    if (r.code !== 0) throw new Error(`the dry run failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
    expect(r.kubeStats).toMatchObject({ writes: 0 });
    expect(masked(r)).toEqual(expect.arrayContaining([token, KEY_B64, ...KEY_LINES, GITHUB_TOKEN]));
    expectNoLeak(readable(r));
    expectRunnerTempClean(r);
  });

  it('failure after auth: Istio 1.13.9 is not released (404)', async () => {
    const r = await run({ kubeconfig: b64(kubeconfigYaml), 'istio-version': '1.13.9' });
    expect(r.code).not.toBe(0);
    expect(actionErrors(r)).toMatch(/1\.13\.9/);
    expect(actionErrors(r)).toMatch(/404|not found/i);
    // Authentication had happened (the kubeconfig was written), and post removed it.
    const path = r.state['kubeconfig-path'] ?? '';
    expect(path).not.toBe('');
    expect(existsSync(path)).toBe(false);
    expect(masked(r)).toEqual(expect.arrayContaining([token, KEY_B64, ...KEY_LINES, GITHUB_TOKEN]));
    expectNoLeak(readable(r));
    expectRunnerTempClean(r);
  });

  it('failure during auth: a context the kubeconfig does not have', async () => {
    const r = await run({ kubeconfig: kubeconfigYaml, context: 'no-such-context' });
    expect(r.code).not.toBe(0);
    expect(actionErrors(r)).toMatch(/context "no-such-context" is not in the kubeconfig/);
    expect(masked(r)).toEqual(expect.arrayContaining([token, KEY_B64, ...KEY_LINES, GITHUB_TOKEN]));
    expectNoLeak(readable(r));
    expectRunnerTempClean(r);
  });

  it('failure mid-deploy: a pod that never becomes ready exceeds wait-timeout', async () => {
    const saved = await prependRules([
      { namespace: NEVER_READY_NS, app: 'ratings', behaviour: { fault: 'never-ready' } }
    ]);
    try {
      const r = await run({
        kubeconfig: kubeconfigYaml,
        namespace: NEVER_READY_NS,
        // Its own host: with the shared one, istioctl analyze (the real one: IST0145) reports the conflict.
        'gateway-hosts': `${NEVER_READY_NS}.bookinfo.test`,
        'smoke-test': 'false',
        'verify-routing': 'false',
        'wait-timeout': '15s'
      });
      expect(r.code).not.toBe(0);
      expect(`${actionErrors(r)}\n${r.stdout}`).toMatch(/timed out after/);
      expect(existsSync(r.state['kubeconfig-path'] ?? '')).toBe(false);
      expectNoLeak(readable(r));
      expectRunnerTempClean(r);
    } finally {
      await setRules(saved);
    }
  });

  describe('Alibaba Cloud access key with STS token', () => {
    const aliyun = (secret: string): Record<string, string> => ({
      'access-key-id': ACCESS_KEY_ID,
      'access-key-secret': secret,
      'security-token': STS_TOKEN,
      'region-id': 'cn-hangzhou',
      'cluster-id': CLUSTER_ID,
      'ack-endpoint': fakes.ackEndpoint,
      'verify-routing': 'false'
    });

    it('fetches the kubeconfig from ACK and deploys; the kubeconfig credentials it returned are masked too', async () => {
      const before = fakes.requests.length;
      const r = await run(aliyun(ACCESS_KEY_SECRET));
      if (r.code !== 0) throw new Error(`the action failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
      const calls = fakes.requests.slice(before);
      expect(calls.map((c) => `${c.service}:${c.status}`)).toEqual(['ack:200']);
      expect(calls[0]?.headers['x-acs-security-token']).toBe(STS_TOKEN);
      expect(r.outputs['namespace']).toBe(NS);
      expect(masked(r)).toEqual(
        expect.arrayContaining([ACCESS_KEY_SECRET, STS_TOKEN, token, KEY_B64, ...KEY_LINES, GITHUB_TOKEN])
      );
      expect(existsSync(r.state['kubeconfig-path'] ?? '')).toBe(false);
      expectNoLeak(readable(r));
      expectRunnerTempClean(r);
    });

    it('a wrong secret fails with ACK’s reason and without the secret', async () => {
      const before = fakes.requests.length;
      const r = await run(aliyun(WRONG_SECRET));
      expect(r.code).not.toBe(0);
      expect(fakes.requests.slice(before).map((c) => c.code)).toContain('SignatureDoesNotMatch');
      expect(actionErrors(r)).toMatch(/SignatureDoesNotMatch|signature/i);
      expect(masked(r)).toEqual(expect.arrayContaining([WRONG_SECRET, STS_TOKEN, GITHUB_TOKEN]));
      expect(r.state['kubeconfig-path']).toBeUndefined();
      expectNoLeak(readable(r));
      expectRunnerTempClean(r);
    });
  });
});

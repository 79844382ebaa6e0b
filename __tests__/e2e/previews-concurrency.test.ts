// Several previews sharing one mesh and one ingress gateway, through the bundled action: three previews
// deployed at once (distinct namespaces, hosts and routing) each pass routing verification through the
// gateway and Istio is installed at most once; tearing one down and pruning another leave the rest
// serving; two runs for the same preview at once both end green without duplicating anything; and the
// PR comment is created once and then updated in place, against a local stand-in for the GitHub API.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kube } from '../../src/kube/index.js';
import { startGithubFake, type GithubFake } from '../../test/fakes/github.js';
import { runAction, type RunActionResult, expectActionSuccess } from '../../test/harness/runAction.js';
import { readHarnessState } from '../../test/harness/state.js';

const state = readHarnessState();
const kubeconfig = readFileSync(state.kubeconfigPath, 'utf8');
const suffix = randomBytes(3).toString('hex');
// A and B are plain previews; C is "pull request N" of a pull_request event and comments on it.
const PR = 100 + (randomBytes(2).readUInt16BE() % 9000);
const ids = { a: `ca-${suffix}`, b: `cb-${suffix}`, c: String(PR) };
const ns = (id: string) => `bookinfo-pr-${id}`;
const host = (id: string) => `pr-${id}.previews.example.com`;
const GH_TOKEN = 'ghs_e2eFakeInstallationToken';
const BOOKINFO = ['details-v1', 'productpage-v1', 'ratings-v1', 'reviews-v1', 'reviews-v2', 'reviews-v3'];

let kube: Kube;
let gh: GithubFake;
let prEnv: Record<string, string>;
let istiodBefore: string | undefined;

function action(inputs: Record<string, string>, env?: Record<string, string>): Promise<RunActionResult> {
  return runAction({
    inputs: {
      kubeconfig,
      'istio-version': state.stack.istio,
      'istio-download-url': state.downloadUrl,
      'wait-timeout': '4m',
      'gateway-hosts': 'pr-{id}.previews.example.com',
      ...inputs
    },
    post: false,
    ...(env ? { env } : {})
  });
}

/** Whether this run executed `istioctl install` (rather than finding Istio installed, before or under the lease). */
const installedIstio = (r: RunActionResult): boolean =>
  !/Istio: skip —/.test(r.stdout) && !r.stdout.includes('Istio was installed meanwhile by another run');

function get(url: string, hostHeader: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host: hostHeader } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

const nsExists = async (name: string): Promise<boolean> =>
  (await kube.get({ apiVersion: 'v1', kind: 'Namespace', name })) !== undefined;

async function expectServing(r: RunActionResult, id: string): Promise<void> {
  expect({ id, status: await get(r.outputs['productpage-url'] ?? '', host(id)) }).toEqual({
    id,
    status: 200
  });
}

const istiodUid = async () =>
  (await kube.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'istio-system', name: 'istiod' }))
    ?.metadata.uid;

beforeAll(async () => {
  kube = await Kube.connect({
    kubeconfigPath: state.kubeconfigPath,
    fieldManager: 'previews-concurrency-e2e'
  });
  gh = await startGithubFake({ tokens: [GH_TOKEN] });
  const dir = mkdtempSync(join(tmpdir(), 'pr-event-'));
  const eventPath = join(dir, 'event.json');
  writeFileSync(
    eventPath,
    JSON.stringify({ action: 'synchronize', number: PR, pull_request: { number: PR } })
  );
  prEnv = {
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_API_URL: gh.apiUrl,
    GITHUB_TOKEN: GH_TOKEN
  };
  istiodBefore = await istiodUid();
});

afterAll(async () => {
  for (const id of Object.values(ids))
    await kube?.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns(id) }).catch(() => false);
  await gh?.stop();
  await kube?.close();
});

describe('concurrent previews on one gateway', () => {
  const results: Record<string, RunActionResult> = {};

  it('three previews deployed at once all pass routing verification; Istio is installed at most once', async () => {
    const [a, b, c] = await Promise.all([
      action({ 'preview-id': ids.a, routing: 'reviews-v3' }),
      action({ 'preview-id': ids.b, routing: 'reviews-test-v2' }),
      // preview-id: auto takes the number from the pull_request event; the action comments on that PR.
      action({ 'preview-id': 'auto', routing: 'reviews-50-v3', 'comment-on-pr': 'true' }, prEnv)
    ]);
    for (const r of [a, b, c]) expectActionSuccess(r as RunActionResult);
    Object.assign(results, { a, b, c });

    for (const [key, id] of Object.entries(ids)) {
      const r = results[key] as RunActionResult;
      expect(r.outputs.namespace).toBe(ns(id));
      expect(r.outputs['gateway-host-header']).toBe(host(id));
      expect((JSON.parse(r.outputs.verification ?? '{}') as { pass?: boolean }).pass).toBe(true);
    }
    // One gateway: the same address for all three, told apart by the Host header only.
    expect(new Set([a, b, c].map((r) => r?.outputs['gateway-url'])).size).toBe(1);
    for (const [key, id] of Object.entries(ids)) await expectServing(results[key] as RunActionResult, id);

    // Either Istio was there already (nobody installs) or exactly one run installed it under the lease.
    expect([a, b, c].filter((r) => installedIstio(r as RunActionResult))).toHaveLength(istiodBefore ? 0 : 1);
    if (istiodBefore) expect(await istiodUid()).toBe(istiodBefore);
  });

  it('the PR comment was created on the pull request with the preview URL and verification', () => {
    const comments = gh.comments('octo-org', 'demo', PR);
    expect(comments).toHaveLength(1);
    const body = comments[0]?.body ?? '';
    expect(body.startsWith(`<!-- ask-istio-action:${ns(ids.c)} -->`)).toBe(true);
    expect(body).toContain(`| Productpage | ${results.c?.outputs['productpage-url']} |`);
    expect(body).toContain(`-H 'Host: ${host(ids.c)}'`);
    expect(body).toContain('`reviews-50-v3`');
    expect(body).toMatch(/\| anonymous \| \{"v1":50,"v3":50\} \| .* \| ✅ pass \|/);
    // Look for the marker, create, then look again (a run racing for the same PR would have left a duplicate).
    expect(gh.requests.map((r) => `${r.method} ${r.status}`)).toEqual(['GET 200', 'POST 201', 'GET 200']);
    expect(gh.requests.every((r) => r.token === GH_TOKEN)).toBe(true);
  });

  it('two runs for the same preview at once both succeed, duplicate nothing and update the one comment', async () => {
    const firstId = gh.comments('octo-org', 'demo', PR)[0]?.id;
    const runs = await Promise.all([
      action({ 'preview-id': 'auto', routing: 'reviews-v3', 'comment-on-pr': 'true' }, prEnv),
      action({ 'preview-id': 'auto', routing: 'reviews-v3', 'comment-on-pr': 'true' }, prEnv)
    ]);
    for (const r of runs) expectActionSuccess(r);
    for (const r of runs) {
      expect(r.outputs.namespace).toBe(ns(ids.c));
      expect((JSON.parse(r.outputs.verification ?? '{}') as { pass?: boolean }).pass).toBe(true);
      expect(installedIstio(r)).toBe(false);
    }
    const deployments = await kube.list('apps/v1', 'Deployment', { namespace: ns(ids.c) });
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(BOOKINFO);
    const pods = await kube.list('v1', 'Pod', { namespace: ns(ids.c) });
    expect(pods.filter((p) => !p.metadata.deletionTimestamp)).toHaveLength(BOOKINFO.length);
    await expectServing(runs[0] as RunActionResult, ids.c);

    const comments = gh.comments('octo-org', 'demo', PR);
    expect(comments.map((c) => c.id)).toEqual([firstId]);
    expect(comments[0]?.body).toContain('`reviews-v3`');
    expect(comments[0]?.body).not.toContain('`reviews-50-v3`');
    expect(gh.requests.filter((r) => r.method === 'PATCH').map((r) => r.status)).toEqual([200, 200]);
  });

  it('tearing down one preview leaves the other two serving', async () => {
    expectActionSuccess(await action({ mode: 'teardown', 'preview-id': ids.a }));
    expect(await nsExists(ns(ids.a))).toBe(false);
    expect(await nsExists(ns(ids.b))).toBe(true);
    expect(await nsExists(ns(ids.c))).toBe(true);
    expect(await get(results.a?.outputs['productpage-url'] ?? '', host(ids.a))).toBe(404);
    await expectServing(results.b as RunActionResult, ids.b);
    await expectServing(results.c as RunActionResult, ids.c);
  });

  it('prune removes only the preview older than the limit', async () => {
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000).toISOString();
    await kube.apply(
      [
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: ns(ids.b), annotations: { 'ask-istio.dev/created-at': twoHoursAgo } }
        }
      ],
      { force: true }
    );
    const r = await action({ mode: 'prune', 'prune-older-than': '1h', 'gateway-hosts': '*' });
    expectActionSuccess(r);
    expect(r.summary).toContain(ns(ids.b));
    expect(await nsExists(ns(ids.b))).toBe(false);
    expect(await nsExists(ns(ids.c))).toBe(true);
    await expectServing(results.c as RunActionResult, ids.c);
  });
});

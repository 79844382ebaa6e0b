// The action's main job end to end: the BUNDLED action (dist/index.js + dist/post.js) against the harness
// cluster and the stand-in Istio releases. The tests in this file build on each other (one shared tool
// cache, one Bookinfo namespace) and run in order: 1.13.2 first, then the upgrade to 1.13.3, so the file
// always leaves a healthy Istio 1.13.3 behind for the e2e files that run after it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type V1Pod,
  type V1Service
} from '@kubernetes/client-node';
import { setBehaviour } from '../../test/harness/behaviour.js';
import { runningContainerStatuses } from '../../test/harness/pods.js';
import { newNamespace, readHarnessState } from '../../test/harness/state.js';
import {
  runAction,
  type RunActionOptions,
  type RunActionResult,
  expectActionSuccess,
  actionErrors
} from '../../test/harness/runAction.js';

const state = readHarnessState();
const kc = new KubeConfig();
kc.loadFromFile(state.kubeconfigPath);
const core = kc.makeApiClient(CoreV1Api);
const apps = kc.makeApiClient(AppsV1Api);
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const kubeconfigYaml = readFileSync(state.kubeconfigPath, 'utf8');

const NS = newNamespace('action-deploy');
const KUBECONFIG_PREFIX = 'ask-istio-kubeconfig-';
const scratch = mkdtempSync(join(tmpdir(), 'action-deploy-e2e-'));
/** One tool cache for the whole file: the first run fills it, later runs must not download again. */
const toolCache = join(scratch, 'tool-cache');
/** The first deploy's run id; the no-op test is a different workflow run of the same commit. */
const RUN_ID = String(Date.now());

/** Inputs every run shares; tests override what they are about. */
function inputs(extra: Record<string, string> = {}): Record<string, string> {
  return {
    kubeconfig: kubeconfigYaml,
    'istio-version': state.stack.istio,
    'istio-download-url': state.downloadUrl,
    namespace: NS,
    // Its own host: other files' namespaces share the one ingress gateway (a `*` host would be ambiguous).
    'gateway-hosts': `${extra.namespace ?? NS}.bookinfo.test`,
    routing: 'reviews-v2-v3',
    'verify-routing': 'true',
    'verify-requests': '10',
    'wait-timeout': '3m',
    ...extra
  };
}

function run(extra: Record<string, string>, opts: Partial<RunActionOptions> = {}): Promise<RunActionResult> {
  return runAction({ inputs: inputs(extra), toolCache, timeoutMs: 240_000, ...opts });
}

/**
 * Raw GET against the apiserver (discovery and generic lists, which the typed clients do not cover). A 429
 * ("storage is (re)initializing" right after a CRD appears) is retried, as any client would.
 */
async function apiGet<T>(path: string): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await apiGetOnce<T>(path);
    } catch (err) {
      if (attempt >= 20 || !/HTTP 429/.test(String(err))) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

async function apiGetOnce<T>(path: string): Promise<T> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('harness kubeconfig has no current cluster');
  const url = new URL(path, cluster.server);
  const opts: Parameters<typeof httpsRequest>[1] = { method: 'GET', headers: {} };
  await kc.applyToHTTPSOptions(opts);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, opts, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        if ((res.statusCode ?? 0) >= 300)
          reject(new Error(`GET ${path}: HTTP ${res.statusCode} ${body.slice(0, 300)}`));
        else resolve(JSON.parse(body) as T);
      });
    });
    req.on('error', reject);
    req.end();
  });
}

interface ApiResourceList {
  groupVersion: string;
  resources: Array<{ name: string; namespaced: boolean; verbs: string[] }>;
}

/** Every namespaced, listable resource type the apiserver serves (preferred versions), found by discovery. */
async function namespacedResources(): Promise<string[]> {
  const lists: ApiResourceList[] = [await apiGet<ApiResourceList>('/api/v1')];
  const groups = await apiGet<{ groups: Array<{ preferredVersion: { groupVersion: string } }> }>('/apis');
  for (const g of groups.groups)
    lists.push(await apiGet<ApiResourceList>(`/apis/${g.preferredVersion.groupVersion}`));
  const out: string[] = [];
  for (const l of lists) {
    const base = l.groupVersion === 'v1' ? '/api/v1' : `/apis/${l.groupVersion}`;
    for (const r of l.resources) {
      // Events are the cluster's diary, not state the action manages; they change whenever anything happens.
      if (!r.namespaced || r.name.includes('/') || !r.verbs.includes('list') || r.name === 'events') continue;
      out.push(`${base}|${r.name}`);
    }
  }
  return out;
}

/** kind/name → resourceVersion of everything in the given namespaces: any write shows up as a change. */
async function snapshot(namespaces: string[]): Promise<Map<string, string>> {
  const snap = new Map<string, string>();
  for (const ns of namespaces) {
    for (const entry of await namespacedResources()) {
      const [base, resource] = entry.split('|') as [string, string];
      let list: {
        items?: Array<{
          metadata?: { name?: string; resourceVersion?: string; managedFields?: Array<{ manager?: string }> };
        }>;
      };
      try {
        list = await apiGet(`${base}/namespaces/${ns}/${resource}`);
      } catch (err) {
        if (/HTTP 404/.test(String(err))) continue; // namespace absent: nothing to snapshot
        throw err;
      }
      for (const item of list.items ?? []) {
        // What the real istiod writes on its own, all the time (leader-election ConfigMaps and Leases, its
        // IP auto-allocation state): objects only pilot-discovery manages are the control plane's, not the
        // action's writes.
        const managers = new Set((item.metadata?.managedFields ?? []).map((f) => f.manager ?? ''));
        if (managers.size > 0 && [...managers].every((m) => m.startsWith('pilot-discovery'))) continue;
        snap.set(`${ns} ${base}/${resource}/${item.metadata?.name}`, item.metadata?.resourceVersion ?? '');
      }
    }
  }
  return snap;
}

/**
 * A baseline snapshot once the cluster is quiet: the simulator reacts to behaviour changes of earlier tests
 * asynchronously (re-writing pod status), which must not be mistaken for writes by the action under test.
 */
async function settledSnapshot(namespaces: string[]): Promise<Map<string, string>> {
  let last = await snapshot(namespaces);
  for (let i = 0; i < 10; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    const next = await snapshot(namespaces);
    if (diff(last, next).length === 0) return next;
    last = next;
  }
  throw new Error(`the cluster did not settle: ${diff(last, await snapshot(namespaces)).join('; ')}`);
}

function diff(before: Map<string, string>, after: Map<string, string>): string[] {
  const changes: string[] = [];
  for (const [k, v] of before)
    if (after.get(k) !== v) changes.push(`${k}: ${v} -> ${after.get(k) ?? 'deleted'}`);
  for (const k of after.keys()) if (!before.has(k)) changes.push(`${k}: created`);
  return changes;
}

/** The pilot image a release's charts render (1.13: docker.io/istio, 1.29+: registry.istio.io/release). */
function istiodImageFor(version: string): string {
  const minor = Number(version.split('.')[1]);
  return `${minor >= 30 || version.startsWith('1.29') ? 'registry.istio.io/release' : 'docker.io/istio'}/pilot:${version}`;
}

async function istiodImage(): Promise<string> {
  const d = await apps.readNamespacedDeployment({ name: 'istiod', namespace: 'istio-system' });
  return d.spec?.template.spec?.containers[0]?.image ?? '';
}

async function ingressService(): Promise<V1Service> {
  return core.readNamespacedService({ name: 'istio-ingressgateway', namespace: 'istio-system' });
}

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await check();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Drops the gateway's LB address, so the simulated cloud LB assigns one again under the current lb.json. */
async function clearLoadBalancerStatus(): Promise<void> {
  await core.patchNamespacedServiceStatus(
    {
      name: 'istio-ingressgateway',
      namespace: 'istio-system',
      body: { status: { loadBalancer: { ingress: null } } }
    },
    mergePatch
  );
}

async function releaseRequests(): Promise<Array<{ method: string; path: string; status: number }>> {
  const res = await fetch(`${state.releaseBaseUrl}/_control/requests`);
  return (await res.json()) as Array<{ method: string; path: string; status: number }>;
}

async function releaseFault(fault: { path: string; kind: string }): Promise<void> {
  const res = await fetch(`${state.releaseBaseUrl}/_control/faults`, {
    method: 'POST',
    body: JSON.stringify(fault)
  });
  if (!res.ok) throw new Error(`release server refused the fault: HTTP ${res.status}`);
}

beforeAll(() => {
  if (!state.components.simulator || !state.components.releaseServer) {
    throw new Error(
      'action-deploy e2e needs the harness simulator and release server (ASK_ISTIO_HARNESS_PARTS unset)'
    );
  }
});

afterAll(async () => {
  await core.deleteNamespace({ name: NS }).catch(() => undefined);
  rmSync(scratch, { recursive: true, force: true });
});

describe('the action deploys Istio + Bookinfo (kubeconfig auth)', () => {
  let first: RunActionResult;

  it(`installs (or forces) Istio ${state.stack.istioPrevious} first, so the next run is an upgrade`, async () => {
    const r = await run(
      {
        'istio-version': state.stack.istioPrevious,
        'install-istio': 'always',
        bookinfo: 'false',
        gateway: 'false',
        routing: 'none',
        'smoke-test': 'false',
        'verify-routing': 'false'
      },
      { toolCache: join(scratch, `tool-cache-${state.stack.istioPrevious}`) }
    );
    expectActionSuccess(r);
    expect(r.outputs['istio-version']).toBe(state.stack.istioPrevious);
    expect(await istiodImage()).toBe(istiodImageFor(state.stack.istioPrevious));
  });

  it(`upgrades to ${state.stack.istio}, deploys Bookinfo with sidecars and sets the gateway outputs`, async () => {
    const runnerTemp = join(scratch, 'runner-temp');
    mkdirSync(runnerTemp); // a runner creates RUNNER_TEMP before any step
    const modes = new Set<number>();
    // Sample RUNNER_TEMP while the steps run: the kubeconfig must never be readable by others.
    const sampler = setInterval(() => {
      for (const f of existsSync(runnerTemp) ? readdirSync(runnerTemp) : []) {
        if (f.startsWith(KUBECONFIG_PREFIX)) {
          try {
            modes.add(statSync(join(runnerTemp, f)).mode & 0o777);
          } catch {
            // removed between readdir and stat
          }
        }
      }
    }, 20);
    try {
      first = await run({}, { env: { RUNNER_TEMP: runnerTemp, GITHUB_RUN_ID: RUN_ID } });
    } finally {
      clearInterval(sampler);
    }
    expectActionSuccess(first);
    expect(first.stdout).toContain(
      `Istio: upgrade — Istio ${state.stack.istioPrevious} is older than ${state.stack.istio}`
    );
    expect(await istiodImage()).toBe(istiodImageFor(state.stack.istio));

    const lbIp = (await ingressService()).status?.loadBalancer?.ingress?.[0]?.ip;
    expect(lbIp).toMatch(/^127\./);
    const o = first.outputs;
    expect(o['gateway-url']).toBe(`http://${lbIp}`);
    expect(o['ingress-host']).toBe(lbIp);
    expect(o['ingress-port']).toBe('80');
    expect(o['secure-ingress-port']).toBe('443');
    expect(o['productpage-url']).toBe(`http://${lbIp}/productpage`);
    expect(o['gateway-host-header']).toBe(`${NS}.bookinfo.test`);
    expect(o['istio-version']).toBe(state.stack.istio);
    expect(o['namespace']).toBe(NS);
    expect(o['routing']).toBe('reviews-v2-v3');
    const istioctl = o['istioctl-path'] ?? '';
    expect(istioctl.startsWith(toolCache + sep)).toBe(true);
    expect(existsSync(istioctl)).toBe(true);

    const pods: V1Pod[] = (await core.listNamespacedPod({ namespace: NS })).items;
    expect(pods.length).toBeGreaterThanOrEqual(6); // details, productpage, ratings, reviews v1-v3
    for (const p of pods) {
      // The app and its istio-proxy (a regular container on seed, a sidecar container on current).
      const statuses = runningContainerStatuses(p);
      expect(`${p.metadata?.name} ${statuses.filter((s) => s.ready).length}/${statuses.length}`).toBe(
        `${p.metadata?.name} 2/2`
      );
    }

    expect(modes.size).toBeGreaterThan(0); // the sampler did see the file
    expect([...modes]).toEqual([0o600]);
    expect(readdirSync(runnerTemp).filter((f) => f.startsWith(KUBECONFIG_PREFIX))).toEqual([]);
  });

  it('a second identical run with a warm tool cache writes nothing and downloads nothing', async () => {
    expect(first).toBeDefined();
    const before = await settledSnapshot([NS, 'istio-system']);
    const requestsBefore = (await releaseRequests()).length;
    const r = await run({}, { env: { GITHUB_RUN_ID: String(Number(RUN_ID) + 1) } });
    expectActionSuccess(r);
    expect(r.kubeStats).toMatchObject({ writes: 0 });
    expect(diff(before, await snapshot([NS, 'istio-system']))).toEqual([]);
    const downloads = (await releaseRequests())
      .slice(requestsBefore)
      .filter((q) => q.path.startsWith('/download/'));
    expect(downloads).toEqual([]);
    for (const k of [
      'gateway-url',
      'ingress-port',
      'productpage-url',
      'istio-version',
      'istioctl-path',
      'namespace',
      'routing'
    ]) {
      expect(r.outputs[k]).toBe(first.outputs[k]);
    }
  });
});

describe('the gateway address without an IP load balancer', () => {
  let savedLb: string | undefined;
  let originalIp: string | undefined;

  beforeAll(async () => {
    originalIp = (await ingressService()).status?.loadBalancer?.ingress?.[0]?.ip;
  });

  afterAll(async () => {
    // Back to the IP the rest of the e2e run expects (the simulated cloud derives it from the Service uid).
    await setBehaviour('lb.json', savedLb);
    await clearLoadBalancerStatus();
    await until(
      'the ingress gateway IP to come back',
      async () => (await ingressService()).status?.loadBalancer?.ingress?.[0]?.ip
    );
  });

  it('on serverless nodes, an LB that never comes fails in time and says there is no NodePort', async () => {
    const nodes = (await core.listNode()).items;
    // The harness runs the virtual-kubelet node only (ASK); a NodePort fallback is impossible there.
    expect(nodes.every((n) => n.metadata?.labels?.['type'] === 'virtual-kubelet')).toBe(true);
    savedLb = await setBehaviour(
      'lb.json',
      JSON.stringify({ 'istio-system/istio-ingressgateway': { mode: 'never' } })
    );
    await clearLoadBalancerStatus();
    const started = Date.now();
    const r = await run(
      {
        bookinfo: 'false',
        routing: 'none',
        'smoke-test': 'false',
        'verify-routing': 'false',
        'wait-timeout': '15s'
      },
      { post: true }
    );
    expect(r.code).not.toBe(0);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(actionErrors(r)).toMatch(
      /load balancer got no address within \d+s; serverless clusters have no NodePort/
    );
    expect(r.outputs['gateway-url']).toBeUndefined();
  });

  it('a hostname load balancer gives ingress-host localhost', async () => {
    await setBehaviour(
      'lb.json',
      JSON.stringify({ 'istio-system/istio-ingressgateway': { mode: 'hostname' } })
    );
    await clearLoadBalancerStatus();
    await until(
      'the hostname LB address',
      async () => (await ingressService()).status?.loadBalancer?.ingress?.[0]?.hostname
    );
    const r = await run({
      bookinfo: 'false',
      routing: 'none',
      'smoke-test': 'false',
      'verify-routing': 'false',
      'wait-timeout': '30s'
    });
    expectActionSuccess(r);
    expect(r.outputs['ingress-host']).toBe('localhost');
    expect(r.outputs['gateway-url']).toBe('http://localhost');
    expect(r.outputs['ingress-port']).toBe('80');
    expect(originalIp).toMatch(/^127\./);
  });
});

describe('failures are clear and leave the cluster alone', () => {
  it('a wrong checksum fails before touching the cluster', async () => {
    const ns = newNamespace('bad-checksum');
    const before = await settledSnapshot(['istio-system']);
    // Every .sha256 of the stack's release lies (not just one: a retry must not hide the fault), until the reset.
    const v = state.stack.istio.replace(/\./g, '\\.');
    await releaseFault({ path: `${v}/.*\\.sha256`, kind: 'bad-checksum' });
    let r: RunActionResult;
    try {
      r = await run({ namespace: ns }, { toolCache: join(scratch, 'tool-cache-checksum') });
    } finally {
      await fetch(`${state.releaseBaseUrl}/_control/reset`, { method: 'POST' });
    }
    expect(r.code).not.toBe(0);
    expect(actionErrors(r)).toMatch(
      new RegExp(`sha256 of istioctl-${v}-\\S+ does not match its published checksum`)
    );
    expect(diff(before, await snapshot(['istio-system']))).toEqual([]);
    await expect(core.readNamespace({ name: ns })).rejects.toThrow();
  });

  it('an istio-version without a release fails with a clear 404 message and changes nothing', async () => {
    const ns = newNamespace('no-release');
    const before = await settledSnapshot(['istio-system']);
    const r = await run(
      { namespace: ns, 'istio-version': '1.13.9' },
      { toolCache: join(scratch, 'tool-cache-404') }
    );
    expect(r.code).not.toBe(0);
    const message = actionErrors(r);
    expect(message).toContain('istio-version 1.13.9 does not exist.');
    expect(message).toMatch(/Closest existing versions: .*1\.13\.3/);
    expect(message).toMatch(/HTTP 404 from \S+\/1\.13\.9\/istioctl-1\.13\.9-/);
    expect(diff(before, await snapshot(['istio-system']))).toEqual([]);
    await expect(core.readNamespace({ name: ns })).rejects.toThrow();
  });

  it('dry-run prints the plan and leaves the cluster unchanged (new namespace and existing one)', async () => {
    const ns = newNamespace('dry-run');
    const before = await settledSnapshot([NS, 'istio-system']);
    const fresh = await run({ namespace: ns, 'dry-run': 'true' });
    expectActionSuccess(fresh);
    expect(fresh.stdout).toMatch(/Dry run — nothing was changed\. Plan:\n/);
    expect(fresh.stdout).toContain(`Namespace ${ns} would be created`);
    expect(fresh.stdout).toMatch(new RegExp(`VirtualService ${ns}/reviews would be applied`));
    expect(fresh.kubeStats).toMatchObject({ writes: 0 });
    await expect(core.readNamespace({ name: ns })).rejects.toThrow();

    // Against the deployed namespace, a different routing is checked by the server but not applied.
    const existing = await run({ 'dry-run': 'true', routing: 'all-v1' });
    expectActionSuccess(existing);
    expect(existing.stdout).toMatch(new RegExp(`VirtualService ${NS}/reviews would be applied`));
    expect(existing.kubeStats).toMatchObject({ writes: 0 });
    expect(diff(before, await snapshot([NS, 'istio-system']))).toEqual([]);
  });

  // Last: changing rules.json makes the simulator re-examine (and re-write) every pod, including
  // istio-system's, which would blur the "changed nothing" snapshots of the tests above.
  it('a pod that never becomes ready fails within wait-timeout, naming the pod, reason and events', async () => {
    const ns = newNamespace('never-ready');
    const saved = await setBehaviour('rules.json', undefined);
    const rules = saved ? (JSON.parse(saved) as unknown[]) : [];
    await setBehaviour(
      'rules.json',
      JSON.stringify([{ namespace: ns, app: 'ratings', behaviour: { fault: 'never-ready' } }, ...rules])
    );
    try {
      const started = Date.now();
      const r = await run({
        namespace: ns,
        routing: 'all-v1',
        'smoke-test': 'false',
        'verify-routing': 'false',
        'wait-timeout': '20s'
      });
      const elapsed = Date.now() - started;
      expect(r.code).not.toBe(0);
      expect(elapsed).toBeLessThan(60_000);
      const ratingsPod = (await core.listNamespacedPod({ namespace: ns, labelSelector: 'app=ratings' }))
        .items[0]?.metadata?.name;
      expect(ratingsPod).toBeDefined();
      const text = `${actionErrors(r)}\n${r.stdout}`;
      expect(text).toContain(ratingsPod as string);
      expect(text).toMatch(/timed out after \d+(\.\d+)?s/);
      expect(text).toContain(`pod ${ratingsPod} is not ready (1/2 containers ready; not ready: ratings`);
      expect(text).toMatch(/event: Unhealthy: Readiness probe failed/);
    } finally {
      await setBehaviour('rules.json', saved);
      await core.deleteNamespace({ name: ns }).catch(() => undefined);
    }
  });
});

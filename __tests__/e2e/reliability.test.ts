// Reliability of the bundled action when the API server misbehaves. A fault proxy the test owns
// (test/fakes/faultProxy.ts) sits between the action and the apiserver and answers a share of requests
// with 429 + Retry-After, 500, 503, a connection reset, or a delay. The action must retry idempotent
// calls, re-open watches and end in the same cluster state as a clean run; with every request failing it
// must stop with a message that says the API server is overloaded/unreachable, not a stack trace.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kube } from '../../src/kube/index.js';
import { startFaultProxy, type FaultProxy } from '../../test/fakes/faultProxy.js';
import {
  runAction,
  type RunActionResult,
  actionErrors,
  expectActionSuccess
} from '../../test/harness/runAction.js';
import { newNamespace, readHarnessState } from '../../test/harness/state.js';

const state = readHarnessState();
const NET = 'networking.istio.io/v1alpha3';
const FAULT_RATE = 0.1;
const RERUNS = 20;
// A, C, D: first deployed fresh THROUGH faults; B: the clean reference deployed at the same time.
const NS_A = newNamespace('rel-faulty');
const NS_B = newNamespace('rel-clean');
const NS_C = newNamespace('rel-faulty-c');
const NS_D = newNamespace('rel-faulty-d');
const NS_OUTAGE = newNamespace('rel-outage');
let kube: Kube;
let clean: FaultProxy;
let faulty: FaultProxy;
const figures: string[] = [];

function action(proxy: FaultProxy, inputs: Record<string, string>): Promise<RunActionResult> {
  return runAction({
    inputs: {
      kubeconfig: readFileSync(proxy.kubeconfigPath, 'utf8'),
      'istio-version': state.stack.istio,
      'istio-download-url': state.downloadUrl,
      routing: 'reviews-v3',
      'verify-routing': 'false',
      // A host per namespace: Bookinfo namespaces deployed side by side (and by other test files) share
      // the one ingress gateway, and a second VirtualService for "*" would answer for the wrong namespace.
      ...(inputs.namespace ? { 'gateway-hosts': `${inputs.namespace}.bookinfo.test` } : {}),
      'wait-timeout': '3m',
      ...inputs
    },
    post: false,
    timeoutMs: 5 * 60_000
  });
}

/**
 * What a deploy leaves behind in a namespace, with the namespace's name taken out so two namespaces can
 * be compared: Deployments (images, replicas, all ready), Services (ports), Istio routing objects (spec).
 */
async function endState(ns: string): Promise<unknown> {
  const strip = (v: unknown): unknown => JSON.parse(JSON.stringify(v).split(ns).join('<ns>')) as unknown;
  const deployments = (await kube.list('apps/v1', 'Deployment', { namespace: ns })).map((d) => {
    const spec = d.spec as {
      replicas?: number;
      template: { spec: { containers: Array<{ name: string; image: string }> } };
    };
    const status = d.status as { readyReplicas?: number } | undefined;
    return {
      name: d.metadata.name,
      replicas: spec.replicas,
      ready: status?.readyReplicas === spec.replicas,
      containers: spec.template.spec.containers.map((c) => `${c.name}=${c.image}`)
    };
  });
  const services = (await kube.list('v1', 'Service', { namespace: ns })).map((s) => ({
    name: s.metadata.name,
    ports: (s.spec as { ports?: Array<{ port: number; name?: string }> }).ports?.map(
      (p) => `${p.name ?? ''}:${p.port}`
    )
  }));
  const routing: Record<string, unknown> = {};
  for (const kind of ['Gateway', 'VirtualService', 'DestinationRule']) {
    for (const o of await kube.list(NET, kind, { namespace: ns }))
      routing[`${kind}/${o.metadata.name}`] = strip(o.spec);
  }
  const sortByName = <T extends { name: string }>(a: T[]): T[] =>
    a.sort((x, y) => x.name.localeCompare(y.name));
  return { deployments: sortByName(deployments), services: sortByName(services), routing };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

let reference: unknown;

beforeAll(async () => {
  kube = await Kube.connect({ kubeconfigPath: state.kubeconfigPath, fieldManager: 'reliability-e2e' });
  clean = await startFaultProxy({
    upstreamKubeconfigPath: state.kubeconfigPath,
    dir: mkdtempSync(join(tmpdir(), 'fault-proxy-'))
  });
  // The concurrent deploys below must not both try to install Istio (other e2e files may have removed it).
  if (
    !(await kube.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: 'istio-system',
      name: 'istiod'
    }))
  ) {
    // gateway: false, or a Gateway/VirtualService for "*" would be left in `default`.
    const r = await action(clean, {
      bookinfo: 'false',
      gateway: 'false',
      routing: 'none',
      'smoke-test': 'false'
    });
    expectActionSuccess(r, 'installing Istio 1.13.3 for the reliability tests');
  }
  faulty = await startFaultProxy({
    upstreamKubeconfigPath: state.kubeconfigPath,
    dir: mkdtempSync(join(tmpdir(), 'fault-proxy-')),
    faults: { rate: FAULT_RATE, retryAfterSeconds: 1, slowMs: 1000 }
  });
});

afterAll(async () => {
  await Promise.all([clean?.stop(), faulty?.stop()]);
  for (const name of [NS_A, NS_B, NS_C, NS_D, NS_OUTAGE]) {
    await kube?.delete({ apiVersion: 'v1', kind: 'Namespace', name }).catch(() => false);
  }
  await kube?.close();
  process.stderr.write(`\n[reliability] ${figures.join('\n[reliability] ')}\n`);
});

describe(`API server faults (${FAULT_RATE * 100} % of requests: 429, 500, 503, reset, slow)`, () => {
  it('a fresh namespace deploy through faults ends in the same state as a clean deploy', async () => {
    const started = Date.now();
    const [a, b, c, d] = await Promise.all([
      action(faulty, { namespace: NS_A }),
      action(clean, { namespace: NS_B }),
      action(faulty, { namespace: NS_C }),
      action(faulty, { namespace: NS_D })
    ]);
    expectActionSuccess(b, 'clean deploy');
    expectActionSuccess(a, 'deploy under faults');
    expectActionSuccess(c, 'deploy under faults (C)');
    expectActionSuccess(d, 'deploy under faults (D)');
    // The faults really happened, and the proxy really was in the path of both runs.
    expect(faulty.stats.faulted).toBeGreaterThan(0);
    expect(clean.stats.requests).toBeGreaterThan(20);
    expect(clean.stats.faulted).toBe(0);
    reference = await endState(NS_B);
    for (const ns of [NS_A, NS_C, NS_D]) expect(await endState(ns)).toEqual(reference);
    figures.push(
      `fresh deploys (3 faulty, 1 clean): ${faulty.stats.faulted}/${faulty.stats.requests} requests faulted ${JSON.stringify(faulty.stats.byKind)}; ` +
        `faulty ${[a, c, d].map((x) => seconds(x.main.durationMs)).join(' / ')}, clean ${seconds(b.main.durationMs)} (all four ${seconds(Date.now() - started)})`
    );
  });

  it(`${RERUNS} re-runs at ${FAULT_RATE * 100} % faults all succeed and change nothing`, async () => {
    expect(reference).toBeDefined();
    faulty.resetStats();
    const durations: number[] = [];
    const failures: string[] = [];
    // Four chains of re-runs (one per namespace) side by side keep the wall time down; within a chain
    // runs are sequential, as re-runs of one workflow would be.
    const chain = async (ns: string): Promise<void> => {
      for (let i = 0; i < RERUNS / 4; i++) {
        const r = await action(faulty, { namespace: ns });
        durations.push(r.main.durationMs);
        if (r.code !== 0) failures.push(`${ns} run ${i + 1}: ${actionErrors(r) || `exit ${r.code}`}`);
      }
    };
    await Promise.all([NS_A, NS_B, NS_C, NS_D].map(chain));
    const { requests, faulted, byKind } = faulty.stats;
    durations.sort((x, y) => x - y);
    figures.push(
      `re-runs: ${RERUNS - failures.length}/${RERUNS} succeeded; ${faulted}/${requests} requests faulted ` +
        `(${((100 * faulted) / requests).toFixed(1)} %) ${JSON.stringify(byKind)}; run time min ${seconds(durations[0] ?? 0)}, ` +
        `median ${seconds(durations[Math.floor(durations.length / 2)] ?? 0)}, max ${seconds(durations.at(-1) ?? 0)}`
    );
    expect(failures).toEqual([]);
    expect(durations).toHaveLength(RERUNS);
    // The configured share was injected (binomial over ~2000 requests: well inside 5..15 %).
    expect(faulted / requests).toBeGreaterThan(0.05);
    expect(faulted / requests).toBeLessThan(0.15);
    for (const kind of ['429', '500', '503', 'reset'] as const) expect(byKind[kind]).toBeGreaterThan(0);
    for (const ns of [NS_A, NS_B, NS_C, NS_D]) expect(await endState(ns)).toEqual(reference);
  });

  it('an API server that goes away mid-run (connections reset for 3 s) is waited out', async () => {
    faulty.setFaults({ rate: 0 });
    faulty.resetStats();
    const run = action(faulty, { namespace: NS_OUTAGE });
    // Fail-over to "down" once the run is busy with the namespace (after the preflight reads).
    const deadline = Date.now() + 60_000;
    while (faulty.stats.requests < 25 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    faulty.outage(3000);
    const r = await run;
    figures.push(
      `outage: ${faulty.stats.outageResets} requests reset during a 3 s outage; run ${r.code === 0 ? 'succeeded' : 'failed'} in ${seconds(r.main.durationMs)}`
    );
    expect(faulty.stats.outageResets).toBeGreaterThan(0);
    expectActionSuccess(r, 'deploy across an apiserver outage');
    expect(await endState(NS_OUTAGE)).toEqual(reference);
  });

  it('every request failing: the run stops with "API server ... overloaded/unreachable", no stack trace', async () => {
    faulty.setFaults({ rate: 1, kinds: { '429': 1, '503': 1, reset: 1 }, retryAfterSeconds: 1 });
    faulty.resetStats();
    const r = await action(faulty, { namespace: NS_A, 'wait-timeout': '1m' });
    const message = actionErrors(r);
    figures.push(
      `100 % faults: failed in ${seconds(r.main.durationMs)} after ${faulty.stats.requests} requests: ${message.split('\n')[0]}`
    );
    expect(r.code).not.toBe(0);
    expect(r.main.durationMs).toBeLessThan(60_000);
    expect(message).toMatch(
      new RegExp(
        `the API server at ${faulty.url.replace(/[.:/]/g, '\\$&')} is (unreachable or overloaded|overloaded or failing)`
      )
    );
    expect(message).toMatch(/while trying to \w+ /);
    // A user-facing message: no JavaScript stack frames in the error or anywhere in the output.
    expect(`${message}\n${r.stdout}\n${r.stderr}`).not.toMatch(/\n\s+at .+\(.*:\d+:\d+\)/);
    // Nothing in the namespace was touched.
    expect(await endState(NS_A)).toEqual(reference);
  });
});

describe('release mirror timing out', () => {
  // The action's download idle timeout (60 s, 4 attempts) is not an input, so the download code runs
  // in-process with a short one against the harness's release server and its `slow` fault.
  it('a mirror that stops answering: the download gives up with a message naming the URL and the stall', async () => {
    const saved = { cache: process.env.RUNNER_TOOL_CACHE, temp: process.env.RUNNER_TEMP };
    const dir = mkdtempSync(join(tmpdir(), 'mirror-timeout-'));
    process.env.RUNNER_TOOL_CACHE = join(dir, 'cache');
    process.env.RUNNER_TEMP = join(dir, 'temp');
    for (const d of ['cache', 'temp']) mkdirSync(join(dir, d));
    const archive = '^/download/1\\.13\\.3/istioctl-1\\.13\\.3-[a-z]+-[a-z0-9]+\\.tar\\.gz$';
    const control = (path: string, body: unknown): Promise<Response> =>
      fetch(`${state.releaseBaseUrl}/_control/${path}`, { method: 'POST', body: JSON.stringify(body) });
    // Longer than the idle timeout, for exactly the two attempts; the .sha256 next to it is not delayed.
    expect((await control('faults', { path: archive, kind: 'slow', delayMs: 4000, count: 2 })).status).toBe(
      200
    );
    const warnings: string[] = [];
    const started = Date.now();
    try {
      const { installIstioctl } = await import('../../src/istioctl/install.js');
      const err = await installIstioctl({
        versionSpec: '1.13.3',
        downloadUrl: state.downloadUrl,
        addToPath: false,
        retry: { attempts: 2, baseDelayMs: 100, maxDelayMs: 100, idleTimeoutMs: 1000 },
        log: { info: () => undefined, debug: () => undefined, warning: (m: string) => warnings.push(m) }
      }).then(
        () => undefined,
        (e: unknown) => e as Error & { hint?: string }
      );
      const elapsed = Date.now() - started;
      figures.push(`mirror timeout: gave up after ${seconds(elapsed)}: ${err?.message ?? 'no error'}`);
      expect(err).toBeDefined();
      const url = new RegExp(
        `${state.downloadUrl.replace(/[.:/]/g, '\\$&')}/1\\.13\\.3/istioctl-1\\.13\\.3-\\S+\\.tar\\.gz`
      );
      expect(err?.message).toMatch(
        new RegExp(
          `^Downloading ${url.source} failed: no data from ${url.source} for 1s \\(after 2 attempts\\)`
        )
      );
      expect(err?.hint).toMatch(/istio-download-url.*mirror/);
      // One retry was announced, and it gave up on the stall rather than waiting the server's 4 s out twice.
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/no data from .* for 1s; retrying in 0\.\ds \(attempt 2 of 2\)/);
      expect(elapsed).toBeLessThan(4000);
    } finally {
      process.env.RUNNER_TOOL_CACHE = saved.cache;
      process.env.RUNNER_TEMP = saved.temp;
      if (saved.cache === undefined) delete process.env.RUNNER_TOOL_CACHE;
      if (saved.temp === undefined) delete process.env.RUNNER_TEMP;
    }
  });
});

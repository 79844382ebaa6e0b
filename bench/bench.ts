// `npm run bench`: measures what a user of the action waits for, on the `current` matrix entry (real
// kube-apiserver, real istioctl and istiod) with the simulator's ECI timing mode (test/simulator/eci.ts:
// every pod pulls its images like a fresh ECI instance, unless a Ready ImageCache holds them). Writes
// bench/results.json and bench/results.md; README "Benchmark" explains each figure.
//
//   npm run bench                      the full run (ECI time scale 1: simulated seconds are real seconds)
//   npm run bench -- --smoke           CI: a short run (time scale 0.02, 3 previews) into a temp dir that
//                                      checks only that every figure was produced; no timing goal gates it
//   options: --runs N (default 1), --time-scale X, --previews N (default 20), --out DIR
//
// Every Kubernetes request of every client (the action, its istioctl, the ideal client, kubectl) goes
// through one counting proxy (bench/proxy.ts), so request counts and latencies are alike for all of them.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AppsV1Api, CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { Kube } from '../src/kube/client.js';
import { applyStaged } from '../src/kube/staged.js';
import { setEciTiming } from '../test/harness/behaviour.js';
import { startHarness } from '../test/harness/harness.js';
import { node24, runAction, type RunActionResult } from '../test/harness/runAction.js';
import { IMAGECACHE_CRD } from '../test/simulator/imageCache.js';
import { measureCriticalPath } from './criticalPath.js';
import { startCountingProxy } from './proxy.js';
import { figure, machine, markdownTable, round, type Figure, type Goal, type Row } from './stats.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const ROUTING = 'reviews-test-v2';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}
const smoke = process.argv.includes('--smoke');
const runs = Number(flag('runs', '1'));
const timeScale = Number(flag('time-scale', smoke ? '0.02' : '1'));
const previewCount = Number(flag('previews', smoke ? '3' : '20'));
const outDir = flag('out', smoke ? mkdtempSync(join(tmpdir(), 'ask-istio-bench-')) : HERE);
const log = (m: string): void => void process.stderr.write(`[bench] ${m}\n`);

const samples: Record<string, number[]> = {};
const units: Record<string, string> = {};
const info: Record<string, unknown> = {};
/** Peak RSS (MB) of each measured run's action process, by run name: which kind of run needs the memory. */
const peakRssByRun: Record<string, number> = {};
info.peakRssByRun = peakRssByRun;
/** Adds one measurement to a figure. */
function record(name: string, value: number, unit: string): void {
  (samples[name] ??= []).push(value);
  units[name] = unit;
}

// ---------------------------------------------------------------- helpers
function must(r: RunActionResult, what: string): RunActionResult {
  if (r.code !== 0) {
    const errors = r.commands.filter((c) => c.command === 'error').map((c) => c.message);
    throw new Error(
      `${what}: the action failed (exit ${r.code}): ${errors.join('; ') || r.stderr.slice(-2000)}`
    );
  }
  return r;
}

function shell(
  cmd: string,
  args: string[],
  env: Record<string, string>
): Promise<{ code: number | null; ms: number; out: string }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('close', (code) => resolve({ code, ms: performance.now() - started, out }));
  });
}

/** Whether this run executed `istioctl install` (rather than finding Istio installed, before or under the lease). */
const installedIstio = (r: RunActionResult): boolean =>
  !/Istio: skip —/.test(r.stdout) && !r.stdout.includes('Istio was installed meanwhile by another run');

interface Probe {
  script: string;
  peakRssKb: number | null;
  cpuSelfS: number;
  cpuChildrenS: number;
}
const probeModule = pathToFileURL(join(HERE, 'probe.mjs')).href;
/** The probe lines of the action's own process (dist/index.js), not of other Node processes it may start. */
function actionProbes(file: string): Probe[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Probe)
    .filter((p) => /dist\/index\.js$/.test(p.script));
}

// ---------------------------------------------------------------- setup
const benchStarted = performance.now();
const harness = await startHarness({ stack: 'current', log: (m) => log(`harness: ${m}`) });
const state = harness.state;
const istioVersion = state.stack.istio;
const istioDir = state.realIstio[istioVersion];
if (!istioDir) throw new Error(`no real Istio ${istioVersion} build in the harness`);
const istioctl = join(istioDir, 'bin', 'istioctl');
const samplesDir = join(istioDir, 'tree', 'samples');
const kubectl = join(state.binDir, 'kubectl');

const proxy = await startCountingProxy(state.kubeconfigPath);
const scratch = mkdtempSync(join(tmpdir(), 'ask-istio-bench-'));
const proxyKubeconfigPath = join(scratch, 'kubeconfig');
writeFileSync(proxyKubeconfigPath, proxy.kubeconfig, { mode: 0o600 });
const kc = new KubeConfig();
kc.loadFromFile(state.kubeconfigPath);
const core = kc.makeApiClient(CoreV1Api);
const apps = kc.makeApiClient(AppsV1Api);
const custom = kc.makeApiClient(CustomObjectsApi);
const toolCache = mkdtempSync(join(tmpdir(), 'ask-istio-bench-cache-'));

const baseInputs = {
  kubeconfig: proxy.kubeconfig,
  'istio-version': istioVersion,
  'istio-download-url': state.downloadUrl,
  routing: ROUTING,
  'wait-timeout': '10m'
};

async function waitGone(read: () => Promise<unknown>, what: string): Promise<void> {
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      await read();
    } catch {
      return;
    }
    if (Date.now() > deadline) throw new Error(`${what} still there after 5 minutes`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function deleteNamespaces(names: string[]): Promise<void> {
  await Promise.all(names.map((name) => core.deleteNamespace({ name }).catch(() => undefined)));
  for (const name of names) await waitGone(() => core.readNamespace({ name }), `namespace ${name}`);
}

/** Istio off the cluster, as on a cluster that never had it: `istioctl uninstall --purge`, then its namespace. */
async function uninstallIstio(): Promise<void> {
  const u = await shell(istioctl, ['uninstall', '--purge', '-y'], { KUBECONFIG: state.kubeconfigPath });
  if (u.code !== 0) throw new Error(`istioctl uninstall failed (exit ${u.code}):\n${u.out.slice(-2000)}`);
  await deleteNamespaces(['istio-system']);
}

async function deleteImageCaches(): Promise<void> {
  const g = { group: 'eci.alibabacloud.com', version: 'v1', plural: 'imagecaches' };
  // Right after the CRD is Established its storage may still answer 429 "(re)initializing" for a moment.
  let list: { items?: Array<{ metadata: { name: string } }> } = {};
  for (let attempt = 0; ; attempt++) {
    try {
      list = (await custom.listClusterCustomObject(g)) as typeof list;
      break;
    } catch (err) {
      if ((err as { code?: number }).code !== 429 || attempt >= 60) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  for (const c of list.items ?? []) {
    await custom.deleteClusterCustomObject({ ...g, name: c.metadata.name });
    await waitGone(
      () => custom.getClusterCustomObject({ ...g, name: c.metadata.name }),
      `ImageCache ${c.metadata.name}`
    );
  }
}

/** The slowest modelled ECI start of the namespace's pods, from the simulator's Pulling events (simulated s). */
async function slowestSimulatedStart(namespace: string): Promise<number> {
  const events = await core.listNamespacedEvent({ namespace });
  const starts = events.items
    .map((e) => /starting in ([\d.]+) simulated s/.exec(e.message ?? '')?.[1])
    .filter((s): s is string => s !== undefined)
    .map(Number);
  if (starts.length === 0) throw new Error(`no ECI start events in ${namespace}`);
  return Math.max(...starts);
}

/** One action run through the proxy: its wall time, CPU (action + istioctl), API requests and writes. */
async function measuredRun(
  name: string,
  inputs: Record<string, string>
): Promise<{ r: RunActionResult; seconds: number; cpu: number; requests: number; writes: number }> {
  const probeFile = join(scratch, `probe-${name}.jsonl`);
  writeFileSync(probeFile, '');
  proxy.reset();
  const r = must(
    await runAction({
      inputs: { ...baseInputs, ...inputs },
      toolCache,
      post: false,
      env: { NODE_OPTIONS: `--import ${probeModule}`, BENCH_PROBE_FILE: probeFile }
    }),
    name
  );
  const counts = proxy.counts();
  const probes = actionProbes(probeFile);
  if (probes.length !== 1)
    throw new Error(`${name}: expected one probe line of dist/index.js, got ${probes.length}`);
  const p = probes[0]!;
  if (p.peakRssKb !== null) {
    record('peakRssMb', p.peakRssKb / 1024, 'MB');
    peakRssByRun[name] = round(p.peakRssKb / 1024, 0);
  }
  return {
    r,
    seconds: r.main.durationMs / 1000,
    cpu: p.cpuSelfS + p.cpuChildrenS,
    requests: counts.requests,
    writes: counts.writes
  };
}

async function manual(ns: string): Promise<number> {
  const m = await shell('bash', [join(HERE, 'manual.sh')], {
    KUBECTL: kubectl,
    ISTIOCTL: istioctl,
    KUBECONFIG: proxyKubeconfigPath,
    SAMPLES: samplesDir,
    NS: ns,
    ROUTING
  });
  if (m.code !== 0) throw new Error(`manual procedure failed (exit ${m.code}):\n${m.out.slice(-2000)}`);
  return m.ms / 1000;
}

try {
  // ECI timing for every pod; the ImageCache kind served by the real apiserver (the simulator's controller
  // makes each cache Ready after its own pull time).
  const eci = JSON.stringify({ enabled: true, timeScale });
  await setEciTiming(eci, state.kubeconfigPath);
  const kube = await Kube.connect({ kubeconfigPath: state.kubeconfigPath, fieldManager: 'bench' });
  await applyStaged(kube, [IMAGECACHE_CRD]);
  log(
    `Kubernetes ${state.kubernetesVersion}, Istio ${istioVersion}, ECI time scale ${timeScale}, ${runs} run(s)`
  );

  for (let i = 0; i < runs; i++) {
    const ns = (k: string): string => `bench-${k}-${i}`;
    await deleteImageCaches();
    // ---- fresh: Istio absent; the manual procedure, then the action
    if (i > 0) await uninstallIstio();
    // Each namespace goes once measured: Bookinfo's gateways all claim host `*` on the one ingress.
    const manualFresh = await manual(ns('mf'));
    await deleteNamespaces([ns('mf')]);
    await uninstallIstio();
    const fresh = await measuredRun('fresh', { namespace: ns('af') });
    if (!installedIstio(fresh.r)) throw new Error('the fresh run did not install Istio');
    record('manualFreshSeconds', manualFresh, 's');
    record('actionFreshSeconds', fresh.seconds, 's');
    record('manualFreshRatio', manualFresh / fresh.seconds, 'ratio');
    record('cpuSecondsFresh', fresh.cpu, 'cpu-s');
    record('apiRequestsFresh', fresh.requests, 'requests');
    record('writesFresh', fresh.writes, 'writes');
    await deleteNamespaces([ns('af')]);

    // ---- Istio present (the action's install): the ideal client, the action, its re-run
    proxy.reset();
    const crit = await measureCriticalPath({
      kubeconfigPath: proxyKubeconfigPath,
      samplesDir,
      namespace: ns('cp'),
      routing: ROUTING,
      gatewayUrl: fresh.r.outputs['gateway-url'] ?? ''
    });
    record('criticalPathSeconds', crit / 1000, 's');
    await deleteNamespaces([ns('cp')]);
    const warm = await measuredRun('preview', { namespace: ns('a') });
    record('actionSeconds', warm.seconds, 's');
    record('overheadRatio', warm.seconds / (crit / 1000), 'ratio');
    record('cpuSecondsWarm', warm.cpu, 'cpu-s');
    record('apiRequestsWarm', warm.requests, 'requests');
    record('writesWarm', warm.writes, 'writes');
    record('coldCacheSimulatedStartSeconds', await slowestSimulatedStart(ns('a')), 'simulated s');
    const rerun = await measuredRun('re-run', { namespace: ns('a') });
    record('apiRequestsRerun', rerun.requests, 'requests');
    record('writesRerun', rerun.writes, 'writes');
    await deleteNamespaces([ns('a')]);

    // ---- the manual procedure with Istio present (istioctl install again, as its walk-through does). Before
    // any ImageCache exists: ECI would match its pods to a Ready cache and it would not pull what the action did.
    const manualPresent = await manual(ns('mp'));
    record('manualPresentSeconds', manualPresent, 's');
    record('manualPresentRatio', manualPresent / warm.seconds, 'ratio');
    await deleteNamespaces([ns('mp')]);

    // ---- ECI ImageCache: the first `prepare` run makes the cache (and waits for it); the next preview starts from it
    const prepare = await measuredRun('prepare', { namespace: ns('prep'), 'eci-image-cache': 'prepare' });
    record('imageCachePrepareSeconds', prepare.seconds, 's');
    // istioctl install of the walk-through above must leave an install the action accepts as it is.
    if (installedIstio(prepare.r))
      throw new Error('the action installed Istio again after the manual procedure re-ran istioctl install');
    await deleteNamespaces([ns('prep')]);
    const cached = await measuredRun('cached', { namespace: ns('w'), 'eci-image-cache': 'prepare' });
    record('warmCachePreviewSeconds', cached.seconds, 's');
    record('coldCachePreviewSeconds', warm.seconds, 's');
    record('imageCacheSpeedup', warm.seconds / cached.seconds, 'ratio');
    record('warmCacheSimulatedStartSeconds', await slowestSimulatedStart(ns('w')), 'simulated s');
    await deleteNamespaces([ns('w')]);

    log(
      `run ${i + 1}/${runs}: fresh manual ${manualFresh.toFixed(1)}s / action ${fresh.seconds.toFixed(1)}s; ` +
        `critical ${(crit / 1000).toFixed(1)}s, action ${warm.seconds.toFixed(1)}s; ` +
        `warm ImageCache ${cached.seconds.toFixed(1)}s; manual present ${manualPresent.toFixed(1)}s`
    );
  }

  // ---- concurrent previews on a cluster without Istio: cluster-side figures, not a race of processes
  await deleteImageCaches();
  await uninstallIstio();
  proxy.reset();
  const probeFile = join(scratch, 'probe-previews.jsonl');
  writeFileSync(probeFile, '');
  const started = performance.now();
  const previews = await Promise.all(
    Array.from({ length: previewCount }, (_, j) =>
      runAction({
        // Each preview its own host: previews sharing `*` on the ingress are refused (allow-shared-hosts).
        inputs: { ...baseInputs, 'preview-id': `pr${j}`, 'gateway-hosts': 'pr-{id}.bench.example.com' },
        toolCache,
        post: false,
        env: { NODE_OPTIONS: `--import ${probeModule}`, BENCH_PROBE_FILE: probeFile }
      })
    )
  );
  const counts = proxy.counts();
  const wallSeconds = (performance.now() - started) / 1000;
  for (const r of previews) must(r, 'concurrent preview');
  const istiod = await apps.readNamespacedDeployment({ name: 'istiod', namespace: 'istio-system' });
  record('previewsSucceeded', previews.filter((r) => r.code === 0).length, 'runs');
  record('previewsIstioInstalls', previews.filter(installedIstio).length, 'runs');
  record(
    'previewsLeaseWaits',
    previews.filter((r) => r.stdout.includes('Another run holds Lease')).length,
    'runs'
  );
  record('previewsApiRequests', counts.requests, 'requests');
  record('previewsWrites', counts.writes, 'writes');
  record('previewsIstiodGeneration', istiod.metadata?.generation ?? 0, 'generation');
  info.previews = {
    count: previewCount,
    wallSeconds: round(wallSeconds, 1),
    note: `${previewCount} action processes on this machine's cores at once (on GitHub each job has its own runner): the wall time is not a goal`,
    cpuSecondsTotal: round(
      actionProbes(probeFile).reduce((s, p) => s + p.cpuSelfS + p.cpuChildrenS, 0),
      1
    )
  };
  log(`${previewCount} concurrent previews: ${wallSeconds.toFixed(1)}s wall, ${counts.requests} requests`);
  await deleteNamespaces(previews.map((r) => r.outputs.namespace ?? '').filter(Boolean));

  // ---- cold start of dist/index.js to its first line (no inputs: it prints the input error and exits)
  const firstOutput = (args: string[]): Promise<number> =>
    new Promise((resolve, reject) => {
      const t0 = performance.now();
      const child = spawn(node24(), args, {
        env: { PATH: process.env.PATH ?? '', HOME: scratch, RUNNER_TEMP: scratch, GITHUB_ACTIONS: 'true' },
        stdio: ['ignore', 'pipe', 'pipe']
      });
      let done = false;
      const first = (): void => {
        if (done) return;
        done = true;
        resolve(performance.now() - t0);
      };
      child.stdout.once('data', first);
      child.stderr.once('data', first);
      child.on('close', () => (done ? undefined : reject(new Error(`${args.join(' ')} printed nothing`))));
    });
  for (let i = 0; i < 5; i++) {
    record('coldStartMs', await firstOutput([join(ROOT, 'dist', 'index.js')]), 'ms');
    record('bareNodeStartMs', await firstOutput(['-e', 'console.log(1)']), 'ms');
  }
} finally {
  await proxy.stop().catch(() => undefined);
  await harness.stop();
}

// ---------------------------------------------------------------- results
const figures: Record<string, Figure> = Object.fromEntries(
  Object.entries(samples).map(([k, v]) => [k, figure(v, units[k] ?? '')])
);
const med = (name: string): number => figures[name]?.median ?? NaN;
const goals: Record<string, Goal> = {
  overheadRatio: { text: '≤ 1.05', met: med('overheadRatio') <= 1.05 },
  previewsIstioInstalls: { text: '= 1', met: figures.previewsIstioInstalls?.max === 1 },
  previewsSucceeded: { text: `= ${previewCount}`, met: med('previewsSucceeded') === previewCount },
  writesRerun: { text: '= 0', met: figures.writesRerun?.max === 0 },
  coldStartMs: { text: '≤ 300', met: med('coldStartMs') <= 300 },
  peakRssMb: { text: '≤ 150 (max)', met: (figures.peakRssMb?.max ?? Infinity) <= 150 }
};
/** Every figure the benchmark promises; the smoke run fails when one is missing. */
const EXPECTED = [
  'criticalPathSeconds',
  'actionSeconds',
  'overheadRatio',
  'manualFreshSeconds',
  'actionFreshSeconds',
  'manualFreshRatio',
  'manualPresentSeconds',
  'manualPresentRatio',
  'coldCachePreviewSeconds',
  'warmCachePreviewSeconds',
  'imageCacheSpeedup',
  'imageCachePrepareSeconds',
  'coldCacheSimulatedStartSeconds',
  'warmCacheSimulatedStartSeconds',
  'cpuSecondsFresh',
  'cpuSecondsWarm',
  'apiRequestsFresh',
  'writesFresh',
  'apiRequestsWarm',
  'writesWarm',
  'apiRequestsRerun',
  'writesRerun',
  'previewsSucceeded',
  'previewsIstioInstalls',
  'previewsLeaseWaits',
  'previewsApiRequests',
  'previewsWrites',
  'previewsIstiodGeneration',
  'coldStartMs',
  'bareNodeStartMs',
  'peakRssMb'
];
const missing = EXPECTED.filter((k) => !figures[k] || !Number.isFinite(figures[k].median));
const results = {
  date: new Date().toISOString(),
  machine: machine(),
  kubernetesVersion: state.kubernetesVersion,
  istioVersion,
  settings: { runs, eciTimeScale: timeScale, previews: previewCount, routing: ROUTING, smoke },
  note:
    'One bench run on a shared 2-core machine; pod start times are the simulator ECI model (test/simulator/eci.ts), ' +
    `scaled by ${timeScale} (1 = simulated seconds are real seconds).`,
  overheadRatio: med('overheadRatio'),
  imageCacheSpeedup: med('imageCacheSpeedup'),
  cpuSecondsWarm: med('cpuSecondsWarm'),
  cpuSecondsFresh: med('cpuSecondsFresh'),
  manualFreshRatio: med('manualFreshRatio'),
  manualPresentRatio: med('manualPresentRatio'),
  goals,
  figures,
  info,
  benchSeconds: round((performance.now() - benchStarted) / 1000, 1)
};
const rows: Row[] = Object.entries(figures).map(([name, f]) => ({ name, figure: f, goal: goals[name] }));
const m = results.machine;
const md = [
  `Measured ${results.date.slice(0, 10)} on ${m.cpu}, ${m.cpus} CPUs, ${m.memoryGb} GB, ${m.os}, Node ${m.node}` +
    ` (load average at start ${m.loadAverageAtStart.join(' ')}), Kubernetes ${state.kubernetesVersion},` +
    ` Istio ${istioVersion} (real istioctl and istiod), ECI timing model at time scale ${timeScale};` +
    ` ${runs} run(s) per figure; ${previewCount} concurrent previews.`,
  '',
  markdownTable(rows)
].join('\n');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'results.json'), JSON.stringify(results, null, 2) + '\n');
writeFileSync(join(outDir, 'results.md'), md + '\n');
process.stdout.write(md + '\n');
log(`results in ${outDir} (${results.benchSeconds}s)`);
const missed = Object.entries(goals)
  .filter(([, g]) => !g.met)
  .map(([k]) => k);
if (missed.length > 0) log(`goals missed: ${missed.join(', ')}`);
if (missing.length > 0) {
  log(`figures missing: ${missing.join(', ')}`);
  process.exitCode = 1;
}

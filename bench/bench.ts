// `npm run bench`: measures the action on the embedded test cluster (see README "Benchmark") and writes
// bench/results.json + bench/results.md. `--smoke`: one run of each, small scale levels, results into a
// temp dir (unless --out is given). Options: --runs N (default 5), --start-delay-ms N (simulated pod start,
// default 1500), --scale 1,5,20, --out DIR.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startHarness } from '../test/harness/harness.js';
import { node24, runAction, type RunActionResult } from '../test/harness/runAction.js';
import { measureCriticalPath } from './criticalPath.js';
import { startCountingProxy } from './proxy.js';
import { figure, machine, markdownTable, median, round, type Figure, type Goal, type Row } from './stats.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const ISTIO_VERSION = '1.13.3';
const ROUTING = 'reviews-test-v2';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}
const smoke = process.argv.includes('--smoke');
const runs = Number(flag('runs', smoke ? '1' : '5'));
const startDelayMs = Number(flag('start-delay-ms', '1500'));
const scaleLevels = flag('scale', smoke ? '1,2' : '1,5,20')
  .split(',')
  .map(Number);
const outDir = flag('out', smoke ? mkdtempSync(join(tmpdir(), 'ask-istio-bench-')) : HERE);
const log = (m: string): void => void process.stderr.write(`[bench] ${m}\n`);

const figures: Record<string, Figure> = {};
const goals: Record<string, Goal> = {};
const info: Record<string, unknown> = {};

// ---------------------------------------------------------------- helpers
/** Phase timings the action logs (`Deploy Bookinfo: 2.1s`), in seconds: the action's own profile. */
function phases(stdout: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of stdout.matchAll(/^([A-Za-z][A-Za-z ()0-9-]*): (\d+(?:\.\d+)?)s$/gm))
    out[m[1] as string] = Number(m[2]);
  return out;
}

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

// ---------------------------------------------------------------- setup
const benchStarted = performance.now();
// The benchmark still measures the seed's stack (its kubectl comes from the 1.20.2 tree); see [R6].
const harness = await startHarness({ stack: 'seed', log: (m) => log(`harness: ${m}`) });
const state = harness.state;
const kubeconfig = readFileSync(state.kubeconfigPath, 'utf8');
const kc = new KubeConfig();
kc.loadFromFile(state.kubeconfigPath);
const core = kc.makeApiClient(CoreV1Api);

async function deleteNamespaces(names: string[]): Promise<void> {
  await Promise.all(names.map((name) => core.deleteNamespace({ name }).catch(() => undefined)));
  const deadline = Date.now() + 120_000;
  for (const name of names) {
    while (Date.now() < deadline) {
      try {
        await core.readNamespace({ name });
      } catch {
        break;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

const baseInputs = {
  kubeconfig,
  'istio-version': ISTIO_VERSION,
  'istio-download-url': state.downloadUrl,
  routing: ROUTING,
  'wait-timeout': '5m'
};

try {
  // A fixed simulated pod start delay for every pod (the Istio control plane's and Bookinfo's).
  const behaviour = {
    metadata: { name: 'sim-behaviour', namespace: state.simulatorNamespace },
    data: { 'rules.json': JSON.stringify([{ behaviour: { startDelayMs } }]) }
  };
  await core
    .replaceNamespacedConfigMap({
      name: 'sim-behaviour',
      namespace: state.simulatorNamespace,
      body: behaviour
    })
    .catch(() => core.createNamespacedConfigMap({ namespace: state.simulatorNamespace, body: behaviour }));

  const warmCache = mkdtempSync(join(tmpdir(), 'ask-istio-bench-cache-'));
  log(`installing Istio ${ISTIO_VERSION} with the first action run (pod start delay ${startDelayMs} ms)`);
  const install = must(
    await runAction({
      inputs: { ...baseInputs, namespace: 'bench-install' },
      toolCache: warmCache,
      post: false
    }),
    'first run (Istio install)'
  );
  info.firstRunWithIstioInstallSeconds = round(install.main.durationMs / 1000, 2);
  info.firstRunPhases = phases(install.stdout);
  const gatewayUrl = install.outputs['gateway-url'] ?? '';
  const istioctl = install.outputs['istioctl-path'] ?? '';
  const samplesDir = join(
    warmCache,
    'istio',
    ISTIO_VERSION,
    process.arch === 'arm64' ? 'arm64' : 'x64',
    'samples'
  );
  if (!gatewayUrl || !existsSync(samplesDir))
    throw new Error(`no gateway URL or samples (${samplesDir}) after the first run`);
  await deleteNamespaces(['bench-install']);

  // kubectl is only needed for the manual procedure.
  // The smoke run does not wait minutes for a kubectl build: it skips the manual procedure instead.
  const cachedKubectl = join(state.binDir, 'kubectl');
  let kubectl = existsSync(cachedKubectl) ? cachedKubectl : '';
  if (!kubectl && !smoke) {
    log('building kubectl for the manual procedure (test/cluster/build.sh kubectl, several minutes once)');
    const build = await shell('bash', [join(ROOT, 'test/cluster/build.sh'), 'kubectl'], {});
    const binDir = build.code === 0 ? (build.out.trim().split('\n').pop() ?? '') : '';
    kubectl = binDir ? join(binDir, 'kubectl') : '';
    if (!kubectl) throw new Error(`building kubectl failed:\n${build.out.slice(-2000)}`);
  }
  if (!kubectl) log('kubectl not built yet: the manual procedure is skipped in this smoke run');

  // ------------------------------------------------ 1-3: critical path, action, manual procedure, tool cache
  const crit: number[] = [];
  const warm: number[] = [];
  const cold: number[] = [];
  const manual: number[] = [];
  const warmCacheS: number[] = [];
  const coldCacheS: number[] = [];
  const warmPhases: Array<Record<string, number>> = [];
  for (let i = 0; i < runs; i++) {
    const ns = (k: string): string => `bench-${k}-${i}`;
    crit.push(
      await measureCriticalPath({
        kubeconfigPath: state.kubeconfigPath,
        samplesDir,
        namespace: ns('cp'),
        routing: ROUTING,
        gatewayUrl
      })
    );
    const w = must(
      await runAction({ inputs: { ...baseInputs, namespace: ns('a') }, toolCache: warmCache, post: false }),
      'warm run'
    );
    warm.push(w.main.durationMs);
    const wp = phases(w.stdout);
    warmPhases.push(wp);
    warmCacheS.push((wp['Fetch istioctl'] ?? 0) + (wp['Fetch samples'] ?? 0));
    const c = must(
      await runAction({ inputs: { ...baseInputs, namespace: ns('c') }, post: false }),
      'cold-cache run'
    );
    cold.push(c.main.durationMs);
    const cp = phases(c.stdout);
    coldCacheS.push((cp['Fetch istioctl'] ?? 0) + (cp['Fetch samples'] ?? 0));
    if (kubectl) {
      const m = await shell('bash', [join(HERE, 'manual.sh')], {
        KUBECTL: kubectl,
        ISTIOCTL: istioctl,
        KUBECONFIG: state.kubeconfigPath,
        SAMPLES: samplesDir,
        NS: ns('m'),
        ROUTING
      });
      if (m.code !== 0) throw new Error(`manual procedure failed (exit ${m.code}):\n${m.out.slice(-2000)}`);
      manual.push(m.ms);
    }
    log(
      `run ${i + 1}/${runs}: critical ${(crit[i]! / 1000).toFixed(2)}s, action ${(warm[i]! / 1000).toFixed(2)}s, cold cache ${(cold[i]! / 1000).toFixed(2)}s, manual ${manual[i] !== undefined ? (manual[i]! / 1000).toFixed(2) + 's' : 'skipped'}`
    );
    await deleteNamespaces(['cp', 'a', 'c', 'm'].map(ns));
  }
  figures.criticalPathSeconds = figure(
    crit.map((x) => x / 1000),
    's'
  );
  figures.actionSeconds = figure(
    warm.map((x) => x / 1000),
    's'
  );
  figures.overheadRatio = figure(
    warm.map((w, i) => w / crit[i]!),
    'ratio'
  );
  goals.overheadRatio = { text: '≤ 1.10', met: figures.overheadRatio.median <= 1.1 };
  if (manual.length > 0) {
    figures.manualSeconds = figure(
      manual.map((x) => x / 1000),
      's'
    );
    figures.seedRatio = figure(
      manual.map((m, i) => m / warm[i]!),
      'ratio'
    );
    goals.seedRatio = { text: '≥ 3', met: figures.seedRatio.median >= 3 };
  }
  figures.coldCacheSeconds = figure(coldCacheS, 's');
  figures.warmCacheSeconds = figure(warmCacheS, 's');
  goals.warmCacheSeconds = { text: '≤ 1', met: figures.warmCacheSeconds.max <= 1 };
  figures.coldCacheRunSeconds = figure(
    cold.map((x) => x / 1000),
    's'
  );
  const phaseNames = [...new Set(warmPhases.flatMap((p) => Object.keys(p)))];
  info.actionPhaseMedians = Object.fromEntries(
    phaseNames.map((n) => [n, median(warmPhases.map((p) => p[n] ?? 0))])
  );

  // ------------------------------------------------ 5: API requests through a counting proxy
  const proxy = await startCountingProxy(state.kubeconfigPath);
  const fresh: number[] = [];
  const rerun: number[] = [];
  const writesFresh: number[] = [];
  const writesRerun: number[] = [];
  const selfReported: Array<{ fresh?: unknown; rerun?: unknown }> = [];
  try {
    for (let i = 0; i < runs; i++) {
      const inputs = { ...baseInputs, kubeconfig: proxy.kubeconfig, namespace: `bench-api-${i}` };
      proxy.reset();
      const f = must(await runAction({ inputs, toolCache: warmCache, post: false }), 'counted fresh run');
      const fc = proxy.counts();
      proxy.reset();
      const r = must(await runAction({ inputs, toolCache: warmCache, post: false }), 'counted re-run');
      const rc = proxy.counts();
      fresh.push(fc.requests);
      writesFresh.push(fc.writes);
      rerun.push(rc.requests);
      writesRerun.push(rc.writes);
      selfReported.push({ fresh: f.kubeStats, rerun: r.kubeStats });
      if (i === 0) info.rerunWrites = rc.writeLines;
      await deleteNamespaces([`bench-api-${i}`]);
    }
  } finally {
    await proxy.stop();
  }
  figures.apiRequestsFresh = figure(fresh, 'requests');
  figures.writesFresh = figure(writesFresh, 'writes');
  figures.apiRequestsRerun = figure(rerun, 'requests');
  figures.writesRerun = figure(writesRerun, 'writes');
  goals.writesRerun = { text: '= 0', met: figures.writesRerun.max === 0 };
  info.apiSelfReported = selfReported;

  // ------------------------------------------------ 4: cold start of dist/index.js to its first log line
  const coldStart: number[] = [];
  const bareNode: number[] = [];
  const scratch = mkdtempSync(join(tmpdir(), 'ask-istio-bench-cold-'));
  const firstOutput = (args: string[]): Promise<number> =>
    new Promise((resolve, reject) => {
      const started = performance.now();
      // No inputs: the action starts, logs its first line (the input error) and exits.
      const child = spawn(node24(), args, {
        env: { PATH: process.env.PATH ?? '', HOME: scratch, RUNNER_TEMP: scratch, GITHUB_ACTIONS: 'true' },
        stdio: ['ignore', 'pipe', 'pipe']
      });
      let done = false;
      const first = (): void => {
        if (done) return;
        done = true;
        resolve(performance.now() - started);
      };
      child.stdout.once('data', first);
      child.stderr.once('data', first);
      child.on('close', () => (done ? undefined : reject(new Error(`${args.join(' ')} printed nothing`))));
    });
  for (let i = 0; i < Math.max(runs, 5); i++) {
    coldStart.push(await firstOutput([join(ROOT, 'dist', 'index.js')]));
    bareNode.push(await firstOutput(['-e', 'console.log(1)']));
  }
  figures.coldStartMs = figure(coldStart, 'ms');
  goals.coldStartMs = { text: '≤ 300', met: figures.coldStartMs.median <= 300 };
  figures.bareNodeStartMs = figure(bareNode, 'ms');

  // ------------------------------------------------ 6: concurrent preview deployments, peak RSS
  const rssFile = join(scratch, 'rss.txt');
  writeFileSync(rssFile, '');
  const probe = pathToFileURL(join(HERE, 'rss-probe.mjs')).href;
  const batchTotals: Record<number, number[]> = {};
  const perRun: Record<number, number[]> = {};
  for (const level of scaleLevels) {
    batchTotals[level] = [];
    perRun[level] = [];
    for (let rep = 0; rep < runs; rep++) {
      const ids = Array.from({ length: level }, (_, j) => `s${level}-${rep}-${j}`);
      const started = performance.now();
      const results = await Promise.all(
        ids.map((id) =>
          runAction({
            // Each preview its own host: previews sharing `*` on the ingress are refused (allow-shared-hosts).
            inputs: { ...baseInputs, 'preview-id': id, 'gateway-hosts': 'pr-{id}.bench.example.com' },
            toolCache: warmCache,
            post: false,
            env: { NODE_OPTIONS: `--import ${probe}`, BENCH_RSS_FILE: rssFile }
          })
        )
      );
      batchTotals[level].push((performance.now() - started) / 1000);
      for (const r of results)
        perRun[level].push(must(r, `concurrent run (${level})`).main.durationMs / 1000);
      log(`scale ${level}, batch ${rep + 1}/${runs}: ${batchTotals[level].at(-1)!.toFixed(1)}s`);
      await deleteNamespaces(results.map((r) => r.outputs.namespace ?? '').filter(Boolean));
    }
    figures[`concurrency${level}TotalSeconds`] = figure(batchTotals[level], 's');
    figures[`concurrency${level}PerRunSeconds`] = figure(perRun[level], 's');
  }
  const single = median(batchTotals[1] ?? []);
  const top = Math.max(...scaleLevels);
  figures[`concurrency${top}Ratio`] = figure(
    (batchTotals[top] ?? []).map((t) => t / single),
    'ratio'
  );
  if (top === 20)
    goals.concurrency20Ratio = { text: '≤ 1.5', met: figures.concurrency20Ratio!.median <= 1.5 };
  // Only the action's own process (dist/index.js), not the istioctl children that inherit the probe.
  const rss = readFileSync(rssFile, 'utf8')
    .split('\n')
    .filter((l) => / \S*dist\/index\.js$/.test(l))
    .map((l) => Number(l.split(' ')[1]) / 1024);
  figures.peakRssMb = figure(rss, 'MB');
  goals.peakRssMb = { text: '≤ 150 (max)', met: figures.peakRssMb.max <= 150 };
} finally {
  await harness.stop();
}

// ---------------------------------------------------------------- results
const top = (name: string): number | null => figures[name]?.median ?? null;
const results = {
  date: new Date().toISOString(),
  machine: machine(),
  settings: { runs, startDelayMs, scaleLevels, istioVersion: ISTIO_VERSION, routing: ROUTING, smoke },
  note: 'Shared machine: other test clusters ran at the same time, so absolute times are noisy; min/median/max over all runs.',
  overheadRatio: top('overheadRatio'),
  seedRatio: top('seedRatio'),
  warmCacheSeconds: top('warmCacheSeconds'),
  coldCacheSeconds: top('coldCacheSeconds'),
  coldStartMs: top('coldStartMs'),
  apiRequestsFresh: top('apiRequestsFresh'),
  apiRequestsRerun: top('apiRequestsRerun'),
  writesRerun: top('writesRerun'),
  concurrency20Ratio: top('concurrency20Ratio'),
  peakRssMb: top('peakRssMb'),
  goals,
  figures,
  info,
  benchSeconds: round((performance.now() - benchStarted) / 1000, 1)
};
const rows: Row[] = Object.entries(figures).map(([name, f]) => ({ name, figure: f, goal: goals[name] }));
const m = results.machine;
const md = [
  `Measured ${results.date.slice(0, 10)} on ${m.cpu}, ${m.cpus} CPUs, ${m.memoryGb} GB, ${m.os}, Node ${m.node}` +
    ` (load average at start ${m.loadAverageAtStart.join(' ')}; machine shared with other test clusters).` +
    ` Simulated pod start delay ${startDelayMs} ms; ${runs} run(s) per figure; Istio ${ISTIO_VERSION} already installed` +
    ` except in the first run.`,
  '',
  markdownTable(rows),
  '',
  `Action phases (median s): ${Object.entries(
    (info.actionPhaseMedians as Record<string, number> | undefined) ?? {}
  )
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}.`
].join('\n');
writeFileSync(join(outDir, 'results.json'), JSON.stringify(results, null, 2) + '\n');
writeFileSync(join(outDir, 'results.md'), md + '\n');
process.stdout.write(md + '\n');
log(`results in ${outDir} (${results.benchSeconds}s)`);
const missed = Object.entries(goals)
  .filter(([, g]) => !g.met)
  .map(([k]) => k);
if (missed.length > 0) log(`goals missed: ${missed.join(', ')}`);

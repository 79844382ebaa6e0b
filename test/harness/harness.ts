// Starts everything the e2e tests and `npm run demo` run against: the real control plane, the simulator
// (node/kubelet, sidecar injector, cloud LB, gateway) and the stand-in Istio release server, then writes the
// state file that tests read with readHarnessState().
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startControlPlane, type ControlPlane } from '../cluster/controlPlane.js';
import { currentStack, stackBinaries, stackNamed, type StackName } from '../cluster/stacks.js';
import { SIMULATOR_NAMESPACE, STATE_ENV, type HarnessState } from './state.js';

export interface HarnessOptions {
  log?: (line: string) => void;
  /** Scratch directory; a fresh temp dir (removed on stop) by default. */
  workDir?: string;
  /** Directory of the control-plane binaries (default: found/built by test/cluster/build.sh). */
  binDir?: string;
  /** Which stack (test/cluster/stacks.ts); ASK_ISTIO_STACK, default current. */
  stack?: StackName;
  /** Leave parts out, e.g. for a control-plane-only run. Both default to true. */
  simulator?: boolean;
  releaseServer?: boolean;
}

export interface Harness {
  state: HarnessState;
  statePath: string;
  controlPlane: ControlPlane;
  stop(): Promise<void>;
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`[harness] ${line}\n`));
  const stack = opts.stack ? stackNamed(opts.stack) : currentStack();
  const ownDir = opts.workDir === undefined;
  const workDir = opts.workDir ?? mkdtempSync(join(tmpdir(), 'ask-istio-harness-'));
  mkdirSync(workDir, { recursive: true });

  // Stop in reverse order of start, whatever happens; each part is independent of failures of the others.
  const stops: Array<{ name: string; stop: () => Promise<void> }> = [];
  const stopAll = async (): Promise<void> => {
    for (const s of stops.splice(0).reverse()) {
      try {
        await s.stop();
      } catch (err) {
        log(`stopping ${s.name} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  };

  try {
    // Builds on first use (cached per machine): the control plane and, on `current`, the real Istio.
    const found = stackBinaries(stack);
    const bins = { ...found, binDir: opts.binDir ?? found.binDir };
    const releaseDir = join(workDir, 'releases');
    mkdirSync(releaseDir, { recursive: true });
    // The release build is independent of the cluster: let it run while the control plane starts.
    const wantRelease = opts.releaseServer !== false;
    // Parts are imported lazily so a control-plane-only run does not load them.
    const releaseBuild = wantRelease
      ? import('../release/index.js').then(async (m) => {
          await m.buildReleases({
            dir: releaseDir,
            versions:
              stack.name === 'seed' ? m.DEFAULT_VERSIONS : ['1.13.3', stack.istioPrevious, stack.istio],
            real: Object.fromEntries(Object.entries(bins.istio).map(([v, dir]) => [v, { dir }]))
          });
          return m;
        })
      : undefined;
    // Avoid an unhandled rejection if the control plane fails first; the error is rethrown below.
    releaseBuild?.catch(() => {});

    // The apiserver reaches pods, services and webhooks through the simulator's egress proxy: pods get
    // non-loopback IPs (1.20 rejects 127/8 in Endpoints and refuses to proxy to it), yet nothing leaves the box.
    const sim = opts.simulator !== false ? await import('../simulator/index.js') : undefined;
    const egress = sim?.writeEgressSelectorConfig(join(workDir, 'egress'));

    const controlPlane = await startControlPlane({
      stack: stack.name,
      dir: join(workDir, 'cluster'),
      binDir: bins.binDir,
      etcd: bins.etcd,
      egressSelectorConfigFile: egress?.configPath,
      log: (l) => log(`cluster: ${l}`)
    });
    stops.push({ name: 'control plane', stop: () => controlPlane.stop() });

    if (sim) {
      // ASK_ISTIO_ISTIOD=simulator: no real istiod; the simulator's injector answers in its place, to show
      // which tests are Istio's doing (test/README.md). Not for normal runs.
      const istiodStandIn = process.env.ASK_ISTIO_ISTIOD === 'simulator';
      if (istiodStandIn) log('sim: ASK_ISTIO_ISTIOD=simulator: the simulator injector stands in for istiod');
      const simulator = await sim.startSimulator({
        kubeconfigPath: controlPlane.kubeconfigPath,
        egressSocketPath: egress?.socketPath,
        kubernetesVersion: controlPlane.gitVersion,
        // The real istiod (pilot-discovery) behind the istiod pods of each real Istio version.
        processes: {
          images: istiodStandIn
            ? []
            : Object.entries(bins.istio).map(([v, dir]) =>
                sim.pilotDiscoveryImage(v, join(dir, 'bin', 'pilot-discovery'))
              ),
          workDir: join(workDir, 'pods')
        },
        istiodStandIn,
        log: (l: string) => log(`sim: ${l}`)
      });
      stops.push({ name: 'simulator', stop: () => simulator.stop() });
    }

    let releaseBaseUrl = '';
    if (releaseBuild) {
      const m = await releaseBuild;
      const server = await m.startReleaseServer({ dir: releaseDir });
      stops.push({ name: 'release server', stop: () => server.stop() });
      releaseBaseUrl = server.baseUrl.replace(/\/+$/, '');
    }

    const control = await startControlServer(
      { restartApiServer: () => controlPlane.restartApiServer() },
      log
    );
    stops.push({ name: 'control endpoint', stop: () => control.stop() });

    const state: HarnessState = {
      controlUrl: control.url,
      kubeconfigPath: controlPlane.kubeconfigPath,
      server: controlPlane.server,
      binDir: controlPlane.binDir,
      workDir,
      releaseBaseUrl,
      downloadUrl: releaseBaseUrl ? `${releaseBaseUrl}/download` : '',
      simulatorNamespace: SIMULATOR_NAMESPACE,
      components: { controlPlane: true, simulator: sim !== undefined, releaseServer: releaseBaseUrl !== '' },
      startupMs: controlPlane.startupMs,
      timings: controlPlane.timings,
      stack,
      kubernetesVersion: controlPlane.gitVersion,
      realIstio: bins.istio
    };
    const statePath = join(workDir, 'harness-state.json');
    writeFileSync(statePath, JSON.stringify(state, null, 2) + '\n');
    // Tests in this process (and child processes started after this point) find the harness through the env.
    process.env[STATE_ENV] = statePath;
    log(`ready: ${STATE_ENV}=${statePath}`);

    let stopped = false;
    return {
      state,
      statePath,
      controlPlane,
      async stop() {
        if (stopped) return;
        stopped = true;
        await stopAll();
        if (process.env[STATE_ENV] === statePath) delete process.env[STATE_ENV];
        if (ownDir && !process.env.ASK_ISTIO_KEEP_CLUSTER_DIR && existsSync(workDir))
          rmSync(workDir, { recursive: true, force: true });
      }
    };
  } catch (err) {
    await stopAll();
    if (ownDir && !process.env.ASK_ISTIO_KEEP_CLUSTER_DIR) rmSync(workDir, { recursive: true, force: true });
    throw err;
  }
}

/** The harness control endpoint (see HarnessState.controlUrl). */
async function startControlServer(
  actions: { restartApiServer: () => Promise<void> },
  log: (line: string) => void
): Promise<{ url: string; stop: () => Promise<void> }> {
  const server = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/restart-apiserver') {
      const started = Date.now();
      log('control: restarting kube-apiserver');
      actions.restartApiServer().then(
        () => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ restartedMs: Date.now() - started }));
        },
        (err: unknown) => {
          res.writeHead(500);
          res.end(err instanceof Error ? err.message : String(err));
        }
      );
      return;
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve()))
  };
}

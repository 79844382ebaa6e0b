// The deploy / teardown / prune sequences. Every line is one step from its own module. Steps return typed
// results and never touch the report: what each found reaches the report model through the step log
// (report.steps.run records a result's `report` contribution, or a StepFailure's), and what this file
// passes on from one step to the next is visible here.
import * as core from '@actions/core';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from './inputs/config.js';
import { record, type RunReport } from './report/model.js';
import { authenticate } from './auth/index.js';
import { installIstioctl, installSamples } from './istioctl/install.js';
import { Istioctl } from './istioctl/run.js';
import { Kube } from './kube/client.js';
import { KUBE_STATS_DEBUG_PREFIX } from './kube/stats.js';
import { ownership, runContextFromEnv } from './ownership.js';
import { checkCluster } from './istio/preflight.js';
import { ensureIstio } from './istio/apply.js';
import { deployAddons } from './istio/addons.js';
import {
  deployBookinfo,
  bookinfoNamespace,
  bookinfoWorkloads,
  awaitBookinfo,
  applyBookinfoGateway,
  bookinfoGatewayObjects,
  startAnalysis,
  reportAnalysis
} from './bookinfo/deploy.js';
import { applyRouting } from './routing/apply.js';
import { prepareImageCache } from './eci/imageCache.js';
import { resolveGateway, resolveGatewayApi } from './gateway/resolve.js';
import { ensureGatewayApi } from './gatewayapi/apply.js';
import { checkSharedHosts } from './gateway/shared.js';
import { verify } from './verify/run.js';
import { locateReviewsPods } from './verify/origin.js';
import { teardownPreview, prunePreviews } from './lifecycle/previews.js';

async function connect(config: Config, report: RunReport, signal?: AbortSignal) {
  const creds = await report.steps.run('Authenticate', async (note) => {
    const c = await authenticate(config.auth, { runnerTemp: process.env.RUNNER_TEMP ?? '', signal });
    note(`${c.source} → ${c.server}`);
    return c;
  });
  // A dry run's connection turns every apply and delete into a server-side dry run and refuses any other
  // write: whatever a step does, a dry run changes nothing.
  const kube = await Kube.connect({
    kubeconfigPath: creds.kubeconfigPath,
    context: creds.context,
    signal,
    dryRun: config.lifecycle.dryRun
  });
  return { creds, kube };
}

export async function deploy(config: Config, report: RunReport, signal?: AbortSignal): Promise<void> {
  const { creds, kube } = await connect(config, report, signal);
  const deadline = Date.now() + config.waitTimeoutMs;
  const run: Run = { config, report, kube, signal, remaining: () => Math.max(1000, deadline - Date.now()) };

  const mesh = await installMesh(run, creds);
  try {
    const app = await applyBookinfo(run, mesh);
    await awaitAndVerify(run, mesh, app);
  } finally {
    // istioctl install may still be rolling out the gateways, under the install lease: a failed run
    // still waits for it to end rather than leave it behind.
    await mesh.controlPlane?.catch(() => undefined);
  }
  // A cancelled run never ends green, whichever step noticed the cancellation first.
  if (signal?.aborted) throw signal.reason;

  // Counted by the kube layer (a re-run writes nothing). The line is for people; the e2e tests and the
  // benchmark read the same figures as data, from the debug command (shown with ACTIONS_STEP_DEBUG).
  core.info(`Kubernetes API: ${kube.stats.requests} requests, ${kube.stats.writes} writes`);
  core.debug(`${KUBE_STATS_DEBUG_PREFIX}${JSON.stringify(kube.stats)}`);
  if (config.lifecycle.dryRun)
    core.info(['Dry run — nothing was changed. Plan:', ...report.plan.map((l) => `  ${l}`)].join('\n'));
}

/** What every phase of a deploy works with; `remaining` is what is left of wait-timeout. */
interface Run {
  config: Config;
  report: RunReport;
  kube: Kube;
  signal?: AbortSignal;
  remaining: () => number;
}

type Credentials = Awaited<ReturnType<typeof connect>>['creds'];

/** istioctl, the preflight, the Gateway API CRDs (in that mode) and the shared control plane. */
async function installMesh({ config, report, kube, signal, remaining }: Run, creds: Credentials) {
  const tool = await report.steps.run('Fetch istioctl', async (note) => {
    const t = await installIstioctl({
      versionSpec: config.istio.versionSpec,
      downloadUrl: config.istio.downloadUrl,
      githubToken: config.lifecycle.githubToken,
      signal
    });
    note(`istioctl ${t.version} (${t.cacheHit ? 'tool cache hit' : 'downloaded and verified'})`);
    return t;
  });
  const istioctl = new Istioctl(tool.binary, {
    kubeconfig: creds.kubeconfigPath,
    context: creds.context,
    secrets: config.secrets,
    signal
  });
  report.istio = {
    version: tool.version,
    istioctlPath: tool.binary,
    cacheHit: tool.cacheHit,
    action: 'pending',
    reason: ''
  };

  const cluster = await report.steps.run('Preflight', () => checkCluster(kube, config, tool.version));
  report.cluster = {
    server: creds.server,
    kubeVersion: cluster.kubeVersion,
    serverless: cluster.serverless,
    source: creds.source
  };

  // ingress: gateway-api — the CRDs are checked (too old: refused, nothing changed yet) and created when
  // absent before Istio is installed; istiod picks them up whenever they appear.
  if (config.ingress === 'gateway-api') {
    await report.steps.run('Gateway API CRDs', () =>
      ensureGatewayApi({
        kube,
        config,
        istioVersion: tool.version,
        kubernetesVersion: cluster.kubeVersion,
        timeoutMs: remaining()
      })
    );
  }

  // On a fresh install the step ends once istiod can inject pods; controlPlane is the rest of istioctl install.
  const { controlPlane } = await report.steps.run('Install Istio', () =>
    ensureIstio({
      kube,
      istioctl,
      config,
      version: tool.version,
      extraSets: cluster.fixes,
      timeoutMs: remaining()
    })
  );
  return { version: tool.version, istioctl, serverless: cluster.serverless, controlPlane };
}

type Mesh = Awaited<ReturnType<typeof installMesh>>;

/**
 * Bookinfo, its gateway and its routing, applied back to back: none of them needs a running pod, so the
 * rollout wait (the cluster's own limit) overlaps istioctl analyze instead of preceding it.
 */
async function applyBookinfo({ config, report, kube, remaining }: Run, mesh: Mesh) {
  const own = ownership(config.lifecycle.previewId, runContextFromEnv(process.env));
  const samples =
    config.bookinfo || config.gateway || config.addons.length > 0
      ? await report.steps.run('Fetch samples', () =>
          installSamples({
            version: mesh.version,
            downloadUrl: config.istio.downloadUrl,
            githubToken: config.lifecycle.githubToken
          })
        )
      : undefined;
  const readSample = (rel: string) => readFile(join(samples ?? '', rel), 'utf8');
  if (!config.bookinfo) {
    report.steps.skip('Deploy Bookinfo', 'bookinfo: false');
    return { deployments: [], readSample, own };
  }

  // Before anything of Bookinfo is applied: another namespace's Gateway claiming our hosts would take
  // our traffic (Istio gives a shared host to the older Gateway); a preview is refused, others warned.
  // (A Gateway API Gateway is the namespace's own: no other namespace's Gateway can claim its hosts.)
  if (config.gateway && config.ingress === 'istio-gateway') {
    await report.steps.run('Check gateway hosts', async () =>
      checkSharedHosts({
        kube,
        config,
        objects: await bookinfoGatewayObjects({ config, ownership: own, readSample })
      })
    );
  }
  // On ASK, the pods start from the cache only if it is Ready before they are created.
  if (config.eciImageCache === 'prepare') {
    await report.steps.run('Prepare ECI ImageCache', async () =>
      prepareImageCache({
        kube,
        config,
        istioVersion: mesh.version,
        namespace: await bookinfoNamespace(kube, config, own),
        workloads: await bookinfoWorkloads({ config, ownership: own, readSample }),
        timeoutMs: remaining()
      })
    );
  }
  const { deployments } = await report.steps.run('Deploy Bookinfo', () =>
    deployBookinfo({ kube, config, ownership: own, readSample })
  );
  // The sample gateway routes to productpage: without Bookinfo it would only shadow other hosts.
  if (config.gateway) {
    await report.steps.run('Apply Bookinfo gateway', () =>
      applyBookinfoGateway({ kube, config, ownership: own, readSample })
    );
  }
  await report.steps.run(`Apply routing (${config.routing.variant})`, () =>
    applyRouting({ kube, config, ownership: own, readSample, istioVersion: mesh.version })
  );
  return { deployments, readSample, own };
}

/**
 * The waits (Bookinfo, addons, the gateway address) and the verification, with istioctl analyze running
 * alongside: it reads what was just applied and was a third of a warm run. Its verdict is reported after
 * them (and wins over theirs).
 */
async function awaitAndVerify(run: Run, mesh: Mesh, app: Awaited<ReturnType<typeof applyBookinfo>>) {
  const { config, report, kube, signal, remaining } = run;
  const { controlPlane } = mesh;
  let analysis: Promise<{ code: number; stdout: string } | undefined> | undefined;
  if (config.bookinfo && config.lifecycle.dryRun)
    record(report, { plan: [`istioctl analyze -n ${config.namespace}`] });
  else if (config.bookinfo) {
    // Once the whole control plane is up: before the gateways exist, analyze would report the Bookinfo
    // Gateway's selector as matching no pods. No analysis when the control plane failed (that step says why).
    analysis = (controlPlane ?? Promise.resolve()).then(
      () => startAnalysis(mesh.istioctl, config),
      () => undefined
    );
    analysis.catch(() => undefined); // awaited below; avoid an unhandled rejection meanwhile
  }
  try {
    if (app.deployments.length > 0) {
      await report.steps.run('Wait for Bookinfo', () =>
        awaitBookinfo({
          kube,
          config,
          names: app.deployments,
          timeoutMs: remaining(),
          istioVersion: mesh.version,
          readSample: app.readSample,
          ownership: app.own
        })
      );
    }
    if (controlPlane) await report.steps.run('Finish Istio install', () => controlPlane);
    if (config.addons.length > 0) {
      await report.steps.run(`Deploy addons (${config.addons.join(', ')})`, () =>
        deployAddons({ kube, config, readSample: app.readSample, timeoutMs: remaining() })
      );
    }
    await gatewayAndVerify(config, report, kube, mesh.serverless, remaining, signal);
  } finally {
    const outcome = analysis && !signal?.aborted ? await settle(analysis) : undefined;
    if (outcome) await report.steps.run('istioctl analyze', async () => reportAnalysis(outcome, config));
  }
}

/** An analyze that could not run at all (API server flaky, no read access) becomes a warning. */
async function settle<T>(p: Promise<T>): Promise<T | Error> {
  return p.catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
}

async function gatewayAndVerify(
  config: Config,
  report: RunReport,
  kube: Kube,
  serverless: boolean,
  remaining: () => number,
  signal?: AbortSignal
): Promise<void> {
  if (config.gateway && config.bookinfo && config.ingress === 'gateway-api') {
    const [namespace, name] = (report.gatewayApi?.gateway ?? '').split('/');
    report.gateway = await report.steps.run('Wait for Gateway Programmed', () =>
      resolveGatewayApi({
        kube,
        namespace: namespace || config.namespace,
        name: name || 'bookinfo-gateway',
        timeoutMs: remaining(),
        hosts: config.gatewayHosts,
        dryRun: config.lifecycle.dryRun
      })
    );
  } else if (config.gateway) {
    report.gateway = await report.steps.run('Find gateway address', () =>
      resolveGateway({
        kube,
        serverless,
        timeoutMs: remaining(),
        hosts: config.gatewayHosts,
        dryRun: config.lifecycle.dryRun
      })
    );
  }

  const gateway = report.gateway;
  if (
    !config.lifecycle.dryRun &&
    gateway &&
    config.bookinfo &&
    (config.verify.smokeTest || config.verify.verifyRouting)
  ) {
    await report.steps.run('Verify', () =>
      verify({
        config,
        gateway,
        routing: report.routing,
        signal,
        locatePods: () => locateReviewsPods(kube, config.namespace)
      })
    );
  }
}

export async function teardown(config: Config, report: RunReport, signal?: AbortSignal): Promise<void> {
  const { kube } = await connect(config, report, signal);
  await report.steps.run(`Tear down ${config.namespace}`, () => teardownPreview({ kube, config }));
}

export async function prune(config: Config, report: RunReport, signal?: AbortSignal): Promise<void> {
  const { kube } = await connect(config, report, signal);
  await report.steps.run('Prune old previews', () => prunePreviews({ kube, config }));
}

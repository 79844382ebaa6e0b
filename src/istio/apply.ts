// Thin part of the Istio step: read what istio-system runs, then (unless the plan says skip) run
// `istioctl x precheck` and `istioctl install`, and watch until the control plane is available — on a
// fresh install, until istiod can inject pods, handing the rest of the wait to the pipeline.
import * as core from '@actions/core';
import type { Config } from '../inputs/config.js';
import type { Kube } from '../kube/client.js';
import type { Istioctl } from '../istioctl/run.js';
import { StepFailure, type ComponentRow, type Contributing } from '../report/model.js';
import { componentRow, containerImage, deploymentReady } from '../kube/readiness.js';
import { awaitDeployments } from '../kube/diagnostics.js';
import { ISTIO_NAMESPACE } from './apis.js';
import {
  injectorConfigured,
  injectorWebhookName,
  istiodName,
  istiodServes,
  planInstall,
  versionFromImage,
  type ObservedIstio
} from './install.js';
import { withLease } from '../kube/lease.js';
import { precheckFailure, readPrecheck } from './precheck.js';

export async function observeIstio(kube: Kube, config: Config): Promise<ObservedIstio> {
  const deployments = await kube.list('apps/v1', 'Deployment', { namespace: ISTIO_NAMESPACE });
  const byName = new Map(deployments.map((d) => [d.metadata.name, d]));
  const istiod = byName.get(istiodName(config.istio.revision));
  return {
    installedVersion: versionFromImage(containerImage(istiod)),
    istiodReady: istiod ? deploymentReady(istiod) : false,
    ingressPresent: byName.has('istio-ingressgateway'),
    egressPresent: byName.has('istio-egressgateway')
  };
}

export interface EnsureIstioArgs {
  kube: Kube;
  istioctl: Istioctl;
  config: Config;
  version: string;
  extraSets: Array<{ key: string; value: string }>;
  timeoutMs: number;
}

/**
 * What the Install Istio step found. `controlPlane` settles once istioctl install has ended and every
 * control-plane Deployment is available (the pipeline waits for it in a later step); when the plan allows
 * (injectorFirst) the step itself returns as soon as the new istiod can inject pods, so Bookinfo rolls out
 * while istioctl is still rolling out the gateways.
 */
export interface IstioInstall extends Contributing {
  /** Absent when the step itself waited for the whole control plane. */
  controlPlane?: Promise<Contributing>;
}

export async function ensureIstio({
  kube,
  istioctl,
  config,
  version,
  extraSets,
  timeoutMs
}: EnsureIstioArgs): Promise<IstioInstall> {
  // CNI / ambient values arrive in extraSets: the preflight decides them from what the cluster allows.
  const planFor = (observed: ObservedIstio) =>
    planInstall(config.istio, version, observed, { readinessTimeoutMs: timeoutMs, extraSets });
  const plan = planFor(await observeIstio(kube, config));
  for (const w of plan.warnings) core.warning(w);
  const found = { warnings: plan.warnings, istio: { action: plan.action, reason: plan.reason } };
  core.info(`Istio: ${plan.action} — ${plan.reason}`);
  if (config.lifecycle.dryRun) {
    const line =
      plan.action === 'skip'
        ? `Istio: leave as is (${plan.reason})`
        : `Istio: ${plan.action} — istioctl ${plan.args.join(' ')}`;
    return { report: { ...found, plan: [line] } };
  }
  const components = () => waitForControlPlane(kube, plan.deployments, timeoutMs);
  // The plan's warnings and action reach the summary also when the install or the wait fails.
  try {
    if (plan.action === 'skip') return { report: { ...found, components: await components() } };
    const installing = installUnderLease(
      kube,
      istioctl,
      timeoutMs,
      () => observeIstio(kube, config),
      planFor
    );
    if (!plan.injectorFirst) {
      await installing;
      return { report: { ...found, components: await components() } };
    }
    installing.catch(() => undefined); // awaited through controlPlane or below
    let injectorFirst: boolean;
    try {
      injectorFirst = await untilInjectorServes(kube, config.istio.revision, version, installing, timeoutMs);
    } catch (err) {
      // Never leave istioctl running behind a failed step: it holds the install lease.
      await installing.catch(() => undefined);
      throw err;
    }
    if (injectorFirst)
      core.info(`istiod ${version} serves sidecar injection; istioctl install goes on with the gateways`);
    const controlPlane = installing.then(async () => ({ report: { components: await components() } }));
    controlPlane.catch(() => undefined); // awaited by the pipeline's later step
    return { report: found, controlPlane };
  } catch (err) {
    throw new StepFailure(err, found);
  }
}

/**
 * Waits until istiod of `version` is available and the API server can call its injector (the webhook
 * trusts its CA), or until istioctl install ends, whichever comes first; rejects when istioctl fails first.
 * Resolves true when the injector was seen serving, false when istioctl ended first.
 */
async function untilInjectorServes(
  kube: Kube,
  revision: string | undefined,
  version: string,
  installing: Promise<void>,
  timeoutMs: number
): Promise<boolean> {
  const stop = new AbortController();
  const serving = (async () => {
    await awaitDeployments(kube, ISTIO_NAMESPACE, [istiodName(revision)], timeoutMs, {
      ready: (istiod) => istiodServes(istiod, version),
      signal: stop.signal,
      description: `istiod ${version} available to inject sidecars`
    });
    const webhook = injectorWebhookName(revision);
    await kube.waitFor(
      { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', name: webhook },
      ([config]) => ({
        done: injectorConfigured(config),
        progress: config ? `${webhook}: waiting for istiod to patch its CA in` : `${webhook} (missing)`
      }),
      { timeoutMs, signal: stop.signal }
    );
    return true;
  })();
  serving.catch(() => undefined); // the loser of the race below is aborted
  try {
    return await Promise.race([serving, installing.then(() => false)]);
  } finally {
    stop.abort();
  }
}

/** Two previews starting together must not run istioctl install at the same time on the shared mesh. */
async function installUnderLease(
  kube: Kube,
  istioctl: Istioctl,
  timeoutMs: number,
  observe: () => Promise<ObservedIstio>,
  planFor: (observed: ObservedIstio) => ReturnType<typeof planInstall>
): Promise<void> {
  await withLease(
    kube,
    { namespace: ISTIO_NAMESPACE, name: 'ask-istio-action-install', timeoutMs },
    async () => {
      const replan = planFor(await observe());
      if (replan.action === 'skip') {
        core.info(`Istio was installed meanwhile by another run: ${replan.reason}`);
        return;
      }
      // Exit 1 is findings or a failed check; only the output tells which (see precheck.ts).
      const pre = await istioctl.run(['x', 'precheck'], {
        timeoutMs,
        allowExitCodes: [0, 1],
        transient: (r) => {
          const v = readPrecheck(r);
          return v.kind === 'error' && v.transient ? v.message : undefined;
        }
      });
      const verdict = readPrecheck(pre);
      if (verdict.kind !== 'error') {
        for (const f of verdict.findings)
          (f.level === 'Error' ? core.error : f.level === 'Warning' ? core.warning : core.info)(
            `istioctl x precheck: ${f.text}`
          );
      }
      const refused = precheckFailure(verdict);
      if (refused) throw refused;
      await istioctl.run(replan.args, { timeoutMs: timeoutMs + 30_000 });
    }
  );
}

async function waitForControlPlane(kube: Kube, names: string[], timeoutMs: number): Promise<ComponentRow[]> {
  return (await awaitDeployments(kube, ISTIO_NAMESPACE, names, timeoutMs)).map(componentRow);
}

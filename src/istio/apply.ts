// Thin part of the Istio step: read what istio-system runs, then (unless the plan says skip) run
// `istioctl x precheck` and `istioctl install`, and watch until the control plane is available.
import * as core from '@actions/core';
import type { Config } from '../inputs/config.js';
import type { Kube } from '../kube/client.js';
import type { Istioctl } from '../istioctl/run.js';
import { StepFailure, type ComponentRow, type Contributing } from '../report/model.js';
import { componentRow, containerImage, deploymentReady } from '../kube/readiness.js';
import { awaitDeployments } from '../kube/diagnostics.js';
import { ISTIO_NAMESPACE } from './apis.js';
import { istiodName, planInstall, versionFromImage, type ObservedIstio } from './install.js';
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

export async function ensureIstio({
  kube,
  istioctl,
  config,
  version,
  extraSets,
  timeoutMs
}: EnsureIstioArgs): Promise<Contributing> {
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
  // The plan's warnings and action reach the summary also when the install or the wait fails.
  try {
    if (plan.action !== 'skip')
      await installUnderLease(kube, istioctl, timeoutMs, () => observeIstio(kube, config), planFor);
    return { report: { ...found, components: await waitForControlPlane(kube, plan.deployments, timeoutMs) } };
  } catch (err) {
    throw new StepFailure(err, found);
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

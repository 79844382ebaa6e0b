// Installing Istio: a pure plan (what to do given the observed control plane and the inputs) and a thin
// apply (istioctl precheck + install, then a watch until the control plane Deployments are available).
import { compare, valid } from 'semver';
import type { IstioConfig } from '../inputs/config.js';
import { ActionError } from '../errors.js';
import { controlPlaneShape, istioMinorOf } from './profiles.js';
import type { KubeObject } from '../kube/objects.js';
import { containerImage, deploymentReady } from '../kube/readiness.js';

export interface ObservedIstio {
  /** Version read from the istiod image tag, when istiod exists. */
  installedVersion?: string;
  istiodReady: boolean;
  ingressPresent: boolean;
  egressPresent: boolean;
}

export type InstallAction = 'install' | 'upgrade' | 'downgrade' | 'reconcile' | 'skip';

export interface InstallPlan {
  action: InstallAction;
  reason: string;
  /** istioctl arguments (empty when skipping). */
  args: string[];
  /** Deployments in istio-system that must be available afterwards. */
  deployments: string[];
  /**
   * Bookinfo may start once the new istiod serves injection, before istioctl install ends: istioctl applies
   * the gateways only after istiod is ready (Istio's operator/pkg/install: Base, then Pilot, then the
   * gateways, each waited for), so their rollout overlaps Bookinfo's. Only when the target version's istiod
   * is new (install, upgrade, downgrade): a reconcile may change an istiod that is already ready, and
   * pods admitted before istioctl applies the change would get the old injection.
   */
  injectorFirst: boolean;
  warnings: string[];
}

/** `--set` path with dots inside a key escaped, as istioctl's path syntax requires. */
function setPath(prefix: string, key: string): string {
  return `${prefix}.${key.replace(/\./g, '\\.')}`;
}

export function istiodName(revision?: string): string {
  return revision ? `istiod-${revision}` : 'istiod';
}

/** The Deployments in istio-system the install must make available, from the profile and istio-set. */
export function controlPlaneDeployments(cfg: IstioConfig, version: string): string[] {
  const shape = controlPlaneShape(cfg, istioMinorOf(version));
  return [
    ...(shape.istiod ? [istiodName(cfg.revision)] : []),
    ...(shape.ingressGateway ? ['istio-ingressgateway'] : []),
    ...(shape.egressGateway ? ['istio-egressgateway'] : [])
  ];
}

export function installArgs(
  cfg: IstioConfig,
  opts: { readinessTimeoutMs: number; extraSets?: Array<{ key: string; value: string }>; cni?: boolean }
): string[] {
  const sets: Array<{ key: string; value: string }> = [{ key: 'profile', value: cfg.profile }];
  if (!cfg.egressGateway) sets.push({ key: 'components.egressGateways[0].enabled', value: 'false' });
  if (opts.cni) sets.push({ key: 'components.cni.enabled', value: 'true' });
  for (const [k, v] of Object.entries(cfg.ingressAnnotations)) {
    sets.push({ key: setPath('values.gateways.istio-ingressgateway.serviceAnnotations', k), value: v });
  }
  sets.push(...(opts.extraSets ?? []), ...cfg.set);
  const args = ['install'];
  for (const s of sets) args.push('--set', `${s.key}=${s.value}`);
  if (cfg.revision) args.push('--revision', cfg.revision);
  // istioctl waits for its components itself; give it the same budget we use.
  args.push('--readiness-timeout', `${Math.max(1, Math.round(opts.readinessTimeoutMs / 1000))}s`);
  // Without -y istioctl prompts and, reading EOF in CI, exits 1 ("Cancelled.").
  args.push('-y');
  return args;
}

export function planInstall(
  cfg: IstioConfig,
  version: string,
  observed: ObservedIstio,
  opts: { readinessTimeoutMs: number; extraSets?: Array<{ key: string; value: string }>; cni?: boolean }
): InstallPlan {
  const deployments = controlPlaneDeployments(cfg, version);
  const warnings: string[] = [];
  const args = installArgs(cfg, opts);
  const installed =
    observed.installedVersion && valid(observed.installedVersion) ? observed.installedVersion : undefined;
  // empty / remote: no istiod here, so nothing tells the installed version (its image tag is the signal).
  const localIstiod = deployments.includes(istiodName(cfg.revision));
  const skip = (reason: string): InstallPlan => ({
    action: 'skip',
    reason,
    args: [],
    deployments,
    injectorFirst: false,
    warnings
  });
  const run = (action: InstallAction, reason: string): InstallPlan => ({
    action,
    reason,
    args,
    deployments,
    injectorFirst: localIstiod && action !== 'reconcile',
    warnings
  });

  if (cfg.install === 'never') {
    if (!observed.installedVersion && localIstiod) {
      throw new ActionError('install-istio is "never" but Istio is not installed in istio-system.', {
        hint: 'install Istio first, or set install-istio: auto'
      });
    }
    if (installed && installed !== version) {
      warnings.push(
        `istio-system runs Istio ${installed}, istioctl is ${version}; not installing (install-istio: never)`
      );
    }
    return skip(`install-istio: never (found Istio ${observed.installedVersion})`);
  }
  // Any istiod present (even one with a non-release tag) is reconciled in place, not installed afresh.
  if (cfg.install === 'always')
    return run(observed.installedVersion ? 'reconcile' : 'install', 'install-istio: always');
  if (!localIstiod && cfg.install === 'auto')
    return run(
      'reconcile',
      `istio-profile ${cfg.profile} runs no istiod in this cluster, so the installed version cannot be read; istioctl reconciles the install`
    );
  if (!observed.installedVersion) return run('install', 'Istio is not installed');
  if (!installed)
    return run('reconcile', `installed version "${observed.installedVersion}" is not a release version`);
  if (compare(installed, version) < 0) return run('upgrade', `Istio ${installed} is older than ${version}`);
  if (compare(installed, version) > 0) {
    // A shared cluster where another pipeline installed a newer Istio: never downgrade it implicitly.
    warnings.push(
      `istio-system runs Istio ${installed}, newer than ${version}; leaving it (use install-istio: always to force)`
    );
    return skip(`Istio ${installed} is newer than ${version}`);
  }
  // Each gateway present exactly when the profile and istio-set want it (minimal has no ingress gateway).
  const shapeOk =
    observed.ingressPresent === deployments.includes('istio-ingressgateway') &&
    observed.egressPresent === deployments.includes('istio-egressgateway');
  if (!observed.istiodReady)
    return run('reconcile', `Istio ${installed} is installed but istiod is not ready`);
  if (!shapeOk)
    return run('reconcile', `Istio ${installed} is installed but its gateways differ from the inputs`);
  return skip(`Istio ${installed} is installed and healthy`);
}

/** The chart's sidecar injector configuration of istiod in istio-system (one per revision). */
export function injectorWebhookName(revision?: string): string {
  return revision ? `istio-sidecar-injector-${revision}` : 'istio-sidecar-injector';
}

/** Whether this istiod Deployment is available and runs `version`: the one that must inject Bookinfo. */
export function istiodServes(istiod: KubeObject | undefined, version: string): boolean {
  return !!istiod && deploymentReady(istiod) && versionFromImage(containerImage(istiod)) === version;
}

/**
 * Whether the injector configuration can admit pods: every webhook that calls a Service has a CA to trust.
 * The chart leaves caBundle empty and istiod patches its own CA in when it starts; until then the API
 * server cannot call it and refuses every pod of an injected namespace (failurePolicy Fail).
 */
export function injectorConfigured(config: KubeObject | undefined): boolean {
  const webhooks = (
    config as { webhooks?: Array<{ clientConfig?: { service?: unknown; caBundle?: string } }> }
  )?.webhooks;
  return (
    !!webhooks &&
    webhooks.length > 0 &&
    webhooks.every((w) => !w.clientConfig?.service || !!w.clientConfig.caBundle)
  );
}

/** Version from an image reference such as docker.io/istio/pilot:1.13.3 or …/pilot:1.30.3-distroless. */
export function versionFromImage(image: string | undefined): string | undefined {
  if (!image) return undefined;
  // The tag is after the last ':' of the last path segment; an earlier ':' is a registry port
  // (registry.local:5000/istio/pilot), and an image pinned only by digest has no tag at all.
  const name = (image.split('@')[0] ?? '').split('/').pop() ?? '';
  const colon = name.lastIndexOf(':');
  const tag = colon >= 0 ? name.slice(colon + 1) : '';
  const m = /^(\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?)$/.exec(tag.replace(/-distroless$/, ''));
  return m ? m[1] : tag || undefined;
}

/**
 * `--set` values for the data plane the preflight chose. Istio CNI replaces istio-init (which needs
 * NET_ADMIN/NET_RAW) with a node agent; ambient mode needs that agent plus ztunnel, both DaemonSets, which
 * is why neither is possible on serverless (virtual-kubelet only) clusters. The ambient values mirror
 * Istio's own `ambient` profile on top of the chosen profile, so the demo gateways stay.
 */
export function dataplaneSets(opts: {
  cni: boolean;
  ambient: boolean;
}): Array<{ key: string; value: string }> {
  const sets: Array<{ key: string; value: string }> = [];
  if (opts.cni || opts.ambient) sets.push({ key: 'components.cni.enabled', value: 'true' });
  if (opts.ambient) {
    sets.push({ key: 'components.ztunnel.enabled', value: 'true' });
    sets.push({ key: 'values.profile', value: 'ambient' });
  }
  return sets;
}

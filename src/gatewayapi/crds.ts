// Gateway API CRDs for `ingress: gateway-api` (pure): which of the vendored standard-channel CRDs to create,
// which to leave alone, and when the cluster cannot run the mode at all. Decided from the live CRDs, the
// Kubernetes version and the Istio version before anything in the cluster changes.
//
// Rules:
// - a CRD that is absent is created at the vendored version (the one the Istio release is built against);
// - a CRD that is present is never replaced: a newer bundle stays (no downgrade), an equal one is already
//   right, an older one that serves what Istio needs stays too (it belongs to whoever installed it; the
//   plan says it is older), and an experimental-channel CRD stays whatever its version;
// - GatewayClass, Gateway and HTTPRoute must serve `v1` (the release's samples/bookinfo/gateway-api files
//   are v1; istioctl x precheck requires at least v1beta1 and warns below v1): otherwise the mode is refused
//   with every offending CRD listed.
import { compareVersions, minorOf } from '../versions.js';
import { ActionError } from '../errors.js';

export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';
export const BUNDLE_VERSION_ANNOTATION = 'gateway.networking.k8s.io/bundle-version';
export const CHANNEL_ANNOTATION = 'gateway.networking.k8s.io/channel';

/** Kinds the Bookinfo Gateway API manifests use, with the served version they need. */
export const REQUIRED_CRDS: ReadonlyArray<{ name: string; version: string }> = [
  { name: `gatewayclasses.${GATEWAY_API_GROUP}`, version: 'v1' },
  { name: `gateways.${GATEWAY_API_GROUP}`, version: 'v1' },
  { name: `httproutes.${GATEWAY_API_GROUP}`, version: 'v1' }
];

/**
 * Istio serves Gateway API for ingress and mesh (Service parentRefs, which the route-*.yaml samples use)
 * as stable from 1.22 (Gateway API v1.1; Istio's "Gateway API Mesh Support Promoted To Stable", May 2024).
 */
export const MIN_ISTIO_MINOR = 22;
/** Gateway API v1.1 and later support Kubernetes 1.26 and later (the project's support policy). */
export const MIN_KUBERNETES_MINOR = 26;
/** Creating the v1.5 bundle needs 1.31: TLSRoute's CEL validation (gateway-api 1.5 changelog). */
export const MIN_KUBERNETES_MINOR_FOR_BUNDLE = 31;

export interface LiveCrd {
  name: string;
  /** The bundle-version annotation, e.g. v1.2.0 ('' when the CRD has none). */
  bundleVersion: string;
  channel: string;
  servedVersions: string[];
}

export interface VendoredCrd {
  name: string;
  bundleVersion: string;
  /** The whole CustomResourceDefinition object. */
  object: Record<string, unknown> & { metadata: { name: string } };
}

export type CrdDecision =
  | { name: string; action: 'create'; version: string }
  | { name: string; action: 'keep'; version: string; reason: 'same' | 'newer' | 'older' | 'experimental' };

export interface CrdPlan {
  bundleVersion: string;
  decisions: CrdDecision[];
  /** The CRD objects to create (server-side apply), in the vendored order. */
  create: VendoredCrd[];
  describe: string[];
}

/**
 * Compares two bundle versions like semver (a pre-release sorts before its release: v1.5.0-dev < v1.5.0).
 * Returns undefined when either is not a version.
 */
export function compareBundleVersions(a: string, b: string): number | undefined {
  return compareVersions(a, b);
}

/** The facts of a live CRD object the plan needs. */
export function liveCrd(o: {
  metadata: { name: string; annotations?: Record<string, string> };
  spec?: unknown;
}): LiveCrd {
  const versions = ((o.spec as { versions?: Array<{ name?: string; served?: boolean }> } | undefined)
    ?.versions ?? []) as Array<{ name?: string; served?: boolean }>;
  return {
    name: o.metadata.name,
    bundleVersion: o.metadata.annotations?.[BUNDLE_VERSION_ANNOTATION] ?? '',
    channel: o.metadata.annotations?.[CHANNEL_ANNOTATION] ?? '',
    servedVersions: versions.filter((v) => v.served && v.name).map((v) => v.name as string)
  };
}

/** Why the Istio release or the cluster cannot run `ingress: gateway-api` at all (empty when it can). */
export function compatibilityProblems(istioVersion: string, kubernetesVersion: string): string[] {
  const problems: string[] = [];
  const istio = minorOf(istioVersion);
  if (istio !== undefined && istio < MIN_ISTIO_MINOR)
    problems.push(
      `Istio ${istioVersion} has no stable Gateway API support for ingress and mesh routes (Istio 1.${MIN_ISTIO_MINOR} or later)`
    );
  const kube = minorOf(kubernetesVersion);
  if (kube !== undefined && kube < MIN_KUBERNETES_MINOR)
    problems.push(
      `Kubernetes ${kubernetesVersion} is older than 1.${MIN_KUBERNETES_MINOR}, the oldest the Gateway API CRDs support`
    );
  return problems;
}

export function planCrds(args: {
  vendored: VendoredCrd[];
  live: LiveCrd[];
  bundleVersion: string;
  istioVersion: string;
  kubernetesVersion: string;
}): CrdPlan {
  const { vendored, bundleVersion } = args;
  const live = new Map(args.live.map((c) => [c.name, c]));
  const problems = compatibilityProblems(args.istioVersion, args.kubernetesVersion);

  for (const need of REQUIRED_CRDS) {
    const have = live.get(need.name);
    if (have && !have.servedVersions.includes(need.version)) {
      problems.push(
        `CRD ${need.name} (bundle ${have.bundleVersion || 'without a bundle-version annotation'}) serves ${have.servedVersions.join(', ') || 'no version'}, not ${need.version}, which the release's samples/bookinfo/gateway-api manifests use`
      );
    }
  }

  const decisions: CrdDecision[] = [];
  const create: VendoredCrd[] = [];
  for (const crd of vendored) {
    const have = live.get(crd.name);
    if (!have) {
      decisions.push({ name: crd.name, action: 'create', version: crd.bundleVersion });
      create.push(crd);
      continue;
    }
    const cmp = compareBundleVersions(have.bundleVersion, crd.bundleVersion);
    const reason =
      have.channel === 'experimental'
        ? 'experimental'
        : cmp === undefined || cmp < 0
          ? 'older'
          : cmp === 0
            ? 'same'
            : 'newer';
    decisions.push({ name: crd.name, action: 'keep', version: have.bundleVersion || 'unversioned', reason });
  }

  const kube = minorOf(args.kubernetesVersion);
  if (create.length > 0 && kube !== undefined && kube < MIN_KUBERNETES_MINOR_FOR_BUNDLE) {
    problems.push(
      `creating the Gateway API ${bundleVersion} CRDs (${create.map((c) => c.name.split('.')[0]).join(', ')}) needs Kubernetes 1.${MIN_KUBERNETES_MINOR_FOR_BUNDLE} or later; this cluster runs ${args.kubernetesVersion}`
    );
  }
  if (problems.length > 0) {
    throw new ActionError('ingress: gateway-api cannot run on this cluster; nothing was changed.', {
      details: problems,
      hint: `Install Gateway API CRDs that serve v1 (standard channel ${bundleVersion} matches this Istio release), upgrade Istio/Kubernetes, or use ingress: istio-gateway.`
    });
  }

  const words: Record<string, string> = {
    same: 'already installed',
    newer: 'newer than the bundled version, kept (never downgraded)',
    older: `older than ${bundleVersion}, kept (it serves what Istio needs; upgrade it yourself)`,
    experimental: 'experimental channel, kept'
  };
  const describe = decisions.map((d) =>
    d.action === 'create'
      ? `CustomResourceDefinition ${d.name} ${d.version} would be created`
      : `CustomResourceDefinition ${d.name} ${d.version}: ${words[d.reason] ?? d.reason}`
  );
  return { bundleVersion, decisions, create, describe };
}

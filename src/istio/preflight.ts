// Before installing anything: is this Istio release made for this cluster, what kind of cluster is it
// (serverless ASK or real nodes), and may the namespace's pods add the capabilities istio-init needs?
// From those answers it decides Istio CNI / ambient, or fails before any install with the remedy.
import * as core from '@actions/core';
import { compare, coerce } from 'semver';
import type { CheckMode, Config, IstioCni, DataplaneMode } from '../inputs/config.js';
import type { Kube } from '../kube/client.js';
import type { KubeObject } from '../kube/objects.js';
import { StepFailure, type Contributing, type Contribution } from '../report/model.js';
import { ActionError } from '../errors.js';
import { checkCompatibility, parseMinor, type Compatibility } from './compat.js';
import { dataplaneSets } from './install.js';
import { isServerless } from '../kube/nodes.js';

/** What istio-init adds (injection template, `istio-iptables`); it also runs as root. */
export const ISTIO_INIT_CAPABILITIES = ['NET_ADMIN', 'NET_RAW'] as const;
/** The PSP every ASK/ACK 1.20 cluster ships; binding it is the usual remedy. */
export const ACK_PRIVILEGED_PSP = 'ack.privileged';

export interface PreflightResult {
  kubeVersion: string;
  istioVersion: string;
  clusterKind: 'serverless' | 'nodes';
  nodeCount: number;
  compatibility: { supported: boolean; status: Compatibility['status']; message: string };
  /** Whether the namespace's pods may add NET_ADMIN/NET_RAW; undefined when nothing could tell. */
  capabilities: { allowed?: boolean; checks: string[] };
  dataplaneMode: DataplaneMode;
  cni: boolean;
  cniReason: string;
}

export interface ClusterFacts {
  kubeVersion: string;
  serverless: boolean;
  /** Extra `--set` values for istioctl install: compatibility fixes and the data plane choice. */
  fixes: Array<{ key: string; value: string }>;
  capabilitiesAllowed?: boolean;
  cni: boolean;
}

/** A pod that asks for what istio-init asks for; created with a server-side dry run only. */
export function capabilityProbePod(namespace: string) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'ask-istio-capability-probe',
      namespace,
      annotations: { 'sidecar.istio.io/inject': 'false' }
    },
    spec: {
      restartPolicy: 'Never',
      containers: [
        {
          name: 'probe',
          image: 'busybox',
          securityContext: {
            capabilities: { add: [...ISTIO_INIT_CAPABILITIES] },
            runAsUser: 0,
            runAsNonRoot: false
          }
        }
      ]
    }
  };
}

interface PspSpec {
  privileged?: boolean;
  allowedCapabilities?: string[];
  defaultAddCapabilities?: string[];
  runAsUser?: { rule?: string; ranges?: Array<{ min?: number; max?: number }> };
}

/** Whether one PodSecurityPolicy admits istio-init (capabilities and running as root), and why not. */
export function pspAdmitsIstioInit(psp: KubeObject): { ok: boolean; why: string } {
  const spec = (psp.spec ?? {}) as PspSpec;
  const name = psp.metadata.name;
  const caps = new Set([...(spec.allowedCapabilities ?? []), ...(spec.defaultAddCapabilities ?? [])]);
  const missing = caps.has('*') ? [] : ISTIO_INIT_CAPABILITIES.filter((c) => !caps.has(c));
  if (missing.length) return { ok: false, why: `PSP ${name}: ${missing.join(', ')} not allowed` };
  const rule = spec.runAsUser?.rule ?? 'RunAsAny';
  const rootOk =
    rule === 'RunAsAny' ||
    (rule === 'MustRunAs' &&
      (spec.runAsUser?.ranges ?? []).some((r) => (r.min ?? 0) <= 0 && (r.max ?? 0) >= 0));
  if (!rootOk)
    return { ok: false, why: `PSP ${name}: runAsUser ${rule} refuses root (istio-init runs as 0)` };
  return { ok: true, why: `PSP ${name} allows NET_ADMIN, NET_RAW and root` };
}

/** Pod Security Admission (Kubernetes ≥ 1.25): only the `privileged` level lets pods add NET_ADMIN/NET_RAW. */
export function psaAdmitsIstioInit(labels: Record<string, string> | undefined): {
  allowed?: boolean;
  why: string;
} {
  const level = labels?.['pod-security.kubernetes.io/enforce'];
  if (!level)
    return { why: 'no pod-security.kubernetes.io/enforce label: the cluster default level applies' };
  if (level === 'privileged') return { allowed: true, why: 'Pod Security level "privileged" is enforced' };
  return { allowed: false, why: `Pod Security level "${level}" is enforced: NET_ADMIN not allowed` };
}

/**
 * Identities whose PSPs apply to the pods of a Deployment: the ReplicaSet controller creates them (the
 * control plane runs with per-controller service accounts) and the pods run as the namespace's service
 * accounts. The deploying identity's own PSPs do not reach those pods.
 */
export function workloadSubjects(namespace: string): Array<{ user: string; groups: string[] }> {
  return [
    {
      user: 'system:serviceaccount:kube-system:replicaset-controller',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated']
    },
    {
      user: `system:serviceaccount:${namespace}:default`,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated']
    }
  ];
}

const errText = (err: unknown): string =>
  (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';

/** PSP answer (Kubernetes ≤ 1.24): does some PSP usable by the workload identities admit istio-init? */
async function pspVerdict(kube: Kube, namespace: string): Promise<{ allowed?: boolean; checks: string[] }> {
  let psps: KubeObject[];
  try {
    psps = await kube.list('policy/v1beta1', 'PodSecurityPolicy');
  } catch (err) {
    return { checks: [`cannot list PodSecurityPolicies (${errText(err)})`] };
  }
  // Without any PSP, PSP admission cannot be on (it would refuse every pod): nothing restricts capabilities.
  if (psps.length === 0) return { allowed: true, checks: ['no PodSecurityPolicies in the cluster'] };
  const checks: string[] = [];
  const usable: KubeObject[] = [];
  let subjects: Array<{ user: string; groups: string[] } | undefined> = workloadSubjects(namespace);
  for (const psp of psps) {
    const attrs = {
      verb: 'use',
      resource: 'podsecuritypolicies',
      group: 'policy',
      namespace,
      name: psp.metadata.name
    };
    let ok = false;
    for (const s of subjects) {
      try {
        ok = await kube.accessReview(attrs, s);
      } catch (err) {
        // Not allowed to ask about other subjects: fall back to the deploying identity (SelfSubjectAccessReview).
        if (s === undefined) throw err;
        checks.push(`SubjectAccessReview not permitted (${errText(err)}); asking for the deploying identity`);
        subjects = [undefined];
        ok = await kube.accessReview(attrs);
      }
      if (ok) break;
    }
    if (ok) usable.push(psp);
  }
  const who = subjects[0] ? "the namespace's workloads" : 'the deploying identity';
  if (usable.length === 0) {
    return { allowed: false, checks: [...checks, `no PodSecurityPolicy is usable by ${who}`] };
  }
  const verdicts = usable.map(pspAdmitsIstioInit);
  const admitting = verdicts.find((v) => v.ok);
  checks.push(`PSPs usable by ${who}: ${usable.map((p) => p.metadata.name).join(', ')}`);
  if (admitting) return { allowed: true, checks: [...checks, admitting.why] };
  return { allowed: false, checks: [...checks, ...verdicts.map((v) => v.why)] };
}

/** Combines the policy analysis with a dry-run pod (the admission chain's real answer when the namespace exists). */
export async function probeCapabilities(
  kube: Kube,
  namespace: string,
  kubeMinor: number
): Promise<{ allowed?: boolean; checks: string[] }> {
  const checks: string[] = [];
  let policy: boolean | undefined;
  const ns = await kube.get({ apiVersion: 'v1', kind: 'Namespace', name: namespace });
  if (kubeMinor <= 24) {
    const v = await pspVerdict(kube, namespace);
    policy = v.allowed;
    checks.push(...v.checks);
  } else {
    const v = psaAdmitsIstioInit(ns?.metadata.labels);
    policy = v.allowed;
    checks.push(v.why);
  }
  let dryRun: boolean | undefined;
  if (ns) {
    try {
      await kube.apply([capabilityProbePod(namespace)], { dryRun: true });
      dryRun = true;
      checks.push('dry-run pod with NET_ADMIN/NET_RAW admitted');
    } catch (err) {
      const why = errText(err);
      // The whole error, details included: the API server's own words come after the first line.
      const full = (err as { describe?: () => string }).describe?.() ?? String(err);
      // RBAC refusing the (dry-run) create itself is not an answer about capabilities: it is the
      // deploying identity's missing permission, reported as such by the kube layer.
      // The probe is a server-side apply, so the refused verb is `patch` (or `create` from other clients).
      // Pod Security Admission answers 403 as well ("violates PodSecurity"): that one is the answer.
      if (
        /cannot (create|patch|update) (resource )?"?pods\b/i.test(why) &&
        !/security polic|violates PodSecurity/i.test(full)
      )
        throw err;
      if (/forbidden|PodSecurityPolicy|capabilit|violates/i.test(full)) {
        dryRun = false;
        const psa = /violates PodSecurity[^\n]*/.exec(full)?.[0];
        checks.push(`dry-run pod refused: ${psa ?? why}`);
      } else checks.push(`dry-run pod inconclusive: ${why}`);
    }
  } else {
    // RoleBindings cannot exist in a namespace that does not, so the cluster-wide analysis above is the answer.
    checks.push(`namespace ${namespace} does not exist yet: no dry-run pod`);
  }
  // A refusal from either side is real; the dry run alone can pass for an admin whose own PSPs allow everything.
  const allowed = policy === false || dryRun === false ? false : (policy ?? dryRun);
  return { allowed, checks };
}

/** Pure: the data plane decision (CNI / ambient) from the inputs and the cluster facts, or an input error. */
export function decideDataplane(args: {
  serverless: boolean;
  cni: IstioCni;
  mode: DataplaneMode;
  istioVersion: string;
  capabilitiesAllowed?: boolean;
  namespace: string;
  /** Which admission decided (PodSecurityPolicy up to Kubernetes 1.24, Pod Security Admission after). */
  podSecurity?: 'psp' | 'psa';
  /** What the preflight found (the policy verdicts and the dry-run pod's answer), shown with a refusal. */
  evidence?: string[];
}): { cni: boolean; reason: string } {
  const { serverless, cni, mode, istioVersion, capabilitiesAllowed, namespace } = args;
  if (mode === 'ambient') {
    if (serverless) {
      throw new ActionError(
        'istio-mode: ambient cannot run on a serverless (virtual-kubelet only) cluster: ambient needs the istio-cni and ztunnel DaemonSets, and ASK/ECI runs no DaemonSets.',
        { hint: 'use istio-mode: sidecar on ASK, or a cluster with real nodes (ACK) for ambient' }
      );
    }
    const v = coerce(istioVersion);
    if (!v || compare(v, '1.24.0') < 0) {
      throw new ActionError(
        `istio-mode: ambient needs Istio 1.24 or newer; this run uses Istio ${istioVersion}.`,
        {
          hint: 'set istio-version to 1.24 or newer, or use istio-mode: sidecar'
        }
      );
    }
    return { cni: true, reason: 'istio-mode: ambient (needs the Istio CNI agent and ztunnel)' };
  }
  if (serverless && cni === 'true') {
    throw new ActionError(
      'istio-cni: true is not possible on a serverless (virtual-kubelet only) cluster: the Istio CNI agent is a DaemonSet with host paths, which ASK/ECI cannot run.',
      { hint: 'set istio-cni: auto or false; sidecars then use istio-init with NET_ADMIN/NET_RAW' }
    );
  }
  if (capabilitiesAllowed === false) {
    if (serverless) {
      throw new ActionError(
        `NET_ADMIN not allowed: pods in namespace ${namespace} may not add NET_ADMIN/NET_RAW, which istio-init needs, and Istio CNI cannot run on a serverless cluster.`,
        {
          details: args.evidence,
          hint:
            args.podSecurity === 'psa'
              ? `let namespace ${namespace} run privileged pods: kubectl label namespace ${namespace} pod-security.kubernetes.io/enforce=privileged --overwrite (baseline and restricted forbid NET_ADMIN and NET_RAW)`
              : `let the namespace's service accounts use the \`${ACK_PRIVILEGED_PSP}\` PodSecurityPolicy (kubectl create rolebinding istio-init-psp -n ${namespace} --clusterrole=ack:podsecuritypolicy:privileged --group=system:serviceaccounts:${namespace}), or any PSP / Pod Security level allowing NET_ADMIN and NET_RAW`
        }
      );
    }
    if (cni === 'false') {
      throw new ActionError(
        `NET_ADMIN not allowed: pods in namespace ${namespace} may not add NET_ADMIN/NET_RAW, which istio-init needs, and istio-cni is false.`,
        {
          hint: 'set istio-cni: auto (or true) to use the Istio CNI agent instead, or allow NET_ADMIN and NET_RAW for the namespace'
        }
      );
    }
    return { cni: true, reason: 'pods may not add NET_ADMIN/NET_RAW, so Istio CNI replaces istio-init' };
  }
  if (cni === 'true') return { cni: true, reason: 'istio-cni: true' };
  if (cni === 'false') return { cni: false, reason: 'istio-cni: false' };
  return {
    cni: false,
    reason: serverless
      ? 'serverless cluster: no DaemonSets, sidecars use istio-init'
      : capabilitiesAllowed
        ? 'pods may add NET_ADMIN/NET_RAW: istio-init suffices'
        : 'capabilities unknown: istio-init (set istio-cni: true if sidecars fail to start)'
  };
}

/**
 * Pure: what the compatibility answer means for this run. An unsupported pair is refused with
 * `compatibility-check: fail` and warned about with `warn`; a pair Istio's data does not cover (an Istio
 * minor newer or older than the data) is always only a warning — the data, not the release, is missing.
 */
export function compatibilityVerdict(
  compat: Compatibility,
  mode: CheckMode
): { refuse?: ActionError; warning?: string } {
  if (compat.status === 'unknown') return { warning: `${compat.message}; continuing` };
  if (compat.status === 'supported') return {};
  const hint = compat.fittingIstioMinors.length
    ? `set istio-version to ${compat.fittingIstioMinors.map((m) => `1.${m}`).join(' or ')}, or compatibility-check: warn to try anyway`
    : 'upgrade the cluster, or set compatibility-check: warn to try anyway';
  if (mode === 'fail') return { refuse: new ActionError(compat.message, { hint }) };
  return { warning: `${compat.message} (compatibility-check: warn — continuing)` };
}

export async function checkCluster(
  kube: Kube,
  config: Config,
  istioVersion: string
): Promise<ClusterFacts & Contributing> {
  const version = await kube.serverVersion();
  const compat = checkCompatibility(istioVersion, version.gitVersion);
  core.info(compat.message);
  const nodes = await kube.list('v1', 'Node', {});
  const serverless = isServerless(nodes);
  const preflight: PreflightResult = {
    kubeVersion: version.gitVersion,
    istioVersion,
    clusterKind: serverless ? 'serverless' : 'nodes',
    nodeCount: nodes.length,
    compatibility: { supported: compat.supported, status: compat.status, message: compat.message },
    capabilities: { checks: [] },
    dataplaneMode: config.istio.dataplaneMode,
    cni: false,
    cniReason: 'not decided'
  };
  // Handed over with any refusal below too (StepFailure), so the summary and the `preflight` output
  // explain a failed run.
  const warnings: string[] = [];
  const report: Contribution = { compatibility: compat.message, preflight, warnings };
  try {
    const verdict = compatibilityVerdict(compat, config.istio.compatibilityCheck);
    if (verdict.refuse) throw verdict.refuse;
    if (verdict.warning) {
      core.warning(verdict.warning);
      warnings.push(verdict.warning);
    }
    for (const f of compat.fixes) core.info(`Applying known fix --set ${f.key}=${f.value}: ${f.why}`);
    core.info(
      `Cluster: Kubernetes ${version.gitVersion}, ${serverless ? 'serverless (virtual-kubelet nodes only)' : `${nodes.length} node(s) with real kubelets`}`
    );

    // Input errors that need no further probing come first.
    const ambient = config.istio.dataplaneMode === 'ambient';
    if (ambient || (serverless && config.istio.cni === 'true'))
      decideDataplane({
        serverless,
        cni: config.istio.cni,
        mode: config.istio.dataplaneMode,
        istioVersion,
        namespace: config.namespace
      });

    // Ambient pods carry no istio-init, so their capabilities do not matter.
    const caps = ambient
      ? { allowed: undefined, checks: ['ambient mode: no istio-init'] }
      : await probeCapabilities(kube, config.namespace, parseMinor(version.gitVersion).minor);
    preflight.capabilities = caps;
    core.info(
      `Capabilities for istio-init in ${config.namespace}: ${caps.allowed === undefined ? 'unknown' : caps.allowed ? 'NET_ADMIN/NET_RAW allowed' : 'NET_ADMIN not allowed'} (${caps.checks.join('; ')})`
    );
    const decision = decideDataplane({
      serverless,
      cni: config.istio.cni,
      mode: config.istio.dataplaneMode,
      istioVersion,
      capabilitiesAllowed: caps.allowed,
      namespace: config.namespace,
      podSecurity: parseMinor(version.gitVersion).minor <= 24 ? 'psp' : 'psa',
      evidence: caps.checks
    });
    preflight.cni = decision.cni;
    preflight.cniReason = decision.reason;
    core.info(`Istio CNI: ${decision.cni ? 'enabled' : 'off'} — ${decision.reason}`);
    return {
      kubeVersion: version.gitVersion,
      serverless,
      fixes: [
        ...compat.fixes.map(({ key, value }) => ({ key, value })),
        ...dataplaneSets({ cni: decision.cni, ambient })
      ],
      capabilitiesAllowed: caps.allowed,
      cni: decision.cni,
      report
    };
  } catch (err) {
    throw new StepFailure(err, report);
  }
}

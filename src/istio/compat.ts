// Istio release ↔ Kubernetes version support (pure). Istio publishes a support matrix per minor
// release; installing outside it "works" until a removed API bites (PDB policy/v1beta1 on ≥1.25, CEL
// rules and policy/v1 on old clusters). We check before touching the cluster and say which versions fit.
// The matrix is Istio's own data (supportStatus.generated.ts, generated from src/istio/data/); an Istio
// minor the data does not list is "unknown": allowed, with a warning.
import { majorMinor } from '../versions.js';
import { KUBERNETES_SUPPORT } from './supportStatus.generated.js';

export interface KubeRange {
  min: number; // Kubernetes minor, inclusive
  max: number; // Kubernetes minor, inclusive
}

const PUBLISHED = Object.keys(KUBERNETES_SUPPORT)
  .map(Number)
  .sort((a, b) => a - b);
const OLDEST = PUBLISHED[0] ?? 0;
const NEWEST = PUBLISHED.at(-1) ?? 0;

export interface Compatibility {
  /** 'unknown' when Istio's data does not list the minor (newer or older than the data). */
  status: 'supported' | 'unsupported' | 'unknown';
  /** False only for 'unsupported': an unknown pair is allowed (with a warning). */
  supported: boolean;
  /** The supported Kubernetes minors' span; undefined when the Istio minor is unknown. */
  range?: KubeRange;
  /** Extra `--set` values that make a known-broken combination work. */
  fixes: Array<{ key: string; value: string; why: string }>;
  /** One sentence for the log and summary. */
  message: string;
  /** Istio minors whose range contains this cluster (for "use one of these" hints). */
  fittingIstioMinors: number[];
}

export function parseMinor(version: string): { major: number; minor: number } {
  const v = majorMinor(version);
  if (!v) throw new Error(`cannot read a version from "${version}"`);
  return v;
}

export function checkCompatibility(istioVersion: string, kubeVersion: string): Compatibility {
  const istio = parseMinor(istioVersion);
  const kube = parseMinor(kubeVersion);
  const kubeMinors = istio.major === 1 && kube.major === 1 ? KUBERNETES_SUPPORT[istio.minor] : undefined;
  const fitting =
    kube.major === 1 ? PUBLISHED.filter((m) => KUBERNETES_SUPPORT[m]?.includes(kube.minor)) : [];
  const fixes: Compatibility['fixes'] = [];
  // Istio ≤ 1.13 hard-codes policy/v1beta1 PodDisruptionBudgets, which Kubernetes 1.25 removed; from
  // 1.14.0 the charts pick policy/v1 by the cluster's capabilities (Kubernetes ≥ 1.21).
  if (istio.major === 1 && istio.minor <= 13 && kube.minor >= 25) {
    fixes.push({
      key: 'values.global.defaultPodDisruptionBudget.enabled',
      value: 'false',
      why: `Istio ${istio.major}.${istio.minor} ships policy/v1beta1 PodDisruptionBudgets, removed in Kubernetes 1.25`
    });
  }
  const k = `Kubernetes ${kube.major}.${kube.minor}`;
  const i = `Istio ${istio.major}.${istio.minor}`;
  if (!kubeMinors) {
    const side = istio.major > 1 || istio.minor > NEWEST ? 'newer' : 'older';
    return {
      status: 'unknown',
      supported: true,
      fixes,
      fittingIstioMinors: fitting,
      message: `${i} is ${side} than Istio's published support data (1.${OLDEST}–1.${NEWEST}); cannot tell whether it supports ${k}`
    };
  }
  const range = { min: Math.min(...kubeMinors), max: Math.max(...kubeMinors) };
  const supported = kubeMinors.includes(kube.minor);
  const span = `1.${range.min}–1.${range.max}`;
  return {
    status: supported ? 'supported' : 'unsupported',
    supported,
    range,
    fixes,
    fittingIstioMinors: fitting,
    message: supported
      ? `${i} supports ${k} (supported range ${span})`
      : `${i} does not support ${k}: it supports Kubernetes ${span}` +
        (fitting.length
          ? `; Istio ${fitting.map((m) => `1.${m}`).join(', ')} ${fitting.length === 1 ? 'supports' : 'support'} ${k}`
          : '')
  };
}

// Istio release ↔ Kubernetes version support (pure). Istio publishes a support matrix per minor
// release; installing outside it "works" until a removed API bites (PDB policy/v1beta1 on ≥1.25, CEL
// rules and policy/v1 on old clusters). We check before touching the cluster and say which versions fit.

export interface KubeRange {
  min: number; // Kubernetes minor, inclusive
  max: number; // Kubernetes minor, inclusive
}

/** Kubernetes minors supported by each Istio minor (istio.io "Supported Releases"). */
const SUPPORT: Record<number, KubeRange> = {
  10: { min: 18, max: 21 },
  11: { min: 19, max: 22 },
  12: { min: 19, max: 22 },
  13: { min: 20, max: 23 },
  14: { min: 21, max: 24 },
  15: { min: 22, max: 25 },
  16: { min: 22, max: 25 },
  17: { min: 23, max: 26 },
  18: { min: 24, max: 27 },
  19: { min: 25, max: 28 },
  20: { min: 26, max: 29 },
  21: { min: 26, max: 29 },
  22: { min: 27, max: 30 },
  23: { min: 28, max: 31 },
  24: { min: 28, max: 31 },
  25: { min: 29, max: 32 },
  26: { min: 29, max: 33 },
  27: { min: 30, max: 33 },
  28: { min: 30, max: 34 },
  29: { min: 31, max: 35 },
  30: { min: 32, max: 36 }
};

export interface Compatibility {
  supported: boolean;
  /** Undefined when the Istio minor is newer than this table: treated as unknown, not as a failure. */
  range?: KubeRange;
  /** Extra `--set` values that make a known-broken combination work. */
  fixes: Array<{ key: string; value: string; why: string }>;
  /** One sentence for the log and summary. */
  message: string;
  /** Istio minors whose range contains this cluster (for "use one of these" hints). */
  fittingIstioMinors: number[];
}

export function parseMinor(version: string): { major: number; minor: number } {
  const m = /^v?(\d+)\.(\d+)/.exec(version.trim());
  if (!m) throw new Error(`cannot read a version from "${version}"`);
  return { major: Number(m[1]), minor: Number(m[2]) };
}

export function checkCompatibility(istioVersion: string, kubeVersion: string): Compatibility {
  const istio = parseMinor(istioVersion);
  const kube = parseMinor(kubeVersion);
  const range = istio.major === 1 ? SUPPORT[istio.minor] : undefined;
  const fitting = Object.entries(SUPPORT)
    .filter(([, r]) => kube.minor >= r.min && kube.minor <= r.max)
    .map(([m]) => Number(m));
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
  if (!range) {
    return {
      supported: true,
      fixes,
      fittingIstioMinors: fitting,
      message: `${i} is newer than this action's support table; assuming it supports ${k}`
    };
  }
  const supported = kube.minor >= range.min && kube.minor <= range.max;
  const span = `1.${range.min}–1.${range.max}`;
  return {
    supported,
    range,
    fixes,
    fittingIstioMinors: fitting,
    message: supported
      ? `${i} supports ${k} (supported range ${span})`
      : `${i} does not support ${k}: it supports Kubernetes ${span}` +
        (fitting.length ? `; Istio ${fitting.map((m) => `1.${m}`).join(', ')} support ${k}` : '')
  };
}

// Version arithmetic in one place. Istio, Kubernetes and Gateway API bundle versions are semver-shaped,
// so `semver` does the comparing; what it does not accept — a leading "v", a bare minor ("1.30"), a
// Kubernetes build suffix ("v1.35.4+k3s1" is fine, "v1.35.4-eks-abc" is a pre-release) — is normalised here.
import { compare, valid } from 'semver';

/** major.minor of "1.30", "v1.35.4", "1.30.3-beta.0" or "v1.35.4+k3s1"; undefined when it has none. */
export function majorMinor(version: string): { major: number; minor: number } | undefined {
  const m = /^v?(\d+)\.(\d+)/.exec(version.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

/** The minor of a 1.x version (every Istio and Kubernetes release so far), else undefined. */
export function minorOf(version: string): number | undefined {
  const v = majorMinor(version);
  return v?.major === 1 ? v.minor : undefined;
}

/** A full semver string for "v1.5", "1.5.1" or "v1.5.0-rc.1"; null when it is not a version. */
function normalise(version: string): string | null {
  const t = version.trim().replace(/^v/, '');
  return valid(/^\d+\.\d+(-|$)/.test(t) ? t.replace(/^(\d+\.\d+)/, '$1.0') : t);
}

/** -1, 0 or 1 as semver orders them (a pre-release before its release); undefined when either is none. */
export function compareVersions(a: string, b: string): number | undefined {
  const x = normalise(a);
  const y = normalise(b);
  return x && y ? compare(x, y) : undefined;
}

// Facts about Istio's APIs that more than one step needs: which served version of its config groups a
// release speaks, and how a PeerAuthentication decides whether a workload accepts plaintext. Pure.

import { majorMinor } from '../versions.js';
import { ActionError } from '../errors.js';

export const NETWORKING_GROUP = 'networking.istio.io';
export const SECURITY_GROUP = 'security.istio.io';
/** Where istioctl installs the control plane and its gateways (the action never changes it). */
export const ISTIO_NAMESPACE = 'istio-system';
/** meshConfig.rootNamespace of every profile: a policy there without a selector is mesh-wide. */
export const ROOT_NAMESPACE = 'istio-system';

function minorOf(istioVersion: string): { major: number; minor: number } {
  const v = majorMinor(istioVersion);
  if (!v) throw new ActionError(`Cannot tell the API versions from Istio version "${istioVersion}".`);
  return v;
}

/** v1 of networking.istio.io and security.istio.io is served from Istio 1.22 (the CRDs' own versions). */
function v1Served(istioVersion: string): boolean {
  const { major, minor } = minorOf(istioVersion);
  return major > 1 || minor >= 22;
}

/** networking.istio.io/v1 from 1.22; older control planes only know v1alpha3/v1beta1. */
export function networkingApiVersion(istioVersion: string): string {
  return v1Served(istioVersion) ? `${NETWORKING_GROUP}/v1` : `${NETWORKING_GROUP}/v1alpha3`;
}

/** security.istio.io/v1 from 1.22; before that v1beta1 (PeerAuthentication has been there since 1.5). */
export function securityApiVersion(istioVersion: string): string {
  return v1Served(istioVersion) ? `${SECURITY_GROUP}/v1` : `${SECURITY_GROUP}/v1beta1`;
}

export type MtlsMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE';

/** The parts of a PeerAuthentication that decide a workload's mode. */
export interface PeerAuthenticationView {
  namespace: string;
  name: string;
  selector?: Record<string, string>;
  mode?: string;
  portModes?: Record<string, string>;
}

export function peerAuthenticationView(o: {
  metadata: { namespace?: string; name: string };
  spec?: unknown;
}): PeerAuthenticationView {
  const spec = (o.spec ?? {}) as {
    selector?: { matchLabels?: Record<string, string> };
    mtls?: { mode?: string };
    portLevelMtls?: Record<string, { mode?: string }>;
  };
  const portModes = Object.fromEntries(
    Object.entries(spec.portLevelMtls ?? {}).flatMap(([port, v]) => (v.mode ? [[port, v.mode]] : []))
  );
  return {
    namespace: o.metadata.namespace ?? '',
    name: o.metadata.name,
    selector: spec.selector?.matchLabels,
    mode: spec.mtls?.mode,
    portModes
  };
}

/**
 * The mTLS mode a workload's port gets, as Istio resolves it: a policy selecting the workload in its
 * namespace, then the namespace-wide one (no selector), then the mesh-wide one in the root namespace; an
 * UNSET or missing mode inherits from the next level; port-level modes count only on selecting policies.
 * With several policies at one level Istio takes the oldest; here, the first given (callers list by age).
 * Nothing at all is PERMISSIVE, Istio's default.
 */
export function workloadMtlsMode(
  policies: readonly PeerAuthenticationView[],
  workload: { namespace: string; labels: Record<string, string>; port: number },
  rootNamespace = ROOT_NAMESPACE
): MtlsMode {
  const selects = (p: PeerAuthenticationView): boolean =>
    p.selector !== undefined &&
    Object.keys(p.selector).length > 0 &&
    Object.entries(p.selector).every(([k, v]) => workload.labels[k] === v);
  const noSelector = (p: PeerAuthenticationView): boolean =>
    p.selector === undefined || Object.keys(p.selector).length === 0;
  const known = (mode: string | undefined): MtlsMode | undefined =>
    mode === 'STRICT' || mode === 'PERMISSIVE' || mode === 'DISABLE' ? mode : undefined;

  const workloadPolicy = policies.find((p) => p.namespace === workload.namespace && selects(p));
  const namespacePolicy = policies.find((p) => p.namespace === workload.namespace && noSelector(p));
  const meshPolicy = policies.find((p) => p.namespace === rootNamespace && noSelector(p));
  return (
    known(workloadPolicy?.portModes?.[String(workload.port)]) ??
    known(workloadPolicy?.mode) ??
    known(namespacePolicy?.mode) ??
    known(meshPolicy?.mode) ??
    'PERMISSIVE'
  );
}

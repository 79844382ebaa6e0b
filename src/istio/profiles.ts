// Which control-plane Deployments an install creates (pure): from the profile, the Istio minor (two
// profiles changed over time) and the user's `istio-set` values. Read off Istio's own profile files,
// istio/istio `manifests/profiles/*.yaml` at the tags 1.13.9, 1.15.0, 1.16.0, 1.17.0, 1.18.0, 1.24.0 and
// 1.30.3 (copies in __tests__/unit/istio/fixtures/profiles, and a unit test derives this table from them).
// Every profile is layered on `default` (istiod + istio-ingressgateway, no egress gateway):
//   demo             adds istio-egressgateway
//   default, preview nothing changed
//   minimal          disables istio-ingressgateway
//   empty            disables base, pilot (istiod) and istio-ingressgateway
//   remote           ≤ 1.14 an empty, deprecated alias of default; 1.15 absent; ≥ 1.16 an external
//                    control plane: no ingress gateway and no local istiod Deployment (1.16–1.23 disable
//                    pilot and enable istiodRemote; from 1.24 `values.profile: remote`, whose
//                    helm-profiles/remote.yaml sets istiodRemote.enabled, so the istiod chart renders none)
//   ambient          absent ≤ 1.15; 1.16–1.17 pilot settings only (gateways as default); ≥ 1.18 adds
//                    istio-cni and ztunnel and disables istio-ingressgateway
import { minorOf } from '../versions.js';
import type { IstioConfig } from '../inputs/config.js';

export interface ControlPlaneShape {
  /** The profile file exists in this release (istioctl refuses an unknown profile). */
  exists: boolean;
  istiod: boolean;
  ingressGateway: boolean;
  egressGateway: boolean;
}

const DEFAULT: ControlPlaneShape = { exists: true, istiod: true, ingressGateway: true, egressGateway: false };
const ABSENT: ControlPlaneShape = {
  exists: false,
  istiod: false,
  ingressGateway: false,
  egressGateway: false
};

/** What the profile itself installs in Istio 1.`minor` (undefined: the newest release). */
export function profileShape(profile: string, minor = Number.POSITIVE_INFINITY): ControlPlaneShape {
  switch (profile) {
    case 'default':
    case 'preview':
      return DEFAULT;
    case 'demo':
      return { ...DEFAULT, egressGateway: true };
    case 'minimal':
      return { ...DEFAULT, ingressGateway: false };
    case 'empty':
      return { ...DEFAULT, istiod: false, ingressGateway: false };
    case 'remote':
      if (minor <= 14) return DEFAULT;
      if (minor === 15) return ABSENT;
      return { ...DEFAULT, istiod: false, ingressGateway: false };
    case 'ambient':
      if (minor <= 15) return ABSENT;
      if (minor <= 17) return DEFAULT;
      return { ...DEFAULT, ingressGateway: false };
    default:
      // A profile this table does not know (a newer release's): assume the default layout.
      return DEFAULT;
  }
}

const GATEWAY_SET =
  /^components\.(ingressGateways|egressGateways)\.?\[(?:0|name[:=](istio-ingressgateway|istio-egressgateway))\]\.enabled$/;

function bool(v: string): boolean | undefined {
  const l = v.trim().toLowerCase();
  return l === 'true' ? true : l === 'false' ? false : undefined;
}

/**
 * The shape after the inputs: `egress-gateway: false` removes the egress gateway, and `istio-set` values
 * that switch the ingress/egress gateway, pilot or istiodRemote win (the last one given counts).
 */
export function controlPlaneShape(
  cfg: Pick<IstioConfig, 'profile' | 'set' | 'egressGateway'>,
  minor?: number
): ControlPlaneShape {
  const shape = { ...profileShape(cfg.profile, minor) };
  if (!shape.exists) return shape;
  if (!cfg.egressGateway) shape.egressGateway = false;
  for (const { key, value } of cfg.set) {
    const on = bool(value);
    if (on === undefined) continue;
    const g = GATEWAY_SET.exec(key);
    if (g) {
      const ingress = g[1] === 'ingressGateways';
      if (g[2] && g[2] !== (ingress ? 'istio-ingressgateway' : 'istio-egressgateway')) continue;
      if (ingress) shape.ingressGateway = on;
      else shape.egressGateway = on;
    } else if (key === 'components.pilot.enabled') shape.istiod = on;
    else if (key === 'components.istiodRemote.enabled' || key === 'values.istiodRemote.enabled') {
      if (on) shape.istiod = false;
    }
  }
  return shape;
}

/** The Istio minor a version or version spec names; undefined for `latest` (the newest release). */
export function istioMinorOf(version: string): number | undefined {
  return minorOf(version);
}

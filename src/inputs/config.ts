// The one typed view of the action's inputs. Produced by parseConfig() (pure) from the raw input
// strings; nothing else in the action reads inputs.

import type { DecodedKubeconfig } from '../auth/kubeconfig.js';
import type {
  ADDONS,
  CHECK_MODES,
  DATAPLANE_MODES,
  ECI_IMAGE_CACHE_MODES,
  INGRESS_MODES,
  INSTALL_MODES,
  ISTIO_CNI,
  MODES
} from './spec.js';

export type AuthConfig =
  | {
      kind: 'kubeconfig';
      /** The kubeconfig input, decoded once by the parser (a base64 wrapper removed, credentials found). */
      kubeconfig: DecodedKubeconfig;
      /** The context to use: the `context` input, else the current-context, else the only one. */
      context: string;
    }
  | {
      kind: 'access-key';
      accessKeyId: string;
      accessKeySecret: string;
      securityToken?: string;
      regionId: string;
      clusterId: string;
      privateEndpoint: boolean;
      kubeconfigTtlMinutes: number;
      /** Override of the ACK (cs) OpenAPI endpoint, e.g. for a VPC endpoint or a test server. */
      ackEndpoint?: string;
    }
  | {
      kind: 'oidc';
      roleArn: string;
      oidcProviderArn: string;
      regionId: string;
      clusterId: string;
      privateEndpoint: boolean;
      kubeconfigTtlMinutes: number;
      ackEndpoint?: string;
      stsEndpoint?: string;
      /** Audience of the GitHub ID token requested for the STS exchange. */
      oidcAudience: string;
    };

export type InstallMode = (typeof INSTALL_MODES)[number];
export type CheckMode = (typeof CHECK_MODES)[number];
export type Mode = (typeof MODES)[number];
export type Addon = (typeof ADDONS)[number];
export type IstioCni = (typeof ISTIO_CNI)[number];
export type DataplaneMode = (typeof DATAPLANE_MODES)[number];
export type IngressMode = (typeof INGRESS_MODES)[number];
export type EciImageCache = (typeof ECI_IMAGE_CACHE_MODES)[number];

export interface IstioConfig {
  /** As given: 'latest', '1.30', '1.30.3' (a leading v is removed). */
  versionSpec: string;
  downloadUrl: string;
  profile: string;
  /** `--set key=value` pairs in input order. */
  set: Array<{ key: string; value: string }>;
  revision?: string;
  install: InstallMode;
  compatibilityCheck: CheckMode;
  cni: IstioCni;
  /** `istio-mode`: injected sidecars or ambient (ztunnel). */
  dataplaneMode: DataplaneMode;
  ingressAnnotations: Record<string, string>;
  egressGateway: boolean;
}

export interface SubsetWeight {
  subset: string;
  weight: number;
}

/**
 * What routing the inputs ask for, one shape per way of asking. Validated by the parser (weights are
 * whole numbers summing to 100, a user comes with a version, a variant is in the table), so the planners
 * only translate. `variant` is the name shown in logs, outputs and annotations.
 */
export type RoutingConfig = { service: string; mtls: boolean } & (
  | { kind: 'variant'; /** A name from the variant table (routing/variants.ts). */ variant: string }
  | { kind: 'weights'; variant: 'custom-weights'; weights: SubsetWeight[] }
  | {
      kind: 'user';
      variant: 'custom-user';
      user: string;
      userVersion: string;
      /** Where everyone else goes (routing-weights); all to v1 when not given. */
      weights?: SubsetWeight[];
    }
  | {
      kind: 'file';
      variant: 'file';
      /** Absolute path of the user's routing manifests (resolved against the workspace). */
      file: string;
    }
);

export interface VerifyConfig {
  smokeTest: boolean;
  verifyRouting: boolean;
  requests: number;
}

export interface LifecycleConfig {
  mode: Mode;
  dryRun: boolean;
  /** DNS-safe id of a per-PR preview (`auto` already resolved to the PR number). */
  previewId?: string;
  pruneOlderThanMs?: number;
  githubToken?: string;
  commentOnPr: boolean;
  jobSummary: boolean;
}

export interface Config {
  auth: AuthConfig;
  istio: IstioConfig;
  namespace: string;
  bookinfo: boolean;
  gateway: boolean;
  /** `ingress`: the shared Istio ingress gateway, or a Kubernetes Gateway API Gateway per namespace. */
  ingress: IngressMode;
  gatewayHosts: string[];
  /** `allow-shared-hosts`: share hosts with another namespace's Gateway on the same ingress knowingly. */
  allowSharedHosts: boolean;
  addons: Addon[];
  waitTimeoutMs: number;
  podAnnotations: Record<string, string>;
  /** `eci-image-cache`; `off` is already in podAnnotations (eci-auto-imc: "false"). */
  eciImageCache: EciImageCache;
  routing: RoutingConfig;
  verify: VerifyConfig;
  lifecycle: LifecycleConfig;
  /** Values that must never be printed; already registered with core.setSecret by the reader. */
  secrets: string[];
  /** Valid but questionable combinations (e.g. an input that has no effect); logged as warnings. */
  warnings: string[];
}

// The one typed view of the action's inputs. Produced by parseConfig() (pure) from the raw input
// strings; nothing else in the action reads inputs.

export type AuthConfig =
  | {
      kind: 'kubeconfig';
      /** Decoded kubeconfig YAML (a base64 wrapper is removed). */
      kubeconfig: string;
      /** The context to use: the `context` input, else the current-context, else the only one. */
      context?: string;
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

export type InstallMode = 'auto' | 'always' | 'never';
export type CheckMode = 'fail' | 'warn';
export type Mode = 'deploy' | 'teardown' | 'prune';
export type Addon = 'kiali' | 'prometheus' | 'grafana' | 'jaeger';
export type IstioCni = 'auto' | 'true' | 'false';
export type DataplaneMode = 'sidecar' | 'ambient';
export type IngressMode = 'istio-gateway' | 'gateway-api';

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

export interface RoutingConfig {
  /** Variant name from the variant table, or 'custom-weights' / 'custom-user' / 'file'. */
  variant: string;
  weights?: Array<{ subset: string; weight: number }>;
  service: string;
  user?: string;
  userVersion?: string;
  /** Absolute path of the user's routing manifests (resolved against the workspace). */
  file?: string;
  mtls: boolean;
}

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
  routing: RoutingConfig;
  verify: VerifyConfig;
  lifecycle: LifecycleConfig;
  /** Values that must never be printed; already registered with core.setSecret by the reader. */
  secrets: string[];
  /** Valid but questionable combinations (e.g. an input that has no effect); logged as warnings. */
  warnings: string[];
}

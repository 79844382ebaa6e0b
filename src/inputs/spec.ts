// The one table of the action's inputs and outputs. action.yml is checked against it by a unit
// test (both directions), README's tables are rendered from it (docs.ts), the parser takes its
// defaults from it and the CLI builds --help from it. Add an input here first.

export type InputKind = 'string' | 'bool' | 'int' | 'duration' | 'enum' | 'multiline' | 'list' | 'secret';
export type InputGroup = 'auth' | 'istio' | 'app' | 'routing' | 'verify' | 'lifecycle';

export interface InputSpec {
  readonly name: string;
  readonly group: InputGroup;
  readonly kind: InputKind;
  /** Used by the parser when the input is empty; '' means "not set". */
  readonly default: string;
  /** The default written in action.yml when it differs (an expression the runner evaluates). */
  readonly actionDefault?: string;
  readonly description: string;
  /** Allowed values of an enum input. */
  readonly values?: readonly string[];
  /** Inclusive range of an int input, or of a duration input in milliseconds. */
  readonly min?: number;
  readonly max?: number;
  /** A valid value, shown in error messages and --help. */
  readonly example: string;
}

export interface OutputSpec {
  readonly name: string;
  readonly description: string;
}

export const GROUP_TITLES: Record<InputGroup, string> = {
  auth: 'Cluster access (exactly one way)',
  istio: 'Istio',
  app: 'Application',
  routing: 'Routing',
  verify: 'Verification',
  lifecycle: 'Lifecycle'
};

export const BOOKINFO_SERVICES: Record<string, readonly string[]> = {
  productpage: ['v1'],
  details: ['v1'],
  ratings: ['v1'],
  reviews: ['v1', 'v2', 'v3']
};

export const ADDONS = ['kiali', 'prometheus', 'grafana', 'jaeger'] as const;

export const ISTIO_PROFILES = [
  'default',
  'demo',
  'minimal',
  'remote',
  'empty',
  'preview',
  'ambient'
] as const;

// Values of the enum inputs; config.ts derives its types from these, so the two cannot drift apart.
export const INSTALL_MODES = ['auto', 'always', 'never'] as const;
export const CHECK_MODES = ['fail', 'warn'] as const;
export const ISTIO_CNI = ['auto', 'true', 'false'] as const;
export const DATAPLANE_MODES = ['sidecar', 'ambient'] as const;
export const INGRESS_MODES = ['istio-gateway', 'gateway-api'] as const;
export const ECI_IMAGE_CACHE_MODES = ['auto', 'off', 'prepare'] as const;
export const MODES = ['deploy', 'teardown', 'prune'] as const;

export const DEFAULT_DOWNLOAD_URL = 'https://github.com/istio/istio/releases/download';

export const INPUTS: readonly InputSpec[] = [
  // --- auth -------------------------------------------------------------------------------------
  {
    name: 'kubeconfig',
    group: 'auth',
    kind: 'secret',
    default: '',
    example: '${{ secrets.ASK_KUBECONFIG }}',
    description:
      'Way 1 of 3 to reach the cluster: kubeconfig content, raw YAML or base64. Its credentials are masked in logs.'
  },
  {
    name: 'context',
    group: 'auth',
    kind: 'string',
    default: '',
    example: 'ask-bookinfo',
    description: 'Context of `kubeconfig` to use. Empty means the current-context (or the only context).'
  },
  {
    name: 'access-key-id',
    group: 'auth',
    kind: 'string',
    default: '',
    example: '${{ secrets.ALIBABA_CLOUD_ACCESS_KEY_ID }}',
    description:
      'Way 2 of 3: Alibaba Cloud AccessKey ID. The action fetches a short-lived kubeconfig for `cluster-id` in `region-id`.'
  },
  {
    name: 'access-key-secret',
    group: 'auth',
    kind: 'secret',
    default: '',
    example: '${{ secrets.ALIBABA_CLOUD_ACCESS_KEY_SECRET }}',
    description: 'AccessKey secret paired with `access-key-id`.'
  },
  {
    name: 'security-token',
    group: 'auth',
    kind: 'secret',
    default: '',
    example: '${{ steps.sts.outputs.security-token }}',
    description:
      'STS security token, when `access-key-id`/`access-key-secret` are temporary (STS.*) credentials.'
  },
  {
    name: 'role-arn',
    group: 'auth',
    kind: 'string',
    default: '',
    example: 'acs:ram::1234567890123456:role/github-deployer',
    description:
      "Way 3 of 3: RAM role assumed with the workflow's GitHub OIDC token through STS AssumeRoleWithOIDC (needs `permissions: id-token: write`). Use with `oidc-provider-arn`."
  },
  {
    name: 'oidc-provider-arn',
    group: 'auth',
    kind: 'string',
    default: '',
    example: 'acs:ram::1234567890123456:oidc-provider/github',
    description: 'RAM OIDC identity provider that trusts GitHub, for `role-arn`.'
  },
  {
    name: 'oidc-audience',
    group: 'auth',
    kind: 'string',
    default: 'sts.aliyuncs.com',
    example: 'sts.aliyuncs.com',
    description:
      'Audience of the GitHub OIDC token; must match the client ID registered on the OIDC provider.'
  },
  {
    name: 'region-id',
    group: 'auth',
    kind: 'string',
    default: '',
    example: 'cn-hangzhou',
    description: 'Region of the ASK cluster (ways 2 and 3).'
  },
  {
    name: 'cluster-id',
    group: 'auth',
    kind: 'string',
    default: '',
    example: 'c0123456789abcdef0123456789abcdef',
    description: 'ID of the ASK cluster (ways 2 and 3).'
  },
  {
    name: 'private-endpoint',
    group: 'auth',
    kind: 'bool',
    default: 'false',
    example: 'true',
    description:
      "Use the cluster's internal (VPC) API server address; for self-hosted runners inside the VPC."
  },
  {
    name: 'kubeconfig-ttl-minutes',
    group: 'auth',
    kind: 'int',
    default: '60',
    min: 15,
    max: 4320,
    example: '120',
    description: 'Lifetime of the kubeconfig fetched in ways 2 and 3, in minutes (15 to 4320).'
  },
  {
    name: 'ack-endpoint',
    group: 'auth',
    kind: 'string',
    default: '',
    example: 'https://cs.cn-hangzhou.aliyuncs.com',
    description:
      'Container Service (ACK) OpenAPI endpoint. Empty means the one the Alibaba Cloud SDK picks for `region-id`: `cs.<region>.aliyuncs.com`, or `cs.aliyuncs.com` for regions such as cn-wuhan, cn-zhangbei and the finance/gov regions.'
  },
  {
    name: 'sts-endpoint',
    group: 'auth',
    kind: 'string',
    default: '',
    example: 'https://sts.cn-hangzhou.aliyuncs.com',
    description:
      'STS endpoint for way 3. Empty means the one the Alibaba Cloud SDK picks for `region-id`: `sts.<region>.aliyuncs.com`, or `sts.aliyuncs.com` for regions such as cn-wuhan, ap-south-1 and ap-southeast-2.'
  },
  // --- istio ------------------------------------------------------------------------------------
  {
    name: 'istio-version',
    group: 'istio',
    kind: 'string',
    default: '1.30.3',
    example: '1.30.3',
    description:
      'Istio release: `1.30.3`, a minor line `1.30` (its newest patch) or `latest`; a leading `v` is allowed.'
  },
  {
    name: 'istio-download-url',
    group: 'istio',
    kind: 'string',
    default: DEFAULT_DOWNLOAD_URL,
    example: 'https://mirror.example.com/istio/releases/download',
    description:
      'Base URL of Istio release files (for mirrors). Must be https (http only for loopback hosts).'
  },
  {
    name: 'istio-profile',
    group: 'istio',
    kind: 'enum',
    default: 'demo',
    values: ISTIO_PROFILES,
    example: 'demo',
    description: 'Installation profile passed to `istioctl install`.'
  },
  {
    name: 'istio-set',
    group: 'istio',
    kind: 'multiline',
    default: '',
    example: 'values.global.proxy.resources.requests.cpu=50m',
    description: 'Extra `istioctl install --set` values, one `key=value` per line.'
  },
  {
    name: 'istio-revision',
    group: 'istio',
    kind: 'string',
    default: '',
    example: '1-30-3',
    description: 'Control plane revision (a DNS label such as `1-30-3`). Empty means the default revision.'
  },
  {
    name: 'install-istio',
    group: 'istio',
    kind: 'enum',
    default: 'auto',
    values: INSTALL_MODES,
    example: 'auto',
    description:
      '`auto`: install unless the same Istio version is already running; `always`: (re)install; `never`: require an existing install.'
  },
  {
    name: 'compatibility-check',
    group: 'istio',
    kind: 'enum',
    default: 'fail',
    values: CHECK_MODES,
    example: 'warn',
    description: 'What to do when the Istio version does not support the cluster version: `fail` or `warn`.'
  },
  {
    name: 'istio-cni',
    group: 'istio',
    kind: 'enum',
    default: 'auto',
    values: ISTIO_CNI,
    example: 'false',
    description:
      'Install the Istio CNI node agent: `auto` decides from the cluster (off on serverless ASK, which has no DaemonSets).'
  },
  {
    name: 'istio-mode',
    group: 'istio',
    kind: 'enum',
    default: 'sidecar',
    values: DATAPLANE_MODES,
    example: 'sidecar',
    description: 'Data plane mode: `sidecar` (injected proxies) or `ambient`.'
  },
  {
    name: 'ingress-annotations',
    group: 'istio',
    kind: 'multiline',
    default: '',
    example: 'service.beta.kubernetes.io/alibaba-cloud-loadbalancer-spec: slb.s1.small',
    description: 'Annotations for the ingress gateway Service (e.g. SLB settings), one `key: value` per line.'
  },
  {
    name: 'egress-gateway',
    group: 'istio',
    kind: 'bool',
    default: 'true',
    example: 'false',
    description: 'Keep the egress gateway of the demo profile (each gateway is a billed pod on ASK).'
  },
  // --- app --------------------------------------------------------------------------------------
  {
    name: 'namespace',
    group: 'app',
    kind: 'string',
    default: '',
    example: 'bookinfo',
    description:
      'Namespace for Bookinfo. Empty means `default`, or `bookinfo-pr-<preview-id>` when `preview-id` is set. `{id}` is replaced by `preview-id`.'
  },
  {
    name: 'bookinfo',
    group: 'app',
    kind: 'bool',
    default: 'true',
    example: 'true',
    description: 'Deploy the Bookinfo sample with sidecar injection.'
  },
  {
    name: 'gateway',
    group: 'app',
    kind: 'bool',
    default: 'true',
    example: 'true',
    description:
      'Expose productpage through the Istio ingress gateway (Bookinfo Gateway + VirtualService, applied with bookinfo); the gateway address outputs are set either way.'
  },
  {
    name: 'ingress',
    group: 'app',
    kind: 'enum',
    default: 'istio-gateway',
    values: INGRESS_MODES,
    example: 'gateway-api',
    description:
      'How Bookinfo is exposed: `istio-gateway` (the shared istio-ingressgateway, Istio Gateway + VirtualService) or `gateway-api` (a Kubernetes Gateway of its own per namespace, with its own load balancer, and HTTPRoutes; Istio 1.22+, Kubernetes 1.26+).'
  },
  {
    name: 'gateway-hosts',
    group: 'app',
    kind: 'list',
    default: '*',
    example: 'pr-{id}.preview.example.com',
    description: 'Hosts the Gateway accepts, comma or newline separated. `{id}` is replaced by `preview-id`.'
  },
  {
    name: 'allow-shared-hosts',
    group: 'app',
    kind: 'bool',
    default: 'false',
    example: 'true',
    description:
      'Deploy even when a Gateway in another namespace claims the same host on the same ingress gateway and port (Istio then serves that host from the older Gateway). Without it such a preview (`preview-id`) is refused; other runs only warn.'
  },
  {
    name: 'addons',
    group: 'app',
    kind: 'list',
    default: '',
    example: 'kiali, prometheus',
    description:
      'Telemetry addons from the release samples, comma or newline separated: kiali, prometheus, grafana, jaeger.'
  },
  {
    name: 'wait-timeout',
    group: 'app',
    kind: 'duration',
    default: '10m',
    min: 1_000,
    max: 6 * 3_600_000,
    example: '90s',
    description:
      'How long to wait for each rollout and for the load balancer address, e.g. `90s`, `10m`, `1h30m`.'
  },
  {
    name: 'pod-annotations',
    group: 'app',
    kind: 'multiline',
    default: '',
    example: 'k8s.aliyun.com/eci-use-specs: ecs.c6.large',
    description:
      'Annotations added to every Bookinfo pod (e.g. ECI instance specs), one `key: value` per line.'
  },
  {
    name: 'eci-image-cache',
    group: 'app',
    kind: 'enum',
    default: 'auto',
    values: ECI_IMAGE_CACHE_MODES,
    example: 'prepare',
    description:
      "ECI image caches for Bookinfo's pods on ASK: `auto` (ECI's default: a pod starts from a Ready ImageCache that holds its images, if one exists), `off` (the pods pull every image: `k8s.aliyun.com/eci-auto-imc: \"false\"`), or `prepare` (create an ImageCache holding exactly the images of Bookinfo and of its injected sidecar and wait until it is Ready, before the pods are created; kept across runs and teardowns). Needs the cluster's `imagecaches.eci.alibabacloud.com` CRD; without it `prepare` only says so."
  },
  // --- routing ----------------------------------------------------------------------------------
  {
    name: 'routing',
    group: 'routing',
    kind: 'string',
    default: 'all-v1',
    example: 'reviews-50-v3',
    description:
      'Routing variant from the Bookinfo samples, e.g. `all-v1`, `reviews-test-v2`, `reviews-50-v3`, `reviews-v3`.'
  },
  {
    name: 'routing-weights',
    group: 'routing',
    kind: 'string',
    default: '',
    example: 'v1=80,v2=20',
    description:
      'A custom weighted split of `routing-service` instead of a variant, e.g. `v1=80,v2=20` (sums to 100).'
  },
  {
    name: 'routing-user',
    group: 'routing',
    kind: 'string',
    default: '',
    example: 'jason',
    description:
      'Send this logged-in user (the `end-user` header) to `routing-user-version`; others follow `routing-weights` or v1.'
  },
  {
    name: 'routing-user-version',
    group: 'routing',
    kind: 'string',
    default: '',
    example: 'v2',
    description: 'Version (subset) for `routing-user`.'
  },
  {
    name: 'routing-service',
    group: 'routing',
    kind: 'string',
    default: 'reviews',
    example: 'reviews',
    description: 'Service that `routing-weights` and `routing-user` apply to.'
  },
  {
    name: 'routing-file',
    group: 'routing',
    kind: 'string',
    default: '',
    example: 'deploy/istio/routing.yaml',
    description:
      'Your own routing manifests (VirtualService/DestinationRule YAML), instead of a variant. Relative to the workspace.'
  },
  {
    name: 'mtls',
    group: 'routing',
    kind: 'bool',
    default: 'false',
    example: 'true',
    description:
      'Require mutual TLS in the namespace (PeerAuthentication STRICT, plus ISTIO_MUTUAL destination rules with the istio-gateway ingress).'
  },
  // --- verify -----------------------------------------------------------------------------------
  {
    name: 'smoke-test',
    group: 'verify',
    kind: 'bool',
    default: 'true',
    example: 'true',
    description: 'Request /productpage through the ingress gateway and require HTTP 200.'
  },
  {
    name: 'verify-routing',
    group: 'verify',
    kind: 'bool',
    default: 'true',
    example: 'true',
    description: 'Send `verify-requests` requests and check the observed versions match the routing.'
  },
  {
    name: 'verify-requests',
    group: 'verify',
    kind: 'int',
    default: '30',
    min: 1,
    max: 10_000,
    example: '100',
    description: 'Number of requests per identity for routing verification (1 to 10000).'
  },
  // --- lifecycle --------------------------------------------------------------------------------
  {
    name: 'mode',
    group: 'lifecycle',
    kind: 'enum',
    default: 'deploy',
    values: MODES,
    example: 'teardown',
    description:
      '`deploy`; `teardown` deletes the namespace (e.g. when a PR closes); `prune` deletes preview namespaces older than `prune-older-than`.'
  },
  {
    name: 'dry-run',
    group: 'lifecycle',
    kind: 'bool',
    default: 'false',
    example: 'true',
    description: 'Validate and print the plan (server-side dry run) without changing the cluster.'
  },
  {
    name: 'preview-id',
    group: 'lifecycle',
    kind: 'string',
    default: '',
    example: '${{ github.event.number }}',
    description: 'Per-PR preview id (lowercase letters, digits, dashes); `auto` uses the pull request number.'
  },
  {
    name: 'prune-older-than',
    group: 'lifecycle',
    kind: 'duration',
    default: '72h',
    min: 60_000,
    max: 365 * 86_400_000,
    example: '7d',
    description: 'In `prune` mode, delete preview namespaces created by this action longer ago than this.'
  },
  {
    name: 'github-token',
    group: 'lifecycle',
    kind: 'secret',
    default: '',
    actionDefault: '${{ github.token }}',
    example: '${{ github.token }}',
    description:
      "Token for the pull request comment (`comment-on-pr`) and for GitHub's releases API when `istio-version` is `latest` or a minor line such as `1.30` (a higher rate limit; sent only when the job's own API is api.github.com)."
  },
  {
    name: 'comment-on-pr',
    group: 'lifecycle',
    kind: 'bool',
    default: 'false',
    example: 'true',
    description:
      'Comment the gateway URL and verification on the pull request (needs `pull-requests: write`).'
  },
  {
    name: 'job-summary',
    group: 'lifecycle',
    kind: 'bool',
    default: 'true',
    example: 'false',
    description: 'Write a job summary with the gateway URL, versions and verification.'
  }
];

export const OUTPUTS: readonly OutputSpec[] = [
  {
    name: 'gateway-url',
    description:
      'Base URL of the ingress gateway, e.g. `http://47.0.0.1` (the port is left out when it is 80; IPv6 hosts are bracketed).'
  },
  { name: 'ingress-host', description: 'Ingress gateway address (IP or hostname).' },
  { name: 'ingress-port', description: 'Ingress gateway HTTP port.' },
  { name: 'secure-ingress-port', description: 'Ingress gateway HTTPS port.' },
  { name: 'productpage-url', description: 'URL of Bookinfo productpage through the gateway.' },
  { name: 'gateway-host-header', description: 'Host header to send when `gateway-hosts` is not `*`.' },
  { name: 'istio-version', description: 'Istio version resolved and installed.' },
  { name: 'istioctl-path', description: 'Path of the istioctl binary.' },
  { name: 'namespace', description: 'Namespace Bookinfo runs in.' },
  { name: 'routing', description: 'Routing variant applied.' },
  { name: 'verification', description: 'Routing verification result (JSON: expected and observed shares).' },
  {
    name: 'smoke-status',
    description:
      'Smoke test of GET {gateway-url}/productpage: passed, failed or skipped (details in the job summary).'
  },
  {
    name: 'preflight',
    description: 'Preflight checks (JSON: cluster version, compatibility, existing Istio).'
  }
];

const BY_NAME = new Map(INPUTS.map((i) => [i.name, i]));

/** The spec of input `name`; throws for a name not in the table (a programming error). */
export function inputSpec(name: string): InputSpec {
  const s = BY_NAME.get(name);
  if (!s) throw new Error(`no input named ${name} in src/inputs/spec.ts`);
  return s;
}

export const INPUT_NAMES: readonly string[] = INPUTS.map((i) => i.name);

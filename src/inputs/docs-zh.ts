// Simplified Chinese input/output tables for README.zh-CN.md, rendered from the same spec as README.md's
// (src/inputs/spec.ts): names, defaults, groups and order come from the spec; only the descriptions and
// headings are translated here. Each translation keeps a copy of the English description it translates:
// when the spec's text changes, rendering fails (and so does __tests__/unit/readme.test.ts) until the
// translation is updated too, so the Chinese tables can neither miss an input nor describe an old one.
//
// Not imported by the action (src/index.ts): it never reaches dist/.

import { GROUP_TITLES, INPUTS, OUTPUTS, type InputGroup, type InputSpec, type OutputSpec } from './spec.js';

export interface Translation {
  /** The English description this translation was made from (must equal the spec's). */
  en: string;
  zh: string;
}

export const GROUP_TITLES_ZH: Record<InputGroup, string> = {
  auth: '集群访问（三选一）',
  istio: 'Istio',
  app: '应用',
  routing: '路由',
  verify: '验证',
  lifecycle: '生命周期'
};

export const INPUTS_ZH: Record<string, Translation> = {
  kubeconfig: {
    en: 'Way 1 of 3 to reach the cluster: kubeconfig content, raw YAML or base64. Its credentials are masked in logs.',
    zh: '方式 1（共 3 种）：kubeconfig 内容，原始 YAML 或 base64。其中的凭据在日志中会被遮盖。'
  },
  context: {
    en: 'Context of `kubeconfig` to use. Empty means the current-context (or the only context).',
    zh: '使用 `kubeconfig` 中的哪个上下文。留空表示 current-context（或唯一的上下文）。'
  },
  'access-key-id': {
    en: 'Way 2 of 3: Alibaba Cloud AccessKey ID. The action fetches a short-lived kubeconfig for `cluster-id` in `region-id`.',
    zh: '方式 2：阿里云 AccessKey ID。Action 为 `region-id` 中的 `cluster-id` 获取一个短期 kubeconfig。'
  },
  'access-key-secret': {
    en: 'AccessKey secret paired with `access-key-id`.',
    zh: '与 `access-key-id` 配对的 AccessKey Secret。'
  },
  'security-token': {
    en: 'STS security token, when `access-key-id`/`access-key-secret` are temporary (STS.*) credentials.',
    zh: 'STS 安全令牌，当 `access-key-id`/`access-key-secret` 是临时（STS.*）凭据时使用。'
  },
  'role-arn': {
    en: "Way 3 of 3: RAM role assumed with the workflow's GitHub OIDC token through STS AssumeRoleWithOIDC (needs `permissions: id-token: write`). Use with `oidc-provider-arn`.",
    zh: '方式 3：通过 STS AssumeRoleWithOIDC，用工作流的 GitHub OIDC 令牌扮演的 RAM 角色（需要 `permissions: id-token: write`）。与 `oidc-provider-arn` 一起使用。'
  },
  'oidc-provider-arn': {
    en: 'RAM OIDC identity provider that trusts GitHub, for `role-arn`.',
    zh: '信任 GitHub 的 RAM OIDC 身份提供商，供 `role-arn` 使用。'
  },
  'oidc-audience': {
    en: 'Audience of the GitHub OIDC token; must match the client ID registered on the OIDC provider.',
    zh: 'GitHub OIDC 令牌的受众（aud）；必须与 OIDC 身份提供商上登记的客户端 ID 一致。'
  },
  'region-id': {
    en: 'Region of the ASK cluster (ways 2 and 3).',
    zh: 'ASK 集群所在地域（方式 2 和 3）。'
  },
  'cluster-id': {
    en: 'ID of the ASK cluster (ways 2 and 3).',
    zh: 'ASK 集群 ID（方式 2 和 3）。'
  },
  'private-endpoint': {
    en: "Use the cluster's internal (VPC) API server address; for self-hosted runners inside the VPC.",
    zh: '使用集群的内网（VPC）API Server 地址；适用于 VPC 内的自托管 Runner。'
  },
  'kubeconfig-ttl-minutes': {
    en: 'Lifetime of the kubeconfig fetched in ways 2 and 3, in minutes (15 to 4320).',
    zh: '方式 2 和 3 获取的 kubeconfig 的有效期，单位分钟（15 到 4320）。'
  },
  'ack-endpoint': {
    en: 'Container Service (ACK) OpenAPI endpoint. Empty means the one the Alibaba Cloud SDK picks for `region-id`: `cs.<region>.aliyuncs.com`, or `cs.aliyuncs.com` for regions such as cn-wuhan, cn-zhangbei and the finance/gov regions.',
    zh: '容器服务（ACK）OpenAPI 端点。留空表示使用阿里云 SDK 为 `region-id` 选择的端点：`cs.<region>.aliyuncs.com`，对 cn-wuhan、cn-zhangbei 及金融云/政务云等地域则为 `cs.aliyuncs.com`。'
  },
  'sts-endpoint': {
    en: 'STS endpoint for way 3. Empty means the one the Alibaba Cloud SDK picks for `region-id`: `sts.<region>.aliyuncs.com`, or `sts.aliyuncs.com` for regions such as cn-wuhan, ap-south-1 and ap-southeast-2.',
    zh: '方式 3 使用的 STS 端点。留空表示使用阿里云 SDK 为 `region-id` 选择的端点：`sts.<region>.aliyuncs.com`，对 cn-wuhan、ap-south-1、ap-southeast-2 等地域则为 `sts.aliyuncs.com`。'
  },
  'istio-version': {
    en: 'Istio release: `1.30.3`, a minor line `1.30` (its newest patch) or `latest`; a leading `v` is allowed.',
    zh: 'Istio 版本：`1.30.3`、某个小版本线 `1.30`（取其最新补丁版本）或 `latest`；允许前缀 `v`。'
  },
  'istio-download-url': {
    en: 'Base URL of Istio release files (for mirrors). Must be https (http only for loopback hosts).',
    zh: 'Istio 发布文件的基础 URL（用于镜像站）。必须是 https（仅回环地址允许 http）。'
  },
  'istio-profile': {
    en: 'Installation profile passed to `istioctl install`.',
    zh: '传给 `istioctl install` 的安装配置档（profile）。'
  },
  'istio-set': {
    en: 'Extra `istioctl install --set` values, one `key=value` per line.',
    zh: '额外的 `istioctl install --set` 值，每行一个 `key=value`。'
  },
  'istio-revision': {
    en: 'Control plane revision (a DNS label such as `1-30-3`). Empty means the default revision.',
    zh: '控制平面修订版本（DNS 标签，例如 `1-30-3`）。留空表示默认修订版本。'
  },
  'install-istio': {
    en: '`auto`: install unless the same Istio version is already running; `always`: (re)install; `never`: require an existing install.',
    zh: '`auto`：除非已在运行相同版本的 Istio，否则安装；`always`：（重新）安装；`never`：要求已有安装。'
  },
  'compatibility-check': {
    en: 'What to do when the Istio version does not support the cluster version: `fail` or `warn`.',
    zh: 'Istio 版本不支持集群版本时的处理方式：`fail` 或 `warn`。'
  },
  'istio-cni': {
    en: 'Install the Istio CNI node agent: `auto` decides from the cluster (off on serverless ASK, which has no DaemonSets).',
    zh: '安装 Istio CNI 节点代理：`auto` 根据集群决定（在没有 DaemonSet 的 Serverless ASK 上关闭）。'
  },
  'istio-mode': {
    en: 'Data plane mode: `sidecar` (injected proxies) or `ambient`.',
    zh: '数据平面模式：`sidecar`（注入代理）或 `ambient`。'
  },
  'ingress-annotations': {
    en: 'Annotations for the ingress gateway Service (e.g. SLB settings), one `key: value` per line.',
    zh: '入口网关 Service 的注解（例如 SLB 设置），每行一个 `key: value`。'
  },
  'egress-gateway': {
    en: 'Keep the egress gateway of the demo profile (each gateway is a billed pod on ASK).',
    zh: '保留 demo 配置档中的出口网关（在 ASK 上每个网关都是一个计费的 Pod）。'
  },
  namespace: {
    en: 'Namespace for Bookinfo. Empty means `default`, or `bookinfo-pr-<preview-id>` when `preview-id` is set. `{id}` is replaced by `preview-id`.',
    zh: 'Bookinfo 的命名空间。留空表示 `default`，设置了 `preview-id` 时为 `bookinfo-pr-<preview-id>`。`{id}` 会被替换为 `preview-id`。'
  },
  bookinfo: {
    en: 'Deploy the Bookinfo sample with sidecar injection.',
    zh: '部署启用 Sidecar 注入的 Bookinfo 示例。'
  },
  gateway: {
    en: 'Expose productpage through the Istio ingress gateway (Bookinfo Gateway + VirtualService, applied with bookinfo); the gateway address outputs are set either way.',
    zh: '通过 Istio 入口网关暴露 productpage（Bookinfo 的 Gateway + VirtualService，随 bookinfo 一起应用）；网关地址相关的输出无论如何都会设置。'
  },
  ingress: {
    en: 'How Bookinfo is exposed: `istio-gateway` (the shared istio-ingressgateway, Istio Gateway + VirtualService) or `gateway-api` (a Kubernetes Gateway of its own per namespace, with its own load balancer, and HTTPRoutes; Istio 1.22+, Kubernetes 1.26+).',
    zh: 'Bookinfo 的暴露方式：`istio-gateway`（共享的 istio-ingressgateway，Istio Gateway + VirtualService）或 `gateway-api`（每个命名空间一个独立的 Kubernetes Gateway，带自己的负载均衡器，并使用 HTTPRoute；需要 Istio 1.22+、Kubernetes 1.26+）。'
  },
  'gateway-hosts': {
    en: 'Hosts the Gateway accepts, comma or newline separated. `{id}` is replaced by `preview-id`.',
    zh: 'Gateway 接受的主机名，以逗号或换行分隔。`{id}` 会被替换为 `preview-id`。'
  },
  addons: {
    en: 'Telemetry addons from the release samples, comma or newline separated: kiali, prometheus, grafana, jaeger.',
    zh: '发布包示例中的遥测插件，以逗号或换行分隔：kiali、prometheus、grafana、jaeger。'
  },
  'wait-timeout': {
    en: 'How long to wait for each rollout and for the load balancer address, e.g. `90s`, `10m`, `1h30m`.',
    zh: '每次滚动发布以及等待负载均衡地址的最长时间，例如 `90s`、`10m`、`1h30m`。'
  },
  'pod-annotations': {
    en: 'Annotations added to every Bookinfo pod (e.g. ECI instance specs), one `key: value` per line.',
    zh: '添加到每个 Bookinfo Pod 的注解（例如 ECI 实例规格），每行一个 `key: value`。'
  },
  'eci-image-cache': {
    en: "ECI image caches for Bookinfo's pods on ASK: `auto` (ECI's default: a pod starts from a Ready ImageCache that holds its images, if one exists), `off` (the pods pull every image: `k8s.aliyun.com/eci-auto-imc: \"false\"`), or `prepare` (create an ImageCache holding exactly the images of Bookinfo and of its injected sidecar and wait until it is Ready, before the pods are created; kept across runs and teardowns). Needs the cluster's `imagecaches.eci.alibabacloud.com` CRD; without it `prepare` only says so.",
    zh: 'Bookinfo Pod 在 ASK 上使用的 ECI 镜像缓存：`auto`（ECI 默认行为：若已有包含其镜像且状态为 Ready 的 ImageCache，Pod 从中启动）、`off`（Pod 每次拉取全部镜像：`k8s.aliyun.com/eci-auto-imc: "false"`）或 `prepare`（在创建 Pod 之前，创建恰好包含 Bookinfo 及其注入的 Sidecar 所用镜像的 ImageCache 并等待其 Ready；跨运行和清理保留）。需要集群中有 `imagecaches.eci.alibabacloud.com` CRD；没有时 `prepare` 只给出提示。'
  },
  routing: {
    en: 'Routing variant from the Bookinfo samples, e.g. `all-v1`, `reviews-test-v2`, `reviews-50-v3`, `reviews-v3`.',
    zh: '来自 Bookinfo 示例的路由变体，例如 `all-v1`、`reviews-test-v2`、`reviews-50-v3`、`reviews-v3`。'
  },
  'routing-weights': {
    en: 'A custom weighted split of `routing-service` instead of a variant, e.g. `v1=80,v2=20` (sums to 100).',
    zh: '对 `routing-service` 的自定义权重分流，代替路由变体，例如 `v1=80,v2=20`（总和为 100）。'
  },
  'routing-user': {
    en: 'Send this logged-in user (the `end-user` header) to `routing-user-version`; others follow `routing-weights` or v1.',
    zh: '把这个已登录用户（`end-user` 请求头）路由到 `routing-user-version`；其他人按 `routing-weights` 或 v1。'
  },
  'routing-user-version': {
    en: 'Version (subset) for `routing-user`.',
    zh: '`routing-user` 使用的版本（subset）。'
  },
  'routing-service': {
    en: 'Service that `routing-weights` and `routing-user` apply to.',
    zh: '`routing-weights` 和 `routing-user` 作用的服务。'
  },
  'routing-file': {
    en: 'Your own routing manifests (VirtualService/DestinationRule YAML), instead of a variant. Relative to the workspace.',
    zh: '你自己的路由清单（VirtualService/DestinationRule YAML），代替路由变体。路径相对于工作区。'
  },
  mtls: {
    en: 'Require mutual TLS in the namespace (PeerAuthentication STRICT, plus ISTIO_MUTUAL destination rules with the istio-gateway ingress).',
    zh: '在命名空间中强制双向 TLS（PeerAuthentication STRICT；使用 istio-gateway 入口时另加 ISTIO_MUTUAL 目标规则）。'
  },
  'smoke-test': {
    en: 'Request /productpage through the ingress gateway and require HTTP 200.',
    zh: '通过入口网关请求 /productpage，要求返回 HTTP 200。'
  },
  'verify-routing': {
    en: 'Send `verify-requests` requests and check the observed versions match the routing.',
    zh: '发送 `verify-requests` 个请求，检查观察到的版本是否与路由一致。'
  },
  'verify-requests': {
    en: 'Number of requests per identity for routing verification (1 to 10000).',
    zh: '路由验证时每个身份发送的请求数（1 到 10000）。'
  },
  mode: {
    en: '`deploy`; `teardown` deletes the namespace (e.g. when a PR closes); `prune` deletes preview namespaces older than `prune-older-than`.',
    zh: '`deploy`；`teardown` 删除命名空间（例如 PR 关闭时）；`prune` 删除早于 `prune-older-than` 的预览命名空间。'
  },
  'dry-run': {
    en: 'Validate and print the plan (server-side dry run) without changing the cluster.',
    zh: '校验并打印计划（服务端 dry run），不修改集群。'
  },
  'preview-id': {
    en: 'Per-PR preview id (lowercase letters, digits, dashes); `auto` uses the pull request number.',
    zh: '每个 PR 的预览 ID（小写字母、数字、短横线）；`auto` 使用 Pull Request 编号。'
  },
  'prune-older-than': {
    en: 'In `prune` mode, delete preview namespaces created by this action longer ago than this.',
    zh: '在 `prune` 模式下，删除由本 Action 创建且早于此时长的预览命名空间。'
  },
  'allow-shared-hosts': {
    en: 'Deploy even when a Gateway in another namespace claims the same host on the same ingress gateway and port (Istio then serves that host from the older Gateway). Without it such a preview (`preview-id`) is refused; other runs only warn.',
    zh: '即使其他命名空间的 Gateway 在同一入口网关和端口上声明了相同主机名也继续部署（Istio 会由较早的 Gateway 提供该主机）。不设置时，这样的预览（`preview-id`）会被拒绝；其他运行只给出警告。'
  },
  'github-token': {
    en: "Token for the pull request comment (`comment-on-pr`) and for GitHub's releases API when `istio-version` is `latest` or a minor line such as `1.30` (a higher rate limit; sent only when the job's own API is api.github.com).",
    zh: '用于 Pull Request 评论（`comment-on-pr`）以及当 `istio-version` 为 `latest` 或 `1.30` 这类小版本线时调用 GitHub releases API 的令牌（速率限制更高；仅当作业自身的 API 是 api.github.com 时才发送）。'
  },
  'comment-on-pr': {
    en: 'Comment the gateway URL and verification on the pull request (needs `pull-requests: write`).',
    zh: '在 Pull Request 上评论网关 URL 和验证结果（需要 `pull-requests: write`）。'
  },
  'job-summary': {
    en: 'Write a job summary with the gateway URL, versions and verification.',
    zh: '写入包含网关 URL、版本和验证结果的 Job Summary。'
  }
};

export const OUTPUTS_ZH: Record<string, Translation> = {
  'gateway-url': {
    en: 'Base URL of the ingress gateway, e.g. `http://47.0.0.1` (the port is left out when it is 80; IPv6 hosts are bracketed).',
    zh: '入口网关的基础 URL，例如 `http://47.0.0.1`（端口为 80 时省略；IPv6 主机加方括号）。'
  },
  'ingress-host': {
    en: 'Ingress gateway address (IP or hostname).',
    zh: '入口网关地址（IP 或主机名）。'
  },
  'ingress-port': {
    en: 'Ingress gateway HTTP port.',
    zh: '入口网关 HTTP 端口。'
  },
  'secure-ingress-port': {
    en: 'Ingress gateway HTTPS port.',
    zh: '入口网关 HTTPS 端口。'
  },
  'productpage-url': {
    en: 'URL of Bookinfo productpage through the gateway.',
    zh: '经网关访问 Bookinfo productpage 的 URL。'
  },
  'gateway-host-header': {
    en: 'Host header to send when `gateway-hosts` is not `*`.',
    zh: '`gateway-hosts` 不是 `*` 时需要发送的 Host 请求头。'
  },
  'istio-version': {
    en: 'Istio version resolved and installed.',
    zh: '解析并安装的 Istio 版本。'
  },
  'istioctl-path': {
    en: 'Path of the istioctl binary.',
    zh: 'istioctl 可执行文件的路径。'
  },
  namespace: {
    en: 'Namespace Bookinfo runs in.',
    zh: 'Bookinfo 所在的命名空间。'
  },
  routing: {
    en: 'Routing variant applied.',
    zh: '已应用的路由变体。'
  },
  verification: {
    en: 'Routing verification result (JSON: expected and observed shares).',
    zh: '路由验证结果（JSON：期望与观察到的比例）。'
  },
  'smoke-status': {
    en: 'Smoke test of GET {gateway-url}/productpage: passed, failed or skipped (details in the job summary).',
    zh: '对 GET {gateway-url}/productpage 的冒烟测试：passed、failed 或 skipped（详情见 Job Summary）。'
  },
  preflight: {
    en: 'Preflight checks (JSON: cluster version, compatibility, existing Istio).',
    zh: '预检结果（JSON：集群版本、兼容性、已有的 Istio）。'
  }
};

/**
 * What is missing or out of date in the translations, one sentence each; empty when they are complete.
 * The parameters default to the spec (tests pass altered copies).
 */
export function translationProblems(
  inputs: readonly InputSpec[] = INPUTS,
  outputs: readonly OutputSpec[] = OUTPUTS
): string[] {
  const problems: string[] = [];
  const check = (
    kind: string,
    specs: readonly (InputSpec | OutputSpec)[],
    table: Record<string, Translation>
  ) => {
    for (const s of specs) {
      const t = table[s.name];
      if (!t) problems.push(`${kind} ${s.name} has no Chinese description in src/inputs/docs-zh.ts.`);
      else if (t.en !== s.description)
        problems.push(
          `${kind} ${s.name}: its description changed in spec.ts; update the translation in src/inputs/docs-zh.ts (and its "en" copy).`
        );
    }
    for (const name of Object.keys(table))
      if (!specs.some((s) => s.name === name))
        problems.push(`${kind} ${name} is translated but not in spec.ts.`);
  };
  check('input', inputs, INPUTS_ZH);
  check('output', outputs, OUTPUTS_ZH);
  return problems;
}

function assertComplete(): void {
  const problems = translationProblems();
  if (problems.length > 0)
    throw new Error(`README.zh-CN.md tables cannot be rendered:\n- ${problems.join('\n- ')}`);
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function shownDefault(i: InputSpec): string {
  const d = i.actionDefault ?? i.default;
  return d === '' ? '' : `\`${cell(d)}\``;
}

/** README.zh-CN.md "输入" section: one table per group, in spec order (like renderInputsMarkdown). */
export function renderInputsMarkdownZh(): string {
  assertComplete();
  const out: string[] = [];
  for (const group of Object.keys(GROUP_TITLES) as InputGroup[]) {
    const rows = INPUTS.filter((i) => i.group === group);
    if (rows.length === 0) continue;
    out.push(`### ${GROUP_TITLES_ZH[group]}`, '', '| 输入 | 默认值 | 说明 |', '|---|---|---|');
    for (const i of rows)
      out.push(`| \`${i.name}\` | ${shownDefault(i)} | ${cell(INPUTS_ZH[i.name]?.zh ?? '')} |`);
    out.push('');
  }
  return out.join('\n');
}

/** README.zh-CN.md "输出" section. */
export function renderOutputsMarkdownZh(): string {
  assertComplete();
  return [
    '| 输出 | 说明 |',
    '|---|---|',
    ...OUTPUTS.map((o) => `| \`${o.name}\` | ${cell(OUTPUTS_ZH[o.name]?.zh ?? '')} |`),
    ''
  ].join('\n');
}

// The two Alibaba Cloud OpenAPI calls the action makes, behind plain functions. The SDKs are
// CommonJS packages loaded on demand (kubeconfig users never pay for them); everything about their
// module shape and error objects stays in this file.

import type * as CsSdk from '@alicloud/cs20151215';
import type * as StsSdk from '@alicloud/sts20150401';

export interface AccessKeyCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

/** An OpenAPI endpoint as the SDK wants it: a host[:port] and, for overrides, the scheme. */
export interface ApiEndpoint {
  host: string;
  protocol?: 'http' | 'https';
}

/** An override given as a host or a URL (`http://127.0.0.1:8080`), else the fallback host. */
export function resolveEndpoint(override: string | undefined, fallbackHost: string): ApiEndpoint {
  const value = override?.trim();
  if (!value) return { host: fallbackHost };
  if (/^https?:\/\//i.test(value)) {
    const url = new URL(value);
    return { host: url.host, protocol: url.protocol === 'http:' ? 'http' : 'https' };
  }
  return { host: value.replace(/\/+$/, '') };
}

export type OpenApiProduct = 'cs' | 'sts';

/**
 * The endpoint for `product` in `regionId`: the user's override when given, else the host the SDK itself
 * picks for the region. Both SDKs carry a per-region endpoint map (several regions — cn-wuhan, cn-fujian,
 * cn-zhangbei, finance and gov regions, and for STS also ap-south-1 and ap-southeast-2 — use the central
 * `<product>.aliyuncs.com`) and fall back to `<product>.<region>.aliyuncs.com`. A client is built without
 * credentials only to read its choice; nothing is sent.
 */
export async function chooseEndpoint(
  product: OpenApiProduct,
  override: string | undefined,
  regionId: string
): Promise<ApiEndpoint> {
  if (override?.trim()) return resolveEndpoint(override, '');
  const config = { regionId } as never;
  const client =
    product === 'cs'
      ? new (exportsOf<CsExports>(await import('@alicloud/cs20151215')).default)(config)
      : new (exportsOf<StsExports>(await import('@alicloud/sts20150401')).default)(config);
  const host = (client as unknown as { _endpoint?: unknown })._endpoint;
  if (typeof host !== 'string' || host === '')
    throw new Error(`the ${product} SDK chose no endpoint for region ${regionId}`);
  return { host };
}

export function describeEndpoint(e: ApiEndpoint): string {
  return `${e.protocol ?? 'https'}://${e.host}`;
}

// Node's ESM loader hands a CommonJS module over as `{ default: module.exports }`, and these SDKs put
// their client class on `module.exports.default`; a bundler that honours `__esModule` hands over
// `module.exports` itself. Accept both so tests (Node/jest) and the ncc bundle behave the same.
function exportsOf<T extends object>(mod: unknown): T {
  const m = mod as { default?: unknown; __esModule?: boolean };
  const inner = m.default as { default?: unknown } | undefined;
  if (inner && typeof inner === 'object' && typeof inner.default === 'function') return inner as T;
  return m as T;
}

type CsExports = typeof CsSdk.default;
type StsExports = typeof StsSdk.default;

const TIMEOUTS = { connectTimeout: 10_000, readTimeout: 30_000 };

export interface UserKubeconfig {
  config: string;
  expiration?: string;
}

/** ACK DescribeClusterUserKubeconfig (GET /k8s/<ClusterId>/user_config). */
export async function describeClusterUserKubeconfig(
  creds: AccessKeyCredentials,
  endpoint: ApiEndpoint,
  regionId: string,
  clusterId: string,
  opts: { privateIpAddress: boolean; temporaryDurationMinutes: number }
): Promise<UserKubeconfig> {
  const sdk = exportsOf<CsExports>(await import('@alicloud/cs20151215'));
  const client = new sdk.default({
    accessKeyId: creds.accessKeyId,
    accessKeySecret: creds.accessKeySecret,
    ...(creds.securityToken ? { securityToken: creds.securityToken } : {}),
    endpoint: endpoint.host,
    ...(endpoint.protocol ? { protocol: endpoint.protocol } : {}),
    regionId,
    ...TIMEOUTS
  } as ConstructorParameters<typeof sdk.default>[0]);
  const res = await client.describeClusterUserKubeconfig(
    clusterId,
    new sdk.DescribeClusterUserKubeconfigRequest({
      privateIpAddress: opts.privateIpAddress,
      temporaryDurationMinutes: opts.temporaryDurationMinutes
    })
  );
  const config = res.body?.config;
  if (typeof config !== 'string' || config === '') {
    throw new Error('the DescribeClusterUserKubeconfig response has no "config" field');
  }
  return { config, ...(res.body?.expiration ? { expiration: res.body.expiration } : {}) };
}

export interface TemporaryCredentials extends AccessKeyCredentials {
  securityToken: string;
  expiration?: string;
}

/** STS AssumeRoleWithOIDC. Anonymous: the OIDC token is the credential. */
export async function assumeRoleWithOidc(
  endpoint: ApiEndpoint,
  regionId: string,
  req: {
    roleArn: string;
    oidcProviderArn: string;
    oidcToken: string;
    roleSessionName: string;
    durationSeconds: number;
  }
): Promise<TemporaryCredentials> {
  const sdk = exportsOf<StsExports>(await import('@alicloud/sts20150401'));
  const client = new sdk.default({
    endpoint: endpoint.host,
    ...(endpoint.protocol ? { protocol: endpoint.protocol } : {}),
    regionId,
    ...TIMEOUTS
  } as ConstructorParameters<typeof sdk.default>[0]);
  const res = await client.assumeRoleWithOIDC(
    new sdk.AssumeRoleWithOIDCRequest({
      roleArn: req.roleArn,
      OIDCProviderArn: req.oidcProviderArn,
      OIDCToken: req.oidcToken,
      roleSessionName: req.roleSessionName,
      durationSeconds: req.durationSeconds
    })
  );
  const c = res.body?.credentials;
  if (!c?.accessKeyId || !c.accessKeySecret || !c.securityToken) {
    throw new Error('the AssumeRoleWithOIDC response has no Credentials');
  }
  return {
    accessKeyId: c.accessKeyId,
    accessKeySecret: c.accessKeySecret,
    securityToken: c.securityToken,
    ...(c.expiration ? { expiration: c.expiration } : {})
  };
}

/** What an SDK error says, normalised. `code` is the OpenAPI error code, or a Node network code. */
export interface ApiFailureInfo {
  kind: 'api' | 'network' | 'malformed';
  code?: string;
  status?: number;
  requestId?: string;
  /** The service's own message, without the SDK's "code: 400, ... request id: ..." decoration. */
  message: string;
  retryable: boolean;
}

const RETRYABLE_NETWORK = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ESOCKETTIMEDOUT',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT'
]);

// Network error messages from the SDK quote the request URL; for STS its query string carries the
// OIDC token, so every query string is dropped before a message is shown.
// The SDK also glues "GET https://... failed." straight onto the system error text; separate them.
function stripQueries(s: string): string {
  return s
    .replace(/(https?:\/\/[^\s?]+)\?\S*/g, '$1')
    .replace(/(?<=\S)(?=(?:GET|POST|PUT|DELETE) https?:\/\/)/g, ' — ');
}

export function classifySdkError(err: unknown): ApiFailureInfo {
  const e = (typeof err === 'object' && err !== null ? err : {}) as Record<string, unknown>;
  const data = (typeof e.data === 'object' && e.data !== null ? e.data : {}) as Record<string, unknown>;
  const status = typeof e.statusCode === 'number' ? e.statusCode : undefined;
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (status !== undefined && code !== undefined) {
    const apiMessage = data.Message ?? data.message;
    const requestId =
      typeof e.requestId === 'string' && e.requestId !== 'undefined' ? e.requestId : undefined;
    return {
      kind: 'api',
      code,
      status,
      ...(requestId ? { requestId } : {}),
      message: stripQueries(typeof apiMessage === 'string' ? apiMessage : String(e.message ?? code)),
      retryable:
        status >= 500 || status === 429 || code.includes('Throttling') || code === 'ServiceUnavailable'
    };
  }
  if (err instanceof SyntaxError) {
    // The SDK parses every error body as JSON; an HTML page means a proxy or gateway answered.
    return {
      kind: 'malformed',
      message:
        'the endpoint answered with something that is not OpenAPI JSON (an HTML error page from a proxy or gateway?)',
      retryable: true
    };
  }
  const message = stripQueries(err instanceof Error ? err.message : String(err));
  if (code !== undefined && /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(code)) {
    return { kind: 'network', code, message, retryable: RETRYABLE_NETWORK.has(code) };
  }
  return { kind: 'network', ...(code ? { code } : {}), message, retryable: false };
}

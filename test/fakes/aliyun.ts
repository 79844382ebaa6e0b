// Local stand-ins for the two Alibaba Cloud OpenAPIs the action calls, speaking the wire protocol
// the official SDKs (@alicloud/cs20151215, @alicloud/sts20150401 on @alicloud/openapi-core) use:
//
// - ACK (cs), ROA style: `GET /k8s/<ClusterId>/user_config?PrivateIpAddress=&TemporaryDurationMinutes=`
//   signed with ACS3-HMAC-SHA256 in the Authorization header. The signature is recomputed here with the
//   caller's secret, so a wrong secret fails exactly like the real service (SignatureDoesNotMatch).
//   STS credentials add `x-acs-security-token`, which must belong to the access key.
// - STS, RPC style: `POST /?Action=AssumeRoleWithOIDC&...` with every parameter in the query string.
//   The SDK sends this call anonymously (authType "Anonymous"): the OIDC token is the credential, so
//   there is no signature to verify; the token's issuer-independent claims (aud, exp) are checked.
//
// Error bodies follow the real services: gateway errors `{Code, Message, RequestId, HostId, Recommend}`,
// ACK application errors `{code, message, requestId, status}`. Listens on 127.0.0.1 only.

import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeAccessKey {
  secret: string;
  /** When set, requests must carry this STS token (temporary credentials). */
  securityToken?: string;
  /** Clusters this identity may read the kubeconfig of; default all. Others get 403 Forbidden.RAM. */
  allowedClusters?: string[];
  /** A disabled key answers InvalidAccessKeyId.Inactive. */
  disabled?: boolean;
}

export interface FakeOidcTrust {
  providerArn: string;
  /** Roles this provider may assume; others: EntityNotExist.Role. */
  roleArns: string[];
  /** Required `aud` claim of the token. */
  audience: string;
  /** Clusters the assumed role may read; default all. */
  allowedClusters?: string[];
}

export interface AliyunFakesOptions {
  /** The kubeconfig YAML ACK returns for a cluster, or undefined for ErrorClusterNotFound. */
  kubeconfigFor(
    clusterId: string,
    query: { privateIpAddress: boolean; temporaryDurationMinutes?: number }
  ): string | undefined;
  accessKeys?: Record<string, FakeAccessKey>;
  oidc?: FakeOidcTrust;
  /** Region this fake pretends to be (shown in error messages only). */
  region?: string;
}

export type FakeService = 'ack' | 'sts';
export type FakeFaultKind = '500' | 'throttling' | 'reset' | 'html-502';

export interface RecordedRequest {
  service: FakeService;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  accessKeyId?: string;
  status: number;
  code?: string;
}

export interface AliyunFakes {
  /** `http://127.0.0.1:<port>` — pass as the ack-endpoint override. */
  ackEndpoint: string;
  /** `http://127.0.0.1:<port>` — pass as the sts-endpoint override. */
  stsEndpoint: string;
  requests: RecordedRequest[];
  /** Temporary credentials issued by the STS fake, newest last. */
  issued: Array<{
    accessKeyId: string;
    accessKeySecret: string;
    securityToken: string;
    roleArn: string;
    sessionName: string;
  }>;
  /** The next `count` requests to `service` fail with `kind` (before any other check). */
  fail(service: FakeService, kind: FakeFaultKind, count?: number): void;
  reset(): void;
  close(): Promise<void>;
}

/** A JWT-shaped token (unsigned) with the claims the STS fake checks. */
export function fakeIdToken(claims: { aud: string; sub?: string; exp?: number; iss?: string }): string {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const payload = {
    iss: claims.iss ?? 'https://token.actions.githubusercontent.com',
    sub: claims.sub ?? 'repo:example/app:ref:refs/heads/main',
    aud: claims.aud,
    exp: claims.exp ?? Math.floor(Date.now() / 1000) + 300,
    iat: Math.floor(Date.now() / 1000)
  };
  return `${enc({ alg: 'RS256', typ: 'JWT' })}.${enc(payload)}.${randomBytes(16).toString('base64url')}`;
}

// The SDK's percent-encoding for the canonical query string (RFC 3986, as in openapi-core).
function encode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

class ApiFailure extends Error {
  readonly status: number;
  readonly code: string;
  readonly style: 'gateway' | 'ack';
  constructor(status: number, code: string, message: string, style: 'gateway' | 'ack') {
    super(message);
    this.status = status;
    this.code = code;
    this.style = style;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json;charset=utf-8',
    'content-length': Buffer.byteLength(text)
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function headerMap(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(',') : v;
  return out;
}

/** Verifies an ACS3-HMAC-SHA256 request; returns the access key id. */
function verifyAcs3(
  method: string,
  url: URL,
  headers: Record<string, string>,
  body: Buffer,
  keys: Map<string, FakeAccessKey>
): string {
  const auth = headers.authorization;
  const m = auth
    ? /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]+)$/.exec(auth)
    : null;
  if (!m)
    throw new ApiFailure(
      400,
      'MissingAuthorization',
      'Authorization header is missing or malformed.',
      'gateway'
    );
  const [, keyId = '', signedHeaders = '', signature = ''] = m;
  const key = keys.get(keyId);
  if (!key)
    throw new ApiFailure(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.', 'gateway');
  if (key.disabled)
    throw new ApiFailure(400, 'InvalidAccessKeyId.Inactive', 'Specified access key is disabled.', 'gateway');

  const payloadHash = createHash('sha256').update(body).digest('hex');
  if (headers['x-acs-content-sha256'] !== payloadHash) {
    throw new ApiFailure(
      400,
      'IncompleteSignature',
      'The request body hash does not match x-acs-content-sha256.',
      'gateway'
    );
  }
  const names = signedHeaders.split(';');
  for (const required of ['host', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256']) {
    if (!names.includes(required))
      throw new ApiFailure(400, 'IncompleteSignature', `Header ${required} is not signed.`, 'gateway');
  }
  const query = [...url.searchParams.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const canonical = [
    method,
    url.pathname,
    query.map(([k, v]) => `${k}=${encode(v)}`).join('&'),
    names.map((h) => `${h}:${(headers[h] ?? '').trim()}\n`).join(''),
    signedHeaders,
    payloadHash
  ].join('\n');
  const toSign = `ACS3-HMAC-SHA256\n${createHash('sha256').update(canonical).digest('hex')}`;
  const expected = createHmac('sha256', key.secret).update(toSign).digest('hex');
  if (expected !== signature) {
    throw new ApiFailure(
      400,
      'SignatureDoesNotMatch',
      'The request signature does not conform to Aliyun standards. server string to sign is:' +
        toSign.replace('\n', ' '),
      'gateway'
    );
  }
  const date = Date.parse(headers['x-acs-date'] ?? '');
  if (!Number.isFinite(date) || Math.abs(Date.now() - date) > 15 * 60_000) {
    throw new ApiFailure(
      400,
      'InvalidTimeStamp.Expired',
      'Specified time stamp or date value is expired.',
      'gateway'
    );
  }
  const token = headers['x-acs-security-token'];
  if (key.securityToken !== undefined && token !== key.securityToken) {
    throw new ApiFailure(
      400,
      token ? 'InvalidSecurityToken.MismatchWithAccessKey' : 'InvalidSecurityToken.Missing',
      'Specified SecurityToken is invalid or does not match the access key.',
      'gateway'
    );
  }
  if (key.securityToken === undefined && token !== undefined) {
    throw new ApiFailure(
      400,
      'InvalidSecurityToken.Malformed',
      'Specified SecurityToken is malformed.',
      'gateway'
    );
  }
  return keyId;
}

function claimsOf(token: string): Record<string, unknown> | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const v: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void
): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export async function startAliyunFakes(opts: AliyunFakesOptions): Promise<AliyunFakes> {
  const keys = new Map<string, FakeAccessKey>(Object.entries(opts.accessKeys ?? {}));
  const region = opts.region ?? 'cn-hangzhou';
  const requests: RecordedRequest[] = [];
  const issued: AliyunFakes['issued'] = [];
  const faults: Array<{ service: FakeService; kind: FakeFaultKind; left: number }> = [];

  function takeFault(service: FakeService): FakeFaultKind | undefined {
    const f = faults.find((x) => x.service === service && x.left > 0);
    if (!f) return undefined;
    f.left--;
    return f.kind;
  }

  function handle(
    service: FakeService,
    route: (
      req: IncomingMessage,
      url: URL,
      headers: Record<string, string>,
      body: Buffer
    ) => { body: unknown; keyId?: string }
  ) {
    return (req: IncomingMessage, res: ServerResponse): void => {
      void (async () => {
        const body = await readBody(req);
        const url = new URL(req.url ?? '/', 'http://fake');
        const headers = headerMap(req);
        const rec: RecordedRequest = {
          service,
          method: req.method ?? 'GET',
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          headers,
          status: 0
        };
        requests.push(rec);
        const requestId = randomUUID().toUpperCase();
        const fault = takeFault(service);
        if (fault === 'reset') {
          rec.status = -1;
          req.socket.destroy();
          return;
        }
        if (fault === 'html-502') {
          rec.status = 502;
          res.writeHead(502, { 'content-type': 'text/html' });
          res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
          return;
        }
        try {
          if (fault === '500')
            throw new ApiFailure(
              500,
              'InternalError',
              'The request processing has failed due to some unknown error.',
              'gateway'
            );
          if (fault === 'throttling')
            throw new ApiFailure(
              429,
              'Throttling.User',
              'Request was denied due to user flow control.',
              'gateway'
            );
          const out = route(req, url, headers, body);
          rec.status = 200;
          if (out.keyId) rec.accessKeyId = out.keyId;
          sendJson(res, 200, {
            ...(out.body as object),
            ...(service === 'sts' ? { RequestId: requestId } : {})
          });
        } catch (err) {
          if (!(err instanceof ApiFailure)) throw err;
          rec.status = err.status;
          rec.code = err.code;
          const host = service === 'ack' ? `cs.${region}.aliyuncs.com` : `sts.${region}.aliyuncs.com`;
          sendJson(
            res,
            err.status,
            err.style === 'ack'
              ? { code: err.code, message: err.message, requestId, status: err.status }
              : {
                  Code: err.code,
                  Message: err.message,
                  RequestId: requestId,
                  HostId: host,
                  Recommend: `https://api.aliyun.com/troubleshoot?q=${err.code}`
                }
          );
        }
      })().catch((err: unknown) => {
        res.writeHead(500);
        res.end(String(err));
      });
    };
  }

  const ack = await listen(
    handle('ack', (req, url, headers, body) => {
      const m = /^\/k8s\/([^/]+)\/user_config$/.exec(url.pathname);
      if (req.method !== 'GET' || !m)
        throw new ApiFailure(
          404,
          'InvalidAction.NotFound',
          `Specified api is not found: ${req.method} ${url.pathname}.`,
          'gateway'
        );
      if (
        headers['x-acs-action'] !== 'DescribeClusterUserKubeconfig' ||
        headers['x-acs-version'] !== '2015-12-15'
      ) {
        throw new ApiFailure(400, 'InvalidVersion', 'Specified action or version is not valid.', 'gateway');
      }
      const keyId = verifyAcs3(req.method, url, headers, body, keys);
      const clusterId = decodeURIComponent(m[1] ?? '');
      const ttl = url.searchParams.get('TemporaryDurationMinutes');
      const minutes = ttl === null ? undefined : Number(ttl);
      if (minutes !== undefined && !(Number.isInteger(minutes) && minutes >= 15 && minutes <= 4320)) {
        throw new ApiFailure(
          400,
          'ErrorParameterInvalid',
          'TemporaryDurationMinutes must be between 15 and 4320.',
          'ack'
        );
      }
      const allowed = keys.get(keyId)?.allowedClusters;
      if (allowed && !allowed.includes(clusterId)) {
        throw new ApiFailure(
          403,
          'Forbidden.RAM',
          `User not authorized to operate on the specified resource: cluster ${clusterId}.`,
          'gateway'
        );
      }
      const config = opts.kubeconfigFor(clusterId, {
        privateIpAddress: url.searchParams.get('PrivateIpAddress') === 'true',
        ...(minutes !== undefined ? { temporaryDurationMinutes: minutes } : {})
      });
      if (config === undefined)
        throw new ApiFailure(
          404,
          'ErrorClusterNotFound',
          `cluster ${clusterId} not found in region ${region}.`,
          'ack'
        );
      const expiration = new Date(Date.now() + (minutes ?? 3 * 365 * 24 * 60) * 60_000)
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z');
      return { body: { config, expiration }, keyId };
    })
  );

  const sts = await listen(
    handle('sts', (req, url) => {
      const q = url.searchParams;
      if (q.get('Action') !== 'AssumeRoleWithOIDC' || q.get('Version') !== '2015-04-01') {
        throw new ApiFailure(
          404,
          'InvalidAction.NotFound',
          `Specified api is not found: ${String(q.get('Action'))}.`,
          'gateway'
        );
      }
      for (const p of ['RoleArn', 'OIDCProviderArn', 'OIDCToken', 'RoleSessionName']) {
        if (!q.get(p))
          throw new ApiFailure(400, 'MissingParameter', `${p} is mandatory for this action.`, 'gateway');
      }
      const trust = opts.oidc;
      if (!trust || q.get('OIDCProviderArn') !== trust.providerArn) {
        throw new ApiFailure(
          404,
          'EntityNotExist.OIDCProvider',
          'The specified OIDC provider does not exist.',
          'gateway'
        );
      }
      if (!/^[\w.@-]{2,64}$/.test(q.get('RoleSessionName') ?? '')) {
        throw new ApiFailure(
          400,
          'InvalidParameter.RoleSessionName',
          'The parameter RoleSessionName is wrongly formed.',
          'gateway'
        );
      }
      const roleArn = q.get('RoleArn') ?? '';
      if (!trust.roleArns.includes(roleArn))
        throw new ApiFailure(404, 'EntityNotExist.Role', 'The specified Role not exists.', 'gateway');
      const claims = claimsOf(q.get('OIDCToken') ?? '');
      if (!claims)
        throw new ApiFailure(
          400,
          'AuthenticationFail.OIDCToken.Invalid',
          'The OIDC token is invalid: not a JWT.',
          'gateway'
        );
      if (claims.aud !== trust.audience) {
        throw new ApiFailure(
          400,
          'AuthenticationFail.OIDCToken.Invalid',
          `The OIDC token audience ${String(claims.aud)} is not a client ID of the OIDC provider.`,
          'gateway'
        );
      }
      if (typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now()) {
        throw new ApiFailure(
          400,
          'AuthenticationFail.OIDCToken.Expired',
          'The OIDC token has expired.',
          'gateway'
        );
      }
      const creds = {
        accessKeyId: `STS.${randomBytes(12).toString('hex')}`,
        accessKeySecret: randomBytes(24).toString('base64url'),
        securityToken: `CAIS${randomBytes(48).toString('base64url')}`,
        roleArn,
        sessionName: q.get('RoleSessionName') ?? ''
      };
      issued.push(creds);
      keys.set(creds.accessKeyId, {
        secret: creds.accessKeySecret,
        securityToken: creds.securityToken,
        ...(trust.allowedClusters ? { allowedClusters: trust.allowedClusters } : {})
      });
      const seconds = Number(q.get('DurationSeconds') ?? 3600);
      const now = new Date();
      return {
        body: {
          Credentials: {
            AccessKeyId: creds.accessKeyId,
            AccessKeySecret: creds.accessKeySecret,
            SecurityToken: creds.securityToken,
            Expiration: new Date(now.getTime() + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
          },
          AssumedRoleUser: {
            Arn: `${roleArn}/${creds.sessionName}`,
            AssumedRoleId: `3${randomBytes(8).toString('hex')}:${creds.sessionName}`
          },
          OIDCTokenInfo: {
            Subject: String(claims.sub),
            Issuer: String(claims.iss),
            ClientIds: String(claims.aud),
            IssuanceTime: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
            ExpirationTime: new Date(Number(claims.exp) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
          }
        }
      };
    })
  );

  return {
    ackEndpoint: ack.url,
    stsEndpoint: sts.url,
    requests,
    issued,
    fail(service, kind, count = 1) {
      faults.push({ service, kind, left: count });
    },
    reset() {
      requests.length = 0;
      faults.length = 0;
    },
    async close() {
      for (const s of [ack.server, sts.server]) {
        s.closeAllConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
    }
  };
}

// authenticate() end to end against local ACK/STS fakes that speak the SDKs' wire protocol (signed
// ROA GET, anonymous RPC POST). Only @actions/core is replaced, to observe masking and exports.
import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump, load } from 'js-yaml';
import { fakeIdToken, startAliyunFakes, type AliyunFakes } from '../../../test/fakes/aliyun.js';
import type { AuthConfig } from '../../../src/inputs/config.js';
import { decodeKubeconfig, selectContext } from '../../../src/auth/kubeconfig.js';

const secrets: string[] = [];
const exported: Record<string, string> = {};
const state: Record<string, string> = {};
const logs: string[] = [];
jest.unstable_mockModule('@actions/core', () => ({
  setSecret: (s: string) => secrets.push(s),
  exportVariable: (k: string, v: string) => (exported[k] = v),
  saveState: (k: string, v: string) => (state[k] = v),
  getState: (k: string) => state[k] ?? '',
  info: (m: string) => logs.push(m),
  warning: (m: string) => logs.push(`warning: ${m}`),
  getIDToken: () => Promise.reject(new Error('Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable'))
}));
const { authenticate } = await import('../../../src/auth/index.js');
const { cleanupCredentials } = await import('../../../src/auth/cleanup.js');
const { ActionError } = await import('../../../src/errors.js');

const AK_ID = 'LTAI5tFakeAccessKeyId01';
const AK_SECRET = 'fAkEsEcReT0123456789abcdefABCDEF';
const STS_AK = 'STS.NTempKeyId0001';
const STS_SECRET = 'tempSecretValue0123456789';
const STS_TOKEN = 'CAISsecurityTokenValue0123456789';
const CLUSTER = 'c0123456789abcdef0123456789abcdef';
const OTHER_CLUSTER = 'c-not-allowed-for-limited-key';
const ROLE = 'acs:ram::1234567890123456:role/github-ask';
const PROVIDER = 'acs:ram::1234567890123456:oidc-provider/github';
const AUDIENCE = 'sts.aliyuncs.com';
const CLIENT_TOKEN = 'ask-user-token-9f8e7d6c5b4a39281706';

function askKubeconfig(clusterId: string, privateIp: boolean): string {
  return dump({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'kubernetes',
        cluster: {
          server: `https://${privateIp ? '192.168.0.10' : '47.1.2.3'}:6443`,
          'certificate-authority-data': 'Q0E='
        }
      }
    ],
    users: [{ name: `kubernetes-admin-${clusterId}`, user: { token: CLIENT_TOKEN } }],
    contexts: [
      { name: `ctx-${clusterId}`, context: { cluster: 'kubernetes', user: `kubernetes-admin-${clusterId}` } }
    ],
    'current-context': `ctx-${clusterId}`
  });
}

let fakes: AliyunFakes;
let runnerTemp: string;

beforeAll(async () => {
  fakes = await startAliyunFakes({
    kubeconfigFor: (id, q) =>
      id === CLUSTER || id === OTHER_CLUSTER ? askKubeconfig(id, q.privateIpAddress) : undefined,
    accessKeys: {
      [AK_ID]: { secret: AK_SECRET },
      [STS_AK]: { secret: STS_SECRET, securityToken: STS_TOKEN },
      LTAIlimitedKey00000001: { secret: 'limited-secret-0001', allowedClusters: [CLUSTER] },
      LTAIdisabledKey0000001: { secret: 'disabled-secret-0001', disabled: true }
    },
    oidc: { providerArn: PROVIDER, roleArns: [ROLE], audience: AUDIENCE }
  });
});
afterAll(() => fakes.close());
beforeEach(() => {
  fakes.reset();
  secrets.length = 0;
  logs.length = 0;
  for (const k of Object.keys(exported)) delete exported[k];
  for (const k of Object.keys(state)) delete state[k];
  runnerTemp = mkdtempSync(join(tmpdir(), 'auth-test-'));
});

const fastRetry = { attempts: 3, baseDelayMs: 5 };

function akAuth(over: Partial<Extract<AuthConfig, { kind: 'access-key' }>> = {}): AuthConfig {
  return {
    kind: 'access-key',
    accessKeyId: AK_ID,
    accessKeySecret: AK_SECRET,
    regionId: 'cn-hangzhou',
    clusterId: CLUSTER,
    privateEndpoint: false,
    kubeconfigTtlMinutes: 60,
    ackEndpoint: fakes.ackEndpoint,
    ...over
  };
}

function oidcAuth(over: Partial<Extract<AuthConfig, { kind: 'oidc' }>> = {}): AuthConfig {
  return {
    kind: 'oidc',
    roleArn: ROLE,
    oidcProviderArn: PROVIDER,
    regionId: 'cn-hangzhou',
    clusterId: CLUSTER,
    privateEndpoint: true,
    kubeconfigTtlMinutes: 30,
    ackEndpoint: fakes.ackEndpoint,
    stsEndpoint: fakes.stsEndpoint,
    oidcAudience: AUDIENCE,
    ...over
  };
}

async function failure(p: Promise<unknown>): Promise<InstanceType<typeof ActionError>> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ActionError);
    return err as InstanceType<typeof ActionError>;
  }
  throw new Error('expected authenticate() to fail');
}

function expectKubeconfigFile(path: string, expected: string): void {
  expect(path.startsWith(join(runnerTemp, 'ask-istio-kubeconfig-'))).toBe(true);
  expect(statSync(path).mode & 0o777).toBe(0o600);
  expect(readFileSync(path, 'utf8')).toBe(expected);
  expect(exported.KUBECONFIG).toBe(path);
  expect(state['kubeconfig-path']).toBe(path);
}

describe('access-key', () => {
  it('fetches a short-lived kubeconfig, writes it 0600 and masks its credentials', async () => {
    const creds = await authenticate(akAuth(), { runnerTemp, retry: fastRetry });
    expectKubeconfigFile(creds.kubeconfigPath, askKubeconfig(CLUSTER, false));
    expect(creds).toMatchObject({
      source: 'access-key',
      server: 'https://47.1.2.3:6443',
      context: `ctx-${CLUSTER}`
    });
    expect(Date.parse(creds.expiresAt ?? '') - Date.now()).toBeGreaterThan(55 * 60_000);
    expect(secrets).toEqual(expect.arrayContaining([AK_SECRET, CLIENT_TOKEN]));
    const [req] = fakes.requests;
    expect(fakes.requests).toHaveLength(1);
    expect(req).toMatchObject({
      service: 'ack',
      method: 'GET',
      path: `/k8s/${CLUSTER}/user_config`,
      query: { PrivateIpAddress: 'false', TemporaryDurationMinutes: '60' },
      accessKeyId: AK_ID,
      status: 200
    });
  });

  it('sends STS credentials (security token) and asks for the private address', async () => {
    const auth = akAuth({
      accessKeyId: STS_AK,
      accessKeySecret: STS_SECRET,
      securityToken: STS_TOKEN,
      privateEndpoint: true
    });
    const creds = await authenticate(auth, { runnerTemp, retry: fastRetry });
    expect(creds.server).toBe('https://192.168.0.10:6443');
    expect(fakes.requests[0]?.headers['x-acs-security-token']).toBe(STS_TOKEN);
    expect(secrets).toEqual(expect.arrayContaining([STS_SECRET, STS_TOKEN]));
  });

  // Each API error code maps to one sentence with the code and RequestId, plus a specific remedy.
  const cases: Array<[string, Partial<Extract<AuthConfig, { kind: 'access-key' }>>, string, RegExp]> = [
    [
      'unknown key id',
      { accessKeyId: 'LTAInoSuchKey000000001' },
      'InvalidAccessKeyId.NotFound',
      /AccessKey ID is unknown/
    ],
    [
      'wrong secret',
      { accessKeySecret: 'wrong-secret-value-000111' },
      'SignatureDoesNotMatch',
      /access-key-secret does not belong/
    ],
    [
      'disabled key',
      { accessKeyId: 'LTAIdisabledKey0000001', accessKeySecret: 'disabled-secret-0001' },
      'InvalidAccessKeyId.Inactive',
      /disabled/
    ],
    [
      'no RAM permission on the cluster',
      {
        accessKeyId: 'LTAIlimitedKey00000001',
        accessKeySecret: 'limited-secret-0001',
        clusterId: OTHER_CLUSTER
      },
      'Forbidden.RAM',
      /cs:DescribeClusterUserKubeconfig/
    ],
    [
      'unknown cluster / other region',
      { clusterId: 'cdeadbeef', regionId: 'cn-beijing' },
      'ErrorClusterNotFound',
      /region-id is the region the cluster runs in/
    ],
    [
      'security token for a long-term key',
      { securityToken: 'CAISbogusTokenForPlainKey0001' },
      'InvalidSecurityToken.Malformed',
      /fresh AccessKeyId\/AccessKeySecret\/SecurityToken/
    ],
    ['TTL out of range', { kubeconfigTtlMinutes: 5 }, 'ErrorParameterInvalid', /15 and 4320/]
  ];
  for (const [name, over, code, hint] of cases) {
    it(`maps ${code} (${name}) without retrying or leaking the secret`, async () => {
      const auth = akAuth(over);
      const err = await failure(authenticate(auth, { runnerTemp, retry: fastRetry }));
      const text = err.describe();
      expect(err.message).toMatch(
        new RegExp(
          `^ACK DescribeClusterUserKubeconfig at http://127\\.0\\.0\\.1:\\d+ failed: .+ \\(code ${code.replace(/\./g, '\\.')}, HTTP \\d{3}, RequestId [0-9A-F-]{36}\\)\\.$`
        )
      );
      expect(err.hint).toMatch(hint);
      expect(fakes.requests).toHaveLength(1);
      if (auth.kind === 'access-key') {
        expect(text).not.toContain(auth.accessKeySecret);
        if (auth.securityToken) expect(text).not.toContain(auth.securityToken);
      }
      expect(JSON.stringify(err)).not.toContain(AK_SECRET);
      expect(existsSync(join(runnerTemp))).toBe(true);
      expect(exported.KUBECONFIG).toBeUndefined();
    });
  }

  it('retries 5xx, throttling, resets and HTML gateway pages, then succeeds', async () => {
    fakes.fail('ack', '500');
    fakes.fail('ack', 'reset');
    const creds = await authenticate(akAuth(), { runnerTemp, retry: { attempts: 3, baseDelayMs: 5 } });
    expect(readFileSync(creds.kubeconfigPath, 'utf8')).toBe(askKubeconfig(CLUSTER, false));
    expect(fakes.requests.map((r) => r.status)).toEqual([500, -1, 200]);
    expect(logs.filter((l) => l.includes('retrying'))).toHaveLength(2);

    fakes.reset();
    fakes.fail('ack', 'throttling');
    fakes.fail('ack', 'html-502');
    await authenticate(akAuth(), { runnerTemp, retry: { attempts: 3, baseDelayMs: 5 } });
    expect(fakes.requests.map((r) => r.status)).toEqual([429, 502, 200]);
  });

  it('gives up after the configured attempts with the last error', async () => {
    fakes.fail('ack', 'throttling', 5);
    const err = await failure(authenticate(akAuth(), { runnerTemp, retry: { attempts: 3, baseDelayMs: 5 } }));
    expect(err.message).toMatch(/failed after 3 attempts: .*code Throttling\.User, HTTP 429/);
    expect(err.hint).toMatch(/throttled the request \(tried 3 times\)/);
    expect(fakes.requests).toHaveLength(3);
  });

  it('a cancelled job stops waiting to retry at once, without another request', async () => {
    fakes.fail('ack', 'throttling', 5);
    const ctl = new AbortController();
    const started = Date.now();
    const run = authenticate(akAuth(), {
      runnerTemp,
      retry: { attempts: 3, baseDelayMs: 60_000 },
      signal: ctl.signal,
      log: (line) => {
        logs.push(line);
        if (line.includes('retrying')) setImmediate(() => ctl.abort());
      }
    });
    await expect(run).rejects.toThrow(/^cancelled/);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(fakes.requests).toHaveLength(1);
  });

  it('reports an unreachable endpoint as a network problem', async () => {
    const err = await failure(
      authenticate(akAuth({ ackEndpoint: 'http://127.0.0.1:1' }), {
        runnerTemp,
        retry: { attempts: 2, baseDelayMs: 5 }
      })
    );
    expect(err.message).toMatch(
      /^ACK DescribeClusterUserKubeconfig at http:\/\/127\.0\.0\.1:1 could not be completed after 2 attempts: .*ECONNREFUSED/
    );
    expect(err.hint).toMatch(/can reach http:\/\/127\.0\.0\.1:1/);
  });
});

describe('oidc', () => {
  it('exchanges the GitHub token at STS and uses the temporary key for ACK', async () => {
    const audiences: string[] = [];
    const idToken = fakeIdToken({ aud: AUDIENCE });
    const creds = await authenticate(oidcAuth(), {
      runnerTemp,
      runId: '987654321',
      retry: fastRetry,
      getIDToken: async (aud) => {
        audiences.push(aud);
        return idToken;
      }
    });
    expect(audiences).toEqual([AUDIENCE]);
    expectKubeconfigFile(creds.kubeconfigPath, askKubeconfig(CLUSTER, true));
    expect(creds).toMatchObject({ source: 'oidc', server: 'https://192.168.0.10:6443' });
    const [sts, ack] = fakes.requests;
    expect(sts).toMatchObject({
      service: 'sts',
      method: 'POST',
      status: 200,
      query: {
        Action: 'AssumeRoleWithOIDC',
        RoleArn: ROLE,
        OIDCProviderArn: PROVIDER,
        RoleSessionName: 'ask-istio-action-987654321',
        DurationSeconds: '900'
      }
    });
    const issued = fakes.issued.at(-1)!;
    expect(ack).toMatchObject({
      service: 'ack',
      accessKeyId: issued.accessKeyId,
      query: { PrivateIpAddress: 'true', TemporaryDurationMinutes: '30' }
    });
    expect(ack?.headers['x-acs-security-token']).toBe(issued.securityToken);
    expect(secrets).toEqual(
      expect.arrayContaining([idToken, issued.accessKeySecret, issued.securityToken, CLIENT_TOKEN])
    );
  });

  const cases: Array<
    [string, Partial<Extract<AuthConfig, { kind: 'oidc' }>>, string, RegExp, { aud?: string; exp?: number }?]
  > = [
    ['wrong audience', {}, 'AuthenticationFail.OIDCToken.Invalid', /client IDs/, { aud: 'other-audience' }],
    [
      'expired token',
      {},
      'AuthenticationFail.OIDCToken.Expired',
      /re-run/,
      { exp: Math.floor(Date.now() / 1000) - 60 }
    ],
    [
      'unknown role',
      { roleArn: 'acs:ram::1234567890123456:role/nope' },
      'EntityNotExist.Role',
      /role-arn does not exist/
    ],
    [
      'unknown provider',
      { oidcProviderArn: 'acs:ram::1234567890123456:oidc-provider/nope' },
      'EntityNotExist.OIDCProvider',
      /oidc-provider-arn/
    ]
  ];
  for (const [name, over, code, hint, claims] of cases) {
    it(`maps ${code} (${name}) without leaking the token`, async () => {
      const idToken = fakeIdToken({
        aud: claims?.aud ?? AUDIENCE,
        ...(claims?.exp ? { exp: claims.exp } : {})
      });
      const err = await failure(
        authenticate(oidcAuth(over), { runnerTemp, retry: fastRetry, getIDToken: async () => idToken })
      );
      expect(err.message).toMatch(
        new RegExp(
          `^STS AssumeRoleWithOIDC at .* failed: .+ \\(code ${code.replace(/\./g, '\\.')}, HTTP 40\\d, RequestId [0-9A-F-]{36}\\)\\.$`
        )
      );
      expect(err.hint).toMatch(hint);
      expect(err.describe()).not.toContain(idToken);
      expect(fakes.requests.filter((r) => r.service === 'ack')).toHaveLength(0);
    });
  }

  it('keeps the token out of network error messages (the SDK puts it in the URL)', async () => {
    const idToken = fakeIdToken({ aud: AUDIENCE });
    const err = await failure(
      authenticate(oidcAuth({ stsEndpoint: 'http://127.0.0.1:1' }), {
        runnerTemp,
        retry: { attempts: 1, baseDelayMs: 1 },
        getIDToken: async () => idToken
      })
    );
    expect(err.message).toMatch(/STS AssumeRoleWithOIDC .* could not be completed: .*ECONNREFUSED/);
    expect(err.describe()).not.toContain(idToken);
    expect(err.describe()).not.toContain('OIDCToken=');
  });

  it('explains the missing id-token permission', async () => {
    const err = await failure(authenticate(oidcAuth(), { runnerTemp }));
    expect(err.message).toBe(
      'Could not get a GitHub OIDC token for audience "sts.aliyuncs.com": Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable'
    );
    expect(err.hint).toMatch(/permissions: id-token: write/);
  });
});

describe('kubeconfig input', () => {
  const given = dump({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: 'a', cluster: { server: 'https://127.0.0.1:6443' } },
      { name: 'b', cluster: { server: 'https://127.0.0.2:6443' } }
    ],
    users: [{ name: 'u', user: { token: 'given-token-abcdef0123' } }],
    contexts: [
      { name: 'first', context: { cluster: 'a', user: 'u' } },
      { name: 'second', context: { cluster: 'b', user: 'u' } }
    ],
    'current-context': 'first'
  });

  // As the parser hands it over: decoded once, the context chosen (its problems are input problems there).
  const kubeconfigAuth = (raw: string, context?: string): AuthConfig => {
    const kubeconfig = decodeKubeconfig(raw);
    return { kind: 'kubeconfig', kubeconfig, context: selectContext(kubeconfig, context) };
  };

  it('writes the given kubeconfig (base64 accepted) unchanged when its current-context is used', async () => {
    const creds = await authenticate(kubeconfigAuth(Buffer.from(given).toString('base64')), { runnerTemp });
    expectKubeconfigFile(creds.kubeconfigPath, given);
    expect(creds).toEqual({
      kubeconfigPath: creds.kubeconfigPath,
      context: 'first',
      source: 'kubeconfig',
      server: 'https://127.0.0.1:6443'
    });
    expect(secrets).toContain('given-token-abcdef0123');
    expect(fakes.requests).toHaveLength(0);
  });

  it('makes the chosen context current, so istioctl and later steps use it too', async () => {
    const creds = await authenticate(kubeconfigAuth(given, 'second'), { runnerTemp });
    expect(creds.server).toBe('https://127.0.0.2:6443');
    const written = load(readFileSync(creds.kubeconfigPath, 'utf8')) as Record<string, unknown>;
    expect(written['current-context']).toBe('second');
    expect(written.users).toEqual((load(given) as Record<string, unknown>).users);
  });
});

describe('cleanupCredentials', () => {
  it('removes the kubeconfig once and is a no-op afterwards', async () => {
    const creds = await authenticate(akAuth(), { runnerTemp });
    expect(await cleanupCredentials(() => undefined)).toEqual({ removed: true, path: creds.kubeconfigPath });
    expect(existsSync(creds.kubeconfigPath)).toBe(false);
    expect(await cleanupCredentials(() => undefined)).toEqual({ removed: false, path: creds.kubeconfigPath });
  });

  it('does nothing when the main step wrote no kubeconfig', async () => {
    expect(await cleanupCredentials(() => undefined)).toEqual({ removed: false });
  });

  it('never deletes a file this action did not create', async () => {
    const other = join(runnerTemp, 'important.yaml');
    writeFileSync(other, 'x');
    state['kubeconfig-path'] = other;
    expect(await cleanupCredentials(() => undefined)).toEqual({ removed: false, path: other });
    expect(existsSync(other)).toBe(true);
  });
});

// The bundled action authenticating the Alibaba Cloud ways — access key, and GitHub OIDC → STS — against
// local stand-ins of the ACK and STS OpenAPI (test/fakes/aliyun.ts) that hand out the harness cluster's
// kubeconfig, then deploying for real. Also proves no credential leaks into logs, outputs or the summary.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { fakeIdToken, startAliyunFakes, type AliyunFakes } from '../../test/fakes/aliyun.js';
import { newNamespace, readHarnessState } from '../../test/harness/state.js';
import { runAction, type RunActionResult, expectActionSuccess } from '../../test/harness/runAction.js';

const state = readHarnessState();
const CLUSTER = 'c0e2eactionauth00000000000000001';
const ACCESS_KEY_ID = 'LTAIactionAuthE2e0001';
const ACCESS_KEY_SECRET = 'action-auth-secret-Zq9xW2vT7kL4';
const ROLE_ARN = 'acs:ram::1:role/ask-deployer';
const PROVIDER_ARN = 'acs:ram::1:oidc-provider/github';
const AUDIENCE = 'sts.aliyuncs.com';
/** What the runner gives a job with `id-token: write` to ask GitHub's token service for a JWT. */
const TOKEN_REQUEST_TOKEN = 'runner-request-token-9f8e7d6c5b4a';

const NS = newNamespace('action-auth');
const scratch = mkdtempSync(join(tmpdir(), 'action-auth-e2e-'));
const toolCache = join(scratch, 'tool-cache');
const kc = new KubeConfig();
kc.loadFromFile(state.kubeconfigPath);
const core = kc.makeApiClient(CoreV1Api);

let fakes: AliyunFakes;
let tokenServer: Server;
let tokenUrl: string;
const issuedJwts: string[] = [];
const tokenRequests: Array<{ audience: string | null; authorization: string | undefined }> = [];

beforeAll(async () => {
  const kubeconfig = readFileSync(state.kubeconfigPath, 'utf8');
  fakes = await startAliyunFakes({
    kubeconfigFor: (id) => (id === CLUSTER ? kubeconfig : undefined),
    accessKeys: { [ACCESS_KEY_ID]: { secret: ACCESS_KEY_SECRET } },
    oidc: { providerArn: PROVIDER_ARN, roleArns: [ROLE_ARN], audience: AUDIENCE }
  });
  // GitHub's OIDC token service as @actions/core calls it: GET <ACTIONS_ID_TOKEN_REQUEST_URL>&audience=…
  // with the request token as bearer, answering {"value": "<jwt>"}.
  tokenServer = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const audience = url.searchParams.get('audience');
    tokenRequests.push({ audience, authorization: req.headers.authorization });
    if (req.headers.authorization !== `Bearer ${TOKEN_REQUEST_TOKEN}`) {
      res.writeHead(401).end();
      return;
    }
    const jwt = fakeIdToken({ aud: audience ?? '', sub: 'repo:octo-org/demo:ref:refs/heads/main' });
    issuedJwts.push(jwt);
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ count: 1, value: jwt }));
  });
  await new Promise<void>((resolve) => tokenServer.listen(0, '127.0.0.1', resolve));
  tokenUrl = `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}/_apis/token?api-version=2.0`;
});

afterAll(async () => {
  await fakes?.close();
  await new Promise((resolve) => tokenServer?.close(resolve));
  await core.deleteNamespace({ name: NS }).catch(() => undefined);
  rmSync(scratch, { recursive: true, force: true });
});

function common(): Record<string, string> {
  return {
    'region-id': 'cn-hangzhou',
    'cluster-id': CLUSTER,
    'ack-endpoint': fakes.ackEndpoint,
    'istio-version': state.stack.istio,
    'istio-download-url': state.downloadUrl,
    namespace: NS,
    'gateway-hosts': `${NS}.bookinfo.test`,
    routing: 'all-v1',
    'verify-routing': 'false',
    'wait-timeout': '3m'
  };
}

/**
 * The secrets must appear nowhere a user can read. `::add-mask::` lines are the exception by design:
 * they are instructions to the runner (which hides the value everywhere), never shown in the log.
 */
function expectNoLeak(r: RunActionResult, secrets: string[]): void {
  const visible = [
    r.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n'),
    r.stderr,
    r.summary,
    JSON.stringify(r.outputs)
  ];
  for (const secret of secrets) {
    expect(secret.length).toBeGreaterThan(8);
    for (const text of visible) expect(text.includes(secret)).toBe(false);
  }
}

function masked(r: RunActionResult): string[] {
  return r.commands.filter((c) => c.command === 'add-mask').map((c) => c.message);
}

async function expectDeployed(r: RunActionResult): Promise<void> {
  expect(r.outputs['namespace']).toBe(NS);
  expect(r.outputs['istio-version']).toBe(state.stack.istio);
  expect(r.outputs['gateway-url']).toMatch(/^http:\/\/127\./);
  const pods = (await core.listNamespacedPod({ namespace: NS })).items;
  expect(pods.length).toBeGreaterThanOrEqual(6);
}

describe('the action authenticates through Alibaba Cloud and deploys', () => {
  it('access key → ACK DescribeClusterUserKubeconfig → deploy', async () => {
    const before = fakes.requests.length;
    const r = await runAction({
      inputs: { ...common(), 'access-key-id': ACCESS_KEY_ID, 'access-key-secret': ACCESS_KEY_SECRET },
      toolCache,
      timeoutMs: 240_000
    });
    expectActionSuccess(r);
    const calls = fakes.requests.slice(before);
    expect(calls.map((c) => `${c.service}:${c.status}`)).toEqual(['ack:200']);
    expect(calls[0]?.accessKeyId).toBe(ACCESS_KEY_ID);
    await expectDeployed(r);
    expect(masked(r)).toContain(ACCESS_KEY_SECRET);
    expectNoLeak(r, [ACCESS_KEY_SECRET]);
  });

  it('GitHub OIDC → STS AssumeRoleWithOIDC → ACK → deploy', async () => {
    const before = fakes.requests.length;
    const r = await runAction({
      inputs: {
        ...common(),
        'role-arn': ROLE_ARN,
        'oidc-provider-arn': PROVIDER_ARN,
        'oidc-audience': AUDIENCE,
        'sts-endpoint': fakes.stsEndpoint
      },
      env: {
        GITHUB_ACTIONS: 'true',
        ACTIONS_ID_TOKEN_REQUEST_URL: tokenUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: TOKEN_REQUEST_TOKEN
      },
      toolCache,
      timeoutMs: 240_000
    });
    expectActionSuccess(r);
    expect(tokenRequests.at(-1)).toEqual({
      audience: AUDIENCE,
      authorization: `Bearer ${TOKEN_REQUEST_TOKEN}`
    });
    const calls = fakes.requests.slice(before);
    expect(calls.map((c) => `${c.service}:${c.status}`)).toEqual(['sts:200', 'ack:200']);
    const sts = fakes.issued.at(-1);
    expect(sts?.roleArn).toBe(ROLE_ARN);
    // ACK was called with the temporary key STS issued, not some other identity.
    expect(calls[1]?.accessKeyId).toBe(sts?.accessKeyId);
    await expectDeployed(r);
    const jwt = issuedJwts.at(-1) ?? '';
    expect(masked(r)).toEqual(expect.arrayContaining([jwt, sts?.accessKeySecret, sts?.securityToken]));
    expectNoLeak(r, [jwt, sts?.accessKeySecret ?? '', sts?.securityToken ?? '', TOKEN_REQUEST_TOKEN]);
  });
});

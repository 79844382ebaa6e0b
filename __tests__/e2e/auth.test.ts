// The access-key and OIDC ways against the real test API server: the ACK fake hands out the harness's
// kubeconfig, so a successful authenticate() must yield a file the kube layer can actually talk with.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authenticate } from '../../src/auth/index.js';
import { Kube } from '../../src/kube/index.js';
import { fakeIdToken, startAliyunFakes, type AliyunFakes } from '../../test/fakes/aliyun.js';
import { readHarnessState } from '../../test/harness/state.js';

const CLUSTER = 'c-e2e-ask-cluster';
let fakes: AliyunFakes;
let clusterKubeconfig: string;
let runnerTemp: string;
const savedKubeconfigEnv = process.env.KUBECONFIG;

beforeAll(async () => {
  clusterKubeconfig = readFileSync(readHarnessState().kubeconfigPath, 'utf8');
  fakes = await startAliyunFakes({
    kubeconfigFor: (id) => (id === CLUSTER ? clusterKubeconfig : undefined),
    accessKeys: { LTAIe2eAccessKey000001: { secret: 'e2e-secret-value-0001' } },
    oidc: {
      providerArn: 'acs:ram::1:oidc-provider/github',
      roleArns: ['acs:ram::1:role/ask'],
      audience: 'sts.aliyuncs.com'
    }
  });
  runnerTemp = mkdtempSync(join(tmpdir(), 'auth-e2e-'));
});

afterAll(async () => {
  await fakes.close();
  rmSync(runnerTemp, { recursive: true, force: true });
  // core.exportVariable also sets process.env; keep the rest of the e2e run unaffected.
  if (savedKubeconfigEnv === undefined) delete process.env.KUBECONFIG;
  else process.env.KUBECONFIG = savedKubeconfigEnv;
});

async function expectWorkingKubeconfig(path: string): Promise<void> {
  expect(statSync(path).mode & 0o777).toBe(0o600);
  expect(readFileSync(path, 'utf8')).toBe(clusterKubeconfig);
  const kube = await Kube.connect({ kubeconfigPath: path });
  try {
    const v = await kube.serverVersion();
    expect(v.gitVersion).toBe(readHarnessState().kubernetesVersion);
  } finally {
    await kube.close();
  }
}

describe('authenticate against the test cluster', () => {
  const common = {
    regionId: 'cn-hangzhou',
    clusterId: CLUSTER,
    privateEndpoint: false,
    kubeconfigTtlMinutes: 60
  };

  it('access-key: the fetched kubeconfig reaches the API server', async () => {
    const creds = await authenticate(
      {
        kind: 'access-key',
        accessKeyId: 'LTAIe2eAccessKey000001',
        accessKeySecret: 'e2e-secret-value-0001',
        ackEndpoint: fakes.ackEndpoint,
        ...common
      },
      { runnerTemp, log: () => undefined }
    );
    expect(creds.server).toBe(readHarnessState().server);
    await expectWorkingKubeconfig(creds.kubeconfigPath);
  });

  it('oidc: STS then ACK, and the kubeconfig reaches the API server', async () => {
    const creds = await authenticate(
      {
        kind: 'oidc',
        roleArn: 'acs:ram::1:role/ask',
        oidcProviderArn: 'acs:ram::1:oidc-provider/github',
        oidcAudience: 'sts.aliyuncs.com',
        ackEndpoint: fakes.ackEndpoint,
        stsEndpoint: fakes.stsEndpoint,
        ...common
      },
      { runnerTemp, log: () => undefined, getIDToken: async (aud) => fakeIdToken({ aud }) }
    );
    expect(fakes.requests.map((r) => `${r.service}:${r.status}`).slice(-2)).toEqual(['sts:200', 'ack:200']);
    await expectWorkingKubeconfig(creds.kubeconfigPath);
  });
});

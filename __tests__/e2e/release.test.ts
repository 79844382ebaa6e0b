// The stand-in Istio releases end to end: archives served by the release server (with faults),
// checksums, the extracted istioctl per version, and istioctl against the harness's real 1.20
// control plane — install (ready with the simulator, readiness timeout without), the 1.30.3
// policy/v1 refusal, and analyze finding a VirtualService subset without a DestinationRule.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { buildReleases, startReleaseServer, type ReleaseServer } from '../../test/release/index.js';
import { describeOn, newNamespace, readHarnessState, type HarnessState } from '../../test/harness/state.js';

// Jest ignores testTimeout inside `projects`; installs wait for readiness, so set it here.
jest.setTimeout(300_000);

let state: HarnessState;
let dir: string;
let server: ReleaseServer;
const bin: Record<string, string> = {};
const testNs = newNamespace('release-analyze');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function istioctl(version: string, args: string[], timeoutMs = 180_000): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      bin[version] as string,
      args,
      { env: { ...process.env, KUBECONFIG: state.kubeconfigPath }, timeout: timeoutMs },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      }
    );
    child.stdin?.end(); // EOF: the confirmation prompt must read "no"
  });
}

/** Minimal admin client from the harness kubeconfig (plain https: keeps this test independent of src/kube). */
function api(
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json'
): Promise<{ status: number; body: Record<string, unknown> }> {
  const kc = load(readFileSync(state.kubeconfigPath, 'utf8')) as {
    clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
    users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[];
  };
  const c = kc.clusters[0]?.cluster;
  const u = kc.users[0]?.user;
  const b64 = (s: string | undefined): Buffer => Buffer.from(s ?? '', 'base64');
  const url = new URL(path, c?.server);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ca: b64(c?.['certificate-authority-data']),
        cert: b64(u?.['client-certificate-data']),
        key: b64(u?.['client-key-data']),
        headers: { 'Content-Type': contentType, Accept: 'application/json' }
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, unknown>
          })
        );
      }
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const apply = (path: string, obj: unknown): ReturnType<typeof api> =>
  api('PATCH', `${path}?fieldManager=release-test&force=true`, obj, 'application/apply-patch+yaml');

beforeAll(async () => {
  state = readHarnessState();
  if (state.stack.name !== 'seed') return; // every block here is the seed's (describeOn)
  dir = mkdtempSync(join(tmpdir(), 'release-e2e-'));
  await buildReleases({ dir: join(dir, 'releases'), versions: ['1.13.3', '1.30.3'] });
  server = await startReleaseServer({ dir: join(dir, 'releases') });
});

afterAll(async () => {
  if (state?.stack.name !== 'seed') return;
  if (bin['1.13.3']) await istioctl('1.13.3', ['uninstall', '--purge', '-y']);
  await api('DELETE', `/api/v1/namespaces/${testNs}`);
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

// The seed's own scenario (PodSecurityPolicy / the stand-in istioctl on 1.20); current has real-istio.test.ts.
describeOn(['seed'], describe)('release server', () => {
  it('serves istioctl archives whose .sha256 matches, and the extracted istioctl reports its version', async () => {
    for (const v of ['1.13.3', '1.30.3']) {
      const name = `istioctl-${v}-linux-amd64.tar.gz`;
      const archive = Buffer.from(await (await fetch(`${server.downloadUrl}/${v}/${name}`)).arrayBuffer());
      const sha = await (await fetch(`${server.downloadUrl}/${v}/${name}.sha256`)).text();
      expect(sha).toBe(`${createHash('sha256').update(archive).digest('hex')} ${name}\n`);
      const out = join(dir, `bin-${v}`);
      mkdirSync(out);
      await new Promise<void>((resolve, reject) => {
        const tar = execFile('tar', ['xzf', '-', '-C', out], (err) => (err ? reject(err) : resolve()));
        tar.stdin?.end(archive);
      });
      bin[v] = join(out, 'istioctl');
    }
    expect((await istioctl('1.13.3', ['version', '--remote=false'])).stdout).toBe('1.13.3\n');
    expect((await istioctl('1.30.3', ['version', '--remote=false'])).stdout).toBe('client version: 1.30.3\n');
    const json = JSON.parse(
      (await istioctl('1.13.3', ['version', '--remote=false', '-o', 'json'])).stdout
    ) as { clientVersion: { version: string } };
    expect(json.clientVersion.version).toBe('1.13.3');
  });

  it('lists releases (with the prerelease) and paginates the GitHub-shaped API', async () => {
    const index = (await (await fetch(`${server.downloadUrl}/releases.json`)).json()) as {
      tag_name: string;
      prerelease: boolean;
      assets: unknown[];
    }[];
    expect(index.map((r) => r.tag_name)).toEqual([
      '1.31.0-rc.0',
      '1.30.3',
      '1.29.6',
      '1.29.4',
      '1.30.2',
      '1.13.3',
      '1.13.2'
    ]);
    expect(index[0]?.prerelease).toBe(true);
    expect(index.find((r) => r.tag_name === '1.29.4')?.assets).toEqual([]);
    const page1 = await fetch(`${server.baseUrl}/api/repos/istio/istio/releases?per_page=4&page=1`);
    expect(page1.headers.get('link')).toContain('page=2>; rel="next"');
    const page2 = (await (
      await fetch(`${server.baseUrl}/api/repos/istio/istio/releases?per_page=4&page=2`)
    ).json()) as unknown[];
    expect(page2).toHaveLength(index.length - 4);
    expect((await fetch(`${server.downloadUrl}/1.29.4/istioctl-1.29.4-linux-amd64.tar.gz`)).status).toBe(404);
  });

  it('injects 500-then-OK, bad checksums and truncation, and records requests', async () => {
    const post = (path: string, body?: unknown): Promise<Response> =>
      fetch(`${server.baseUrl}${path}`, { method: 'POST', body: JSON.stringify(body ?? {}) });
    await post('/_control/reset');
    const file = `${server.downloadUrl}/1.13.3/istioctl-1.13.3-linux-amd64.tar.gz`;
    await post('/_control/faults', {
      path: 'istioctl-1\\.13\\.3-linux-amd64\\.tar\\.gz$',
      kind: '500',
      count: 1
    });
    expect((await fetch(file)).status).toBe(500);
    const ok = await fetch(file);
    expect(ok.status).toBe(200);
    const archive = Buffer.from(await ok.arrayBuffer());
    await post('/_control/faults', { path: '\\.sha256$', kind: 'bad-checksum', count: 1 });
    const bad = await (await fetch(`${file}.sha256`)).text();
    expect(bad.split(' ')[0]).not.toBe(createHash('sha256').update(archive).digest('hex'));
    await post('/_control/faults', { kind: 'truncate', count: 1 });
    await expect(fetch(file).then((r) => r.arrayBuffer())).rejects.toThrow();
    const log = (await (await fetch(`${server.baseUrl}/_control/requests`)).json()) as {
      path: string;
      status: number;
    }[];
    expect(log.map((r) => r.status)).toEqual([500, 200, 200, 200]);
    await post('/_control/reset');
  });
});

// The seed's own scenario (PodSecurityPolicy / the stand-in istioctl on 1.20); current has real-istio.test.ts.
describeOn(['seed'], describe)('stand-in istioctl against the 1.20 control plane', () => {
  it('installs the 1.13.3 demo profile (ready with the simulator; readiness timeout without)', async () => {
    const withSim = state.components?.simulator === true;
    const run = await istioctl('1.13.3', [
      'install',
      '--set',
      'profile=demo',
      '-y',
      '--readiness-timeout',
      withSim ? '150s' : '3s'
    ]);
    if (withSim) {
      expect(run.stderr).not.toMatch(/^Error/m);
      expect(run.stdout).toContain(
        '✔ Istio core installed\n✔ Istiod installed\n✔ Ingress gateways installed\n✔ Egress gateways installed'
      );
      expect(run.stdout).toContain('✔ Installation complete');
      expect(run.code).toBe(0);
      const hook = await api(
        'GET',
        '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/istio-sidecar-injector'
      );
      expect(hook.status).toBe(200);
    } else {
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('✔ Istio core installed');
      expect(run.stdout).toContain(
        '✘ Istiod encountered an error: failed to wait for resource: resources not ready after 3s: timed out waiting for the condition\n  Deployment/istio-system/istiod'
      );
      expect(run.stderr).toContain('Error: failed to install manifests: errors occurred during operation');
    }
    const istiod = await api('GET', '/apis/apps/v1/namespaces/istio-system/deployments/istiod');
    expect(
      (istiod.body.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec
        .containers[0]?.image
    ).toBe('docker.io/istio/pilot:1.13.3');
    const svc = await api('GET', '/api/v1/namespaces/istio-system/services/istio-ingressgateway');
    const spec = svc.body.spec as {
      type: string;
      ports: { name: string; port: number; targetPort: number }[];
    };
    expect(spec.type).toBe('LoadBalancer');
    expect(spec.ports.find((p) => p.name === 'http2')).toMatchObject({ port: 80, targetPort: 8080 });
    expect(
      (
        await api(
          'GET',
          '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/virtualservices.networking.istio.io'
        )
      ).status
    ).toBe(200);
    expect(
      (await api('GET', '/apis/policy/v1beta1/namespaces/istio-system/poddisruptionbudgets/istiod')).status
    ).toBe(200);
  });

  it('analyze reports a VirtualService subset without a DestinationRule (exit 79), and is clean once it exists', async () => {
    await api('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: testNs, labels: { 'istio-injection': 'disabled' } }
    });
    await apply(`/api/v1/namespaces/${testNs}/services/reviews`, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'reviews' },
      spec: { ports: [{ port: 9080, name: 'http', protocol: 'TCP' }], selector: { app: 'reviews' } }
    });
    const vs = await apply(
      `/apis/networking.istio.io/v1alpha3/namespaces/${testNs}/virtualservices/reviews`,
      {
        apiVersion: 'networking.istio.io/v1alpha3',
        kind: 'VirtualService',
        metadata: { name: 'reviews' },
        spec: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v2' } }] }] }
      }
    );
    expect(vs.status).toBeLessThan(300);
    const bad = await istioctl('1.13.3', ['analyze', '-n', testNs]);
    expect(bad.stdout).toBe(
      `Error [IST0101] (VirtualService ${testNs}/reviews) Referenced host+subset in destinationrule not found: "reviews+v2"\n`
    );
    expect(bad.code).toBe(79);
    expect(bad.stderr).toContain(`Analyzers found issues when analyzing namespace: ${testNs}.`);

    await apply(`/apis/networking.istio.io/v1alpha3/namespaces/${testNs}/destinationrules/reviews`, {
      apiVersion: 'networking.istio.io/v1alpha3',
      kind: 'DestinationRule',
      metadata: { name: 'reviews' },
      spec: { host: 'reviews', subsets: [{ name: 'v2', labels: { version: 'v2' } }] }
    });
    const good = await istioctl('1.13.3', ['analyze', '-n', testNs]);
    expect(good.stderr).toContain(`✔ No validation issues found when analyzing namespace: ${testNs}.`);
    expect(good.code).toBe(0);
  });

  it("1.30.3 warns about Kubernetes 1.20 and fails on its CRDs' CEL rules, which 1.20's server-side apply refuses", async () => {
    const run = await istioctl('1.30.3', [
      'install',
      '--set',
      'profile=demo',
      '-y',
      '--readiness-timeout',
      '3s'
    ]);
    expect(run.stdout).toContain(
      'The Kubernetes version v1.20.2 is not supported by Istio 1.30.3. The minimum supported Kubernetes version is 1.32.'
    );
    // 1.30's CRDs carry x-kubernetes-validations (CEL, Kubernetes 1.23+). A plain create on 1.20 would drop
    // the unknown field; server-side apply (istioctl's way) refuses the whole typed patch, so the install
    // stops at its first component.
    expect(run.stdout).toContain('✘ Istio core encountered an error: failed to create typed patch object');
    expect(run.stdout).toContain('x-kubernetes-validations: field not declared in schema');
    expect(run.code).toBe(1);
  });
});

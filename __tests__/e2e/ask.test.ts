// ASK specifics end to end: the preflight (cluster kind, version support, NET_ADMIN/NET_RAW for istio-init
// under PSP admission), the CNI decision and SLB annotations on the gateway Service.
// The shared harness cluster is ASK-like (virtual-kubelet nodes, `ack.privileged` usable by everyone). The
// restrictive cases need a cluster without that binding, so this file starts ONE private control plane
// (no simulator: the preflight only reads Node objects, which the test writes itself) and runs the action
// there with `dry-run: true`, which stops after the preflight's decisions and shows the install plan.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  PSP_BINDING,
  PSP_CLUSTER_ROLE,
  startControlPlane,
  type ControlPlane
} from '../../test/cluster/controlPlane.js';
import { runAction, type RunActionResult } from '../../test/harness/runAction.js';
import { describeOn, newNamespace, readHarnessState, type HarnessState } from '../../test/harness/state.js';
import { request as httpsRequest } from 'node:https';
import { load } from 'js-yaml';

interface Kubeconfig {
  clusters: Array<{ cluster: { server: string; 'certificate-authority-data': string } }>;
  users: Array<{ user: { 'client-certificate-data': string; 'client-key-data': string } }>;
}

/**
 * A raw admin request with the harness kubeconfig's client certificate. Plain node:https on purpose: the
 * Kubernetes client library does not load inside jest's module sandbox.
 */
function adminRequest(
  kubeconfigPath: string,
  method: string,
  path: string,
  body?: unknown
): Promise<{ status: number; body: unknown }> {
  const kc = load(readFileSync(kubeconfigPath, 'utf8')) as Kubeconfig;
  const cluster = kc.clusters[0]?.cluster;
  const user = kc.users[0]?.user;
  if (!cluster || !user) throw new Error(`${kubeconfigPath} has no cluster or user`);
  const b64 = (s: string) => Buffer.from(s, 'base64');
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      new URL(path, cluster.server),
      {
        method,
        ca: b64(cluster['certificate-authority-data']),
        cert: b64(user['client-certificate-data']),
        key: b64(user['client-key-data']),
        headers: body === undefined ? {} : { 'content-type': 'application/json' }
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      }
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

let state: HarnessState;
let private_: ControlPlane | undefined;
let privateDir = '';

function preflightOf(r: RunActionResult): {
  clusterKind: string;
  compatibility: { supported: boolean; status: string; message: string };
  capabilities: { allowed?: boolean; checks: string[] };
  cni: boolean;
  cniReason: string;
} {
  const raw = r.outputs['preflight'];
  if (!raw) throw new Error(`no preflight output; stdout tail:\n${r.stdout.slice(-3000)}`);
  return JSON.parse(raw) as ReturnType<typeof preflightOf>;
}

async function ok(cp: ControlPlane, method: string, path: string, body?: unknown): Promise<void> {
  const res = await cp.request(method, path, body);
  if (res.status >= 300 && !(method === 'DELETE' && res.status === 404))
    throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
}

/** Replaces all Node objects of the private cluster with one of the given kind. */
async function setNode(cp: ControlPlane, kind: 'virtual-kubelet' | 'real'): Promise<void> {
  await ok(cp, 'DELETE', '/api/v1/nodes');
  const labels: Record<string, string> =
    kind === 'real'
      ? { 'kubernetes.io/os': 'linux' }
      : { type: 'virtual-kubelet', 'alibabacloud.com/virtual-node': 'true' };
  await ok(cp, 'POST', '/api/v1/nodes', {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: `${kind}-node-1`, labels }
  });
}

function runPrivate(inputs: Record<string, string>): Promise<RunActionResult> {
  if (!private_) throw new Error('private control plane not started');
  return runAction({
    inputs: {
      kubeconfig: readFileSync(private_.kubeconfigPath, 'utf8'),
      'istio-version': '1.13.3',
      'istio-download-url': state.downloadUrl,
      bookinfo: 'false',
      gateway: 'false',
      'dry-run': 'true',
      'wait-timeout': '2m',
      ...inputs
    },
    post: false
  });
}

beforeAll(async () => {
  state = readHarnessState();
  if (state.stack.name !== 'seed') return; // every block here is the seed's (describeOn)
  privateDir = mkdtempSync(join(tmpdir(), 'ask-istio-f7-'));
  private_ = await startControlPlane({ dir: privateDir, binDir: state.binDir });
  // Like an ACK cluster whose admin replaced the cluster-wide `ack.privileged` grant with a restrictive
  // policy: workloads may use only `restricted` (no added capabilities); admins can still use everything.
  await ok(private_, 'DELETE', `/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/${PSP_BINDING}`);
  await ok(private_, 'POST', '/apis/policy/v1beta1/podsecuritypolicies', {
    apiVersion: 'policy/v1beta1',
    kind: 'PodSecurityPolicy',
    metadata: { name: 'restricted' },
    spec: {
      privileged: false,
      allowedCapabilities: [],
      runAsUser: { rule: 'RunAsAny' },
      seLinux: { rule: 'RunAsAny' },
      supplementalGroups: { rule: 'RunAsAny' },
      fsGroup: { rule: 'RunAsAny' },
      volumes: ['*']
    }
  });
  await ok(private_, 'POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'psp:restricted' },
    rules: [
      {
        apiGroups: ['policy'],
        resources: ['podsecuritypolicies'],
        verbs: ['use'],
        resourceNames: ['restricted']
      }
    ]
  });
  await ok(private_, 'POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'psp:restricted:authenticated' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'psp:restricted' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:authenticated' }]
  });
}, 120_000);

afterAll(async () => {
  if (state?.stack.name !== 'seed') return;
  await private_?.stop();
  if (privateDir) rmSync(privateDir, { recursive: true, force: true });
});

// The seed's own scenario (PodSecurityPolicy / the stand-in istioctl on 1.20); current has real-istio.test.ts.
describeOn(['seed'], describe)('preflight on the shared ASK-like cluster', () => {
  it('passes with ack.privileged and sends ingress-annotations to the gateway Service', async () => {
    const namespace = newNamespace('f7-ask');
    const admin = (method: string, path: string, body?: unknown) =>
      adminRequest(state.kubeconfigPath, method, path, body);
    // An existing namespace makes the preflight also ask the admission chain with a dry-run pod.
    const created = await admin('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: namespace }
    });
    expect(created.status).toBe(201);
    const spec = 'slb.s1.small';
    const r = await runAction({
      inputs: {
        kubeconfig: readFileSync(state.kubeconfigPath, 'utf8'),
        'istio-version': '1.13.3',
        'istio-download-url': state.downloadUrl,
        namespace,
        bookinfo: 'false',
        gateway: 'false',
        // Reconcile the shared 1.13.3 install so the annotation goes through istioctl install values.
        'install-istio': 'always',
        'ingress-annotations': `service.beta.kubernetes.io/alibaba-cloud-loadbalancer-spec: ${spec}`,
        'wait-timeout': '3m'
      },
      post: false
    });
    try {
      expect(r.code).toBe(0);
      const p = preflightOf(r);
      expect(p.clusterKind).toBe('serverless');
      expect(p.compatibility.supported).toBe(true);
      expect(p.capabilities.allowed).toBe(true);
      expect(p.capabilities.checks).toContain('dry-run pod with NET_ADMIN/NET_RAW admitted');
      expect(p.capabilities.checks.join(' ')).toMatch(
        /PSP ack\.privileged allows NET_ADMIN, NET_RAW and root/
      );
      expect(p.cni).toBe(false);
      expect(r.summary).toContain('### Preflight');
      const svc = await admin('GET', '/api/v1/namespaces/istio-system/services/istio-ingressgateway');
      const annotations = (svc.body as { metadata?: { annotations?: Record<string, string> } }).metadata
        ?.annotations;
      expect(annotations?.['service.beta.kubernetes.io/alibaba-cloud-loadbalancer-spec']).toBe(spec);
    } finally {
      await admin('DELETE', `/api/v1/namespaces/${namespace}`);
    }
  }, 240_000);

  it('refuses Istio 1.30 on Kubernetes 1.20 and names the versions that work', async () => {
    const r = await runAction({
      inputs: {
        kubeconfig: readFileSync(state.kubeconfigPath, 'utf8'),
        'istio-version': '1.30.3',
        'istio-download-url': state.downloadUrl,
        namespace: newNamespace('f7-compat'),
        'wait-timeout': '2m'
      },
      post: false
    });
    expect(r.code).not.toBe(0);
    const error = r.commands
      .filter((c) => c.command === 'error')
      .map((c) => c.message)
      .join('\n');
    expect(error).toContain('Istio 1.30 does not support Kubernetes 1.20: it supports Kubernetes 1.32–1.36');
    expect(error).toContain('Istio 1.13 supports Kubernetes 1.20');
    expect(preflightOf(r).compatibility.supported).toBe(false);
    expect(r.stdout).not.toMatch(/Istio: (install|upgrade|reconcile)/);
  }, 120_000);
});

// The seed's own scenario (PodSecurityPolicy / the stand-in istioctl on 1.20); current has real-istio.test.ts.
describeOn(['seed'], describe)('preflight on a cluster with a restrictive PSP', () => {
  it('serverless: reports "NET_ADMIN not allowed" and fails before installing, with the remedy', async () => {
    if (!private_) throw new Error('no private cluster');
    await setNode(private_, 'virtual-kubelet');
    const r = await runPrivate({ namespace: 'bookinfo', 'dry-run': 'false' });
    expect(r.code).not.toBe(0);
    const p = preflightOf(r);
    expect(p.clusterKind).toBe('serverless');
    expect(p.capabilities.allowed).toBe(false);
    expect(p.capabilities.checks.join(' ')).toContain('PSP restricted: NET_ADMIN, NET_RAW not allowed');
    const error = r.commands
      .filter((c) => c.command === 'error')
      .map((c) => c.message)
      .join('\n');
    expect(error).toMatch(/NET_ADMIN not allowed: pods in namespace bookinfo may not add NET_ADMIN\/NET_RAW/);
    expect(error).toContain('ack.privileged');
    expect(r.summary).toContain('NET_ADMIN not allowed');
    // Before installing: istioctl never ran, so istio-system was never created.
    expect((await private_.request('GET', '/api/v1/namespaces/istio-system')).status).toBe(404);
  }, 120_000);

  it('serverless: the remedy (ack.privileged for the namespace) makes it pass', async () => {
    if (!private_) throw new Error('no private cluster');
    await setNode(private_, 'virtual-kubelet');
    const ns = 'bookinfo-fixed';
    await ok(private_, 'POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns }
    });
    await ok(private_, 'POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'istio-init-psp' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: PSP_CLUSTER_ROLE },
      subjects: [
        { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: `system:serviceaccounts:${ns}` }
      ]
    });
    const r = await runPrivate({ namespace: ns });
    expect(r.code).toBe(0);
    const p = preflightOf(r);
    expect(p.capabilities.allowed).toBe(true);
    expect(p.cni).toBe(false);
  }, 120_000);

  it('real nodes: istio-cni auto switches to Istio CNI and says why', async () => {
    if (!private_) throw new Error('no private cluster');
    await setNode(private_, 'real');
    const r = await runPrivate({ namespace: 'bookinfo', 'istio-cni': 'auto' });
    expect(r.code).toBe(0);
    const p = preflightOf(r);
    expect(p.clusterKind).toBe('nodes');
    expect(p.capabilities.allowed).toBe(false);
    expect(p.cni).toBe(true);
    expect(p.cniReason).toBe('pods may not add NET_ADMIN/NET_RAW, so Istio CNI replaces istio-init');
    expect(r.stdout).toContain('Istio CNI: enabled — pods may not add NET_ADMIN/NET_RAW');
    // The dry-run plan shows the istioctl install that would run.
    expect(r.stdout).toMatch(/istioctl install .*--set components\.cni\.enabled=true/);
  }, 120_000);
});

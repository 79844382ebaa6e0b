// The real control plane the e2e suite runs on: a 1.20.2 apiserver with RBAC and ASK's PodSecurityPolicy set-up,
// and a controller-manager whose controllers really create ReplicaSets, Pods and Endpoints. Talks to it with the
// same client library the action uses, through the kubeconfig the harness wrote.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  RbacAuthorizationV1Api,
  VersionApi,
  type V1Pod,
  PatchStrategy,
  setHeaderOptions
} from '@kubernetes/client-node';
import {
  PSP_BINDING,
  PSP_CLUSTER_ROLE,
  PSP_NAME,
  kubeconfigForServiceAccount,
  runningPids,
  startControlPlane,
  type ControlPlane
} from '../../test/cluster/controlPlane.js';
import { newNamespace, readHarnessState } from '../../test/harness/state.js';

const state = readHarnessState();
const psp = state.stack.podSecurity === 'psp';
/** PodSecurityPolicy checks exist on 1.20 only (PSP was removed in 1.25); their PSA twins run on current. */
const onPsp = psp ? test : test.skip;
const onPsa = psp ? test.skip : test;

function clientsFor(kubeconfigPath: string): {
  core: CoreV1Api;
  apps: AppsV1Api;
  rbac: RbacAuthorizationV1Api;
  version: VersionApi;
  kc: KubeConfig;
} {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  return {
    kc,
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    rbac: kc.makeApiClient(RbacAuthorizationV1Api),
    version: kc.makeApiClient(VersionApi)
  };
}

/** HTTP status of a client call: 200 when it succeeded, else the apiserver's code (with its message). */
async function outcome(call: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await call;
    return { code: 200, message: '' };
  } catch (err) {
    const e = err as { code?: number; body?: unknown; message?: string };
    if (typeof e.code !== 'number') throw err;
    const body = typeof e.body === 'string' ? e.body : JSON.stringify(e.body);
    return { code: e.code, message: body ?? e.message ?? '' };
  }
}

/** Retries until `probe` returns a value (RBAC and controllers converge asynchronously); fails with the last seen state. */
async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 60_000
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** What istio-init asks for: the capabilities ASK's PSP must allow for sidecar injection to work. */
function netAdminPod(name: string, serviceAccountName: string): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      serviceAccountName,
      containers: [
        {
          name: 'istio-init',
          image: 'docker.io/istio/proxyv2:1.13.3',
          securityContext: {
            capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] },
            runAsUser: 0,
            runAsNonRoot: false
          }
        }
      ]
    }
  };
}

const admin = clientsFor(state.kubeconfigPath);
const created: string[] = [];

async function namespace(prefix: string): Promise<string> {
  const name = newNamespace(prefix);
  await admin.core.createNamespace({ body: { metadata: { name } } });
  created.push(name);
  return name;
}

afterAll(async () => {
  for (const name of created) await outcome(admin.core.deleteNamespace({ name }));
});

describe('harness control plane', () => {
  test(`is Kubernetes v${state.stack.kubernetes}, reached through the context ask-istio-test`, async () => {
    expect(admin.kc.getCurrentContext()).toBe('ask-istio-test');
    const v = await admin.version.getCode();
    expect(v.gitVersion).toBe(`v${state.stack.kubernetes}`);
    expect(`${v.major}.${v.minor}`).toBe(state.stack.kubernetes.split('.').slice(0, 2).join('.'));
  });

  test('controller-manager turns a Deployment into a ReplicaSet and Pods admitted by pod security', async () => {
    const ns = await namespace('cp-deploy');
    const labels = { app: 'cp-deploy' };
    await admin.apps.createNamespacedDeployment({
      namespace: ns,
      body: {
        metadata: { name: 'web', labels },
        spec: {
          replicas: 2,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: { containers: [{ name: 'web', image: 'docker.io/library/nginx:1.25' }] }
          }
        }
      }
    });
    const rs = await eventually('a ReplicaSet owned by Deployment web', async () => {
      const list = await admin.apps.listNamespacedReplicaSet({ namespace: ns });
      return list.items.find((r) =>
        r.metadata?.ownerReferences?.some((o) => o.kind === 'Deployment' && o.name === 'web')
      );
    });
    const pods = await eventually('2 pods of the ReplicaSet', async () => {
      const list = await admin.core.listNamespacedPod({ namespace: ns, labelSelector: 'app=cp-deploy' });
      return list.items.length === 2 ? list.items : undefined;
    });
    for (const pod of pods) {
      expect(pod.metadata?.ownerReferences?.[0]).toMatchObject({
        kind: 'ReplicaSet',
        name: rs.metadata?.name
      });
      // The ReplicaSet controller creates pods with its own ServiceAccount credentials; PSP admission let them in.
      if (psp) expect(pod.metadata?.annotations?.['kubernetes.io/psp']).toBe(PSP_NAME);
      expect(pod.spec?.serviceAccountName).toBe('default');
    }
  });

  test('a Service gets Endpoints for its Ready pods', async () => {
    if (!state.components.simulator) {
      // Explicit: without the simulator nothing makes pods Ready, so there is nothing to assert here.
      process.stderr.write('SKIPPED: a Service gets Endpoints — the harness runs without the simulator\n');
      return;
    }
    const ns = await namespace('cp-endpoints');
    const labels = { app: 'cp-endpoints' };
    await admin.apps.createNamespacedDeployment({
      namespace: ns,
      body: {
        metadata: { name: 'api', labels },
        spec: {
          replicas: 2,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              containers: [
                { name: 'api', image: 'docker.io/library/nginx:1.25', ports: [{ containerPort: 9080 }] }
              ]
            }
          }
        }
      }
    });
    await admin.core.createNamespacedService({
      namespace: ns,
      body: { metadata: { name: 'api' }, spec: { selector: labels, ports: [{ name: 'http', port: 9080 }] } }
    });
    const readyIps = await eventually(
      '2 Ready pods',
      async () => {
        const list = await admin.core.listNamespacedPod({ namespace: ns, labelSelector: 'app=cp-endpoints' });
        const ready = list.items.filter((p) =>
          p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')
        );
        return ready.length === 2 ? ready.map((p) => p.status?.podIP ?? '').sort() : undefined;
      },
      120_000
    );
    const endpointIps = await eventually('Endpoints api listing both pods', async () => {
      const ep = await admin.core.readNamespacedEndpoints({ name: 'api', namespace: ns });
      const ips = (ep.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip)).sort();
      return ips.length === 2 ? ips : undefined;
    });
    expect(endpointIps).toEqual(readyIps);
  });

  test('RBAC denies an unprivileged ServiceAccount (403) until a RoleBinding allows it', async () => {
    const ns = await namespace('cp-rbac');
    const sa = clientsFor(await kubeconfigForServiceAccount(state.kubeconfigPath, 'reader', ns));
    const denied = await outcome(sa.core.listNamespacedPod({ namespace: ns }));
    expect(denied.code).toBe(403);
    expect(denied.message).toContain(`system:serviceaccount:${ns}:reader`);

    await admin.rbac.createNamespacedRole({
      namespace: ns,
      body: {
        metadata: { name: 'pod-reader' },
        rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }]
      }
    });
    await admin.rbac.createNamespacedRoleBinding({
      namespace: ns,
      body: {
        metadata: { name: 'reader' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
        subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: ns }]
      }
    });
    await eventually(
      'the RoleBinding to take effect',
      async () =>
        (await outcome(sa.core.listNamespacedPod({ namespace: ns }))).code === 200 ? true : undefined,
      15_000
    );
    // Only what was granted: other verbs and other namespaces stay forbidden.
    expect((await outcome(sa.core.deleteCollectionNamespacedPod({ namespace: ns }))).code).toBe(403);
    expect((await outcome(sa.core.listNamespacedPod({ namespace: 'kube-system' }))).code).toBe(403);
  });

  onPsa(
    'Pod Security Admission: NET_ADMIN/NET_RAW admitted by default (privileged), refused under baseline',
    async () => {
      const ns = await namespace('cp-psa');
      const created = await admin.core.createNamespacedPod({
        namespace: ns,
        body: netAdminPod('init', 'default'),
        dryRun: 'All'
      });
      expect(created.spec?.containers[0]?.securityContext?.capabilities?.add).toEqual([
        'NET_ADMIN',
        'NET_RAW'
      ]);
      await admin.core.patchNamespace(
        { name: ns, body: { metadata: { labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch)
      );
      const refused = await outcome(
        admin.core.createNamespacedPod({ namespace: ns, body: netAdminPod('init', 'default'), dryRun: 'All' })
      );
      expect(refused.code).toBe(403);
      expect(refused.message).toMatch(
        /violates PodSecurity \W{0,2}baseline:latest\W{0,2}: non-default capabilities.*NET_ADMIN/s
      );
    }
  );

  onPsp('PSP ack.privileged admits a pod adding NET_ADMIN/NET_RAW (server-side dry run)', async () => {
    const ns = await namespace('cp-psp');
    const sa = clientsFor(await kubeconfigForServiceAccount(state.kubeconfigPath, 'deployer', ns));
    await admin.rbac.createNamespacedRoleBinding({
      namespace: ns,
      body: {
        metadata: { name: 'deployer-edit' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
        subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: ns }]
      }
    });
    const pod = await eventually(
      'dry-run pod creation as deployer',
      async () => {
        try {
          return await sa.core.createNamespacedPod({
            namespace: ns,
            body: netAdminPod('init', 'deployer'),
            dryRun: 'All'
          });
        } catch (err) {
          if ((err as { code?: number }).code === 403) return undefined; // edit binding still propagating
          throw err;
        }
      },
      15_000
    );
    expect(pod.metadata?.annotations?.['kubernetes.io/psp']).toBe(PSP_NAME);
    expect(pod.spec?.containers[0]?.securityContext?.capabilities?.add).toEqual(['NET_ADMIN', 'NET_RAW']);
    // Dry run: nothing was stored.
    expect((await outcome(admin.core.readNamespacedPod({ name: 'init', namespace: ns }))).code).toBe(404);
  });
});

// Destructive checks (removing ASK's cluster-wide PSP binding, restarting the apiserver) run on a private
// control plane so the shared one stays intact for the other e2e files; it also measures a warm start.
describe('private control plane', () => {
  let cp: ControlPlane;
  beforeAll(async () => {
    cp = await startControlPlane({ binDir: state.binDir });
    process.stderr.write(
      `control plane start-up: harness (first start of this run) ${state.startupMs} ms ${JSON.stringify(state.timings)}; ` +
        `private (warm) ${cp.startupMs} ms ${JSON.stringify(cp.timings)}\n`
    );
  });
  afterAll(async () => {
    await cp?.stop();
  });

  onPsp('a pod needing NET_ADMIN is refused once the ServiceAccount loses its PSP binding', async () => {
    const { rbac, core } = clientsFor(cp.kubeconfigPath);
    const ns = 'psp-check';
    const sa = clientsFor(await cp.kubeconfigFor('app', ns));
    // Without ASK's grant to all authenticated identities, only explicit bindings count.
    await rbac.deleteClusterRoleBinding({ name: PSP_BINDING });
    const bind = (name: string, kind: 'Role' | 'ClusterRole', role: string): Promise<unknown> =>
      rbac.createNamespacedRoleBinding({
        namespace: ns,
        body: {
          metadata: { name },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind, name: role },
          subjects: [{ kind: 'ServiceAccount', name: 'app', namespace: ns }]
        }
      });
    await bind('app-edit', 'ClusterRole', 'edit');
    await bind('app-psp', 'ClusterRole', PSP_CLUSTER_ROLE);
    const dryRun = (): Promise<{ code: number; message: string }> =>
      outcome(
        sa.core.createNamespacedPod({ namespace: ns, body: netAdminPod('init', 'app'), dryRun: 'All' })
      );

    await eventually(
      'admission through the SA binding',
      async () => ((await dryRun()).code === 200 ? true : undefined),
      15_000
    );
    await rbac.deleteNamespacedRoleBinding({ name: 'app-psp', namespace: ns });
    const refused = await eventually(
      'refusal after removing the binding',
      async () => {
        const r = await dryRun();
        return r.code === 403 ? r : undefined;
      },
      15_000
    );
    expect(refused.message).toContain('PodSecurityPolicy');
    // The refusal is about PSP, not RBAC on pods: the SA can still list them.
    expect((await outcome(sa.core.listNamespacedPod({ namespace: ns }))).code).toBe(200);
    expect((await outcome(core.readNamespace({ name: ns }))).code).toBe(200);
  });

  test('restartApiServer() replaces the process and keeps the data in etcd', async () => {
    const { core } = clientsFor(cp.kubeconfigPath);
    await core.createNamespace({ body: { metadata: { name: 'survives-restart' } } });
    const before = cp.pids.apiServer;
    await cp.restartApiServer();
    expect(cp.pids.apiServer).not.toBe(before);
    expect(() => process.kill(before, 0)).toThrow();
    const ns = await core.readNamespace({ name: 'survives-restart' });
    expect(ns.metadata?.name).toBe('survives-restart');
  });

  test('stop() ends exactly the processes it started', async () => {
    const pids = Object.values(cp.pids);
    for (const pid of pids) expect(() => process.kill(pid, 0)).not.toThrow();
    await cp.stop();
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  });
});

describe('start-up failures', () => {
  test('an apiserver that dies is reported with its log, and etcd is stopped again', async () => {
    const before = runningPids();
    const binDir = mkdtempSync(join(tmpdir(), 'cp-broken-bin-'));
    try {
      // Stands in for a broken build: prints what a real apiserver prints for a bad flag, then exits.
      const fake = join(binDir, 'kube-apiserver');
      writeFileSync(fake, '#!/bin/sh\necho "Error: unknown flag: --broken-build" >&2\nexit 1\n');
      chmodSync(fake, 0o755);
      await expect(startControlPlane({ binDir, timeoutMs: 30_000 })).rejects.toThrow(
        /kube-apiserver exited while waiting for kube-apiserver \/readyz[\s\S]*unknown flag: --broken-build/
      );
      expect(runningPids()).toEqual(before);
    } finally {
      rmSync(binDir, { recursive: true, force: true });
    }
  });
});

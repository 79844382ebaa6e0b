// Least privilege, through the bundled action with ServiceAccount kubeconfigs (token auth, real RBAC):
// the ClusterRole the README documents for `install-istio: never` is enough for a full deploy, and an
// identity that lacks a right gets ONE error that names the verb, resource and namespace and the rule
// that would allow it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { Kube, type KubeObject } from '../../src/kube/index.js';
import { kubeconfigForServiceAccount } from '../../test/cluster/controlPlane.js';
import { runAction, type RunActionResult } from '../../test/harness/runAction.js';
import { newNamespace, readHarnessState } from '../../test/harness/state.js';

const state = readHarnessState();
const RBAC = 'rbac.authorization.k8s.io/v1';
const SA_NS = newNamespace('rbac-ci');
const NS_OK = newNamespace('rbac-least');
const NS_DENIED = newNamespace('rbac-denied');
const created: Array<{ apiVersion: string; kind: string; name: string; namespace?: string }> = [];
let kube: Kube;

/** The ClusterRole YAML block of README.md (the one named ask-istio-action-previews). */
function readmeClusterRole(): KubeObject {
  const readme = readFileSync(join(process.cwd(), 'README.md'), 'utf8');
  for (const m of readme.matchAll(/```yaml\n([\s\S]*?)```/g)) {
    let doc: KubeObject | undefined;
    try {
      doc = load(m[1] ?? '') as KubeObject | undefined;
    } catch {
      continue; // workflow snippets with ${{ }} expressions are not plain YAML documents
    }
    if (doc?.kind === 'ClusterRole' && doc.metadata.name === 'ask-istio-action-previews') return doc;
  }
  throw new Error('README.md has no ```yaml block with ClusterRole ask-istio-action-previews');
}

async function serviceAccount(
  name: string,
  bindings: Array<{
    kind: 'ClusterRoleBinding' | 'RoleBinding';
    role: string;
    roleKind: 'ClusterRole' | 'Role';
    namespace?: string;
  }>
): Promise<string> {
  const path = await kubeconfigForServiceAccount(state.kubeconfigPath, name, SA_NS);
  for (const [i, b] of bindings.entries()) {
    const bindingName = `${name}-${i}-${SA_NS}`.slice(0, 63);
    await kube.apply([
      {
        apiVersion: RBAC,
        kind: b.kind,
        metadata: { name: bindingName, ...(b.namespace ? { namespace: b.namespace } : {}) },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: b.roleKind, name: b.role },
        subjects: [{ kind: 'ServiceAccount', name, namespace: SA_NS }]
      }
    ]);
    created.push({ apiVersion: RBAC, kind: b.kind, name: bindingName, namespace: b.namespace });
  }
  return path;
}

function action(kubeconfigPath: string, inputs: Record<string, string>): Promise<RunActionResult> {
  return runAction({
    inputs: {
      kubeconfig: readFileSync(kubeconfigPath, 'utf8'),
      'istio-version': state.stack.istio,
      'istio-download-url': state.downloadUrl,
      'install-istio': 'never',
      'wait-timeout': '3m',
      ...inputs
    },
    post: false
  });
}

const errorsOf = (r: RunActionResult): string[] =>
  r.commands.filter((c) => c.command === 'error').map((c) => c.message);

beforeAll(async () => {
  kube = await Kube.connect({ kubeconfigPath: state.kubeconfigPath, fieldManager: 'rbac-e2e' });
  // This file needs a running Istio 1.13.3 (install-istio: never); make sure one is there.
  const istiod = await kube.get({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    namespace: 'istio-system',
    name: 'istiod'
  });
  if (!istiod) {
    // gateway: false — a Bookinfo Gateway/VirtualService for host "*" left in `default` would capture the
    // shared ingress gateway's traffic for every later test.
    const admin = await action(state.kubeconfigPath, {
      'install-istio': 'auto',
      bookinfo: 'false',
      gateway: 'false',
      routing: 'none',
      'smoke-test': 'false'
    });
    if (admin.code !== 0)
      throw new Error(`installing Istio for the RBAC tests failed:\n${errorsOf(admin).join('\n')}`);
  }
});

afterAll(async () => {
  for (const o of created) await kube.delete(o).catch(() => false);
  for (const name of [NS_OK, NS_DENIED, SA_NS])
    await kube.delete({ apiVersion: 'v1', kind: 'Namespace', name }).catch(() => false);
  await kube.close();
});

describe('least-privilege identities', () => {
  it('the README ClusterRole is enough for a full deploy with install-istio: never', async () => {
    const role = readmeClusterRole();
    // Same rules under a name unique to this run, so parallel runs and edits of the README cannot clash.
    const roleName = `ask-istio-readme-${SA_NS}`.slice(0, 63);
    await kube.apply([{ ...role, metadata: { name: roleName } }]);
    created.push({ apiVersion: RBAC, kind: 'ClusterRole', name: roleName });
    const kubeconfig = await serviceAccount('deployer', [
      { kind: 'ClusterRoleBinding', role: roleName, roleKind: 'ClusterRole' }
    ]);

    // A host of its own, so Bookinfo namespaces of other tests on the shared ingress gateway cannot answer.
    const r = await action(kubeconfig, {
      namespace: NS_OK,
      'gateway-hosts': `${NS_OK}.bookinfo.test`,
      routing: 'reviews-v3',
      'verify-routing': 'true',
      'verify-requests': '20'
    });
    if (r.code !== 0)
      throw new Error(`deploy with the README ClusterRole failed:\n${errorsOf(r).join('\n')}`);
    expect(r.outputs.namespace).toBe(NS_OK);
    expect(r.outputs['productpage-url']).toMatch(/^http:\/\//);
    // The objects really exist and were made by the ServiceAccount (it is the field manager's user).
    const reviews = await kube.get({
      apiVersion: 'networking.istio.io/v1alpha3',
      kind: 'VirtualService',
      namespace: NS_OK,
      name: 'reviews'
    });
    expect(reviews).toBeDefined();
  });

  it('no rights in istio-system: one error naming verb, resource, namespace and the missing rule', async () => {
    // Everything the README grants, but only inside the target namespace (plus reading namespaces).
    const nsRole = `ask-istio-ns-only-${SA_NS}`.slice(0, 63);
    await kube.apply([
      {
        apiVersion: RBAC,
        kind: 'ClusterRole',
        metadata: { name: nsRole },
        rules: (readmeClusterRole() as { rules?: unknown }).rules
      }
    ]);
    created.push({ apiVersion: RBAC, kind: 'ClusterRole', name: nsRole });
    await kube.apply([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS_DENIED } }]);
    const kubeconfig = await serviceAccount('ns-only', [
      { kind: 'RoleBinding', role: nsRole, roleKind: 'ClusterRole', namespace: NS_DENIED }
    ]);

    const r = await action(kubeconfig, { namespace: NS_DENIED, routing: 'reviews-v3' });
    expect(r.code).not.toBe(0);
    const errors = errorsOf(r);
    expect(errors).toHaveLength(1);
    const message = errors[0] ?? '';
    const user = `system:serviceaccount:${SA_NS}:ns-only`;
    expect(message).toMatch(
      new RegExp(
        `^forbidden: cannot (get|list|watch) \\S+ (in namespace istio-system|at cluster scope) \\(user ${user}\\)`
      )
    );
    expect(message).toMatch(
      /Grant the identity this permission: (Role in namespace istio-system|ClusterRole) rule: \{ apiGroups: \[.*\], resources: \[".+"\], verbs: \[".+"\] \}/
    );
    expect(message).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });

  it('rights in istio-system but not in the target namespace: the error names that namespace', async () => {
    const nsRole = `ask-istio-ns-only-${SA_NS}`.slice(0, 63);
    const target = newNamespace('rbac-target');
    await kube.apply([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: target } }]);
    created.push({ apiVersion: 'v1', kind: 'Namespace', name: target });
    // The namespace's pods may use the privileged PSP (istio-init needs NET_ADMIN), so the preflight passes
    // and the first thing the identity cannot do is write in the target namespace.
    await kube.apply([
      {
        apiVersion: RBAC,
        kind: 'RoleBinding',
        metadata: { name: 'istio-init-psp', namespace: target },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'ack:podsecuritypolicy:privileged'
        },
        subjects: [
          { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: `system:serviceaccounts:${target}` }
        ]
      }
    ]);
    // Cluster-wide reads (namespaces, nodes, istio-system), writes only in istio-system.
    const readsRole = `ask-istio-cluster-reads-${SA_NS}`.slice(0, 63);
    await kube.apply([
      {
        apiVersion: RBAC,
        kind: 'ClusterRole',
        metadata: { name: readsRole },
        rules: [{ apiGroups: [''], resources: ['namespaces', 'nodes'], verbs: ['get', 'list', 'watch'] }]
      }
    ]);
    created.push({ apiVersion: RBAC, kind: 'ClusterRole', name: readsRole });
    const kubeconfig = await serviceAccount('system-only', [
      { kind: 'ClusterRoleBinding', role: 'view', roleKind: 'ClusterRole' },
      { kind: 'ClusterRoleBinding', role: readsRole, roleKind: 'ClusterRole' },
      { kind: 'RoleBinding', role: nsRole, roleKind: 'ClusterRole', namespace: 'istio-system' }
    ]);
    const r = await action(kubeconfig, { namespace: target, routing: 'reviews-v3' });
    expect(r.code).not.toBe(0);
    const errors = errorsOf(r);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      new RegExp(
        `^forbidden: cannot (create|patch|update) \\S+ in namespace ${target} \\(user system:serviceaccount:${SA_NS}:system-only\\)`
      )
    );
    expect(errors[0]).toContain(`Role in namespace ${target} rule: { apiGroups:`);
  });
});

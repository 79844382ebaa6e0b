// The kube layer against the real kube-apiserver 1.20 of the test harness: server-side apply with
// zero-write re-runs, list+watch waits, 410 relists, RBAC error translation with a real limited
// ServiceAccount, the service proxy and discovery of kinds the cluster does not serve.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { ActionError } from '../../src/errors.js';
import { Kube, UnknownKindError, type ApplyOutcome } from '../../src/kube/client.js';
import { refOf, type KubeObject, type ObjectRef } from '../../src/kube/objects.js';
import { kubeconfigForServiceAccount } from '../../test/cluster/controlPlane.js';
import { readHarnessState } from '../../test/harness/state.js';

const state = readHarnessState();

const ns = `kube-e2e-${randomBytes(3).toString('hex')}`;
let kube: Kube;
let adminKubeconfig: string;

function configMap(name: string, data: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: ns, labels: { suite: 'kube-e2e' } },
    data
  };
}

function manifests(greeting: string): KubeObject[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
    configMap('settings', { greeting }),
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      // No namespace: the apply option supplies it.
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [{ name: 'web', image: 'example.invalid/web:1', ports: [{ containerPort: 8080 }] }]
          }
        }
      }
    },
    // Selects nothing: a Service without endpoints.
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'lonely', namespace: ns },
      spec: { selector: { app: 'nobody' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] }
    }
  ];
}

const snapshot = (): { requests: number; writes: number; watches: number; relists: number } => ({
  ...kube.stats
});

/**
 * What a write by this action would change: the resourceVersion, except on the Deployment, whose status
 * kube-controller-manager keeps writing while its pods come up; there, the spec's generation and this
 * field manager's own managedFields entry (its time moves on every apply that changes anything).
 */
async function ownedState(refs: ObjectRef[]): Promise<unknown[]> {
  return Promise.all(
    refs.map(async (r) => {
      const o = await kube.get(r);
      const mine = (o?.metadata.managedFields ?? []).filter((f) => f.manager === 'ask-istio-action');
      const resourceVersion = r.kind === 'Deployment' ? undefined : o?.metadata.resourceVersion;
      return { resourceVersion, generation: o?.metadata.generation, mine };
    })
  );
}

beforeAll(async () => {
  adminKubeconfig = readHarnessState().kubeconfigPath;
  kube = await Kube.connect({ kubeconfigPath: adminKubeconfig });
});

afterAll(async () => {
  if (kube) {
    await kube.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns }).catch(() => false);
    await kube.close();
  }
});

describe('server-side apply', () => {
  let first: ApplyOutcome[];

  test('serverVersion reports the harness cluster', async () => {
    expect((await kube.serverVersion()).gitVersion).toBe(`v${state.stack.kubernetes}`);
  });

  test('first apply creates everything, in order, with namespaces filled in', async () => {
    const before = snapshot();
    first = await kube.apply(manifests('hello'), { namespace: ns });
    expect(first.map((o) => `${o.action} ${o.ref.kind} ${o.ref.namespace ?? '-'}/${o.ref.name}`)).toEqual([
      `created Namespace -/${ns}`,
      `created ConfigMap ${ns}/settings`,
      `created Deployment ${ns}/web`,
      `created Service ${ns}/lonely`
    ]);
    expect(kube.stats.writes - before.writes).toBe(4);
    for (const o of first) expect(o.object.metadata.uid).toBeTruthy();
    expect((await kube.get(refOf(first[1]!.object)))?.data).toEqual({ greeting: 'hello' });
  });

  test('re-applying identical manifests makes zero writes and leaves every resourceVersion alone', async () => {
    const refs = first.map((o) => o.ref);
    const ownedBefore = await ownedState(refs);
    const before = snapshot();
    const again = await kube.apply(manifests('hello'), { namespace: ns });
    const after = snapshot();
    expect(again.map((o) => o.action)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
    expect(after.writes - before.writes).toBe(0);
    // Exactly one GET and one dry-run PATCH per object (discovery is cached).
    expect(after.requests - before.requests).toBe(2 * refs.length);
    expect(await ownedState(refs)).toEqual(ownedBefore);
    // The ConfigMap and the Deployment carry this manager's apply entry (the namespace is created bare).
    expect(ownedBefore.map((o) => (o as { mine: unknown[] }).mine.length)).toEqual([0, 1, 1, 1]);
  });

  test('a changed object is updated (and only it); a dry run changes nothing', async () => {
    const cmRef = first[1]!.ref;
    const rvBefore = (await kube.get(cmRef))?.metadata.resourceVersion;

    const beforeDry = snapshot();
    const dry = await kube.apply(manifests('bonjour'), { namespace: ns, dryRun: true });
    expect(dry.map((o) => o.action)).toEqual(['unchanged', 'updated', 'unchanged', 'unchanged']);
    expect(dry[1]!.object.data).toEqual({ greeting: 'bonjour' });
    expect(kube.stats.writes - beforeDry.writes).toBe(0);
    expect((await kube.get(cmRef))?.metadata.resourceVersion).toBe(rvBefore);

    const before = snapshot();
    const changed = await kube.apply(manifests('bonjour'), { namespace: ns });
    expect(changed.map((o) => o.action)).toEqual(['unchanged', 'updated', 'unchanged', 'unchanged']);
    expect(changed[1]!.changed).toEqual(['data.greeting']);
    expect(kube.stats.writes - before.writes).toBe(1);
    // GET + dry-run per object, plus the one real PATCH.
    expect(kube.stats.requests - before.requests).toBe(2 * changed.length + 1);
    const live = await kube.get(cmRef);
    expect(live?.data).toEqual({ greeting: 'bonjour' });
    expect(live?.metadata.resourceVersion).not.toBe(rvBefore);
  });

  test('a dry run plans inside what it would create, across calls, and writes nothing', async () => {
    // Each step applies its own objects; the namespace and the CRD come from earlier calls of the same run.
    const planned = `${ns}-planned`;
    const group = `${randomBytes(3).toString('hex')}.dry-run.test`;
    const crd: KubeObject = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `widgets.${group}` },
      spec: {
        group,
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } }
          }
        ]
      }
    };
    const before = { ...kube.stats };
    const first = await kube.apply(
      [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: planned } }, crd],
      {
        dryRun: true
      }
    );
    const inside = await kube.apply(
      [
        { ...configMap('settings', { greeting: 'hi' }), metadata: { name: 'settings', namespace: planned } },
        { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'w', namespace: ns }, spec: {} }
      ],
      { dryRun: true }
    );
    expect([...first, ...inside].map((o) => `${o.ref.kind}/${o.ref.name} ${o.action}`)).toEqual([
      `Namespace/${planned} created`,
      `CustomResourceDefinition/widgets.${group} created`,
      'ConfigMap/settings created',
      'Widget/w created'
    ]);
    expect(kube.stats.writes - before.writes).toBe(0);
    expect(await kube.get({ apiVersion: 'v1', kind: 'Namespace', name: planned })).toBeUndefined();
    // Without the dry run's plan the same objects are refused: the server knows neither.
    const fresh = await Kube.connect({ kubeconfigPath: adminKubeconfig });
    try {
      await expect(
        fresh.apply([{ apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'w', namespace: ns } }], {
          dryRun: true
        })
      ).rejects.toBeInstanceOf(UnknownKindError);
    } finally {
      await fresh.close();
    }
  });

  test('a kind the cluster does not serve asks whether Istio is installed', async () => {
    // No Istio release serves networking.istio.io/v2, so this kind is unknown whether or not (and whichever)
    // Istio is installed by other files.
    const vs: KubeObject = {
      apiVersion: 'networking.istio.io/v2',
      kind: 'VirtualService',
      metadata: { name: 'reviews', namespace: ns },
      spec: {}
    };
    const err = await kube.apply([vs]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnknownKindError);
    expect((err as ActionError).describe()).toContain('How to fix: is Istio installed?');
  });

  test('an invalid object is rejected with the field the server names', async () => {
    const bad = configMap('bad', {});
    (bad as Record<string, unknown>).data = { 'not a valid key!': 'x' };
    const err = (await kube.apply([bad]).catch((e: unknown) => e)) as ActionError;
    expect(err.message).toBe(`the API server rejected configmaps "bad" in namespace ${ns} as invalid`);
    expect(err.details.join('\n')).toMatch(/data\[not a valid key!\]|not a valid key/);
  });
});

describe('waitFor', () => {
  test('resolves within 1 s of the change that satisfies it', async () => {
    await kube.apply([configMap('flag', { ready: 'no' })]);
    const before = snapshot();
    let changedAt = 0;
    const progress: string[] = [];
    const waiting = kube.waitFor(
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'flag' },
      (items) => {
        const ready = (items[0]?.data as Record<string, string> | undefined)?.ready;
        return { done: ready === 'yes', progress: `ready=${ready ?? 'absent'}` };
      },
      { timeoutMs: 20_000, onProgress: (p) => progress.push(p) }
    );
    setTimeout(() => {
      void kube.apply([configMap('flag', { ready: 'yes' })]).then(() => (changedAt = Date.now()));
    }, 500);
    const items = await waiting;
    const resolvedAt = Date.now();
    expect(items).toHaveLength(1);
    expect(progress).toEqual(['ready=no', 'ready=yes']);
    // changedAt is set when the PATCH answer arrives, which may be after the watch event.
    expect(Math.abs(resolvedAt - (changedAt || resolvedAt))).toBeLessThan(1000);
    expect(kube.stats.watches - before.watches).toBe(1);
  });

  test('timeout names what was awaited, the last state and the problem', async () => {
    const t0 = Date.now();
    const err = (await kube
      .waitFor(
        { apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: 'web' },
        () => ({ done: false, progress: 'web: 0/1 available', failure: 'pod web-x: no node' }),
        {
          timeoutMs: 1500
        }
      )
      .catch((e: unknown) => e)) as ActionError;
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(1490);
    expect(elapsed).toBeLessThan(3000);
    expect(err.describe()).toBe(
      [
        `timed out after 1.5s waiting for Deployment ${ns}/web`,
        '  last state: web: 0/1 available',
        '  problem: pod web-x: no node',
        'How to fix: Fix the problem above (see the pod events), then run again.'
      ].join('\n')
    );
  });

  test('an abort signal stops it promptly', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    const t0 = Date.now();
    const err = (await kube
      .waitFor(
        { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns },
        () => ({ done: false, progress: '' }),
        { timeoutMs: 60_000, signal: ac.signal }
      )
      .catch((e: unknown) => e)) as Error;
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(err.message).toMatch(/^cancelled/);
  });
});

describe('RBAC with a real limited ServiceAccount', () => {
  let limited: Kube;
  const user = `system:serviceaccount:${ns}:reader`;

  beforeAll(async () => {
    const path = await kubeconfigForServiceAccount(adminKubeconfig, 'reader', ns);
    await kube.apply([
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'read-configmaps', namespace: ns },
        rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] }]
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'reader', namespace: ns },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read-configmaps' },
        subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: ns }]
      }
    ]);
    limited = await Kube.connect({ kubeconfigPath: path });
  });

  afterAll(async () => {
    await limited?.close();
  });

  test('reading a Deployment: 403 names verb, resource, namespace, user and the rule to add', async () => {
    const err = (await limited
      .get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: 'web' })
      .catch((e: unknown) => e)) as ActionError;
    expect(err.message).toBe(`forbidden: cannot get deployments in namespace ${ns} (user ${user})`);
    expect(err.hint).toBe(
      `Grant the identity this permission: Role in namespace ${ns} rule: { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get"] }, bound to user "${user}".`
    );
  });

  test('applying with read-only rights fails on the patch, not before', async () => {
    const err = (await limited
      .apply([configMap('settings', { greeting: 'hola' })])
      .catch((e: unknown) => e)) as ActionError;
    expect(err.message).toBe(`forbidden: cannot patch configmaps in namespace ${ns} (user ${user})`);
    expect(limited.stats.writes).toBe(0);
  });
});

describe('service proxy, events, delete', () => {
  test('proxyGet to a Service without endpoints explains that no ready pod backs it', async () => {
    const err = (await kube.proxyGet(ns, 'lonely', 80, '/healthz').catch((e: unknown) => e)) as ActionError;
    expect(err).toBeInstanceOf(ActionError);
    expect(err.message).toBe(
      `cannot reach Service ${ns}/lonely port 80 through the API server proxy: no endpoints available for service "lonely"`
    );
    expect(err.hint).toMatch(/^No ready pod backs Service/);
  });

  test('proxyGet to a missing Service says so', async () => {
    const err = (await kube.proxyGet(ns, 'ghost', 80, '/').catch((e: unknown) => e)) as ActionError;
    expect(err.message).toMatch(
      new RegExp(
        `^cannot reach Service ${ns}/ghost port 80 through the API server proxy: services "ghost" not found`
      )
    );
  });

  test('eventsFor returns "Reason: message", oldest first', async () => {
    const involved = { apiVersion: 'v1', kind: 'ConfigMap', name: 'flag', namespace: ns };
    const event = (name: string, reason: string, message: string, at: string, count = 1): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: ns },
      involvedObject: involved,
      reason,
      message,
      type: 'Normal',
      count,
      firstTimestamp: at,
      lastTimestamp: at
    });
    await kube.apply([
      event('flag.2', 'Second', 'then this', '2024-01-01T00:00:02Z', 3),
      event('flag.1', 'First', 'this happened', '2024-01-01T00:00:01Z')
    ]);
    expect(await kube.eventsFor(involved)).toEqual(['First: this happened', 'Second: then this (x3)']);
  });

  test('delete reports whether something was deleted', async () => {
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'flag' };
    const before = snapshot();
    expect(await kube.delete(ref, { dryRun: true })).toBe(true);
    expect(kube.stats.writes - before.writes).toBe(0);
    expect(await kube.delete(ref)).toBe(true);
    expect(await kube.get(ref)).toBeUndefined();
    expect(await kube.delete(ref)).toBe(false);
    expect(
      await kube.delete({
        apiVersion: 'networking.istio.io/v1beta1',
        kind: 'Gateway',
        namespace: ns,
        name: 'gw'
      })
    ).toBe(false);
  });
});

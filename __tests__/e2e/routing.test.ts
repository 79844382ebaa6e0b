// The routing ladder against the real API server + simulator, through the bundled action (dist/index.js):
// one Bookinfo namespace walks through several variants, and after each run the routing objects in the
// namespace must be exactly the variant's (nothing stale) and the verified traffic split must match.
// A negative control first proves that verification can fail: a VirtualService from another namespace
// (one the action does not own) hijacks reviews, so the declared variant and the observed traffic differ.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kube } from '../../src/kube/index.js';
import type { KubeObject } from '../../src/kube/objects.js';
import {
  runAction,
  type RunActionResult,
  actionErrors,
  expectActionSuccess
} from '../../test/harness/runAction.js';
import { newNamespace, readHarnessState } from '../../test/harness/state.js';
import { findVariant, variantNames } from '../../src/routing/variants.js';

const state = readHarnessState();
const NET = 'networking.istio.io/v1alpha3'; // what Istio 1.13 serves
const ns = newNamespace('routing');
// Sorts before `ns`: the simulator's sidecars (like a relisting informer) see this namespace's
// VirtualServices first, so the rogue route wins over the action's own.
const rogueNs = newNamespace('aa-rogue');
const workspace = mkdtempSync(join(tmpdir(), 'routing-e2e-'));
let kube: Kube;

interface IdentityJson {
  identity: string;
  expected: Record<string, number>;
  observed: Record<string, number>;
  pass: boolean;
}
interface VerificationJson {
  pass: boolean;
  identities: IdentityJson[];
}

function deploy(inputs: Record<string, string>): Promise<RunActionResult> {
  return runAction({
    inputs: {
      kubeconfig: readFileSync(state.kubeconfigPath, 'utf8'),
      'istio-version': state.stack.istio,
      'istio-download-url': state.downloadUrl,
      namespace: ns,
      // Its own host: other files' namespaces share the one ingress gateway.
      'gateway-hosts': `${ns}.bookinfo.test`,
      'verify-routing': 'true',
      'wait-timeout': '4m',
      ...inputs
    },
    cwd: workspace,
    post: false
  });
}

function verification(r: RunActionResult): VerificationJson {
  const raw = r.outputs.verification;
  if (!raw) throw new Error(`no verification output; outputs: ${JSON.stringify(r.outputs)}`);
  return JSON.parse(raw) as VerificationJson;
}

function identity(v: VerificationJson, name: string): IdentityJson {
  const id = v.identities.find((i) => i.identity === name);
  if (!id) throw new Error(`verification has no identity ${name}: ${JSON.stringify(v)}`);
  return id;
}

/** Names of the VirtualServices and DestinationRules that exist in the namespace right now. */
async function routingObjects(): Promise<{ vs: string[]; dr: string[]; byName: Map<string, KubeObject> }> {
  const vsItems = await kube.list(NET, 'VirtualService', { namespace: ns });
  const drItems = await kube.list(NET, 'DestinationRule', { namespace: ns });
  const byName = new Map(vsItems.map((o) => [o.metadata.name, o]));
  return {
    vs: vsItems.map((o) => o.metadata.name).sort(),
    dr: drItems.map((o) => o.metadata.name).sort(),
    byName
  };
}

const BOOKINFO_RULES = ['details', 'productpage', 'ratings', 'reviews'];

beforeAll(async () => {
  kube = await Kube.connect({ kubeconfigPath: state.kubeconfigPath, fieldManager: 'routing-e2e' });
  // The rogue VirtualService needs Istio's CRDs. Other e2e files normally installed Istio already; when
  // this file runs alone, install it without Bookinfo (and without a gateway, so `ns` gets no objects yet).
  const crd = await kube.get({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    name: 'virtualservices.networking.istio.io'
  });
  if (!crd) {
    expectActionSuccess(
      await deploy({
        namespace: newNamespace('routing-istio'),
        bookinfo: 'false',
        gateway: 'false',
        'verify-routing': 'false'
      })
    );
  }
});

afterAll(async () => {
  // Best effort: namespaces disappear in the background; the next files do not depend on them.
  await kube.delete({ apiVersion: 'v1', kind: 'Namespace', name: rogueNs }).catch(() => false);
  await kube.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns }).catch(() => false);
  await kube.close();
  rmSync(workspace, { recursive: true, force: true });
});

describe('routing ladder in one namespace', () => {
  it('negative control: a foreign VirtualService hijacking reviews makes verification fail', async () => {
    await kube.apply([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: rogueNs } }]);
    const reviewsHost = `reviews.${ns}.svc.cluster.local`;
    await kube.apply([
      {
        apiVersion: NET,
        kind: 'VirtualService',
        metadata: { name: 'hijack-reviews', namespace: rogueNs },
        spec: {
          hosts: [reviewsHost],
          http: [{ route: [{ destination: { host: reviewsHost, subset: 'v3' } }] }]
        }
      }
    ]);

    try {
      const r = await deploy({ routing: 'reviews-test-v2' });
      expect(r.code).not.toBe(0);
      const message = actionErrors(r);
      // Everything before verification worked: this is verification (and analysis) failing, not the deployment.
      expect(r.stdout).toContain('Smoke test: ok');
      if (state.stack.realIstio.includes(state.stack.istio)) {
        // The real istioctl analyze names the culprit itself (the seed's model has no IST0109).
        expect(message).toMatch(/IST0109.*aa-rogue-[^/]+\/hijack-reviews/);
      }
      if (/The traffic split does not match/.test(message) || !state.stack.realIstio.length) {
        expect(message).toContain('The traffic split does not match routing "reviews-test-v2"');
        // Both identities were hijacked to v3, and the failure says so with the observed counts.
        expect(message).toMatch(/anonymous: expected .*observed \{"v3":\d+\}/);
        expect(message).toMatch(/jason: expected .*observed \{"v3":\d+\}/);
      }
    } finally {
      await kube.delete({
        apiVersion: NET,
        kind: 'VirtualService',
        namespace: rogueNs,
        name: 'hijack-reviews'
      });
    }
  });

  it('reviews-test-v2: anonymous sees v1, jason sees v2', async () => {
    const r = await deploy({ routing: 'reviews-test-v2' });
    expectActionSuccess(r);
    expect(r.outputs.routing).toBe('reviews-test-v2');
    const v = verification(r);
    expect(v.pass).toBe(true);
    expect(identity(v, 'anonymous')).toMatchObject({ pass: true, expected: { v1: 100 } });
    expect(Object.keys(identity(v, 'anonymous').observed)).toEqual(['v1']);
    expect(identity(v, 'jason')).toMatchObject({ pass: true, expected: { v2: 100 } });
    expect(Object.keys(identity(v, 'jason').observed)).toEqual(['v2']);

    const objs = await routingObjects();
    expect(objs.dr).toEqual(BOOKINFO_RULES);
    expect(objs.vs).toEqual(['bookinfo', 'reviews']);
    expect(JSON.stringify(objs.byName.get('reviews')?.spec)).toContain('jason');
  });

  it('reviews-50-v3: the jason rule is gone and the split is 50/50', async () => {
    const r = await deploy({ routing: 'reviews-50-v3' });
    expectActionSuccess(r);
    const v = verification(r);
    expect(v.pass).toBe(true);
    expect(v.identities.map((i) => i.identity)).toEqual(['anonymous']);
    const anon = identity(v, 'anonymous');
    expect(anon.expected).toEqual({ v1: 50, v3: 50 });
    // 30 requests at 50/50: both versions show up (missing one has probability 2 × 2^-30).
    expect(anon.observed.v1).toBeGreaterThan(0);
    expect(anon.observed.v3).toBeGreaterThan(0);
    expect(anon.observed.v2).toBeUndefined();

    const objs = await routingObjects();
    expect(objs.dr).toEqual(BOOKINFO_RULES);
    expect(objs.vs).toEqual(['bookinfo', 'reviews']);
    // Server-side apply replaced the old match rule rather than merging the lists.
    expect(JSON.stringify(objs.byName.get('reviews')?.spec)).not.toContain('jason');
  });

  it('ratings-test-abort: jason sees ratings unavailable, anonymous v1', async () => {
    const r = await deploy({ routing: 'ratings-test-abort' });
    expectActionSuccess(r);
    const v = verification(r);
    expect(v.pass).toBe(true);
    expect(identity(v, 'jason').expected).toEqual({ 'ratings-unavailable': 100 });
    expect(Object.keys(identity(v, 'jason').observed)).toEqual(['ratings-unavailable']);
    expect(Object.keys(identity(v, 'anonymous').observed)).toEqual(['v1']);
    expect((await routingObjects()).vs).toEqual(['bookinfo', 'ratings', 'reviews']);
  });

  it('routing-weights v1=70,v3=30: verified split, and the ratings fault VirtualService is deleted', async () => {
    const r = await deploy({ routing: '', 'routing-weights': 'v1=70,v3=30' });
    expectActionSuccess(r);
    const anon = identity(verification(r), 'anonymous');
    expect(anon.pass).toBe(true);
    expect(anon.expected).toEqual({ v1: 70, v3: 30 });
    expect(anon.observed.v2).toBeUndefined();
    expect((anon.observed.v1 ?? 0) + (anon.observed.v3 ?? 0)).toBe(30);
    expect(r.stdout).toMatch(/VirtualService\S* \S*ratings\S* deleted/);
    const objs = await routingObjects();
    expect(objs.vs).toEqual(['bookinfo', 'reviews']);
    const spec = JSON.stringify(objs.byName.get('reviews')?.spec);
    expect(spec).toContain('"weight":70');
    expect(spec).toContain('"weight":30');
  });

  it('routing-file with an invalid object name: the API server dry run rejects it and nothing changes', async () => {
    const before = await routingObjects();
    writeFileSync(
      join(workspace, 'bad-name.yaml'),
      [
        `apiVersion: ${NET}`,
        'kind: VirtualService',
        'metadata:',
        '  name: Reviews_Bad',
        'spec:',
        '  hosts: [reviews]',
        '  http:',
        '  - route:',
        '    - destination: {host: reviews, subset: v1}',
        ''
      ].join('\n')
    );
    const r = await deploy({ routing: '', 'routing-file': 'bad-name.yaml' });
    expect(r.code).not.toBe(0);
    expect(actionErrors(r)).toContain(
      'The cluster rejected the routing objects of "file"; nothing was applied.'
    );
    expect(actionErrors(r)).toContain('Reviews_Bad');
    const after = await routingObjects();
    expect(after.vs).toEqual(before.vs);
    expect(after.dr).toEqual(before.dr);
  });

  it('routing-file whose VirtualService names a missing subset: rejected before anything is applied', async () => {
    const before = await routingObjects();
    writeFileSync(
      join(workspace, 'missing-subset.yaml'),
      [
        `apiVersion: ${NET}`,
        'kind: DestinationRule',
        'metadata: {name: reviews}',
        'spec:',
        '  host: reviews',
        '  subsets:',
        '  - {name: v1, labels: {version: v1}}',
        '---',
        `apiVersion: ${NET}`,
        'kind: VirtualService',
        'metadata: {name: reviews}',
        'spec:',
        '  hosts: [reviews]',
        '  http:',
        '  - route:',
        '    - destination: {host: reviews, subset: v9}',
        ''
      ].join('\n')
    );
    const r = await deploy({ routing: '', 'routing-file': 'missing-subset.yaml' });
    expect(r.code).not.toBe(0);
    // The plan cross-checks the file's own routes and rules (istioctl analyze would catch it later).
    const message = actionErrors(r);
    expect(message).toContain('The routing "file" is inconsistent; nothing was applied.');
    expect(message).toContain(`VirtualService ${ns}/reviews routes to subset v9 of reviews`);
    const after = await routingObjects();
    expect(after.vs).toEqual(before.vs);
    expect(after.dr).toEqual(before.dr);
    expect(JSON.stringify(after.byName.get('reviews')?.spec)).not.toContain('v9');
  });
});

describe('every variant of the table, in sequence on one namespace', () => {
  // Starts with reviews-test-v2 → all-v1, the switch the issue names: the jason rule must not survive.
  const order = [
    'reviews-test-v2',
    'all-v1',
    ...variantNames().filter((n) => n !== 'reviews-test-v2' && n !== 'all-v1')
  ];
  it.each(order)('%s: applied, nothing stale, verification passes', async (name) => {
    const r = await deploy({ routing: name, 'verify-requests': '24' });
    expectActionSuccess(r);
    expect(r.outputs.routing).toBe(name);
    const v = verification(r);
    expect(v.pass).toBe(true);
    const variant = findVariant(name);
    const users = Object.keys(variant?.expect.users ?? {});
    expect(v.identities.map((i) => i.identity).sort()).toEqual(['anonymous', ...users].sort());
    const objs = await routingObjects();
    if (name === 'none') {
      expect(objs.vs).toEqual(['bookinfo']);
    } else {
      expect(objs.dr).toEqual(BOOKINFO_RULES);
    }
    // No rule for a user the variant does not name survives from an earlier variant.
    for (const [vsName, vs] of objs.byName) {
      if (users.length === 0)
        expect({ vsName, jason: JSON.stringify(vs.spec).includes('jason') }).toEqual({
          vsName,
          jason: false
        });
    }
    if (name === 'all-v1')
      expect(objs.vs).toEqual(['bookinfo', 'details', 'productpage', 'ratings', 'reviews']);
  });
});

// Preview environments end to end through the bundled action: a per-PR namespace with its own gateway
// host, two previews deployed at once, teardown (only that preview, idempotent, refuses foreign
// namespaces) and prune of old previews (leaving namespaces the action does not own alone).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Kube } from '../../src/kube/index.js';
import {
  runAction,
  type RunActionResult,
  actionErrors,
  expectActionSuccess
} from '../../test/harness/runAction.js';
import { newNamespace, readHarnessState } from '../../test/harness/state.js';
import { httpGet } from '../../test/harness/http.js';

const state = readHarnessState();
const NET = 'networking.istio.io/v1alpha3';
const kubeconfig = readFileSync(state.kubeconfigPath, 'utf8');
// Concurrent previews get ids unique to this run, so a reused cluster never has them already.
const suffix = randomBytes(3).toString('hex');
const idA = `a-${suffix}`;
const idB = `b-${suffix}`;
const foreignNs = newNamespace('not-a-preview');
let kube: Kube;

function action(inputs: Record<string, string>): Promise<RunActionResult> {
  return runAction({
    inputs: {
      kubeconfig,
      'istio-version': state.stack.istio,
      'istio-download-url': state.downloadUrl,
      'wait-timeout': '4m',
      ...inputs
    },
    post: false
  });
}

const nsExists = async (name: string): Promise<boolean> =>
  (await kube.get({ apiVersion: 'v1', kind: 'Namespace', name })) !== undefined;

beforeAll(async () => {
  kube = await Kube.connect({ kubeconfigPath: state.kubeconfigPath, fieldManager: 'previews-e2e' });
});

afterAll(async () => {
  for (const name of [foreignNs, 'bookinfo-pr-42', `bookinfo-pr-${idA}`, `bookinfo-pr-${idB}`]) {
    await kube.delete({ apiVersion: 'v1', kind: 'Namespace', name }).catch(() => false);
  }
  await kube.close();
});

describe('preview environments', () => {
  it('preview-id 42: own namespace, ownership labels, host-specific gateway', async () => {
    const host = 'pr-42.preview.example.com';
    const r = await action({
      'preview-id': '42',
      'gateway-hosts': 'pr-{id}.preview.example.com',
      routing: 'reviews-v3'
    });
    expectActionSuccess(r);
    expect(r.outputs.namespace).toBe('bookinfo-pr-42');
    expect(r.outputs['gateway-host-header']).toBe(host);

    const ns = await kube.get({ apiVersion: 'v1', kind: 'Namespace', name: 'bookinfo-pr-42' });
    expect(ns?.metadata.labels).toMatchObject({
      'app.kubernetes.io/managed-by': 'ask-istio-action',
      'ask-istio.dev/preview-id': '42'
    });
    const createdAt = Date.parse(ns?.metadata.annotations?.['ask-istio.dev/created-at'] ?? '');
    expect(Date.now() - createdAt).toBeLessThan(10 * 60_000);

    const gateways = await kube.list(NET, 'Gateway', { namespace: 'bookinfo-pr-42' });
    expect(JSON.stringify(gateways.map((g) => g.spec))).toContain(`"hosts":["${host}"]`);
    const gatewayVs = (await kube.list(NET, 'VirtualService', { namespace: 'bookinfo-pr-42' })).find(
      (v) => v.metadata.name === 'bookinfo'
    );
    expect((gatewayVs?.spec as { hosts?: string[] } | undefined)?.hosts).toEqual([host]);

    // Through the ingress gateway: the preview's Host header reaches productpage, another host does not.
    const url = r.outputs['productpage-url'] ?? '';
    const ok = await httpGet(url, host);
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('<title>Simple Bookstore App</title>');
    const other = await httpGet(url, 'pr-43.preview.example.com');
    expect(other.status).toBe(404);
  });

  it('two previews deployed concurrently both succeed', async () => {
    const [a, b] = await Promise.all([
      action({
        'preview-id': idA,
        'gateway-hosts': 'pr-{id}.preview.example.com',
        'verify-routing': 'false'
      }),
      action({ 'preview-id': idB, 'gateway-hosts': 'pr-{id}.preview.example.com', 'verify-routing': 'false' })
    ]);
    expectActionSuccess(a);
    expectActionSuccess(b);
    expect(a.outputs.namespace).toBe(`bookinfo-pr-${idA}`);
    expect(b.outputs.namespace).toBe(`bookinfo-pr-${idB}`);
    for (const [r, id] of [
      [a, idA],
      [b, idB]
    ] as const) {
      const res = await httpGet(r.outputs['productpage-url'] ?? '', `pr-${id}.preview.example.com`);
      expect(res.status).toBe(200);
    }
  });

  it('teardown deletes only that preview and waits until it is gone; a second teardown is a no-op', async () => {
    const r = await action({ mode: 'teardown', 'preview-id': '42' });
    expectActionSuccess(r);
    // The action waited: right after it returns the namespace no longer exists at all.
    expect(await nsExists('bookinfo-pr-42')).toBe(false);
    expect(await nsExists(`bookinfo-pr-${idA}`)).toBe(true);
    expect(await nsExists(`bookinfo-pr-${idB}`)).toBe(true);

    const again = await action({ mode: 'teardown', 'preview-id': '42' });
    expectActionSuccess(again);
    expect(again.stdout).toContain('Namespace bookinfo-pr-42 does not exist; nothing to tear down.');
  });

  it('teardown refuses a namespace the action did not create', async () => {
    await kube.apply([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: foreignNs } }]);
    const r = await action({ mode: 'teardown', namespace: foreignNs });
    expect(r.code).not.toBe(0);
    expect(actionErrors(r)).toContain(`Namespace ${foreignNs} was not created by ask-istio-action`);
    expect(await nsExists(foreignNs)).toBe(true);
  });

  it('prune deletes only previews older than the limit, lists them, and leaves other namespaces alone', async () => {
    // Age preview A (and the foreign namespace, which must still be spared: it lacks the ownership label).
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000).toISOString();
    for (const name of [`bookinfo-pr-${idA}`, foreignNs]) {
      await kube.apply(
        [
          {
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: { name, annotations: { 'ask-istio.dev/created-at': twoHoursAgo } }
          }
        ],
        { force: true }
      );
    }
    const r = await action({ mode: 'prune', 'prune-older-than': '1h' });
    expectActionSuccess(r);
    expect(r.summary).toContain(`bookinfo-pr-${idA}`);
    expect(r.summary).not.toContain(`bookinfo-pr-${idB}`);
    expect(await nsExists(`bookinfo-pr-${idA}`)).toBe(false);
    expect(await nsExists(`bookinfo-pr-${idB}`)).toBe(true);
    expect(await nsExists(foreignNs)).toBe(true);
    expect(await nsExists('istio-system')).toBe(true);
  });
});

import { describe, expect, it } from '@jest/globals';
import type { Kube } from '../../../src/kube/client.js';
import type { KubeObject } from '../../../src/kube/objects.js';
import { applyStaged, describeOutcome, stageObjects } from '../../../src/kube/staged.js';

const obj = (apiVersion: string, kind: string, name: string): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name }
});
const ns = obj('v1', 'Namespace', 'bookinfo');
const crd = obj(
  'apiextensions.k8s.io/v1',
  'CustomResourceDefinition',
  'httproutes.gateway.networking.k8s.io'
);
const route = obj('gateway.networking.k8s.io/v1', 'HTTPRoute', 'bookinfo');
const rule = obj('networking.istio.io/v1', 'DestinationRule', 'reviews');
const deploy = obj('apps/v1', 'Deployment', 'productpage-v1');
const names = (batches: KubeObject[][]) => batches.map((b) => b.map((o) => o.metadata.name));

describe('stageObjects', () => {
  it('puts namespaces and CRDs first, then the named stages, then the rest, keeping order inside each', () => {
    const rules = (o: KubeObject) => o.kind === 'DestinationRule';
    expect(names(stageObjects([route, deploy, rule, crd, ns], [rules]))).toEqual([
      ['httproutes.gateway.networking.k8s.io', 'bookinfo'],
      ['reviews'],
      ['bookinfo', 'productpage-v1']
    ]);
  });

  it('leaves out empty stages, and a kind that only looks like a definition is not one', () => {
    const lookalike = obj('example.com/v1', 'Namespace', 'not-core');
    expect(names(stageObjects([deploy, lookalike]))).toEqual([['productpage-v1', 'not-core']]);
    expect(stageObjects([])).toEqual([]);
  });
});

/** A Kube that records each apply batch and each wait, answering CRDs as established. */
function fakeKube(action: 'created' | 'unchanged') {
  const batches: string[][] = [];
  const waits: string[][] = [];
  const kube = {
    apply: async (objects: KubeObject[], opts: { dryRun?: boolean }) => {
      batches.push(objects.map((o) => `${o.kind}${opts.dryRun ? ' (dry run)' : ''}`));
      return objects.map((o) => ({
        ref: { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name },
        action,
        object: o
      }));
    },
    waitFor: async (_q: unknown, check: (items: KubeObject[]) => { done: boolean }) => {
      const served = [{ ...crd, status: { conditions: [{ type: 'Established', status: 'True' }] } }];
      waits.push(served.map((o) => o.metadata.name));
      expect(check(served).done).toBe(true);
      expect(check([crd]).done).toBe(false); // not established yet: keep waiting
      return served;
    }
  } as unknown as Kube;
  return { kube, batches, waits };
}

describe('applyStaged', () => {
  it('applies batch by batch and waits for new CRDs before the objects of their kinds', async () => {
    const k = fakeKube('created');
    const outcomes = await applyStaged(k.kube, [route, crd]);
    expect(k.batches).toEqual([['CustomResourceDefinition'], ['HTTPRoute']]);
    expect(k.waits).toEqual([['httproutes.gateway.networking.k8s.io']]);
    expect(outcomes.map(describeOutcome)).toEqual([
      'CustomResourceDefinition httproutes.gateway.networking.k8s.io created',
      'HTTPRoute bookinfo created'
    ]);
  });

  it('waits for nothing when the CRDs were unchanged, or in a dry run (which says "would be")', async () => {
    const unchanged = fakeKube('unchanged');
    await applyStaged(unchanged.kube, [crd, route]);
    expect(unchanged.waits).toEqual([]);
    const dry = fakeKube('created');
    const outcomes = await applyStaged(dry.kube, [ns, deploy], { dryRun: true });
    expect(dry.batches).toEqual([['Namespace (dry run)'], ['Deployment (dry run)']]);
    expect(dry.waits).toEqual([]);
    expect(outcomes.map(describeOutcome)).toEqual([
      'Namespace bookinfo would be created',
      'Deployment productpage-v1 would be created'
    ]);
  });
});

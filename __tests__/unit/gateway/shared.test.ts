// The thin shared-host check against a stand-in kube layer: what is listed, and RBAC refusals.
import { describe, expect, it } from '@jest/globals';
import { ActionError } from '../../../src/errors.js';
import { checkSharedHosts } from '../../../src/gateway/shared.js';
import type { Kube } from '../../../src/kube/client.js';
import { KubeApiError } from '../../../src/kube/errors.js';
import type { KubeObject } from '../../../src/kube/objects.js';
import { newReport } from '../../../src/report/model.js';
import { config } from '../report/fixtures.js';

const gw = (namespace: string, hosts: string[]): KubeObject => ({
  apiVersion: 'networking.istio.io/v1beta1',
  kind: 'Gateway',
  metadata: { name: 'bookinfo-gateway', namespace, creationTimestamp: '2026-11-30T10:00:00Z' },
  spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 8080 }, hosts }] }
});

function kube(list: () => Promise<KubeObject[]>): { kube: Kube; calls: unknown[][] } {
  const calls: unknown[][] = [];
  return {
    calls,
    kube: {
      list: async (...args: unknown[]) => {
        calls.push(args);
        return list();
      }
    } as unknown as Kube
  };
}

describe('[R3-11] checkSharedHosts', () => {
  const mine = [gw('ignored', ['*'])];

  it('[R3-11] lists Gateways of all namespaces and refuses a preview that would share *', async () => {
    const k = kube(async () => [gw('bookinfo-pr-1', ['*'])]);
    const c = {
      ...config(),
      namespace: 'bookinfo-pr-2',
      lifecycle: { ...config().lifecycle, previewId: '2' }
    };
    const err = await checkSharedHosts({
      kube: k.kube,
      config: c,
      objects: mine
    }).then(
      () => undefined,
      (e: unknown) => e
    );
    expect(k.calls).toEqual([['networking.istio.io/v1beta1', 'Gateway']]);
    expect(err).toBeInstanceOf(ActionError);
    expect((err as ActionError).message).toMatch(
      /^Gateway bookinfo-pr-1\/bookinfo-gateway .*already claims host \*/
    );
  });

  it('[R3-11] RBAC refusing the cluster-wide list is a warning, not a failure', async () => {
    const forbidden = new KubeApiError(
      'User "ci" cannot list resource "gateways" in API group "networking.istio.io" at the cluster scope',
      { verb: 'list', resource: 'gateways', group: 'networking.istio.io', server: 'https://192.0.2.1:6443' },
      403
    );
    const k = kube(async () => {
      throw forbidden;
    });
    const report = newReport('deploy', false);
    await report.steps.run('Check gateway hosts', () =>
      checkSharedHosts({ kube: k.kube, config: config(), objects: mine })
    );
    expect(report.warnings).toHaveLength(1);
    expect(report.warnings[0]).toMatch(
      /^Not checking whether another namespace's Gateway claims the same hosts/
    );
  });
});

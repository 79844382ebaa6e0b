import { describe, expect, it } from '@jest/globals';
import type { V1Service } from '@kubernetes/client-node';
import { AddressPlan } from '../../../test/simulator/addresses.js';
import type { Apis } from '../../../test/simulator/informers.js';
import type { LbBehaviour } from '../../../test/simulator/behaviour.js';
import { CloudLoadBalancer } from '../../../test/simulator/loadBalancer.js';

const service = (ingress: Array<{ ip?: string; hostname?: string }> = []): V1Service => ({
  metadata: { name: 'gw', namespace: 'istio-system', uid: 'u1' },
  spec: { type: 'LoadBalancer' },
  status: { loadBalancer: { ingress } }
});

/** A core API whose status writes fail the first `failures` times (like an overloaded API server). */
function fakeApis(failures: number): { apis: Apis; writes: unknown[]; attempts: () => number } {
  let attempts = 0;
  const writes: unknown[] = [];
  const core = {
    patchNamespacedServiceStatus: async (req: { body: unknown }) => {
      attempts++;
      if (attempts <= failures) throw Object.assign(new Error('fetch failed'), { code: 429, body: '{}' });
      writes.push(req.body);
      return {};
    }
  };
  return { apis: { core } as unknown as Apis, writes, attempts: () => attempts };
}

const until = async (check: () => boolean, ms = 5000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('the simulated cloud load balancer', () => {
  it('tries a failed status write again until it lands (no further Service event comes to trigger it)', async () => {
    const { apis, writes, attempts } = fakeApis(2);
    const logs: string[] = [];
    const config: Record<string, LbBehaviour> = { 'istio-system/gw': { mode: 'hostname' } };
    const lb = new CloudLoadBalancer(
      apis,
      new AddressPlan('egress'),
      () => config,
      (l) => logs.push(l)
    );
    try {
      lb.onService(service(), 'update');
      await until(() => writes.length === 1);
      expect(attempts()).toBe(3);
      expect(writes[0]).toEqual({ status: { loadBalancer: { ingress: [{ hostname: 'localhost' }] } } });
      expect(logs.filter((l) => /retrying in \d+ ms/.test(l))).toHaveLength(2);
    } finally {
      lb.stop();
    }
  });

  it('gives no address in mode never, nor to a Service that has one already', async () => {
    const { apis, attempts } = fakeApis(0);
    const config: Record<string, LbBehaviour> = { 'istio-system/gw': { mode: 'never' } };
    const lb = new CloudLoadBalancer(
      apis,
      new AddressPlan('egress'),
      () => config,
      () => undefined
    );
    try {
      lb.onService(service(), 'add');
      await new Promise((r) => setTimeout(r, 50));
      expect(attempts()).toBe(0);
      delete config['istio-system/gw'];
      lb.onService(service([{ ip: '127.0.0.9' }]), 'update');
      await new Promise((r) => setTimeout(r, 50));
      expect(attempts()).toBe(0);
    } finally {
      lb.stop();
    }
  });
});

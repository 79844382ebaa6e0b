import { describe, expect, it } from '@jest/globals';
import type { V1ConfigMap } from '@kubernetes/client-node';
import type { Apis } from '../../../test/simulator/informers.js';
import { BehaviourReceipts, newerOrSame } from '../../../test/simulator/receipts.js';

/** A core API holding one ConfigMap; its first `failures` replaces fail as an overloaded API server's do. */
function fakeApis(failures: number): { apis: Apis; stored: () => V1ConfigMap | undefined; calls: string[] } {
  let stored: V1ConfigMap | undefined;
  let failed = 0;
  const calls: string[] = [];
  const core = {
    replaceNamespacedConfigMap: async (req: { body: V1ConfigMap }) => {
      calls.push(`replace ${req.body.data?.resourceVersion}`);
      if (failed++ < failures) throw Object.assign(new Error('too many requests'), { code: 429, body: '{}' });
      if (!stored) throw Object.assign(new Error('not found'), { code: 404, body: '{}' });
      stored = req.body;
      return stored;
    },
    createNamespacedConfigMap: async (req: { body: V1ConfigMap }) => {
      calls.push(`create ${req.body.data?.resourceVersion}`);
      stored = req.body;
      return stored;
    }
  };
  return { apis: { core } as unknown as Apis, stored: () => stored, calls };
}

const until = async (check: () => boolean, ms = 5000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('receipts for sim-behaviour', () => {
  it('creates the receipt, then replaces it with newer versions only', async () => {
    const { apis, stored, calls } = fakeApis(0);
    const receipts = new BehaviourReceipts(apis, () => undefined);
    try {
      receipts.record('10');
      await until(() => stored()?.data?.resourceVersion === '10');
      expect(calls).toEqual(['replace 10', 'create 10']);
      receipts.record('9'); // a relist repeating an older version
      receipts.record('10');
      receipts.record('12', 'rules.json: not JSON');
      await until(() => stored()?.data?.resourceVersion === '12');
      expect(stored()?.data).toEqual({ resourceVersion: '12', error: 'rules.json: not JSON' });
      expect(calls).toEqual(['replace 10', 'create 10', 'replace 12']);
    } finally {
      receipts.stop();
    }
  });

  it('tries a failed write again, and writes only the newest version once it can', async () => {
    const { apis, stored, calls } = fakeApis(2);
    const logs: string[] = [];
    const receipts = new BehaviourReceipts(apis, (l) => logs.push(l));
    try {
      receipts.record('5');
      receipts.record('6'); // comes while the first write is failing
      await until(() => stored()?.data?.resourceVersion === '6');
      expect(logs.filter((l) => /retrying in \d+ ms/.test(l))).toHaveLength(2);
      expect(calls.filter((c) => c.endsWith(' 5')).length).toBeLessThanOrEqual(1);
    } finally {
      receipts.stop();
    }
  });

  it('orders resourceVersions as the integers etcd gives, and falls back to equality', () => {
    expect(newerOrSame('100', '99')).toBe(true);
    expect(newerOrSame('99', '100')).toBe(false);
    expect(newerOrSame('7', '7')).toBe(true);
    expect(newerOrSame('abc', 'abc')).toBe(true);
    expect(newerOrSame('abc', 'abd')).toBe(false);
  });
});

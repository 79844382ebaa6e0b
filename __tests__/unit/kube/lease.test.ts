import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../src/kube/objects.js';
import { leaseExpired } from '../../../src/kube/lease.js';

const NOW = Date.parse('2024-05-04T12:00:00Z');

function lease(spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: 'istio-install', namespace: 'ask-istio-system' },
    spec: { holderIdentity: '123-456-abcdef', acquireTime: '2024-05-04T11:00:00.000000Z', ...spec }
  };
}

describe('leaseExpired', () => {
  it.each([
    // renewTime is a MicroTime: six fractional digits, as the API server returns it.
    [
      'renewed 10 s ago, 60 s lease',
      { renewTime: '2024-05-04T11:59:50.000000Z', leaseDurationSeconds: 60 },
      false
    ],
    [
      'renewed 61 s ago, 60 s lease',
      { renewTime: '2024-05-04T11:58:59.000000Z', leaseDurationSeconds: 60 },
      true
    ],
    [
      'renewed exactly one duration ago',
      { renewTime: '2024-05-04T11:59:00.000000Z', leaseDurationSeconds: 60 },
      false
    ],
    [
      'renewed 90 s ago, 120 s lease',
      { renewTime: '2024-05-04T11:58:30.000000Z', leaseDurationSeconds: 120 },
      false
    ],
    ['renewed 90 s ago, no duration (60 s default)', { renewTime: '2024-05-04T11:58:30.000000Z' }, true],
    ['renewed 30 s ago, no duration', { renewTime: '2024-05-04T11:59:30.123456Z' }, false],
    ['never renewed', {}, true]
  ])('%s → %p', (_why, spec, expired) => {
    expect(leaseExpired(lease(spec), NOW)).toBe(expired);
  });

  it('treats a missing Lease as expired (free to take)', () => {
    expect(leaseExpired(undefined, NOW)).toBe(true);
  });

  it('reads MicroTime to the millisecond', () => {
    const l = lease({ renewTime: '2024-05-04T11:59:00.001000Z', leaseDurationSeconds: 60 });
    expect(leaseExpired(l, NOW)).toBe(false);
    expect(leaseExpired(l, NOW + 2)).toBe(true);
  });
});

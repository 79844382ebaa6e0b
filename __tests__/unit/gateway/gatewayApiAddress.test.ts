import { describe, expect, it } from '@jest/globals';
import { gatewayApiEndpoint, programmedCondition } from '../../../src/gateway/address.js';
import type { KubeObject } from '../../../src/kube/objects.js';

const gateway = (status: Record<string, unknown>, generation = 1): KubeObject => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: { name: 'bookinfo-gateway', namespace: 'pr-1', generation },
  spec: { gatewayClassName: 'istio', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
  status
});
const programmed = (status: string, observedGeneration = 1) => ({
  type: 'Programmed',
  status,
  reason: status === 'True' ? 'Programmed' : 'AddressNotAssigned',
  message: 'm',
  observedGeneration
});

describe('gatewayApiEndpoint', () => {
  it('reads an IP address from status.addresses once Programmed', () => {
    const gw = gateway({
      addresses: [{ type: 'IPAddress', value: '47.0.0.9' }],
      conditions: [programmed('True')]
    });
    expect(gatewayApiEndpoint(gw)).toEqual({
      host: '47.0.0.9',
      port: 80,
      securePort: undefined,
      via: 'gateway-api',
      url: 'http://47.0.0.9'
    });
  });

  it('reads a hostname address, and brackets IPv6', () => {
    const host = gateway({
      addresses: [{ type: 'Hostname', value: 'lb-1.cn-hongkong.alb.example' }],
      conditions: [programmed('True')]
    });
    expect(gatewayApiEndpoint(host)?.url).toBe('http://lb-1.cn-hongkong.alb.example');
    const v6 = gateway({ addresses: [{ value: '2001:db8::1' }], conditions: [programmed('True')] });
    expect(gatewayApiEndpoint(v6)?.url).toBe('http://[2001:db8::1]');
  });

  it('waits while not programmed, without an address, or programmed for an older generation', () => {
    expect(gatewayApiEndpoint(gateway({}))).toBeUndefined();
    expect(
      gatewayApiEndpoint(gateway({ addresses: [{ value: '47.0.0.9' }], conditions: [programmed('False')] }))
    ).toBeUndefined();
    expect(gatewayApiEndpoint(gateway({ conditions: [programmed('True')] }))).toBeUndefined();
    const stale = gateway({ addresses: [{ value: '47.0.0.9' }], conditions: [programmed('True', 1)] }, 2);
    expect(programmedCondition(stale)).toBeUndefined();
    expect(gatewayApiEndpoint(stale)).toBeUndefined();
  });
});

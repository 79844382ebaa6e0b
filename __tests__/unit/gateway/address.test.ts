import { describe, expect, it } from '@jest/globals';
import { gatewayUrl, loadBalancerEndpoint, nodePortEndpoint } from '../../../src/gateway/address.js';
import { isServerless } from '../../../src/kube/nodes.js';
import type { KubeObject } from '../../../src/kube/objects.js';

// Ports of istio-ingressgateway as the demo profile creates them.
const PORTS = [
  { name: 'status-port', port: 15021, targetPort: 15021, nodePort: 31021 },
  { name: 'http2', port: 80, targetPort: 8080, nodePort: 30080 },
  { name: 'https', port: 443, targetPort: 8443, nodePort: 30443 },
  { name: 'tcp', port: 31400, targetPort: 31400, nodePort: 31400 }
];

function service(
  ingress: Array<{ ip?: string; hostname?: string }> | undefined,
  ports: unknown[] = PORTS
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'istio-ingressgateway', namespace: 'istio-system' },
    spec: { type: 'LoadBalancer', ports },
    status: { loadBalancer: ingress ? { ingress } : {} }
  };
}

function node(
  name: string,
  addresses: Array<{ type: string; address: string }>,
  labels?: Record<string, string>
): KubeObject {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels }, status: { addresses } };
}

describe('gatewayUrl', () => {
  it.each<[string, number, 'http' | 'https' | undefined, string]>([
    ['192.0.2.7', 80, undefined, 'http://192.0.2.7'],
    ['192.0.2.7', 8080, 'http', 'http://192.0.2.7:8080'],
    ['lb.example.com', 443, 'https', 'https://lb.example.com'],
    ['lb.example.com', 80, 'https', 'https://lb.example.com:80'],
    ['2001:db8::7', 80, 'http', 'http://[2001:db8::7]'],
    ['2001:db8::7', 30080, 'http', 'http://[2001:db8::7]:30080'],
    ['[2001:db8::7]', 30080, 'http', 'http://[2001:db8::7]:30080']
  ])('%s:%d (%s) → %s', (host, port, scheme, url) => {
    expect(gatewayUrl(host, port, scheme)).toBe(url);
  });
});

describe('loadBalancerEndpoint', () => {
  it('uses the LB IP and the http2 port', () => {
    expect(loadBalancerEndpoint(service([{ ip: '192.0.2.7' }]))).toEqual({
      host: '192.0.2.7',
      port: 80,
      securePort: 443,
      via: 'loadbalancer',
      url: 'http://192.0.2.7'
    });
  });

  it('uses the LB hostname when there is no IP', () => {
    const ep = loadBalancerEndpoint(service([{ hostname: 'slb-abc.cn-hangzhou.example.com' }]));
    expect(ep?.host).toBe('slb-abc.cn-hangzhou.example.com');
    expect(ep?.url).toBe('http://slb-abc.cn-hangzhou.example.com');
  });

  it('brackets an IPv6 LB address in the URL only', () => {
    const ep = loadBalancerEndpoint(service([{ ip: '2001:db8::7' }]));
    expect(ep?.host).toBe('2001:db8::7');
    expect(ep?.url).toBe('http://[2001:db8::7]');
  });

  it('keeps a non-default port in the URL and falls back to a port named http', () => {
    const ep = loadBalancerEndpoint(service([{ ip: '192.0.2.7' }], [{ name: 'http', port: 8080 }]));
    expect(ep).toEqual({
      host: '192.0.2.7',
      port: 8080,
      securePort: undefined,
      via: 'loadbalancer',
      url: 'http://192.0.2.7:8080'
    });
  });

  it.each([
    ['no ingress yet', service(undefined)],
    ['empty ingress list', service([])],
    ['ingress without address', service([{}])],
    ['no http port', service([{ ip: '192.0.2.7' }], [{ name: 'https', port: 443 }])]
  ])('is undefined with %s', (_why, svc) => {
    expect(loadBalancerEndpoint(svc)).toBeUndefined();
  });
});

describe('nodePortEndpoint', () => {
  const internalOnly = node('n1', [
    { type: 'Hostname', address: 'n1' },
    { type: 'InternalIP', address: '10.0.0.5' }
  ]);
  const external = node('n2', [
    { type: 'InternalIP', address: '10.0.0.6' },
    { type: 'ExternalIP', address: '198.51.100.6' }
  ]);

  it('prefers an ExternalIP on any node over an InternalIP listed first', () => {
    expect(nodePortEndpoint(service(undefined), [internalOnly, external])).toEqual({
      host: '198.51.100.6',
      port: 30080,
      securePort: 30443,
      via: 'nodeport',
      url: 'http://198.51.100.6:30080'
    });
  });

  it('falls back to an InternalIP', () => {
    expect(nodePortEndpoint(service(undefined), [internalOnly])?.url).toBe('http://10.0.0.5:30080');
  });

  it('brackets an IPv6 node address', () => {
    const v6 = node('n3', [{ type: 'InternalIP', address: 'fd00::5' }]);
    expect(nodePortEndpoint(service(undefined), [v6])?.url).toBe('http://[fd00::5]:30080');
  });

  it.each([
    ['no node ports (ASK)', service(undefined, [{ name: 'http2', port: 80 }]), [internalOnly]],
    ['no nodes', service(undefined), []],
    ['nodes without IP addresses', service(undefined), [node('n', [{ type: 'Hostname', address: 'n' }])]]
  ])('is undefined with %s', (_why, svc, nodes) => {
    expect(nodePortEndpoint(svc, nodes)).toBeUndefined();
  });
});

describe('isServerless', () => {
  const vk = node('virtual-kubelet-cn-hangzhou-h', [], { type: 'virtual-kubelet' });
  const vn = node('vn', [], { 'alibabacloud.com/virtual-node': 'true' });
  const ecs = node('cn-hangzhou.10.0.0.5', [], { 'kubernetes.io/os': 'linux' });
  it.each([
    ['only virtual-kubelet nodes', [vk, vn], true],
    ['a real node among them', [vk, ecs], false],
    ['only real nodes', [ecs], false],
    ['no nodes (cannot tell)', [], false],
    ['unlabelled node', [node('x', [])], false]
  ])('%s → %p', (_why, nodes, want) => {
    expect(isServerless(nodes)).toBe(want);
  });
});

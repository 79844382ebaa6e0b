import { describe, expect, it } from '@jest/globals';
import {
  networkingApiVersion,
  peerAuthenticationView,
  securityApiVersion,
  workloadMtlsMode,
  type PeerAuthenticationView
} from '../../../src/istio/apis.js';

describe('served API versions', () => {
  it.each([
    ['1.13.3', 'v1alpha3', 'v1beta1'],
    ['1.21.6', 'v1alpha3', 'v1beta1'],
    ['1.22.0', 'v1', 'v1'],
    ['1.30.3', 'v1', 'v1']
  ])('Istio %s: networking %s, security %s', (version, networking, security) => {
    expect(networkingApiVersion(version)).toBe(`networking.istio.io/${networking}`);
    expect(securityApiVersion(version)).toBe(`security.istio.io/${security}`);
  });

  it('refuses a version it cannot read', () => {
    expect(() => securityApiVersion('latest')).toThrow('Cannot tell the API versions');
  });
});

describe('workloadMtlsMode', () => {
  const productpage = { namespace: 'bookinfo', labels: { app: 'productpage' }, port: 9080 };
  const pa = (namespace: string, spec: Record<string, unknown>, name = 'default'): PeerAuthenticationView =>
    peerAuthenticationView({ metadata: { namespace, name }, spec });

  it('is PERMISSIVE without any policy (Istio default)', () => {
    expect(workloadMtlsMode([], productpage)).toBe('PERMISSIVE');
  });

  it('takes the namespace-wide policy, over the mesh-wide one', () => {
    const strictNs = pa('bookinfo', { mtls: { mode: 'STRICT' } });
    const permissiveMesh = pa('istio-system', { mtls: { mode: 'PERMISSIVE' } });
    expect(workloadMtlsMode([permissiveMesh, strictNs], productpage)).toBe('STRICT');
    expect(workloadMtlsMode([permissiveMesh], productpage)).toBe('PERMISSIVE');
    expect(workloadMtlsMode([pa('istio-system', { mtls: { mode: 'STRICT' } })], productpage)).toBe('STRICT');
  });

  it('a policy of another namespace, or a selector for other pods, does not apply', () => {
    expect(workloadMtlsMode([pa('other', { mtls: { mode: 'STRICT' } })], productpage)).toBe('PERMISSIVE');
    const reviewsOnly = pa('bookinfo', {
      selector: { matchLabels: { app: 'reviews' } },
      mtls: { mode: 'STRICT' }
    });
    expect(workloadMtlsMode([reviewsOnly], productpage)).toBe('PERMISSIVE');
    // A policy selecting other pods in the root namespace is not mesh-wide either.
    const rootSelector = pa('istio-system', {
      selector: { matchLabels: { app: 'x' } },
      mtls: { mode: 'STRICT' }
    });
    expect(workloadMtlsMode([rootSelector], productpage)).toBe('PERMISSIVE');
  });

  it('a selecting policy wins, its port-level mode first; UNSET inherits', () => {
    const ns = pa('bookinfo', { mtls: { mode: 'STRICT' } });
    const workload = pa(
      'bookinfo',
      {
        selector: { matchLabels: { app: 'productpage' } },
        mtls: { mode: 'UNSET' },
        portLevelMtls: { '9080': { mode: 'PERMISSIVE' } }
      },
      'productpage'
    );
    expect(workloadMtlsMode([ns, workload], productpage)).toBe('PERMISSIVE');
    expect(workloadMtlsMode([ns, workload], { ...productpage, port: 9081 })).toBe('STRICT');
    const disable = pa('bookinfo', {
      selector: { matchLabels: { app: 'productpage' } },
      mtls: { mode: 'DISABLE' }
    });
    expect(workloadMtlsMode([ns, disable], productpage)).toBe('DISABLE');
  });

  it('port-level modes without a selector are ignored, as Istio does', () => {
    const ns = pa('bookinfo', { mtls: { mode: 'STRICT' }, portLevelMtls: { '9080': { mode: 'DISABLE' } } });
    expect(workloadMtlsMode([ns], productpage)).toBe('STRICT');
  });
});

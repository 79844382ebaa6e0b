import { describe, expect, it } from '@jest/globals';
import { planGatewayApi } from '../../../src/bookinfo/plan.js';
import { ownership } from '../../../src/ownership.js';

// The shape of Istio's samples/bookinfo/gateway-api/bookinfo-gateway.yaml (1.30), shortened to one match.
const SAMPLE = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: bookinfo-gateway
spec:
  gatewayClassName: istio
  listeners:
  - name: http
    port: 80
    protocol: HTTP
    allowedRoutes:
      namespaces:
        from: Same
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: bookinfo
spec:
  parentRefs:
  - name: bookinfo-gateway
  rules:
  - matches:
    - path:
        type: Exact
        value: /productpage
    backendRefs:
    - name: productpage
      port: 9080
`;
const own = ownership('42', { now: new Date('2026-12-01T00:00:00Z') });

describe('planGatewayApi', () => {
  it('passes ingress-annotations to the generated Service through spec.infrastructure.annotations', () => {
    const [gw, route] = planGatewayApi(SAMPLE, {
      namespace: 'bookinfo-pr-42',
      ownership: own,
      hosts: ['*'],
      serviceAnnotations: { 'service.beta.kubernetes.io/alibaba-cloud-loadbalancer-spec': 'slb.s1.small' }
    });
    expect(gw?.metadata.namespace).toBe('bookinfo-pr-42');
    expect(gw?.metadata.labels?.['ask-istio.dev/component']).toBe('gateway');
    expect((gw?.spec as { infrastructure?: unknown }).infrastructure).toEqual({
      annotations: { 'service.beta.kubernetes.io/alibaba-cloud-loadbalancer-spec': 'slb.s1.small' }
    });
    expect((route?.spec as { hostnames?: unknown }).hostnames).toBeUndefined();
  });

  it('leaves the sample as it is without annotations, and puts preview hosts on the HTTPRoute', () => {
    const [gw, route] = planGatewayApi(SAMPLE, {
      namespace: 'ns',
      ownership: own,
      hosts: ['pr-42.preview.example.com'],
      serviceAnnotations: {}
    });
    expect((gw?.spec as { infrastructure?: unknown }).infrastructure).toBeUndefined();
    expect((route?.spec as { hostnames?: unknown }).hostnames).toEqual(['pr-42.preview.example.com']);
    expect((route?.spec as { parentRefs?: unknown }).parentRefs).toEqual([{ name: 'bookinfo-gateway' }]);
  });
});

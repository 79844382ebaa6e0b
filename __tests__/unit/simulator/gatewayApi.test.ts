import { describe, expect, it } from '@jest/globals';
import { routeHttpRoutes, routesForGateway, routesForService } from '../../../test/simulator/gatewayApi.js';
import type { IstioObject } from '../../../test/simulator/istioConfig.js';

const route = (name: string, spec: Record<string, unknown>, namespace = 'pr-1'): IstioObject => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name, namespace, creationTimestamp: new Date('2026-12-01T00:00:00Z') },
  spec
});
const req = (path: string, headers: Record<string, string> = {}) => ({ path, method: 'GET', headers });
const ingress = route('bookinfo', {
  parentRefs: [{ name: 'bookinfo-gateway' }],
  rules: [
    {
      matches: [
        { path: { type: 'Exact', value: '/productpage' } },
        { path: { type: 'PathPrefix', value: '/static' } }
      ],
      backendRefs: [{ name: 'productpage', port: 9080 }]
    }
  ]
});
const reviews = route('reviews', {
  parentRefs: [{ group: '', kind: 'Service', name: 'reviews', port: 9080 }],
  rules: [
    {
      backendRefs: [
        { name: 'reviews-v1', port: 9080, weight: 90 },
        { name: 'reviews-v2', port: 9080, weight: 10 }
      ]
    },
    {
      matches: [{ headers: [{ type: 'Exact', name: 'end-user', value: 'jason' }] }],
      backendRefs: [{ name: 'reviews-v2', port: 9080 }]
    }
  ]
});

describe('simulated Gateway API routing', () => {
  it('attaches routes to their Gateway (same namespace by default) and filters by hostnames', () => {
    const withHost = route('h', {
      parentRefs: [{ name: 'bookinfo-gateway' }],
      hostnames: ['pr-1.example.com']
    });
    const other = route('o', { parentRefs: [{ name: 'bookinfo-gateway' }] }, 'pr-2');
    const all = [ingress, reviews, withHost, other];
    expect(routesForGateway(all, 'pr-1', 'bookinfo-gateway', 'x').map((r) => r.metadata?.name)).toEqual([
      'bookinfo'
    ]);
    expect(
      routesForGateway(all, 'pr-1', 'bookinfo-gateway', 'pr-1.example.com').map((r) => r.metadata?.name)
    ).toEqual(['bookinfo', 'h']);
    expect(routesForService(all, 'pr-1', 'reviews', 9080).map((r) => r.metadata?.name)).toEqual(['reviews']);
    expect(routesForService(all, 'pr-1', 'reviews', 9090)).toEqual([]);
  });

  it('matches paths like the API: Exact, segment-wise PathPrefix, nothing else → no route', () => {
    expect(routeHttpRoutes([ingress], req('/productpage'))?.destinations).toEqual([
      { service: 'productpage', namespace: 'pr-1', weight: 1 }
    ]);
    expect(routeHttpRoutes([ingress], req('/static/app.js'))).toBeDefined();
    expect(routeHttpRoutes([ingress], req('/staticx'))).toBeUndefined();
    expect(routeHttpRoutes([ingress], req('/productpage/x'))).toBeUndefined();
    expect(routeHttpRoutes([ingress], req('/productpage?u=normal'))).toBeDefined();
  });

  it('prefers the rule with header matches over the catch-all, whatever the rule order', () => {
    expect(routeHttpRoutes([reviews], req('/reviews/0', { 'end-user': 'jason' }))?.destinations).toEqual([
      { service: 'reviews-v2', namespace: 'pr-1', weight: 1 }
    ]);
    expect(routeHttpRoutes([reviews], req('/reviews/0', { 'end-user': 'ann' }))?.destinations).toEqual([
      { service: 'reviews-v1', namespace: 'pr-1', weight: 90 },
      { service: 'reviews-v2', namespace: 'pr-1', weight: 10 }
    ]);
  });
});

import { describe, expect, it } from '@jest/globals';
import { ActionError, InputError } from '../../../src/errors.js';
import { routingConfig } from './config.js';
import {
  gatewayApiRefusals,
  planHttpRoutes,
  requiredGatewayApiFiles
} from '../../../src/routing/gatewayApiPlan.js';
import { mirrorHttpRoute, userHttpRoute, weightedHttpRoute } from '../../../src/routing/httproute.js';
import { VARIANTS } from '../../../src/routing/variants.js';
import type { KubeObject } from '../../../src/kube/objects.js';

// The shapes of Istio's samples/bookinfo/gateway-api/route-*.yaml and platform/kube/bookinfo-versions.yaml
// (1.30): producer routes on the Service, backendRefs to per-version Services.
const route = (
  service: string,
  backends: Array<[string, number?]>
): string => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: ${service}
spec:
  parentRefs:
  - group: ""
    kind: Service
    name: ${service}
    port: 9080
  rules:
  - backendRefs:
${backends.map(([n, w]) => `    - name: ${n}\n      port: 9080\n${w === undefined ? '' : `      weight: ${w}\n`}`).join('')}`;
const SAMPLES: Record<string, string> = {
  'route-all-v1.yaml': ['reviews', 'productpage', 'ratings', 'details']
    .map((s) => route(s, [[`${s}-v1`]]))
    .join('---\n'),
  'route-reviews-v3.yaml': route('reviews', [['reviews-v3']]),
  'route-reviews-50-v3.yaml': route('reviews', [
    ['reviews-v1', 50],
    ['reviews-v3', 50]
  ]),
  'route-reviews-90-10.yaml': route('reviews', [
    ['reviews-v1', 90],
    ['reviews-v2', 10]
  ])
};
const VERSIONS = ['reviews-v1', 'reviews-v2', 'reviews-v3', 'productpage-v1', 'ratings-v1', 'details-v1']
  .map((n) => {
    const [app, version] = [n.slice(0, n.lastIndexOf('-')), n.slice(n.lastIndexOf('-') + 1)];
    return `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${n}\nspec:\n  ports:\n  - port: 9080\n    name: http\n  selector:\n    app: ${app}\n    version: ${version}\n`;
  })
  .join('---\n');

const cfg = ({ variant = 'all-v1', ...over }: { variant?: string } & Parameters<typeof routingConfig>[1]) =>
  routingConfig(variant, over);
const ctx = {
  samples: SAMPLES,
  versions: VERSIONS,
  securityApiVersion: 'security.istio.io/v1',
  namespace: 'pr-1',
  labels: { team: 'x' }
};
const routesOf = (variant: string) =>
  planHttpRoutes(cfg({ variant }), ctx).objects.filter((o) => o.kind === 'HTTPRoute');
const backends = (o: KubeObject | undefined) =>
  ((o?.spec as { rules: Array<{ backendRefs?: Array<{ name: string; weight?: number }> }> }).rules ?? []).map(
    (r) => (r.backendRefs ?? []).map((b) => `${b.name}${b.weight === undefined ? '' : `=${b.weight}`}`)
  );

describe('variant → HTTPRoute mapping', () => {
  it('uses the release files where Istio ships them, plus the per-version Services', () => {
    expect(requiredGatewayApiFiles(cfg({ variant: 'reviews-90-10' }))).toEqual(['route-reviews-90-10.yaml']);
    const plan = planHttpRoutes(cfg({ variant: 'reviews-90-10' }), ctx);
    expect(plan.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Service/reviews-v1',
      'Service/reviews-v2',
      'Service/reviews-v3',
      'Service/productpage-v1',
      'Service/ratings-v1',
      'Service/details-v1',
      'HTTPRoute/reviews'
    ]);
    expect(backends(plan.objects.at(-1))).toEqual([['reviews-v1=90', 'reviews-v2=10']]);
    for (const o of plan.objects) {
      expect(o.metadata.namespace).toBe('pr-1');
      expect(o.metadata.labels).toMatchObject({ team: 'x', 'ask-istio.dev/component': 'routing' });
      expect(o.metadata.annotations?.['ask-istio.dev/routing-variant']).toBe('reviews-90-10');
    }
    expect(plan.expect).toEqual({ anonymous: { v1: 90, v2: 10 } });
    expect(routesOf('all-v1').map((o) => o.metadata.name)).toEqual([
      'reviews',
      'productpage',
      'ratings',
      'details'
    ]);
  });

  it('generates weighted backendRefs for splits Istio ships no Gateway API file for', () => {
    expect(backends(routesOf('reviews-80-20')[0])).toEqual([['reviews-v1=80', 'reviews-v2=20']]);
    expect(backends(routesOf('reviews-v2-v3')[0])).toEqual([['reviews-v2=50', 'reviews-v3=50']]);
    expect(backends(routesOf('reviews-v2')[0])).toEqual([['reviews-v2']]);
    expect(routesOf('none')).toEqual([]);
    expect(planHttpRoutes(cfg({ variant: 'none' }), ctx).objects).toEqual([]);
  });

  it('turns the end-user variants into an HTTPRoute header match', () => {
    const [r] = routesOf('reviews-jason-v2-v3');
    const rules = (r?.spec as { rules: Array<Record<string, unknown>> }).rules;
    expect(rules[0]?.matches).toEqual([{ headers: [{ type: 'Exact', name: 'end-user', value: 'jason' }] }]);
    expect(backends(r)).toEqual([['reviews-v2'], ['reviews-v3']]);
    expect(routesOf('reviews-test-v2').map(backends)).toEqual([[['reviews-v2'], ['reviews-v1']]]);
  });

  it('mirrors with the RequestMirror filter', () => {
    expect(mirrorHttpRoute('reviews', 'v1', 'v2').spec).toEqual({
      parentRefs: [{ group: '', kind: 'Service', name: 'reviews', port: 9080 }],
      rules: [
        {
          filters: [
            { type: 'RequestMirror', requestMirror: { backendRef: { name: 'reviews-v2', port: 9080 } } }
          ],
          backendRefs: [{ name: 'reviews-v1', port: 9080 }]
        }
      ]
    });
  });

  it('builds custom weights and users, with the expectation of the VirtualService form', () => {
    const weights = planHttpRoutes(
      cfg({
        variant: 'custom-weights',
        weights: [
          { subset: 'v1', weight: 30 },
          { subset: 'v3', weight: 70 }
        ]
      }),
      ctx
    );
    expect(weights.objects.at(-1)).toEqual({
      ...weightedHttpRoute('reviews', [
        { subset: 'v1', weight: 30 },
        { subset: 'v3', weight: 70 }
      ]),
      metadata: expect.objectContaining({ name: 'reviews' })
    });
    expect(weights.expect).toEqual({ anonymous: { v1: 30, v3: 70 } });
    const user = planHttpRoutes(cfg({ variant: 'custom-user', user: 'ann', userVersion: 'v3' }), ctx);
    expect(user.objects.at(-1)?.spec).toEqual(
      userHttpRoute('reviews', 'ann', 'v3', [{ subset: 'v1', weight: 100 }]).spec
    );
    expect(user.expect).toEqual({ anonymous: { v1: 100 }, users: { ann: { v3: 100 } } });
  });

  it('gives every table variant a Gateway API form or a reason', () => {
    for (const v of VARIANTS) {
      const form = v.gatewayApi;
      if ('unsupported' in form)
        expect([v.name, form.alternative]).toEqual([v.name, expect.stringContaining('istio-gateway')]);
      else expect(planHttpRoutes(cfg({ variant: v.name }), ctx).expect).toEqual(v.expect);
    }
  });
});

describe('what has no Gateway API form', () => {
  it('refuses fault injection naming the alternative', () => {
    for (const variant of ['ratings-test-delay', 'ratings-test-abort']) {
      const [refusal] = gatewayApiRefusals({ variant });
      expect(refusal?.input).toBe('routing');
      expect(refusal?.problem).toContain('fault injection');
      expect(refusal?.problem).toContain('use ingress: istio-gateway');
      expect(() => planHttpRoutes(cfg({ variant }), ctx)).toThrow(InputError);
    }
  });

  it('refuses routing-file; mtls has a Gateway API form', () => {
    expect(gatewayApiRefusals({ variant: 'file' }).map((r) => r.input)).toEqual(['routing-file']);
    expect(gatewayApiRefusals({ variant: 'ratings-test-delay' }).map((r) => r.input)).toEqual(['routing']);
    expect(gatewayApiRefusals({ variant: 'reviews-50-v3' })).toEqual([]);
  });

  it('mtls: true adds the namespace-wide STRICT PeerAuthentication last, and no DestinationRule', () => {
    const plan = planHttpRoutes(cfg({ variant: 'reviews-v3', mtls: true }), ctx);
    const last = plan.objects.at(-1);
    expect(last).toMatchObject({
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { name: 'default', namespace: 'pr-1' },
      spec: { mtls: { mode: 'STRICT' } }
    });
    expect(plan.objects.some((o) => o.kind === 'DestinationRule')).toBe(false);
    expect(planHttpRoutes(cfg({ variant: 'reviews-v3' }), ctx).objects.map((o) => o.kind)).not.toContain(
      'PeerAuthentication'
    );
    // With no HTTPRoute (default load balancing) the policy is still applied.
    const none = planHttpRoutes(cfg({ variant: 'none', mtls: true }), ctx);
    expect(none.objects.map((o) => o.kind)).toEqual(['PeerAuthentication']);
    expect(none.describe).toContain('no HTTPRoute (default load balancing)');
  });

  it('reports a release without the files the variant needs', () => {
    expect(() => planHttpRoutes(cfg({ variant: 'reviews-v3' }), { ...ctx, samples: {} })).toThrow(
      'The Istio release has no samples/bookinfo/gateway-api/route-reviews-v3.yaml'
    );
    expect(() => planHttpRoutes(cfg({ variant: 'reviews-v2' }), { ...ctx, versions: undefined })).toThrow(
      ActionError
    );
  });
});

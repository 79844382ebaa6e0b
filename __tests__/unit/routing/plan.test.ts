import { describe, expect, it } from '@jest/globals';
import { ActionError, InputError } from '../../../src/errors.js';
import { routingConfig } from './config.js';
import { COMPONENT_LABEL, MANAGED_BY, MANAGED_BY_LABEL } from '../../../src/ownership.js';
import { refOf, refsNotIn, type ObjectRef } from '../../../src/kube/objects.js';
import {
  networkingApiVersion,
  planRouting,
  requiredSampleFiles,
  type PlanContext,
  type RoutingPlan
} from '../../../src/routing/plan.js';
import { sampleFiles } from './samples.js';

const V1 = 'networking.istio.io/v1';
/** What the routing step deletes: the previous run's objects that the new plan no longer has. */
const staleObjects = (previous: ObjectRef[], plan: RoutingPlan): ObjectRef[] =>
  refsNotIn(previous, plan.objects);
const V1A3 = 'networking.istio.io/v1alpha3';

function ctx(over: Partial<PlanContext> = {}): PlanContext {
  return {
    samples: sampleFiles(V1),
    apiVersion: V1,
    securityApiVersion: 'security.istio.io/v1',
    namespace: 'bookinfo',
    gatewayHosts: ['*'],
    labels: { [MANAGED_BY_LABEL]: MANAGED_BY },
    ...over
  };
}

const cfg = routingConfig;
const names = (objects: Array<{ kind: string; metadata: { name: string } }>): string[] =>
  objects.map((o) => `${o.kind}/${o.metadata.name}`);
const DRS = [
  'DestinationRule/productpage',
  'DestinationRule/reviews',
  'DestinationRule/ratings',
  'DestinationRule/details'
];

describe('planRouting: table variants', () => {
  it.each([
    ['none', []],
    [
      'all-v1',
      [
        ...DRS,
        'VirtualService/productpage',
        'VirtualService/reviews',
        'VirtualService/ratings',
        'VirtualService/details'
      ]
    ],
    ['reviews-v2', [...DRS, 'VirtualService/reviews']],
    ['reviews-v3', [...DRS, 'VirtualService/reviews']],
    ['reviews-test-v2', [...DRS, 'VirtualService/reviews']],
    ['reviews-jason-v2-v3', [...DRS, 'VirtualService/reviews']],
    ['reviews-50-v3', [...DRS, 'VirtualService/reviews']],
    ['reviews-80-20', [...DRS, 'VirtualService/reviews']],
    ['reviews-90-10', [...DRS, 'VirtualService/reviews']],
    ['ratings-test-delay', [...DRS, 'VirtualService/reviews', 'VirtualService/ratings']],
    ['ratings-test-abort', [...DRS, 'VirtualService/reviews', 'VirtualService/ratings']],
    ['mirror', [...DRS, 'VirtualService/reviews']]
  ])('%s → %j (destination rules first)', (variant, expected) => {
    const plan = planRouting(cfg(variant), ctx());
    expect(names(plan.objects)).toEqual(expected);
    for (const o of plan.objects) {
      expect(o.metadata.namespace).toBe('bookinfo');
      expect(o.metadata.labels).toMatchObject({
        [MANAGED_BY_LABEL]: MANAGED_BY,
        [COMPONENT_LABEL]: 'routing'
      });
      expect(o.metadata.annotations?.['ask-istio.dev/routing-variant']).toBe(variant);
    }
    expect(plan.describe[0]).toContain(variant);
  });

  it('reads exactly the sample files it needs', () => {
    expect(requiredSampleFiles(cfg('none'))).toEqual([]);
    expect(requiredSampleFiles(cfg('none', { mtls: true }))).toEqual(['destination-rule-all-mtls.yaml']);
    expect(requiredSampleFiles(cfg('ratings-test-abort'))).toEqual([
      'destination-rule-all.yaml',
      'virtual-service-reviews-test-v2.yaml',
      'virtual-service-ratings-test-abort.yaml'
    ]);
    expect(requiredSampleFiles(cfg('custom-weights'))).toEqual(['destination-rule-all.yaml']);
  });

  it('the routes themselves come from the samples', () => {
    const plan = planRouting(cfg('reviews-80-20'), ctx());
    expect(plan.objects.at(-1)?.spec).toEqual({
      hosts: ['reviews'],
      http: [
        {
          route: [
            { destination: { host: 'reviews', subset: 'v1' }, weight: 80 },
            { destination: { host: 'reviews', subset: 'v2' }, weight: 20 }
          ]
        }
      ]
    });
    expect(plan.expect).toEqual({ anonymous: { v1: 80, v2: 20 } });
  });

  it('uses the mTLS destination rules when mtls is on', () => {
    const plan = planRouting(cfg('reviews-v3', { mtls: true }), ctx());
    expect(plan.objects[0]?.spec).toMatchObject({ trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } });
    const plain = planRouting(cfg('reviews-v3'), ctx());
    expect(plain.objects[0]?.spec).not.toHaveProperty('trafficPolicy');
  });

  // [R3] item 5: mtls: true only swapped the destination rules, which leaves the namespace PERMISSIVE.
  it('mtls: true makes the namespace STRICT with a PeerAuthentication, applied last', () => {
    for (const variant of ['none', 'reviews-v3', 'custom-weights']) {
      const plan = planRouting(
        cfg(variant, { mtls: true, weights: [{ subset: 'v1', weight: 100 }] }),
        ctx({ securityApiVersion: 'security.istio.io/v1beta1' })
      );
      const last = plan.objects.at(-1);
      expect(last).toMatchObject({
        apiVersion: 'security.istio.io/v1beta1',
        kind: 'PeerAuthentication',
        metadata: {
          name: 'default',
          namespace: 'bookinfo',
          labels: { [COMPONENT_LABEL]: 'routing', [MANAGED_BY_LABEL]: MANAGED_BY }
        },
        spec: { mtls: { mode: 'STRICT' } }
      });
      expect(last?.spec).not.toHaveProperty('selector');
      expect(plan.describe).toContain('security.istio.io/v1beta1 PeerAuthentication bookinfo/default');
    }
    expect(planRouting(cfg('reviews-v3'), ctx()).objects.map((o) => o.kind)).not.toContain(
      'PeerAuthentication'
    );
  });

  it('mtls back to false makes the PeerAuthentication stale (it is deleted)', () => {
    const plan = planRouting(cfg('reviews-v3'), ctx());
    const pa = {
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      namespace: 'bookinfo',
      name: 'default'
    };
    expect(staleObjects([pa], plan)).toEqual([pa]);
    expect(staleObjects([pa], planRouting(cfg('reviews-v3', { mtls: true }), ctx()))).toEqual([]);
  });

  it.each([
    ['1.13.3', V1A3],
    ['1.21.6', V1A3],
    ['1.22.0', V1],
    ['1.30.3', V1],
    ['v1.31.0-rc.0', V1],
    ['2.0.0', V1]
  ])('Istio %s serves %s', (version, apiVersion) => {
    expect(networkingApiVersion(version)).toBe(apiVersion);
  });

  it('writes every object with the served apiVersion, whatever the samples use', () => {
    // 1.13 samples are v1alpha3; the generated ones follow ctx.apiVersion; all must agree.
    const old = planRouting(cfg('mirror'), ctx({ samples: sampleFiles(V1A3), apiVersion: V1A3 }));
    expect(new Set(old.objects.map((o) => o.apiVersion))).toEqual(new Set([V1A3]));
    const mixed = planRouting(cfg('reviews-test-v2'), ctx({ samples: sampleFiles(V1A3), apiVersion: V1 }));
    expect(new Set(mixed.objects.map((o) => o.apiVersion))).toEqual(new Set([V1]));
  });

  it('names the missing sample file and does not guess', () => {
    const samples = sampleFiles(V1);
    delete samples['virtual-service-reviews-90-10.yaml'];
    expect(() => planRouting(cfg('reviews-90-10'), ctx({ samples }))).toThrow(
      /no samples\/bookinfo\/networking\/virtual-service-reviews-90-10\.yaml/
    );
  });

  it('a variant outside the table is a bug, not an input problem (the parser admits only table names)', () => {
    expect(() => planRouting(cfg('reviews-50-v4'), ctx())).toThrow(/not in the table/);
  });
});

describe('planRouting: custom routes', () => {
  it('generates a weighted VS from routing-weights', () => {
    const weights = [
      { subset: 'v1', weight: 70 },
      { subset: 'v2', weight: 20 },
      { subset: 'v3', weight: 10 }
    ];
    const plan = planRouting(cfg('custom-weights', { weights }), ctx());
    expect(names(plan.objects)).toEqual([...DRS, 'VirtualService/reviews']);
    expect(plan.objects.at(-1)?.spec).toEqual({
      hosts: ['reviews'],
      http: [
        {
          route: [
            { destination: { host: 'reviews', subset: 'v1' }, weight: 70 },
            { destination: { host: 'reviews', subset: 'v2' }, weight: 20 },
            { destination: { host: 'reviews', subset: 'v3' }, weight: 10 }
          ]
        }
      ]
    });
    expect(plan.expect).toEqual({ anonymous: { v1: 70, v2: 20, v3: 10 } });
  });

  it('routes another service with routing-service and does not predict the page', () => {
    const plan = planRouting(
      cfg('custom-weights', { service: 'details', weights: [{ subset: 'v1', weight: 100 }] }),
      ctx()
    );
    expect(plan.objects.at(-1)?.metadata.name).toBe('details');
    expect(plan.objects.at(-1)?.spec).toEqual({
      hosts: ['details'],
      http: [{ route: [{ destination: { host: 'details', subset: 'v1' } }] }]
    });
    // Nothing routes reviews, so the page still round-robins over v1–v3.
    expect(plan.expect?.anonymous.v1).toBeCloseTo(100 / 3);
  });

  it('generates a per-user route: the user to one version, everyone else by weights (default v1)', () => {
    const plan = planRouting(cfg('custom-user', { user: 'alice', userVersion: 'v3' }), ctx());
    expect(plan.objects.at(-1)?.spec).toEqual({
      hosts: ['reviews'],
      http: [
        {
          match: [{ headers: { 'end-user': { exact: 'alice' } } }],
          route: [{ destination: { host: 'reviews', subset: 'v3' } }]
        },
        { route: [{ destination: { host: 'reviews', subset: 'v1' } }] }
      ]
    });
    expect(plan.expect).toEqual({ anonymous: { v1: 100 }, users: { alice: { v3: 100 } } });
    const split = planRouting(
      cfg('custom-user', {
        user: 'alice',
        userVersion: 'v3',
        weights: [
          { subset: 'v1', weight: 50 },
          { subset: 'v2', weight: 50 }
        ]
      }),
      ctx()
    );
    expect(split.expect).toEqual({ anonymous: { v1: 50, v2: 50 }, users: { alice: { v3: 100 } } });
  });

  it('rejects a subset the destination rules do not define', () => {
    expect(() =>
      planRouting(
        cfg('custom-weights', {
          weights: [
            { subset: 'v1', weight: 50 },
            { subset: 'v4', weight: 50 }
          ]
        }),
        ctx()
      )
    ).toThrow(ActionError);
    try {
      planRouting(cfg('custom-user', { user: 'jason', userVersion: 'v9' }), ctx());
    } catch (e) {
      expect((e as ActionError).describe()).toContain(
        'routes to subset v9 of reviews, but its DestinationRule only defines v1, v2, v3'
      );
    }
    expect.assertions(2);
  });
});

describe('planRouting: routing-file', () => {
  const file = (content: string): PlanContext => ctx({ userFile: { path: 'routes.yaml', content } });
  const reviewsVs = `apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v2}
      weight: 25
    - destination: {host: reviews.bookinfo.svc.cluster.local, subset: v3}
      weight: 75
`;

  it('adds the release destination rules for subsets the file uses, before its routes', () => {
    const plan = planRouting(cfg('file'), file(reviewsVs));
    expect(names(plan.objects)).toEqual([...DRS, 'VirtualService/reviews']);
    expect(plan.objects.every((o) => o.apiVersion === V1)).toBe(true);
    expect(plan.expect).toEqual({ anonymous: { v2: 25, v3: 75 } });
    expect(plan.describe[0]).toContain('routes.yaml');
  });

  it("keeps the file's own rule for a host instead of the release's", () => {
    const own = `apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: {name: reviews-own}
spec:
  host: reviews
  subsets:
  - {name: v2, labels: {version: v2}}
  - {name: v3, labels: {version: v3}}
---
${reviewsVs}`;
    const plan = planRouting(cfg('file'), file(own));
    expect(names(plan.objects)).toEqual([
      'DestinationRule/productpage',
      'DestinationRule/ratings',
      'DestinationRule/details',
      'DestinationRule/reviews-own',
      'VirtualService/reviews'
    ]);
  });

  it('reports every problem in the file at once', () => {
    const bad = `apiVersion: v1
kind: ConfigMap
metadata: {name: x}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: default}
spec: {hosts: [reviews], http: [{route: [{destination: {host: reviews, subset: v1}}]}]}
`;
    try {
      planRouting(cfg('file'), file(bad));
      throw new Error('expected a failure');
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      const text = (e as InputError).describe();
      expect(text).toContain('v1 ConfigMap x is not allowed');
      expect(text).toContain('names namespace "default", but Bookinfo runs in "bookinfo"');
    }
  });

  it('rejects weights that do not add up and duplicate objects', () => {
    const twice = `${reviewsVs.replace('weight: 75', 'weight: 70')}---\n${reviewsVs}`;
    try {
      planRouting(cfg('file'), file(twice));
      throw new Error('expected a failure');
    } catch (e) {
      const text = (e as ActionError).describe();
      expect(text).toContain('destination weights add up to 95, not 100');
      expect(text).toContain('VirtualService bookinfo/reviews is defined twice');
    }
  });

  it('reports YAML syntax errors with the file name', () => {
    expect(() => planRouting(cfg('file'), file('kind: [unclosed'))).toThrow(/routes\.yaml is not valid YAML/);
  });

  it('narrows a wildcard gateway route to the preview host, leaves explicit hosts alone', () => {
    const gw = (hosts: string): string => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: bookinfo}
spec:
  hosts: ${hosts}
  gateways: [bookinfo-gateway]
  http: [{route: [{destination: {host: productpage, port: {number: 9080}}}]}]
`;
    const preview = ctx({
      gatewayHosts: ['pr-7.example.test'],
      userFile: { path: 'gw.yaml', content: gw("['*']") }
    });
    expect(planRouting(cfg('file'), preview).objects.at(-1)?.spec).toMatchObject({
      hosts: ['pr-7.example.test']
    });
    const explicit = { ...preview, userFile: { path: 'gw.yaml', content: gw('[shop.example.test]') } };
    expect(planRouting(cfg('file'), explicit).objects.at(-1)?.spec).toMatchObject({
      hosts: ['shop.example.test']
    });
    // No subsets referenced and no mTLS: no destination rules are added.
    expect(planRouting(cfg('file'), explicit).objects).toHaveLength(1);
  });
});

describe('stale routing objects (refsNotIn)', () => {
  it('deletes what the previous variant had and the new one does not', () => {
    const previous = planRouting(
      cfg('ratings-test-delay'),
      ctx({ samples: sampleFiles(V1A3), apiVersion: V1A3 })
    ).objects.map(refOf);
    const next = planRouting(cfg('reviews-v3'), ctx());
    // Same objects under another served version are not stale; the ratings VS is.
    expect(staleObjects(previous, next)).toEqual([
      { apiVersion: V1A3, kind: 'VirtualService', namespace: 'bookinfo', name: 'ratings' }
    ]);
    expect(staleObjects(previous, planRouting(cfg('none'), ctx())).map((r) => `${r.kind}/${r.name}`)).toEqual(
      [...DRS, 'VirtualService/reviews', 'VirtualService/ratings']
    );
    expect(staleObjects([], next)).toEqual([]);
  });

  it('treats another namespace as a different object', () => {
    const next = planRouting(cfg('reviews-v3'), ctx());
    const elsewhere = { apiVersion: V1, kind: 'VirtualService', namespace: 'other', name: 'reviews' };
    expect(staleObjects([elsewhere], next)).toEqual([elsewhere]);
  });
});

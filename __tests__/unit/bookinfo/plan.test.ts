import { describe, expect, it } from '@jest/globals';
import { deploymentNames, planBookinfo, planGateway, planNamespace } from '../../../src/bookinfo/plan.js';
import {
  COMPONENT_LABEL,
  CREATED_AT_ANNOTATION,
  MANAGED_BY,
  MANAGED_BY_LABEL,
  PREVIEW_LABEL,
  ownership
} from '../../../src/ownership.js';

const OWN = ownership('pr-42', { repository: 'acme/shop', now: new Date('2024-05-01T10:00:00Z') });

// An excerpt of samples/bookinfo/platform/kube/bookinfo.yaml as Istio releases ship it.
const BOOKINFO = `# Copyright Istio Authors
##################################################################################################
# Details service
##################################################################################################
apiVersion: v1
kind: Service
metadata:
  name: details
  labels:
    app: details
    service: details
spec:
  ports:
  - port: 9080
    name: http
  selector:
    app: details
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: bookinfo-details
  labels:
    account: details
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: details-v1
  labels:
    app: details
    version: v1
spec:
  replicas: 1
  selector:
    matchLabels:
      app: details
      version: v1
  template:
    metadata:
      labels:
        app: details
        version: v1
    spec:
      serviceAccountName: bookinfo-details
      containers:
      - name: details
        image: docker.io/istio/examples-bookinfo-details-v1:1.16.2
        imagePullPolicy: IfNotPresent
        ports:
        - containerPort: 9080
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: reviews-v2
  labels:
    app: reviews
    version: v2
spec:
  replicas: 1
  selector:
    matchLabels:
      app: reviews
      version: v2
  template:
    metadata:
      labels:
        app: reviews
        version: v2
      annotations:
        prometheus.io/scrape: "true"
    spec:
      serviceAccountName: bookinfo-reviews
      containers:
      - name: reviews
        image: docker.io/istio/examples-bookinfo-reviews-v2:1.16.2
        env:
        - name: LOG_DIR
          value: "/tmp/logs"
---
`;

// samples/bookinfo/networking/bookinfo-gateway.yaml (networking.istio.io/v1alpha3 in 1.13).
const GATEWAY = `apiVersion: networking.istio.io/v1alpha3
kind: Gateway
metadata:
  name: bookinfo-gateway
spec:
  selector:
    istio: ingressgateway # use istio default controller
  servers:
  - port:
      number: 80
      name: http
      protocol: HTTP
    hosts:
    - "*"
---
apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata:
  name: bookinfo
spec:
  hosts:
  - "*"
  gateways:
  - bookinfo-gateway
  http:
  - match:
    - uri:
        exact: /productpage
    route:
    - destination:
        host: productpage
        port:
          number: 9080
`;

describe('planNamespace', () => {
  it('enables sidecar injection by label when there is no revision', () => {
    const ns = planNamespace({ name: 'bookinfo-pr-42', ownership: OWN });
    expect(ns).toMatchObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bookinfo-pr-42' } });
    expect(ns.metadata.labels).toEqual({
      [MANAGED_BY_LABEL]: MANAGED_BY,
      [PREVIEW_LABEL]: 'pr-42',
      'istio-injection': 'enabled'
    });
    expect(ns.metadata.annotations?.[CREATED_AT_ANNOTATION]).toBe('2024-05-01T10:00:00.000Z');
  });

  it('uses istio.io/rev (and not istio-injection, which would win over it) for a revision', () => {
    const ns = planNamespace({ name: 'bookinfo', revision: '1-13-3', ownership: OWN });
    expect(ns.metadata.labels?.['istio.io/rev']).toBe('1-13-3');
    expect(ns.metadata.labels).not.toHaveProperty('istio-injection');
  });

  it('keeps the live created-at so a re-run does not reset the prune clock', () => {
    const ns = planNamespace({
      name: 'bookinfo',
      ownership: OWN,
      existingCreatedAt: '2024-04-01T00:00:00.000Z'
    });
    expect(ns.metadata.annotations?.[CREATED_AT_ANNOTATION]).toBe('2024-04-01T00:00:00.000Z');
    expect(ns.metadata.annotations?.['ask-istio.dev/repository']).toBe('acme/shop');
    // The ownership model passed in is not modified.
    expect(OWN.annotations[CREATED_AT_ANNOTATION]).toBe('2024-05-01T10:00:00.000Z');
  });
});

describe('planBookinfo', () => {
  const objects = planBookinfo(BOOKINFO, { namespace: 'bookinfo-pr-42', ownership: OWN, podAnnotations: {} });

  it('puts every object into the target namespace with ownership and component labels', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Service/details',
      'ServiceAccount/bookinfo-details',
      'Deployment/details-v1',
      'Deployment/reviews-v2'
    ]);
    for (const o of objects) {
      expect(o.metadata.namespace).toBe('bookinfo-pr-42');
      expect(o.metadata.labels).toMatchObject({
        [MANAGED_BY_LABEL]: MANAGED_BY,
        [PREVIEW_LABEL]: 'pr-42',
        [COMPONENT_LABEL]: 'bookinfo'
      });
    }
    // The sample's own labels stay (Services select on app, the routing subsets on version).
    expect(objects[0]?.metadata.labels).toMatchObject({ app: 'details', service: 'details' });
    expect(objects[2]?.metadata.labels).toMatchObject({ app: 'details', version: 'v1' });
  });

  it('lists the Deployments to wait for', () => {
    expect(deploymentNames(objects)).toEqual(['details-v1', 'reviews-v2']);
  });

  it('adds pod annotations to Deployment templates, merged with the sample ones', () => {
    const annotated = planBookinfo(BOOKINFO, {
      namespace: 'bookinfo',
      ownership: OWN,
      podAnnotations: { 'k8s.aliyun.com/eci-use-specs': '2-4Gi' }
    });
    const tmpl = (name: string) =>
      (
        annotated.find((o) => o.metadata.name === name)?.spec as {
          template: { metadata: { annotations?: Record<string, string> } };
        }
      ).template.metadata.annotations;
    expect(tmpl('details-v1')).toEqual({ 'k8s.aliyun.com/eci-use-specs': '2-4Gi' });
    expect(tmpl('reviews-v2')).toEqual({
      'prometheus.io/scrape': 'true',
      'k8s.aliyun.com/eci-use-specs': '2-4Gi'
    });
    // Services and the object metadata itself get no pod annotations.
    expect(annotated[0]?.metadata.annotations).toBeUndefined();
  });

  it('leaves pod templates untouched without pod annotations', () => {
    const details = objects.find((o) => o.metadata.name === 'details-v1');
    expect((details?.spec as { template: { metadata: object } }).template.metadata).toEqual({
      labels: { app: 'details', version: 'v1' }
    });
  });
});

describe('planGateway', () => {
  it('replaces the catch-all hosts with the preview hosts on both objects', () => {
    const hosts = ['pr-42.bookinfo.example.com'];
    const objs = planGateway(GATEWAY, { namespace: 'bookinfo-pr-42', ownership: OWN, hosts });
    expect(objs.map((o) => o.kind)).toEqual(['Gateway', 'VirtualService']);
    const [gw, vs] = objs;
    expect((gw?.spec as { servers: Array<{ hosts: string[] }> }).servers[0]?.hosts).toEqual(hosts);
    expect((vs?.spec as { hosts: string[]; gateways: string[] }).hosts).toEqual(hosts);
    expect((vs?.spec as { gateways: string[] }).gateways).toEqual(['bookinfo-gateway']);
    for (const o of objs) {
      expect(o.metadata.namespace).toBe('bookinfo-pr-42');
      expect(o.metadata.labels?.[COMPONENT_LABEL]).toBe('gateway');
    }
    // The objects do not share the caller's array.
    hosts.push('other');
    expect((vs?.spec as { hosts: string[] }).hosts).toEqual(['pr-42.bookinfo.example.com']);
  });

  it('keeps "*" when asked for it', () => {
    const [gw] = planGateway(GATEWAY, { namespace: 'bookinfo', ownership: OWN, hosts: ['*'] });
    expect((gw?.spec as { servers: Array<{ hosts: string[] }> }).servers[0]?.hosts).toEqual(['*']);
  });
});

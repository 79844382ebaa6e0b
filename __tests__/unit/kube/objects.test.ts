import { describe, expect, test } from '@jest/globals';
import { ActionError } from '../../../src/errors.js';
import {
  describeRef,
  diffPaths,
  parseManifests,
  refOf,
  sameIntent,
  withApplyDefaults,
  withOwnership,
  type KubeObject
} from '../../../src/kube/objects.js';

const deployment: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'productpage-v1', namespace: 'bookinfo', labels: { app: 'productpage' } },
  spec: {
    replicas: 1,
    template: {
      spec: {
        containers: [
          { name: 'productpage', image: 'docker.io/istio/examples-bookinfo-productpage-v1:1.17.0' }
        ]
      }
    }
  }
};

describe('refOf / describeRef', () => {
  test.each([
    [deployment, 'Deployment bookinfo/productpage-v1'],
    [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bookinfo' } }, 'Namespace bookinfo']
  ])('%#: %s', (obj, text) => {
    const ref = refOf(obj as KubeObject);
    expect(describeRef(ref)).toBe(text);
    expect(ref).toEqual(
      obj.metadata.namespace
        ? {
            apiVersion: obj.apiVersion,
            kind: obj.kind,
            name: obj.metadata.name,
            namespace: obj.metadata.namespace
          }
        : { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name }
    );
  });
});

describe('parseManifests', () => {
  test('multi-document YAML with empty documents and a List', () => {
    const text = `
# leading comment
---
apiVersion: v1
kind: Service
metadata:
  name: details
  labels: {app: details}
spec:
  ports: [{port: 9080, name: http}]
---
---
# only a comment
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ServiceAccount
  metadata: {name: bookinfo-details}
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: details-v1}
`;
    const objs = parseManifests(text);
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Service/details',
      'ServiceAccount/bookinfo-details',
      'Deployment/details-v1'
    ]);
  });

  test('JSON is YAML too', () => {
    expect(parseManifests(JSON.stringify(deployment))).toEqual([deployment]);
  });

  test('reports every invalid object with its position', () => {
    const text =
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n---\nkind: Secret\nmetadata: {name: s}\n---\n- a\n- b\n';
    let err: unknown;
    try {
      parseManifests(text, 'routing file');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ActionError);
    const text2 = (err as ActionError).describe();
    expect(text2).toContain('routing file has 3 invalid objects');
    expect(text2).toContain('document 1: missing metadata.name (kind ConfigMap)');
    expect(text2).toContain('document 2: missing apiVersion (kind Secret)');
    expect(text2).toContain('document 3: expected a mapping with apiVersion/kind/metadata, got a list');
  });

  test('syntax errors become an ActionError naming the source', () => {
    expect(() => parseManifests('a: [1, 2\nb: c', 'bookinfo.yaml')).toThrow(
      /bookinfo.yaml is not valid YAML/
    );
  });

  test('empty input yields no objects', () => {
    expect(parseManifests('')).toEqual([]);
    expect(parseManifests('---\n---\n')).toEqual([]);
  });
});

describe('withOwnership', () => {
  test('merges labels/annotations over the object and leaves the input alone', () => {
    const before = structuredClone(deployment);
    const owned = withOwnership(
      deployment,
      { 'app.kubernetes.io/managed-by': 'ask-istio-action', app: 'overridden' },
      { 'ask-istio.dev/run': '42' }
    );
    expect(owned.metadata.labels).toEqual({
      app: 'overridden',
      'app.kubernetes.io/managed-by': 'ask-istio-action'
    });
    expect(owned.metadata.annotations).toEqual({ 'ask-istio.dev/run': '42' });
    expect(deployment).toEqual(before);
  });

  test('no labels → no empty maps added', () => {
    const owned = withOwnership({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }, {});
    expect(owned.metadata).toEqual({ name: 'x' });
  });
});

describe('sameIntent', () => {
  const live: KubeObject = {
    ...structuredClone(deployment),
    metadata: {
      ...deployment.metadata,
      uid: 'u-1',
      resourceVersion: '100',
      generation: 3,
      creationTimestamp: '2024-01-01T00:00:00Z',
      managedFields: [
        {
          manager: 'ask-istio-action',
          operation: 'Apply',
          apiVersion: 'apps/v1',
          time: '2024-01-01T00:00:00Z',
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:spec': {} }
        }
      ]
    },
    status: { replicas: 1, availableReplicas: 0 }
  };

  test('ignores resourceVersion, generation, timestamps, status and managedFields times', () => {
    const dry = structuredClone(live);
    dry.metadata.resourceVersion = '101';
    dry.metadata.generation = 4;
    dry.metadata.managedFields![0]!.time = '2025-06-01T00:00:00Z';
    dry.status = { replicas: 1, availableReplicas: 1 };
    expect(sameIntent(dry, live)).toBe(true);
    expect(diffPaths(dry, live)).toEqual([]);
  });

  test('a changed spec field is a difference, and diffPaths names it', () => {
    const dry = structuredClone(live);
    (dry.spec as { replicas: number }).replicas = 2;
    expect(sameIntent(dry, live)).toBe(false);
    expect(diffPaths(dry, live)).toEqual(['spec.replicas']);
  });

  test('a change of field ownership is a difference; with a field manager only its own entries count', () => {
    const dry = structuredClone(live);
    dry.metadata.managedFields!.push({
      manager: 'kube-controller-manager',
      operation: 'Update',
      fieldsV1: { 'f:status': {} }
    });
    expect(sameIntent(dry, live)).toBe(false);
    expect(sameIntent(dry, live, 'ask-istio-action')).toBe(true);
    dry.metadata.managedFields![0]!.fieldsV1 = { 'f:spec': { 'f:replicas': {} } };
    expect(sameIntent(dry, live, 'ask-istio-action')).toBe(false);
    expect(diffPaths(dry, live, 10, 'ask-istio-action')).toEqual([
      'metadata.managedFields[0].fieldsV1.f:spec.f:replicas'
    ]);
  });

  test('a removed label is a difference; key order is not', () => {
    const dry = structuredClone(live);
    dry.metadata.labels = {};
    expect(sameIntent(dry, live)).toBe(false);
    const reordered: KubeObject = {
      status: live.status,
      spec: live.spec,
      metadata: live.metadata,
      kind: live.kind,
      apiVersion: live.apiVersion
    };
    expect(sameIntent(reordered, live)).toBe(true);
  });
});

describe('withApplyDefaults (1.20 SSA needs list-map keys present)', () => {
  test('Service ports and container ports get protocol TCP; explicit values stay', () => {
    const svc: KubeObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'details' },
      spec: {
        ports: [
          { port: 9080, name: 'http' },
          { port: 53, protocol: 'UDP' }
        ]
      }
    };
    expect((withApplyDefaults(svc).spec as { ports: unknown[] }).ports).toEqual([
      { port: 9080, name: 'http', protocol: 'TCP' },
      { port: 53, protocol: 'UDP' }
    ]);
    expect((svc.spec as { ports: Array<{ protocol?: string }> }).ports[0]!.protocol).toBeUndefined();
  });

  test.each([
    [
      'Deployment',
      {
        template: {
          spec: {
            containers: [{ name: 'c', ports: [{ containerPort: 9080 }] }],
            initContainers: [{ name: 'i', ports: [{ containerPort: 1 }] }]
          }
        }
      }
    ],
    [
      'Pod',
      {
        containers: [{ name: 'c', ports: [{ containerPort: 9080 }] }],
        initContainers: [{ name: 'i', ports: [{ containerPort: 1 }] }]
      }
    ],
    [
      'CronJob',
      {
        jobTemplate: {
          spec: {
            template: {
              spec: {
                containers: [{ name: 'c', ports: [{ containerPort: 9080 }] }],
                initContainers: [{ name: 'i', ports: [{ containerPort: 1 }] }]
              }
            }
          }
        }
      }
    ]
  ])('%s container ports', (kind, spec) => {
    const out = JSON.stringify(
      withApplyDefaults({ apiVersion: 'x/v1', kind, metadata: { name: 'n' }, spec })
    );
    expect(out.match(/"protocol":"TCP"/g)).toHaveLength(2);
  });

  test('objects without ports are returned equal', () => {
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } };
    expect(withApplyDefaults(cm)).toEqual(cm);
  });
});

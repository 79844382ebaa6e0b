// samples/addons/{kiali,prometheus,grafana,jaeger}.yaml: the objects the real files create in
// istio-system (names, labels, ports, images), without the large dashboards/config payloads.
import type { Manifest, ManifestMeta } from './bookinfo.js';
import type { ReleaseModel } from './version.js';

const NS = 'istio-system';

interface AddonSpec {
  name: string;
  labels: Record<string, string>;
  containers: Record<string, unknown>[];
  podAnnotations?: Record<string, string>;
  /** Services: name → ports. */
  services: Record<string, Record<string, unknown>[]>;
  extra: Manifest[];
  /** jaeger.yaml has no ServiceAccount; its pods run as `default`. */
  serviceAccount: boolean;
}

function addonObjects(a: AddonSpec): Manifest[] {
  const meta = (name: string): ManifestMeta => ({ name, namespace: NS, labels: a.labels });
  const out: Manifest[] = [];
  if (a.serviceAccount) out.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(a.name) });
  out.push(...a.extra);
  for (const [svc, ports] of Object.entries(a.services)) {
    out.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(svc),
      spec: { ports, selector: { app: a.name } }
    });
  }
  const template: Record<string, unknown> = { labels: { app: a.name, 'sidecar.istio.io/inject': 'false' } };
  if (a.podAnnotations) template.annotations = a.podAnnotations;
  out.push({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(a.name),
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: a.name } },
      template: {
        metadata: template,
        spec: a.serviceAccount
          ? { serviceAccountName: a.name, containers: a.containers }
          : { containers: a.containers }
      }
    }
  });
  return out;
}

function configMap(name: string, labels: Record<string, string>, data: Record<string, string>): Manifest {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS, labels }, data };
}

function clusterRbac(name: string, labels: Record<string, string>, rules: unknown[]): Manifest[] {
  return [
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name, labels }, rules },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace: NS }]
    }
  ];
}

const READ_ALL = [{ apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'watch'] }];

export function addons(m: ReleaseModel): Record<string, Manifest[]> {
  const kialiLabels = {
    app: 'kiali',
    'app.kubernetes.io/name': 'kiali',
    'app.kubernetes.io/instance': 'kiali'
  };
  const promLabels = { app: 'prometheus', component: 'server', release: 'prometheus' };
  const grafanaLabels = {
    app: 'grafana',
    'app.kubernetes.io/name': 'grafana',
    'app.kubernetes.io/instance': 'grafana'
  };
  return {
    kiali: addonObjects({
      name: 'kiali',
      serviceAccount: true,
      labels: kialiLabels,
      extra: [
        configMap('kiali', kialiLabels, {
          'config.yaml': 'auth:\n  strategy: anonymous\nserver:\n  port: 20001\n  web_root: /kiali\n'
        }),
        ...clusterRbac('kiali', kialiLabels, READ_ALL)
      ],
      podAnnotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090' },
      containers: [
        {
          name: 'kiali',
          image: m.addonImages.kiali,
          ports: [
            { name: 'api-port', containerPort: 20001 },
            { name: 'http-metrics', containerPort: 9090 }
          ],
          readinessProbe: { httpGet: { path: '/kiali/healthz', port: 'api-port', scheme: 'HTTP' } }
        }
      ],
      services: {
        kiali: [
          { name: 'http', appProtocol: 'http', protocol: 'TCP', port: 20001 },
          { name: 'http-metrics', appProtocol: 'http', protocol: 'TCP', port: 9090 }
        ]
      }
    }),
    prometheus: addonObjects({
      name: 'prometheus',
      serviceAccount: true,
      labels: promLabels,
      extra: [
        configMap('prometheus', promLabels, { 'prometheus.yml': 'global:\n  scrape_interval: 15s\n' }),
        ...clusterRbac('prometheus', promLabels, READ_ALL)
      ],
      containers: [
        { name: 'prometheus-server-configmap-reload', image: m.addonImages.configReloader },
        { name: 'prometheus-server', image: m.addonImages.prometheus, ports: [{ containerPort: 9090 }] }
      ],
      services: { prometheus: [{ name: 'http', port: 9090, protocol: 'TCP', targetPort: 9090 }] }
    }),
    grafana: addonObjects({
      name: 'grafana',
      serviceAccount: true,
      labels: grafanaLabels,
      extra: [
        configMap('grafana', grafanaLabels, { 'grafana.ini': '[analytics]\ncheck_for_updates = true\n' })
      ],
      containers: [
        {
          name: 'grafana',
          image: m.addonImages.grafana,
          ports: [{ name: 'grafana', containerPort: 3000, protocol: 'TCP' }]
        }
      ],
      services: { grafana: [{ name: 'service', port: 3000, protocol: 'TCP', targetPort: 3000 }] }
    }),
    jaeger: addonObjects({
      name: 'jaeger',
      serviceAccount: false,
      labels: { app: 'jaeger' },
      extra: [],
      containers: [{ name: 'jaeger', image: m.addonImages.jaeger }],
      services: {
        tracing: [
          { name: 'http-query', port: 80, protocol: 'TCP', targetPort: 16686 },
          { name: 'grpc-query', port: 16685, protocol: 'TCP', targetPort: 16685 }
        ],
        zipkin: [{ port: 9411, targetPort: 9411, name: 'http-query' }],
        'jaeger-collector': [
          { name: 'jaeger-collector-http', port: 14268, targetPort: 14268, protocol: 'TCP' },
          { name: 'jaeger-collector-grpc', port: 14250, targetPort: 14250, protocol: 'TCP' },
          { port: 9411, targetPort: 9411, name: 'http-zipkin' }
        ]
      }
    })
  };
}

// samples/bookinfo/ generated from a release model: platform/kube/bookinfo.yaml and the
// networking/*.yaml files the action's routing variants use. Names, labels, ports, images and
// apiVersions follow the real release trees; only comments and unused sample files are left out.
import type { ReleaseModel } from './version.js';

export interface ManifestMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
export type Manifest = Record<string, unknown> & { apiVersion: string; kind: string; metadata: ManifestMeta };

const SERVICES = ['details', 'ratings', 'reviews', 'productpage'] as const;
const DEPLOYMENTS: [svc: string, version: string][] = [
  ['details', 'v1'],
  ['ratings', 'v1'],
  ['reviews', 'v1'],
  ['reviews', 'v2'],
  ['reviews', 'v3'],
  ['productpage', 'v1']
];

function bookinfoService(svc: string): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: svc, labels: { app: svc, service: svc } },
    spec: { ports: [{ port: 9080, name: 'http' }], selector: { app: svc } }
  };
}

function serviceAccount(svc: string): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: `bookinfo-${svc}`, labels: { account: svc } }
  };
}

function deployment(m: ReleaseModel, svc: string, version: string): Manifest {
  const labels = { app: svc, version };
  const container: Record<string, unknown> = {
    name: svc,
    image: m.bookinfoImage(svc, version),
    imagePullPolicy: 'IfNotPresent'
  };
  const volumes: Record<string, unknown>[] = [];
  if (svc === 'reviews') {
    container.env = [{ name: 'LOG_DIR', value: '/tmp/logs' }];
  }
  container.ports = [{ containerPort: 9080 }];
  if (svc === 'reviews') {
    container.volumeMounts = [
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'wlp-output', mountPath: '/opt/ibm/wlp/output' }
    ];
    volumes.push({ name: 'wlp-output', emptyDir: {} }, { name: 'tmp', emptyDir: {} });
  } else if (svc === 'productpage') {
    container.volumeMounts = [{ name: 'tmp', mountPath: '/tmp' }];
    volumes.push({ name: 'tmp', emptyDir: {} });
  }
  if (m.bookinfoRunAsUser) container.securityContext = { runAsUser: 1000 };
  const podMeta: Record<string, unknown> = { labels };
  if (svc === 'productpage' && m.bookinfoPrometheusAnnotations) {
    podMeta.annotations = {
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '9080',
      'prometheus.io/path': '/metrics'
    };
  }
  const podSpec: Record<string, unknown> = { serviceAccountName: `bookinfo-${svc}`, containers: [container] };
  if (volumes.length > 0) podSpec.volumes = volumes;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `${svc}-${version}`, labels },
    spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: podMeta, spec: podSpec } }
  };
}

/** platform/kube/bookinfo.yaml, in file order (per service: Service, ServiceAccount, Deployments). */
export function bookinfoApp(m: ReleaseModel): Manifest[] {
  const out: Manifest[] = [];
  for (const svc of SERVICES) {
    out.push(bookinfoService(svc), serviceAccount(svc));
    for (const [s, v] of DEPLOYMENTS) if (s === svc) out.push(deployment(m, s, v));
  }
  return out;
}

// --- networking ---------------------------------------------------------------------------------

type Subsets = Record<string, string[]>;
const ALL_SUBSETS: Subsets = {
  productpage: ['v1'],
  reviews: ['v1', 'v2', 'v3'],
  ratings: ['v1', 'v2', 'v2-mysql', 'v2-mysql-vm'],
  details: ['v1', 'v2']
};

function subsetList(names: string[]): Record<string, unknown>[] {
  return names.map((n) => ({ name: n, labels: { version: n } }));
}

function destinationRule(
  m: ReleaseModel,
  host: string,
  subsets: string[],
  trafficPolicy?: unknown
): Manifest {
  const spec: Record<string, unknown> = { host };
  if (trafficPolicy) spec.trafficPolicy = trafficPolicy;
  spec.subsets = subsetList(subsets);
  return { apiVersion: m.networkingApiVersion, kind: 'DestinationRule', metadata: { name: host }, spec };
}

function dest(host: string, subset: string, weight?: number): Record<string, unknown> {
  const d: Record<string, unknown> = { destination: { host, subset } };
  if (weight !== undefined) d.weight = weight;
  return d;
}

function virtualService(m: ReleaseModel, host: string, http: unknown[]): Manifest {
  return {
    apiVersion: m.networkingApiVersion,
    kind: 'VirtualService',
    metadata: { name: host },
    spec: { hosts: [host], http }
  };
}

const JASON = [{ headers: { 'end-user': { exact: 'jason' } } }];

function weighted(m: ReleaseModel, host: string, split: [string, number][]): Manifest {
  return virtualService(m, host, [{ route: split.map(([s, w]) => dest(host, s, w)) }]);
}

function bookinfoGateway(m: ReleaseModel): Manifest[] {
  const match = [
    { uri: { exact: '/productpage' } },
    { uri: { prefix: '/static' } },
    { uri: { exact: '/login' } },
    { uri: { exact: '/logout' } },
    { uri: { prefix: '/api/v1/products' } }
  ];
  return [
    {
      apiVersion: m.networkingApiVersion,
      kind: 'Gateway',
      metadata: { name: 'bookinfo-gateway' },
      spec: {
        selector: { istio: 'ingressgateway' },
        servers: [{ port: { number: m.bookinfoGatewayPort, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }]
      }
    },
    {
      apiVersion: m.networkingApiVersion,
      kind: 'VirtualService',
      metadata: { name: 'bookinfo' },
      spec: {
        hosts: ['*'],
        gateways: ['bookinfo-gateway'],
        http: [{ match, route: [{ destination: { host: 'productpage', port: { number: 9080 } } }] }]
      }
    }
  ];
}

/** samples/bookinfo/networking/<name>.yaml → its documents, for the files routing uses. */
export function bookinfoNetworking(m: ReleaseModel): Record<string, Manifest[]> {
  const drAll = (mtls: boolean): Manifest[] =>
    Object.entries(ALL_SUBSETS).map(([host, subsets]) =>
      destinationRule(m, host, subsets, mtls ? { tls: { mode: 'ISTIO_MUTUAL' } } : undefined)
    );
  const ratingsFault = (fault: unknown): Manifest =>
    virtualService(m, 'ratings', [
      { match: JASON, fault, route: [dest('ratings', 'v1')] },
      { route: [dest('ratings', 'v1')] }
    ]);
  return {
    'bookinfo-gateway': bookinfoGateway(m),
    'destination-rule-all': drAll(false),
    'destination-rule-all-mtls': drAll(true),
    'destination-rule-reviews': [
      destinationRule(m, 'reviews', ALL_SUBSETS.reviews ?? [], { loadBalancer: { simple: 'RANDOM' } })
    ],
    'virtual-service-all-v1': ['productpage', 'reviews', 'ratings', 'details'].map((s) =>
      virtualService(m, s, [{ route: [dest(s, 'v1')] }])
    ),
    'virtual-service-reviews-test-v2': [
      virtualService(m, 'reviews', [
        { match: JASON, route: [dest('reviews', 'v2')] },
        { route: [dest('reviews', 'v1')] }
      ])
    ],
    'virtual-service-reviews-jason-v2-v3': [
      virtualService(m, 'reviews', [
        { match: JASON, route: [dest('reviews', 'v2')] },
        { route: [dest('reviews', 'v3')] }
      ])
    ],
    'virtual-service-reviews-50-v3': [
      weighted(m, 'reviews', [
        ['v1', 50],
        ['v3', 50]
      ])
    ],
    'virtual-service-reviews-80-20': [
      weighted(m, 'reviews', [
        ['v1', 80],
        ['v2', 20]
      ])
    ],
    'virtual-service-reviews-90-10': [
      weighted(m, 'reviews', [
        ['v1', 90],
        ['v2', 10]
      ])
    ],
    'virtual-service-reviews-v2-v3': [
      weighted(m, 'reviews', [
        ['v2', 50],
        ['v3', 50]
      ])
    ],
    'virtual-service-reviews-v3': [virtualService(m, 'reviews', [{ route: [dest('reviews', 'v3')] }])],
    'virtual-service-ratings-test-delay': [
      ratingsFault({ delay: { percentage: { value: 100.0 }, fixedDelay: '7s' } })
    ],
    'virtual-service-ratings-test-abort': [
      ratingsFault({ abort: { percentage: { value: 100.0 }, httpStatus: 500 } })
    ],
    'fault-injection-details-v1': [
      virtualService(m, 'details', [
        { fault: { abort: { httpStatus: 555, percentage: { value: 100 } } }, route: [dest('details', 'v1')] },
        { route: [dest('details', 'v1')] }
      ]),
      destinationRule(m, 'details', ['v1'])
    ]
  };
}

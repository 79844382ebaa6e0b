// What `istioctl install` renders, per component, from a release model and the resolved install
// settings (profile + --set + -f). Object names, labels, images and ports follow the real charts
// (manifests/charts/{base,istio-control/istio-discovery,gateways/*,istio-cni}); bodies are trimmed to
// what the apiserver and the simulator look at.
import { dump } from 'js-yaml';
import type { Manifest, ManifestMeta } from './bookinfo.js';
import { istioCrds } from './crds.js';
import type { ReleaseModel } from './version.js';

export const ISTIO_NS = 'istio-system';

export interface InstallSettings {
  profile: string;
  /** '' for the default revision. */
  revision: string;
  ingressEnabled: boolean;
  egressEnabled: boolean;
  cniEnabled: boolean;
  pdbEnabled: boolean;
  ingressServiceAnnotations: Record<string, string>;
  meshConfig: Record<string, unknown>;
  hub: string;
  tag: string;
  /** The merged IstioOperator spec, stored in the installed-state CR (1.13). */
  operatorSpec: Record<string, unknown>;
}

/** Where the sidecar injector webhook really is (written by the simulator). */
export interface InjectorEndpoint {
  url: string;
  caBundle: string;
}

export type ComponentName = 'Base' | 'Pilot' | 'Cni' | 'IngressGateways' | 'EgressGateways';

export interface Component {
  name: ComponentName;
  /** The name istioctl prints: "Istio core", "Istiod", ... */
  title: string;
  emoji: string;
  objects: Manifest[];
}

const TITLES: Record<ComponentName, [string, string]> = {
  Base: ['Istio core', '⛵️'],
  Pilot: ['Istiod', '🧠'],
  Cni: ['CNI', '🪢'],
  IngressGateways: ['Ingress gateways', '🛬'],
  EgressGateways: ['Egress gateways', '🛫']
};

interface Ctx {
  m: ReleaseModel;
  s: InstallSettings;
  rev: string;
  suffix: string;
}

function labelsFor(
  c: Ctx,
  component: ComponentName,
  extra: Record<string, string> = {}
): Record<string, string> {
  return {
    ...extra,
    'install.operator.istio.io/owning-resource': c.m.installedStateCR
      ? c.s.revision
        ? `installed-state-${c.s.revision}`
        : 'installed-state'
      : 'unknown',
    'install.operator.istio.io/owning-resource-namespace': ISTIO_NS,
    'istio.io/rev': c.rev,
    'operator.istio.io/component': component,
    'operator.istio.io/managed': 'Reconcile',
    'operator.istio.io/version': c.m.version
  };
}

function nsMeta(
  c: Ctx,
  comp: ComponentName,
  name: string,
  extra: Record<string, string> = {},
  namespace = ISTIO_NS
) {
  return { name, namespace, labels: labelsFor(c, comp, extra) };
}

function pdb(c: Ctx, comp: ComponentName, name: string, selector: Record<string, string>): Manifest {
  return {
    apiVersion: c.m.pdbApiVersion,
    kind: 'PodDisruptionBudget',
    metadata: nsMeta(c, comp, name, selector),
    spec: { minAvailable: 1, selector: { matchLabels: selector } }
  };
}

function clusterRbac(
  c: Ctx,
  comp: ComponentName,
  name: string,
  sa: string,
  rules: unknown[],
  ns = ISTIO_NS
): Manifest[] {
  const metadata = { name, labels: labelsFor(c, comp) };
  return [
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata, rules },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ kind: 'ServiceAccount', name: sa, namespace: ns }]
    }
  ];
}

function base(c: Ctx): Manifest[] {
  const sa = 'istio-reader-service-account';
  return [
    ...istioCrds(c.m).map((crd) => ({
      ...crd,
      metadata: { ...crd.metadata, labels: { ...crd.metadata.labels, ...labelsFor(c, 'Base') } }
    })),
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: nsMeta(c, 'Base', sa, { app: 'istio-reader' }) },
    ...clusterRbac(c, 'Base', `istio-reader-clusterrole-${ISTIO_NS}`, sa, [
      {
        apiGroups: [
          'config.istio.io',
          'security.istio.io',
          'networking.istio.io',
          'authentication.istio.io',
          'rbac.istio.io'
        ],
        resources: ['*'],
        verbs: ['get', 'list', 'watch']
      },
      {
        apiGroups: [''],
        resources: [
          'endpoints',
          'pods',
          'services',
          'nodes',
          'replicationcontrollers',
          'namespaces',
          'secrets'
        ],
        verbs: ['get', 'list', 'watch']
      }
    ])
  ];
}

function meshConfigYaml(c: Ctx): string {
  const mesh: Record<string, unknown> = {
    defaultConfig: {
      discoveryAddress: `istiod${c.suffix}.${ISTIO_NS}.svc:15012`,
      proxyMetadata: {},
      tracing: { zipkin: { address: `zipkin.${ISTIO_NS}:9411` } }
    },
    enablePrometheusMerge: true,
    rootNamespace: ISTIO_NS,
    trustDomain: 'cluster.local',
    ...c.s.meshConfig
  };
  return dump(mesh, { sortKeys: true });
}

function injectorWebhook(c: Ctx, injector: InjectorEndpoint): Manifest {
  const clientConfig = { url: injector.url, caBundle: injector.caBundle };
  const common = {
    clientConfig,
    rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
    sideEffects: 'None',
    failurePolicy: 'Fail',
    reinvocationPolicy: 'Never',
    admissionReviewVersions: ['v1beta1', 'v1']
  };
  const optOut = { key: 'sidecar.istio.io/inject', operator: 'NotIn', values: ['false'] };
  const webhooks = c.s.revision
    ? [
        {
          name: 'rev.namespace.sidecar-injector.istio.io',
          ...common,
          namespaceSelector: {
            matchExpressions: [
              { key: 'istio.io/rev', operator: 'In', values: [c.s.revision] },
              { key: 'istio-injection', operator: 'DoesNotExist' }
            ]
          },
          objectSelector: { matchExpressions: [optOut] }
        }
      ]
    : [
        {
          name: 'namespace.sidecar-injector.istio.io',
          ...common,
          namespaceSelector: {
            matchExpressions: [{ key: 'istio-injection', operator: 'In', values: ['enabled'] }]
          },
          objectSelector: { matchExpressions: [optOut] }
        },
        {
          name: 'object.sidecar-injector.istio.io',
          ...common,
          namespaceSelector: {
            matchExpressions: [
              { key: 'istio-injection', operator: 'DoesNotExist' },
              { key: 'istio.io/rev', operator: 'DoesNotExist' }
            ]
          },
          objectSelector: {
            matchExpressions: [
              { key: 'sidecar.istio.io/inject', operator: 'In', values: ['true'] },
              { key: 'istio.io/rev', operator: 'DoesNotExist' }
            ]
          }
        }
      ];
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: {
      name: `istio-sidecar-injector${c.suffix}`,
      labels: labelsFor(c, 'Pilot', { app: 'sidecar-injector' })
    },
    webhooks
  };
}

function pilot(c: Ctx, injector: InjectorEndpoint | undefined): Manifest[] {
  const name = `istiod${c.suffix}`;
  // The current charts (checked against 1.30's istio-discovery deployment.yaml) select `istio: pilot`, or
  // `app: istiod` + `istio.io/rev` for a revision; a stand-in that selected otherwise could never be upgraded
  // by the real istioctl ("spec.selector: field is immutable").
  const selector: Record<string, string> =
    c.m.minor >= 20
      ? c.s.revision
        ? { app: 'istiod', 'istio.io/rev': c.rev }
        : { istio: 'pilot' }
      : { app: 'istiod', istio: 'pilot', ...(c.s.revision ? { 'istio.io/rev': c.rev } : {}) };
  const demo = c.s.profile === 'demo';
  const out: Manifest[] = [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: nsMeta(c, 'Pilot', name, { app: 'istiod' }) },
    ...clusterRbac(c, 'Pilot', `istiod-clusterrole${c.suffix}-${ISTIO_NS}`, name, [
      {
        apiGroups: ['admissionregistration.k8s.io'],
        resources: ['mutatingwebhookconfigurations'],
        verbs: ['get', 'list', 'watch', 'update', 'patch']
      },
      {
        apiGroups: ['networking.istio.io', 'security.istio.io', 'telemetry.istio.io', 'extensions.istio.io'],
        resources: ['*'],
        verbs: ['get', 'watch', 'list']
      },
      {
        apiGroups: [''],
        resources: ['pods', 'nodes', 'services', 'namespaces', 'endpoints'],
        verbs: ['get', 'list', 'watch']
      }
    ]),
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: nsMeta(c, 'Pilot', `istio${c.suffix}`, { release: 'istio' }),
      data: { mesh: meshConfigYaml(c), meshNetworks: 'networks: {}' }
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: nsMeta(c, 'Pilot', `istio-sidecar-injector${c.suffix}`, { release: 'istio' }),
      data: {
        config: dump({
          policy: 'enabled',
          alwaysInjectSelector: [],
          neverInjectSelector: [],
          injectedAnnotations: {},
          template: '{{ Template_Version_And_Istio_Version_Mismatched_Check_Installation }}'
        }),
        values: JSON.stringify({
          global: { hub: c.s.hub, tag: c.s.tag, proxy: { image: 'proxyv2' }, istioNamespace: ISTIO_NS },
          revision: c.s.revision,
          sidecarInjectorWebhook: { rewriteAppHTTPProbe: true }
        })
      }
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: nsMeta(c, 'Pilot', name, { app: 'istiod', istio: 'pilot', release: 'istio' }),
      spec: {
        strategy: { rollingUpdate: { maxSurge: '100%', maxUnavailable: '25%' } },
        selector: { matchLabels: selector },
        template: {
          metadata: {
            labels: {
              app: 'istiod',
              istio: 'pilot',
              ...selector,
              'istio.io/rev': c.rev,
              'sidecar.istio.io/inject': 'false',
              'operator.istio.io/component': 'Pilot'
            },
            annotations: {
              'prometheus.io/port': '15014',
              'prometheus.io/scrape': 'true',
              'sidecar.istio.io/inject': 'false'
            }
          },
          spec: {
            serviceAccountName: name,
            securityContext: { fsGroup: 1337 },
            containers: [
              {
                name: 'discovery',
                image: `${c.s.hub}/pilot:${c.s.tag}`,
                args: [
                  'discovery',
                  '--monitoringAddr=:15014',
                  '--log_output_level=default:info',
                  '--domain',
                  'cluster.local',
                  '--keepaliveMaxServerConnectionAge',
                  '30m'
                ],
                ports: [
                  { containerPort: 8080, protocol: 'TCP' },
                  { containerPort: 15010, protocol: 'TCP' },
                  { containerPort: 15017, protocol: 'TCP' }
                ],
                readinessProbe: {
                  httpGet: { path: '/ready', port: 8080 },
                  initialDelaySeconds: 1,
                  periodSeconds: 3,
                  timeoutSeconds: 5
                },
                env: [
                  { name: 'REVISION', value: c.rev },
                  { name: 'PILOT_CERT_PROVIDER', value: 'istiod' },
                  ...(demo ? [{ name: 'PILOT_TRACE_SAMPLING', value: '100' }] : [])
                ],
                resources: {
                  requests: demo ? { cpu: '10m', memory: '100Mi' } : { cpu: '500m', memory: '2048Mi' }
                },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  runAsUser: 1337,
                  runAsGroup: 1337,
                  runAsNonRoot: true,
                  capabilities: { drop: ['ALL'] }
                }
              }
            ]
          }
        }
      }
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: nsMeta(c, 'Pilot', name, { app: 'istiod', istio: 'pilot', release: 'istio' }),
      spec: {
        ports: [
          { port: 15010, name: 'grpc-xds', protocol: 'TCP' },
          { port: 15012, name: 'https-dns', protocol: 'TCP' },
          { port: 443, name: 'https-webhook', targetPort: 15017, protocol: 'TCP' },
          { port: 15014, name: 'http-monitoring', protocol: 'TCP' }
        ],
        selector
      }
    }
  ];
  if (c.s.pdbEnabled) out.push(pdb(c, 'Pilot', name, selector));
  if (injector) out.push(injectorWebhook(c, injector));
  return out;
}

interface GatewayPort {
  name: string;
  port: number;
  targetPort: number;
}

function gateway(c: Ctx, kind: 'ingress' | 'egress'): Manifest[] {
  const comp: ComponentName = kind === 'ingress' ? 'IngressGateways' : 'EgressGateways';
  const name = `istio-${kind}gateway`;
  const selector = { app: name, istio: `${kind}gateway` };
  const demo = c.s.profile === 'demo';
  const ports: GatewayPort[] =
    kind === 'egress'
      ? [
          { name: 'http2', port: 80, targetPort: 8080 },
          { name: 'https', port: 443, targetPort: 8443 }
        ]
      : [
          { name: 'status-port', port: 15021, targetPort: 15021 },
          { name: 'http2', port: 80, targetPort: 8080 },
          { name: 'https', port: 443, targetPort: 8443 },
          ...(demo
            ? [
                { name: 'tcp', port: 31400, targetPort: 31400 },
                { name: 'tls', port: 15443, targetPort: 15443 }
              ]
            : [])
        ];
  const sa = `${name}-service-account`;
  const objectLabels = { ...selector, release: 'istio' };
  const serviceMeta: ManifestMeta = nsMeta(c, comp, name, objectLabels);
  if (kind === 'ingress' && Object.keys(c.s.ingressServiceAnnotations).length > 0)
    serviceMeta.annotations = { ...c.s.ingressServiceAnnotations };
  const out: Manifest[] = [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: nsMeta(c, comp, sa, objectLabels) },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: nsMeta(c, comp, `${name}-sds`, { release: 'istio' }),
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'watch', 'list'] }]
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: nsMeta(c, comp, `${name}-sds`, { release: 'istio' }),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `${name}-sds` },
      subjects: [{ kind: 'ServiceAccount', name: sa }]
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: nsMeta(c, comp, name, objectLabels),
      spec: {
        selector: { matchLabels: selector },
        strategy: { rollingUpdate: { maxSurge: '100%', maxUnavailable: '25%' } },
        template: {
          metadata: {
            labels: {
              ...objectLabels,
              chart: 'gateways',
              heritage: 'Tiller',
              'service.istio.io/canonical-name': name,
              'service.istio.io/canonical-revision': 'latest',
              'istio.io/rev': c.rev,
              'sidecar.istio.io/inject': 'false',
              'operator.istio.io/component': comp
            },
            annotations: {
              'prometheus.io/path': '/stats/prometheus',
              'prometheus.io/port': '15020',
              'prometheus.io/scrape': 'true',
              'sidecar.istio.io/inject': 'false'
            }
          },
          spec: {
            serviceAccountName: sa,
            securityContext: { runAsUser: 1337, runAsGroup: 1337, runAsNonRoot: true, fsGroup: 1337 },
            containers: [
              {
                name: 'istio-proxy',
                image: `${c.s.hub}/proxyv2:${c.s.tag}`,
                args: [
                  'proxy',
                  'router',
                  '--domain',
                  '$(POD_NAMESPACE).svc.cluster.local',
                  '--proxyLogLevel=warning',
                  '--proxyComponentLogLevel=misc:error',
                  '--log_output_level=default:info'
                ],
                ports: [
                  ...ports.map((p) => ({ containerPort: p.targetPort, protocol: 'TCP' })),
                  { containerPort: 15090, protocol: 'TCP', name: 'http-envoy-prom' }
                ],
                readinessProbe: {
                  httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' },
                  failureThreshold: 30,
                  initialDelaySeconds: 1,
                  periodSeconds: 2
                },
                env: [
                  { name: 'ISTIO_META_ROUTER_MODE', value: 'standard' },
                  {
                    name: 'POD_NAMESPACE',
                    valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }
                  },
                  { name: 'CA_ADDR', value: `istiod${c.suffix}.${ISTIO_NS}.svc:15012` }
                ],
                resources: demo
                  ? { requests: { cpu: '10m', memory: '40Mi' }, limits: { cpu: '2000m', memory: '1024Mi' } }
                  : {
                      requests: { cpu: '100m', memory: '128Mi' },
                      limits: { cpu: '2000m', memory: '1024Mi' }
                    },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  capabilities: { drop: ['ALL'] },
                  privileged: false,
                  readOnlyRootFilesystem: true
                }
              }
            ]
          }
        }
      }
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: serviceMeta,
      spec: {
        type: kind === 'ingress' ? 'LoadBalancer' : 'ClusterIP',
        selector,
        ports: ports.map((p) => ({ name: p.name, port: p.port, protocol: 'TCP', targetPort: p.targetPort }))
      }
    }
  ];
  if (c.s.pdbEnabled) out.push(pdb(c, comp, name, selector));
  return out;
}

function cni(c: Ctx): Manifest[] {
  const ns = 'kube-system';
  const labels = { 'k8s-app': 'istio-cni-node' };
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: nsMeta(c, 'Cni', 'istio-cni', {}, ns) },
    ...clusterRbac(
      c,
      'Cni',
      'istio-cni',
      'istio-cni',
      [{ apiGroups: [''], resources: ['pods', 'nodes', 'namespaces'], verbs: ['get', 'list', 'watch'] }],
      ns
    ),
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: nsMeta(c, 'Cni', 'istio-cni-config', labels, ns),
      data: {
        cni_network_config: JSON.stringify({ cniVersion: '0.3.1', name: 'istio-cni', type: 'istio-cni' })
      }
    },
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: nsMeta(c, 'Cni', 'istio-cni-node', labels, ns),
      spec: {
        selector: { matchLabels: labels },
        template: {
          metadata: { labels: { ...labels, 'sidecar.istio.io/inject': 'false' } },
          spec: {
            serviceAccountName: 'istio-cni',
            containers: [
              {
                name: 'install-cni',
                image: `${c.s.hub}/install-cni:${c.s.tag}`,
                command: ['install-cni'],
                volumeMounts: [
                  { mountPath: '/host/opt/cni/bin', name: 'cni-bin-dir' },
                  { mountPath: '/host/etc/cni/net.d', name: 'cni-net-dir' }
                ]
              }
            ],
            volumes: [
              { name: 'cni-bin-dir', hostPath: { path: '/opt/cni/bin' } },
              { name: 'cni-net-dir', hostPath: { path: '/etc/cni/net.d' } }
            ]
          }
        }
      }
    }
  ];
}

/** The components `istioctl install` applies, in dependency order (Base first, gateways last). */
export function renderInstall(
  m: ReleaseModel,
  s: InstallSettings,
  injector: InjectorEndpoint | undefined
): Component[] {
  const c: Ctx = { m, s, rev: s.revision || 'default', suffix: s.revision ? `-${s.revision}` : '' };
  const comps: [ComponentName, Manifest[]][] = [
    ['Base', base(c)],
    ['Pilot', pilot(c, injector)]
  ];
  if (s.cniEnabled) comps.push(['Cni', cni(c)]);
  if (s.ingressEnabled) comps.push(['IngressGateways', gateway(c, 'ingress')]);
  if (s.egressEnabled) comps.push(['EgressGateways', gateway(c, 'egress')]);
  return comps.map(([name, objects]) => {
    const [title, emoji] = TITLES[name];
    return { name, title, emoji, objects };
  });
}

/** 1.13's record of the install: the `installed-state` IstioOperator CR in istio-system. */
export function installedState(m: ReleaseModel, s: InstallSettings): Manifest {
  return {
    apiVersion: 'install.istio.io/v1alpha1',
    kind: 'IstioOperator',
    metadata: {
      name: s.revision ? `installed-state-${s.revision}` : 'installed-state',
      namespace: ISTIO_NS,
      annotations: { 'install.istio.io/ignoreReconcile': 'true' }
    },
    spec: {
      ...s.operatorSpec,
      profile: s.profile,
      hub: s.hub,
      tag: s.tag,
      ...(s.revision ? { revision: s.revision } : {})
    }
  };
}

/** The enabled component titles, in the order 1.13's confirmation prompt lists them. */
export function enabledTitles(comps: Component[]): string[] {
  return comps.map((c) => c.title);
}

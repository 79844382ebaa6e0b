// Istio's CustomResourceDefinitions (the "Istio core"/Base component), as structural schemas a
// 1.20 apiserver stores and validates. Routing kinds (VirtualService, DestinationRule, Gateway)
// get typed schemas for the fields Bookinfo and the routing variants use, so a wrong type (a
// string weight, a non-array hosts) is refused by the apiserver exactly as with the real CRDs;
// open-ended sub-objects keep their content (`x-kubernetes-preserve-unknown-fields`).
import type { Manifest } from './bookinfo.js';
import type { ReleaseModel } from './version.js';

type Schema = Record<string, unknown>;

const str: Schema = { type: 'string' };
const int32: Schema = { type: 'integer', format: 'int32' };
const open: Schema = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
const strArray: Schema = { type: 'array', items: str };
const obj = (properties: Record<string, Schema>, extra: Schema = {}): Schema => ({
  type: 'object',
  properties,
  ...extra
});
const arr = (items: Schema): Schema => ({ type: 'array', items });
const stringMap: Schema = { type: 'object', additionalProperties: str };

const stringMatch = obj({ exact: str, prefix: str, regex: str });
const portSelector = obj({ number: { type: 'integer' } });
const destination = obj({ host: str, port: portSelector, subset: str });
const routeDestination = obj({ destination, headers: open, weight: int32 });

const virtualServiceSpec = obj({
  exportTo: strArray,
  gateways: strArray,
  hosts: strArray,
  http: arr(
    obj({
      corsPolicy: open,
      delegate: open,
      fault: open,
      headers: open,
      match: arr(
        obj({
          authority: stringMatch,
          gateways: strArray,
          headers: { type: 'object', additionalProperties: stringMatch },
          ignoreUriCase: { type: 'boolean' },
          method: stringMatch,
          name: str,
          port: { type: 'integer' },
          queryParams: { type: 'object', additionalProperties: stringMatch },
          scheme: stringMatch,
          sourceLabels: stringMap,
          sourceNamespace: str,
          uri: stringMatch,
          withoutHeaders: { type: 'object', additionalProperties: stringMatch }
        })
      ),
      mirror: destination,
      mirrorPercentage: open,
      name: str,
      redirect: open,
      retries: open,
      rewrite: open,
      route: arr(routeDestination),
      timeout: str
    })
  ),
  tcp: arr(open),
  tls: arr(open)
});

const subset = obj({ labels: stringMap, name: str, trafficPolicy: open });

// Typed down to tls like Istio's generated schema, so that `mtls` on → off really drops a typed field
// (on 1.20 that meets kubernetes/kubernetes#103011, which the action's kube layer works around).
function trafficPolicy(cel: boolean): Schema {
  // 1.30's CRDs check durations with CEL, e.g. connectionPool.tcp.connectTimeout (the rule and message
  // are the real CRD's). An apiserver before 1.23 does not know x-kubernetes-validations, and its
  // server-side apply refuses such a CRD ("field not declared in schema").
  const duration: Schema = cel
    ? {
        type: 'string',
        'x-kubernetes-validations': [
          { message: 'must be a valid duration greater than 1ms', rule: "duration(self) >= duration('1ms')" }
        ]
      }
    : str;
  return obj({
    connectionPool: obj(
      {
        tcp: obj(
          { connectTimeout: duration, maxConnections: int32 },
          { 'x-kubernetes-preserve-unknown-fields': true }
        )
      },
      { 'x-kubernetes-preserve-unknown-fields': true }
    ),
    loadBalancer: open,
    outlierDetection: open,
    portLevelSettings: arr(open),
    tls: obj({
      caCertificates: str,
      clientCertificate: str,
      credentialName: str,
      mode: str,
      privateKey: str,
      sni: str,
      subjectAltNames: strArray
    }),
    tunnel: open
  });
}

function destinationRuleSpec(cel: boolean): Schema {
  const subsets: Schema = arr(subset);
  return obj(
    { exportTo: strArray, host: str, subsets, trafficPolicy: trafficPolicy(cel), workloadSelector: open },
    { required: ['host'] }
  );
}

const gatewaySpec = obj({
  selector: stringMap,
  servers: arr(
    obj({
      bind: str,
      defaultEndpoint: str,
      hosts: strArray,
      name: str,
      port: obj({ name: str, number: { type: 'integer' }, protocol: str, targetPort: { type: 'integer' } }),
      tls: open
    })
  )
});

interface CrdDef {
  group: string;
  kind: string;
  plural: string;
  shortNames?: string[];
  categories: string[];
  versions: { name: string; storage: boolean }[];
  spec?: Schema;
  columns?: Record<string, unknown>[];
}

function crd(def: CrdDef, model: ReleaseModel): Manifest {
  const labels: Record<string, string> = {
    app: 'istio-pilot',
    chart: 'istio',
    heritage: 'Tiller',
    release: 'istio'
  };
  const singular = def.kind.toLowerCase();
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${def.plural}.${def.group}`,
      labels,
      annotations: { 'helm.sh/resource-policy': 'keep' }
    },
    spec: {
      group: def.group,
      names: {
        kind: def.kind,
        listKind: `${def.kind}List`,
        plural: def.plural,
        singular,
        categories: def.categories,
        ...(def.shortNames ? { shortNames: def.shortNames } : {})
      },
      scope: 'Namespaced',
      versions: def.versions.map((v) => ({
        name: v.name,
        served: true,
        storage: v.storage,
        subresources: { status: {} },
        ...(def.columns ? { additionalPrinterColumns: def.columns } : {}),
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: def.spec ?? open,
              status: open
            },
            ...(model.crdCelRules && def.kind === 'VirtualService'
              ? {
                  'x-kubernetes-validations': [{ message: 'hosts must be set', rule: 'has(self.spec.hosts)' }]
                }
              : {})
          }
        }
      }))
    }
  };
}

const AGE = { jsonPath: '.metadata.creationTimestamp', name: 'Age', type: 'date' };

export function istioCrds(m: ReleaseModel): Manifest[] {
  const net = ['istio-io', 'networking-istio-io'];
  const sec = ['istio-io', 'security-istio-io'];
  const securityVersions =
    m.minor >= 22
      ? [
          { name: 'v1', storage: true },
          { name: 'v1beta1', storage: false }
        ]
      : [{ name: 'v1beta1', storage: true }];
  const telemetryVersions =
    m.minor >= 22
      ? [
          { name: 'v1', storage: false },
          { name: 'v1alpha1', storage: true }
        ]
      : [{ name: 'v1alpha1', storage: true }];
  const defs: CrdDef[] = [
    {
      group: 'security.istio.io',
      kind: 'AuthorizationPolicy',
      plural: 'authorizationpolicies',
      shortNames: ['ap'],
      categories: sec,
      versions: securityVersions
    },
    {
      group: 'networking.istio.io',
      kind: 'DestinationRule',
      plural: 'destinationrules',
      shortNames: ['dr'],
      categories: net,
      versions: m.crdVersions,
      spec: destinationRuleSpec(m.crdCelRules),
      columns: [{ jsonPath: '.spec.host', name: 'Host', type: 'string' }, AGE]
    },
    {
      group: 'networking.istio.io',
      kind: 'EnvoyFilter',
      plural: 'envoyfilters',
      categories: net,
      versions: [{ name: 'v1alpha3', storage: true }]
    },
    {
      group: 'networking.istio.io',
      kind: 'Gateway',
      plural: 'gateways',
      shortNames: ['gw'],
      categories: net,
      versions: m.crdVersions,
      spec: gatewaySpec
    },
    {
      group: 'security.istio.io',
      kind: 'PeerAuthentication',
      plural: 'peerauthentications',
      shortNames: ['pa'],
      categories: sec,
      versions: securityVersions
    },
    {
      group: 'networking.istio.io',
      kind: 'ProxyConfig',
      plural: 'proxyconfigs',
      categories: net,
      versions: [{ name: 'v1beta1', storage: true }]
    },
    {
      group: 'security.istio.io',
      kind: 'RequestAuthentication',
      plural: 'requestauthentications',
      shortNames: ['ra'],
      categories: sec,
      versions: securityVersions
    },
    {
      group: 'networking.istio.io',
      kind: 'ServiceEntry',
      plural: 'serviceentries',
      shortNames: ['se'],
      categories: net,
      versions: m.crdVersions
    },
    {
      group: 'networking.istio.io',
      kind: 'Sidecar',
      plural: 'sidecars',
      categories: net,
      versions: m.crdVersions
    },
    {
      group: 'telemetry.istio.io',
      kind: 'Telemetry',
      plural: 'telemetries',
      shortNames: ['telemetry'],
      categories: ['istio-io', 'telemetry-istio-io'],
      versions: telemetryVersions
    },
    {
      group: 'networking.istio.io',
      kind: 'VirtualService',
      plural: 'virtualservices',
      shortNames: ['vs'],
      categories: net,
      versions: m.crdVersions,
      spec: virtualServiceSpec,
      columns: [
        { jsonPath: '.spec.gateways', name: 'Gateways', type: 'string' },
        { jsonPath: '.spec.hosts', name: 'Hosts', type: 'string' },
        AGE
      ]
    },
    {
      group: 'extensions.istio.io',
      kind: 'WasmPlugin',
      plural: 'wasmplugins',
      categories: ['istio-io', 'extensions-istio-io'],
      versions: [{ name: 'v1alpha1', storage: true }]
    },
    {
      group: 'networking.istio.io',
      kind: 'WorkloadEntry',
      plural: 'workloadentries',
      shortNames: ['we'],
      categories: net,
      versions: m.crdVersions
    },
    {
      group: 'networking.istio.io',
      kind: 'WorkloadGroup',
      plural: 'workloadgroups',
      shortNames: ['wg'],
      categories: net,
      versions: m.crdVersions
    }
  ];
  if (m.installedStateCR) {
    defs.push({
      group: 'install.istio.io',
      kind: 'IstioOperator',
      plural: 'istiooperators',
      shortNames: ['iop', 'io'],
      categories: ['istio-io'],
      versions: [{ name: 'v1alpha1', storage: true }]
    });
  }
  return defs.map((d) => crd(d, m));
}

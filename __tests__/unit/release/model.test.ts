// The release model: names, ports, images and apiVersions per Istio version must match the real
// release trees, because the action applies these files and the simulator routes by them.
import { describe, expect, it } from '@jest/globals';
import { addons } from '../../../test/release/model/addons.js';
import { bookinfoApp, bookinfoNetworking, type Manifest } from '../../../test/release/model/bookinfo.js';
import { istioCrds } from '../../../test/release/model/crds.js';
import { renderInstall } from '../../../test/release/model/install.js';
import { releaseModel } from '../../../test/release/model/version.js';
import { resolveSettings } from '../../../test/release/istioctl/settings.js';

const v13 = releaseModel('1.13.3');
const v30 = releaseModel('1.30.3');

const find = (docs: Manifest[], kind: string, name: string): Manifest => {
  const o = docs.find((d) => d.kind === kind && d.metadata.name === name);
  if (!o) throw new Error(`${kind} ${name} missing`);
  return o;
};
const containers = (d: Manifest): Record<string, unknown>[] =>
  (d.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec.containers;

describe('bookinfo.yaml', () => {
  it('has the four services on port 9080 and six versioned deployments', () => {
    const docs = bookinfoApp(v13);
    expect(docs.filter((d) => d.kind === 'Service').map((d) => d.metadata.name)).toEqual([
      'details',
      'ratings',
      'reviews',
      'productpage'
    ]);
    expect(docs.filter((d) => d.kind === 'Deployment').map((d) => d.metadata.name)).toEqual([
      'details-v1',
      'ratings-v1',
      'reviews-v1',
      'reviews-v2',
      'reviews-v3',
      'productpage-v1'
    ]);
    expect((find(docs, 'Service', 'reviews').spec as { ports: unknown[] }).ports).toEqual([
      { port: 9080, name: 'http' }
    ]);
    expect(find(docs, 'ServiceAccount', 'bookinfo-reviews').metadata.labels).toEqual({ account: 'reviews' });
  });

  it("uses each release line's images and security context", () => {
    const old = containers(find(bookinfoApp(v13), 'Deployment', 'reviews-v2'))[0];
    const cur = containers(find(bookinfoApp(v30), 'Deployment', 'reviews-v2'))[0];
    expect(old?.image).toBe('docker.io/istio/examples-bookinfo-reviews-v2:1.16.2');
    expect(old?.securityContext).toEqual({ runAsUser: 1000 });
    expect(cur?.image).toBe('registry.istio.io/release/examples-bookinfo-reviews-v2:1.20.3');
    expect(cur?.securityContext).toBeUndefined();
    const pp = find(bookinfoApp(v30), 'Deployment', 'productpage-v1').spec as {
      template: { metadata: { annotations?: Record<string, string> } };
    };
    expect(pp.template.metadata.annotations?.['prometheus.io/scrape']).toBe('true');
  });
});

describe('networking samples', () => {
  it('uses v1alpha3 and gateway port 80 in 1.13, v1 and 8080 in 1.30', () => {
    for (const [m, api, port] of [
      [v13, 'networking.istio.io/v1alpha3', 80],
      [v30, 'networking.istio.io/v1', 8080]
    ] as const) {
      const net = bookinfoNetworking(m);
      for (const docs of Object.values(net)) for (const d of docs) expect(d.apiVersion).toBe(api);
      const gw = find(net['bookinfo-gateway'] ?? [], 'Gateway', 'bookinfo-gateway').spec as {
        selector: unknown;
        servers: { port: { number: number } }[];
      };
      expect(gw.selector).toEqual({ istio: 'ingressgateway' });
      expect(gw.servers[0]?.port.number).toBe(port);
    }
  });

  it('encodes the documented weights and subsets', () => {
    const net = bookinfoNetworking(v13);
    const route = (file: string): unknown =>
      (net[file]?.[0]?.spec as { http: { route: unknown }[] }).http.at(-1)?.route;
    expect(route('virtual-service-reviews-80-20')).toEqual([
      { destination: { host: 'reviews', subset: 'v1' }, weight: 80 },
      { destination: { host: 'reviews', subset: 'v2' }, weight: 20 }
    ]);
    expect(route('virtual-service-reviews-jason-v2-v3')).toEqual([
      { destination: { host: 'reviews', subset: 'v3' } }
    ]);
    const drAll = net['destination-rule-all'] ?? [];
    expect(drAll.map((d) => d.metadata.name)).toEqual(['productpage', 'reviews', 'ratings', 'details']);
    expect(
      (find(drAll, 'DestinationRule', 'ratings').spec as { subsets: { name: string }[] }).subsets.map(
        (s) => s.name
      )
    ).toEqual(['v1', 'v2', 'v2-mysql', 'v2-mysql-vm']);
    expect((net['fault-injection-details-v1'] ?? []).map((d) => d.kind)).toEqual([
      'VirtualService',
      'DestinationRule'
    ]);
  });
});

describe('install manifests', () => {
  const demo13 = renderInstall(v13, resolveSettings(v13, [], ['profile=demo']), {
    url: 'https://127.0.0.1:1/inject',
    caBundle: 'Q0E='
  });
  const all13 = demo13.flatMap((c) => c.objects);

  it('renders the demo components with the real names, images and ports', () => {
    expect(demo13.map((c) => c.title)).toEqual([
      'Istio core',
      'Istiod',
      'Ingress gateways',
      'Egress gateways'
    ]);
    expect(containers(find(all13, 'Deployment', 'istiod'))[0]?.image).toBe('docker.io/istio/pilot:1.13.3');
    expect(containers(find(all13, 'Deployment', 'istio-ingressgateway'))[0]?.image).toBe(
      'docker.io/istio/proxyv2:1.13.3'
    );
    const ingress = find(all13, 'Service', 'istio-ingressgateway').spec as {
      type: string;
      ports: { name: string; port: number; targetPort: number }[];
      selector: unknown;
    };
    expect(ingress.type).toBe('LoadBalancer');
    expect(ingress.selector).toEqual({ app: 'istio-ingressgateway', istio: 'ingressgateway' });
    expect(ingress.ports.map((p) => [p.name, p.port, p.targetPort])).toEqual([
      ['status-port', 15021, 15021],
      ['http2', 80, 8080],
      ['https', 443, 8443],
      ['tcp', 31400, 31400],
      ['tls', 15443, 15443]
    ]);
    expect((find(all13, 'Service', 'istio-egressgateway').spec as { type: string }).type).toBe('ClusterIP');
    expect(find(all13, 'PodDisruptionBudget', 'istiod').apiVersion).toBe('policy/v1beta1');
    const hook = find(all13, 'MutatingWebhookConfiguration', 'istio-sidecar-injector') as Manifest & {
      webhooks: { namespaceSelector: unknown; clientConfig: unknown }[];
    };
    expect(hook.webhooks[0]?.namespaceSelector).toEqual({
      matchExpressions: [{ key: 'istio-injection', operator: 'In', values: ['enabled'] }]
    });
    expect(hook.webhooks[0]?.clientConfig).toEqual({ url: 'https://127.0.0.1:1/inject', caBundle: 'Q0E=' });
  });

  it('renders policy/v1 PDBs and registry.istio.io images for 1.30', () => {
    const all30 = renderInstall(v30, resolveSettings(v30, [], ['profile=demo']), undefined).flatMap(
      (c) => c.objects
    );
    expect(find(all30, 'PodDisruptionBudget', 'istiod').apiVersion).toBe('policy/v1');
    expect(containers(find(all30, 'Deployment', 'istiod'))[0]?.image).toBe(
      'registry.istio.io/release/pilot:1.30.3'
    );
    expect(all30.some((o) => o.kind === 'MutatingWebhookConfiguration')).toBe(false);
  });

  it('names revisioned objects with the revision and selects namespaces by istio.io/rev', () => {
    const all = renderInstall(v13, resolveSettings(v13, [], ['profile=demo', 'revision=canary']), {
      url: 'u',
      caBundle: 'c'
    }).flatMap((c) => c.objects);
    expect(find(all, 'Deployment', 'istiod-canary').metadata.labels?.['istio.io/rev']).toBe('canary');
    const hook = find(all, 'MutatingWebhookConfiguration', 'istio-sidecar-injector-canary') as Manifest & {
      webhooks: { namespaceSelector: { matchExpressions: unknown[] } }[];
    };
    expect(hook.webhooks[0]?.namespaceSelector.matchExpressions[0]).toEqual({
      key: 'istio.io/rev',
      operator: 'In',
      values: ['canary']
    });
  });

  it('serves v1alpha3 as storage in 1.13 and v1 in 1.30', () => {
    const vs = (m: typeof v13): { name: string; storage: boolean }[] =>
      (
        find(istioCrds(m), 'CustomResourceDefinition', 'virtualservices.networking.istio.io').spec as {
          versions: { name: string; storage: boolean }[];
        }
      ).versions;
    expect(
      vs(v13)
        .filter((v) => v.storage)
        .map((v) => v.name)
    ).toEqual(['v1alpha3']);
    expect(vs(v30).map((v) => v.name)).toEqual(['v1', 'v1alpha3', 'v1beta1']);
    expect(istioCrds(v13).some((c) => c.metadata.name === 'istiooperators.install.istio.io')).toBe(true);
    expect(istioCrds(v30).some((c) => c.metadata.name === 'istiooperators.install.istio.io')).toBe(false);
  });
});

describe('addons', () => {
  it('creates the services the docs name, in istio-system', () => {
    const a = addons(v13);
    const services = Object.fromEntries(
      Object.entries(a).map(([k, docs]) => [
        k,
        docs.filter((d) => d.kind === 'Service').map((d) => d.metadata.name)
      ])
    );
    expect(services).toEqual({
      kiali: ['kiali'],
      prometheus: ['prometheus'],
      grafana: ['grafana'],
      jaeger: ['tracing', 'zipkin', 'jaeger-collector']
    });
    for (const docs of Object.values(a))
      for (const d of docs.filter((x) => x.kind !== 'ClusterRole' && x.kind !== 'ClusterRoleBinding'))
        expect(d.metadata.namespace).toBe('istio-system');
    expect(containers(find(a.kiali ?? [], 'Deployment', 'kiali'))[0]?.image).toBe(
      'quay.io/kiali/kiali:v1.45'
    );
  });
});

// Istio config as the gateway and sidecars see it: Gateways, VirtualServices, DestinationRules and
// PeerAuthentications watched from the apiserver, and the Kubernetes Gateway API's Gateways and HTTPRoutes
// (which istiod turns into the same Envoy config). The CRDs may not exist yet (Istio or the Gateway API
// not installed), so informers start when a CRD becomes established and stop when it goes away.
import type { KubeConfig, KubernetesObject, V1CustomResourceDefinition } from '@kubernetes/client-node';
import { crdEstablished, startInformer, type Apis, type Cache } from './informers.js';

export const ISTIO_GROUP = 'networking.istio.io';
export const SECURITY_GROUP = 'security.istio.io';
export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';
/** The kinds read, by group: Istio's (networking and security) and the Gateway API's. */
const WATCHED: Record<string, readonly string[]> = {
  [ISTIO_GROUP]: ['gateways', 'virtualservices', 'destinationrules'],
  [SECURITY_GROUP]: ['peerauthentications'],
  [GATEWAY_API_GROUP]: ['gateways', 'httproutes']
};
type Plural = 'gateways' | 'virtualservices' | 'destinationrules' | 'peerauthentications';
type GatewayApiPlural = 'gateways' | 'httproutes';

export interface IstioObject extends KubernetesObject {
  spec?: Record<string, unknown>;
}

export class IstioConfig {
  /** Keyed by `plural.group`. */
  private readonly caches = new Map<string, { version: string; cache: Cache<IstioObject> }>();
  private readonly starting = new Set<string>();
  private stopped = false;

  private readonly kc: KubeConfig;
  private readonly apis: Apis;
  private readonly log: (l: string) => void;

  constructor(kc: KubeConfig, apis: Apis, log: (l: string) => void) {
    this.kc = kc;
    this.apis = apis;
    this.log = log;
  }

  /** Istio objects (networking.istio.io, and security.istio.io's peerauthentications). */
  list(plural: Plural): readonly IstioObject[] {
    const group = plural === 'peerauthentications' ? SECURITY_GROUP : ISTIO_GROUP;
    return this.caches.get(`${plural}.${group}`)?.cache.list() ?? [];
  }

  /** Gateway API objects (gateway.networking.k8s.io), empty until its CRDs are established. */
  listGatewayApi(plural: GatewayApiPlural): readonly IstioObject[] {
    return this.caches.get(`${plural}.${GATEWAY_API_GROUP}`)?.cache.list() ?? [];
  }

  /** Informer callback for CRDs. */
  onCrd(crd: V1CustomResourceDefinition, verb: 'add' | 'update' | 'delete'): void {
    const group = crd.spec.group;
    if (this.stopped) return;
    const plural = crd.spec.names.plural;
    if (!WATCHED[group]?.includes(plural)) return;
    const key = `${plural}.${group}`;
    if (verb === 'delete' || !crdEstablished(crd) || crd.metadata?.deletionTimestamp) {
      const entry = this.caches.get(key);
      this.caches.delete(key);
      if (entry) void entry.cache.stop();
      return;
    }
    // Any served version is equivalent for what we read; prefer the storage version.
    const served = crd.spec.versions.filter((v) => v.served);
    const version = (served.find((v) => v.storage) ?? served[0])?.name;
    if (!version || this.caches.get(key)?.version === version || this.starting.has(key)) return;
    this.starting.add(key);
    const old = this.caches.get(key);
    startInformer<IstioObject>(
      this.kc,
      `/apis/${group}/${version}/${plural}`,
      () => this.apis.custom.listClusterCustomObject({ group, version, plural }) as never,
      this.log
    )
      .then((cache) => {
        if (this.stopped) return void cache.stop();
        this.caches.set(key, { version, cache });
        if (old) void old.cache.stop();
      })
      .catch((err: unknown) => this.log(`watching ${key}/${version}: ${(err as Error).message}`))
      .finally(() => this.starting.delete(key));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.caches.values()].map((e) => e.cache.stop()));
    this.caches.clear();
  }
}

// ----------------------------------------------------------------------------------------------
// Route matching, following Istio's semantics for the subset of the API Bookinfo uses.

export interface HttpRequestView {
  path: string;
  method: string;
  headers: Record<string, string | undefined>;
}

export interface Destination {
  /** Service name and namespace after resolving short names against the VirtualService's namespace. */
  service: string;
  namespace: string;
  subset?: string;
  weight: number;
}

export interface Fault {
  delayMs?: number;
  delayPercent?: number;
  abortStatus?: number;
  abortPercent?: number;
}

export interface RouteDecision {
  destinations: Destination[];
  fault?: Fault;
}

type Rec = Record<string, unknown>;
const asRec = (v: unknown): Rec => (v && typeof v === 'object' ? (v as Rec) : {});
const asArr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** "productpage", "productpage.default", "productpage.default.svc.cluster.local" → {service, namespace}. */
export function resolveHost(host: string, defaultNamespace: string): { service: string; namespace: string } {
  const parts = host.split('.');
  return {
    service: parts[0] ?? host,
    namespace: parts[1] && parts[1] !== 'svc' ? parts[1] : defaultNamespace
  };
}

function stringMatch(m: unknown, value: string | undefined): boolean {
  const spec = asRec(m);
  if (value === undefined) return false;
  if (typeof spec.exact === 'string') return value === spec.exact;
  if (typeof spec.prefix === 'string') return value.startsWith(spec.prefix);
  if (typeof spec.regex === 'string') return new RegExp(`^(?:${spec.regex})$`).test(value);
  return true;
}

function matches(match: unknown, req: HttpRequestView, gatewayName?: string): boolean {
  const m = asRec(match);
  if (m.uri !== undefined && !stringMatch(m.uri, req.path.split('?')[0])) return false;
  if (m.method !== undefined && !stringMatch(m.method, req.method)) return false;
  for (const [name, spec] of Object.entries(asRec(m.headers))) {
    if (!stringMatch(spec, req.headers[name.toLowerCase()])) return false;
  }
  const gateways = asArr(m.gateways);
  if (gateways.length && (!gatewayName || !gateways.includes(gatewayName))) return false;
  return true;
}

function percentOf(v: unknown): number {
  const r = asRec(v);
  if (typeof r.value === 'number') return r.value;
  return 100;
}

export function parseDurationMs(s: unknown): number {
  if (typeof s !== 'string') return 0;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(s.trim());
  if (!m) return 0;
  const n = Number(m[1]);
  return n * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'] ?? 0);
}

function faultOf(f: unknown): Fault | undefined {
  const fault = asRec(f);
  if (!Object.keys(fault).length) return undefined;
  const out: Fault = {};
  const delay = asRec(fault.delay);
  if (Object.keys(delay).length) {
    out.delayMs = parseDurationMs(delay.fixedDelay);
    out.delayPercent =
      delay.percentage !== undefined
        ? percentOf(delay.percentage)
        : typeof delay.percent === 'number'
          ? delay.percent
          : 100;
  }
  const abort = asRec(fault.abort);
  if (Object.keys(abort).length) {
    out.abortStatus = typeof abort.httpStatus === 'number' ? abort.httpStatus : 500;
    out.abortPercent =
      abort.percentage !== undefined
        ? percentOf(abort.percentage)
        : typeof abort.percent === 'number'
          ? abort.percent
          : 100;
  }
  return out;
}

/** First matching http route of one VirtualService, or undefined. */
export function routeVirtualService(
  vs: IstioObject,
  req: HttpRequestView,
  gatewayName?: string
): RouteDecision | undefined {
  const ns = vs.metadata?.namespace ?? 'default';
  for (const http of asArr(vs.spec?.http)) {
    const h = asRec(http);
    const ms = asArr(h.match);
    if (ms.length && !ms.some((m) => matches(m, req, gatewayName))) continue;
    const destinations = asArr(h.route).map((r) => {
      const route = asRec(r);
      const d = asRec(route.destination);
      const { service, namespace } = resolveHost(String(d.host ?? ''), ns);
      return {
        service,
        namespace,
        subset: typeof d.subset === 'string' ? d.subset : undefined,
        weight: typeof route.weight === 'number' ? route.weight : 0
      };
    });
    // Istio: a single destination without weight gets 100; weights otherwise sum to 100.
    if (destinations.length === 1 && destinations[0]) destinations[0].weight = 100;
    return { destinations, fault: faultOf(h.fault) };
  }
  return undefined;
}

/** Weighted choice with real randomness, as Envoy's weighted clusters do. */
export function pickWeighted<T extends { weight: number }>(
  items: readonly T[],
  random = Math.random
): T | undefined {
  const total = items.reduce((s, i) => s + i.weight, 0);
  if (total <= 0) return items[0];
  let r = random() * total;
  for (const item of items) {
    r -= item.weight;
    if (r < 0) return item;
  }
  return items[items.length - 1];
}

export function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.includes('/') ? (pattern.split('/')[1] ?? pattern) : pattern;
  if (p === '*') return true;
  if (p.startsWith('*.')) return host.endsWith(p.slice(1));
  return p.toLowerCase() === host.toLowerCase();
}

/** Subset labels from the DestinationRule for a service, or undefined if the subset is not defined. */
export function subsetLabels(
  rules: readonly IstioObject[],
  service: string,
  namespace: string,
  subset: string
): Record<string, string> | undefined {
  for (const dr of rules) {
    const { service: s, namespace: n } = resolveHost(
      String(dr.spec?.host ?? ''),
      dr.metadata?.namespace ?? 'default'
    );
    if (s !== service || n !== namespace) continue;
    for (const sub of asArr(dr.spec?.subsets)) {
      const r = asRec(sub);
      if (r.name === subset) return asRec(r.labels) as Record<string, string>;
    }
  }
  return undefined;
}

// ----------------------------------------------------------------------------------------------
// Inbound mTLS, as a sidecar enforces its PeerAuthentications (Istio's precedence: workload selector in
// the pod's namespace, then namespace-wide, then mesh-wide in the root namespace; UNSET inherits).

const ROOT_NAMESPACE = 'istio-system';

/** Whether the pod's sidecar on `port` refuses a plaintext connection. */
export function refusesPlaintext(
  policies: readonly IstioObject[],
  pod: { namespace: string; labels: Record<string, string> },
  port: number
): boolean {
  const levels: Array<(p: IstioObject) => boolean> = [
    (p) => p.metadata?.namespace === pod.namespace && selectsPod(p, pod.labels),
    (p) => p.metadata?.namespace === pod.namespace && !hasSelector(p),
    (p) => p.metadata?.namespace === ROOT_NAMESPACE && !hasSelector(p)
  ];
  const oldestFirst = [...policies].sort((a, b) =>
    String(a.metadata?.creationTimestamp ?? '').localeCompare(String(b.metadata?.creationTimestamp ?? ''))
  );
  for (const [i, level] of levels.entries()) {
    const policy = oldestFirst.find(level);
    if (!policy) continue;
    const spec = (policy.spec ?? {}) as {
      mtls?: { mode?: string };
      portLevelMtls?: Record<string, { mode?: string }>;
    };
    const mode = (i === 0 ? spec.portLevelMtls?.[String(port)]?.mode : undefined) ?? spec.mtls?.mode;
    if (mode && mode !== 'UNSET') return mode === 'STRICT';
  }
  return false; // PERMISSIVE
}

function hasSelector(p: IstioObject): boolean {
  const labels = (p.spec?.selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels;
  return labels !== undefined && Object.keys(labels).length > 0;
}

function selectsPod(p: IstioObject, labels: Record<string, string>): boolean {
  const want = (p.spec?.selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels;
  return hasSelector(p) && Object.entries(want ?? {}).every(([k, v]) => labels[k] === v);
}

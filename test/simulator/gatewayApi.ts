// Kubernetes Gateway API routing as Istio's Envoy config applies it, for the subset of HTTPRoute that Bookinfo
// uses: which routes attach to a Gateway (parentRefs, hostnames) or to a Service (mesh "producer" routes),
// and which backend a request goes to (path Exact/PathPrefix/RegularExpression, header Exact/RegularExpression
// and method matches, with the API's precedence; weighted backendRefs to Services). Filters are not applied
// (RequestMirror's copies would be dropped anyway).
import type { HttpRequestView, IstioObject, RouteDecision } from './istioConfig.js';
import { hostMatches } from './istioConfig.js';

type Rec = Record<string, unknown>;
const asRec = (v: unknown): Rec => (v && typeof v === 'object' ? (v as Rec) : {});
const asArr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';

interface ParentRef {
  group: string;
  kind: string;
  name: string;
  namespace: string;
  port?: number;
}

function parentRefs(route: IstioObject): ParentRef[] {
  const ns = route.metadata?.namespace ?? 'default';
  return asArr(route.spec?.parentRefs).map((p) => {
    const r = asRec(p);
    return {
      group: typeof r.group === 'string' ? r.group : 'gateway.networking.k8s.io',
      kind: typeof r.kind === 'string' ? r.kind : 'Gateway',
      name: String(r.name ?? ''),
      namespace: typeof r.namespace === 'string' ? r.namespace : ns,
      ...(typeof r.port === 'number' ? { port: r.port } : {})
    };
  });
}

/** HTTPRoutes attached to the Gateway `namespace/name` that accept `host`. */
export function routesForGateway(
  routes: readonly IstioObject[],
  namespace: string,
  name: string,
  host: string
): IstioObject[] {
  return routes.filter((r) => {
    const attached = parentRefs(r).some(
      (p) =>
        p.kind === 'Gateway' &&
        p.group === 'gateway.networking.k8s.io' &&
        p.name === name &&
        p.namespace === namespace
    );
    if (!attached) return false;
    const hostnames = asArr(r.spec?.hostnames).filter((h): h is string => typeof h === 'string');
    return hostnames.length === 0 || hostnames.some((h) => hostMatches(h, host));
  });
}

/** Mesh routes for calls to Service `namespace/service` on `port` (parentRef kind Service, group ""). */
export function routesForService(
  routes: readonly IstioObject[],
  namespace: string,
  service: string,
  port: number
): IstioObject[] {
  return routes.filter((r) =>
    parentRefs(r).some(
      (p) =>
        p.kind === 'Service' &&
        (p.group === '' || p.group === 'core') &&
        p.name === service &&
        p.namespace === namespace &&
        (p.port === undefined || p.port === port)
    )
  );
}

interface Candidate {
  rank: number[];
  decision: RouteDecision;
}

function pathMatches(path: unknown, reqPath: string): { ok: boolean; rank: number[] } {
  const p = asRec(path);
  const type = typeof p.type === 'string' ? p.type : 'PathPrefix';
  const value = typeof p.value === 'string' ? p.value : '/';
  if (type === 'Exact') return { ok: reqPath === value, rank: [2, value.length] };
  if (type === 'RegularExpression')
    return { ok: new RegExp(`^(?:${value})$`).test(reqPath), rank: [0, value.length] };
  // PathPrefix matches whole path segments: /static matches /static and /static/x, not /staticx.
  const prefix = value.endsWith('/') && value !== '/' ? value.slice(0, -1) : value;
  const ok =
    prefix === '/' || reqPath === prefix || reqPath.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
  return { ok, rank: [1, prefix.length] };
}

function headerMatches(headers: unknown, req: HttpRequestView): { ok: boolean; count: number } {
  const list = asArr(headers).map(asRec);
  for (const h of list) {
    const got = req.headers[String(h.name ?? '').toLowerCase()];
    if (got === undefined) return { ok: false, count: list.length };
    const value = String(h.value ?? '');
    const ok = h.type === 'RegularExpression' ? new RegExp(`^(?:${value})$`).test(got) : got === value;
    if (!ok) return { ok: false, count: list.length };
  }
  return { ok: true, count: list.length };
}

function decisionOf(rule: Rec, namespace: string): RouteDecision {
  const destinations = asArr(rule.backendRefs).map((b) => {
    const ref = asRec(b);
    return {
      service: String(ref.name ?? ''),
      namespace: typeof ref.namespace === 'string' ? ref.namespace : namespace,
      // Gateway API: weight defaults to 1; 0 means never.
      weight: typeof ref.weight === 'number' ? ref.weight : 1
    };
  });
  return { destinations: destinations.filter((d) => d.weight > 0) };
}

/**
 * The routing decision for a request over a set of HTTPRoutes, or undefined (no match → 404). Precedence
 * follows the API: exact path over prefix (longest first) over regex, then method, then more header
 * matches, then the older route and the earlier rule.
 */
export function routeHttpRoutes(
  routes: readonly IstioObject[],
  req: HttpRequestView
): RouteDecision | undefined {
  const reqPath = req.path.split('?')[0] ?? '/';
  const ordered = [...routes].sort((a, b) =>
    String(a.metadata?.creationTimestamp ?? '').localeCompare(String(b.metadata?.creationTimestamp ?? ''))
  );
  const candidates: Candidate[] = [];
  ordered.forEach((route, ri) => {
    const ns = route.metadata?.namespace ?? 'default';
    asArr(route.spec?.rules).forEach((r, ruleIndex) => {
      const rule = asRec(r);
      const matches = asArr(rule.matches);
      for (const m of matches.length ? matches : [{}]) {
        const match = asRec(m);
        const path = pathMatches(match.path ?? { type: 'PathPrefix', value: '/' }, reqPath);
        if (!path.ok) continue;
        if (typeof match.method === 'string' && match.method !== req.method) continue;
        const headers = headerMatches(match.headers, req);
        if (!headers.ok) continue;
        candidates.push({
          rank: [...path.rank, typeof match.method === 'string' ? 1 : 0, headers.count, -ri, -ruleIndex],
          decision: decisionOf(rule, ns)
        });
      }
    });
  });
  candidates.sort((a, b) => {
    for (let i = 0; i < Math.max(a.rank.length, b.rank.length); i++) {
      const d = (b.rank[i] ?? 0) - (a.rank[i] ?? 0);
      if (d !== 0) return d;
    }
    return 0;
  });
  return candidates[0]?.decision;
}

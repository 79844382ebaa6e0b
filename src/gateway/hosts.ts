// Shared hosts on the ingress gateway (pure). Istio merges every Gateway that selects the same gateway
// pods: two Gateways in different namespaces claiming the same host on the same port make one route
// table, and for a conflict the older Gateway wins. Two previews with the default `gateway-hosts: *`
// therefore silently share the ingress, and the second one's traffic goes to the first one's Bookinfo.
import { ActionError } from '../errors.js';
import type { KubeObject } from '../kube/objects.js';

export interface GatewayClaim {
  namespace: string;
  name: string;
  selector: Record<string, string>;
  servers: Array<{ port: number; hosts: string[] }>;
  createdAt?: string;
}

export interface SharedHosts {
  namespace: string;
  name: string;
  port: number;
  /** Overlapping pairs: [this run's host, the other Gateway's host]. */
  hosts: Array<[string, string]>;
  createdAt?: string;
}

export function claimOf(gw: KubeObject): GatewayClaim {
  const spec = (gw.spec ?? {}) as {
    selector?: Record<string, string>;
    servers?: Array<{ port?: { number?: number }; hosts?: string[] }>;
  };
  return {
    namespace: gw.metadata.namespace ?? '',
    name: gw.metadata.name,
    selector: spec.selector ?? {},
    servers: (spec.servers ?? []).map((s) => ({ port: s.port?.number ?? 0, hosts: s.hosts ?? [] })),
    ...(gw.metadata.creationTimestamp ? { createdAt: gw.metadata.creationTimestamp } : {})
  };
}

/** Gateway hosts may be `namespace/host` (`./host`, `*\/host`); the namespace part only scopes routes. */
function dnsPart(host: string): string {
  const slash = host.indexOf('/');
  return (slash >= 0 ? host.slice(slash + 1) : host).toLowerCase();
}

/**
 * Whether two Gateway hosts claim the same virtual host. Only equal names do: Envoy picks the most specific
 * domain for a request, so `pr-1.example.com` next to another namespace's `*` or `*.example.com` still gets
 * its own traffic; two equal hosts (two `*`, the default) become one virtual host, which Istio gives to the
 * older VirtualService.
 */
export function claimsSameHost(a: string, b: string): boolean {
  return dnsPart(a) === dnsPart(b);
}

/** Two selectors can pick the same pods unless some label is required with different values. */
function selectorsCompatible(a: Record<string, string>, b: Record<string, string>): boolean {
  return Object.entries(a).every(([k, v]) => !(k in b) || b[k] === v);
}

// A Gateway port that is a port of the ingress Service binds that port's targetPort: the demo ingress maps
// 80 → 8080 and 443 → 8443, so Bookinfo's old port-80 Gateway (Istio ≤ 1.18) and its 8080 one share a
// listener.
const LISTENER: Record<number, number> = { 80: 8080, 443: 8443 };
const listener = (port: number): number => LISTENER[port] ?? port;

/** Gateways of other namespaces that claim a host of `own` on the same ingress pods and listener. */
export function findSharedHosts(own: GatewayClaim, others: readonly GatewayClaim[]): SharedHosts[] {
  const out: SharedHosts[] = [];
  for (const other of others) {
    if (other.namespace === own.namespace || !selectorsCompatible(own.selector, other.selector)) continue;
    for (const mine of own.servers) {
      const theirs = other.servers.filter((s) => listener(s.port) === listener(mine.port));
      const hosts: Array<[string, string]> = [];
      for (const h of mine.hosts)
        for (const s of theirs) for (const t of s.hosts) if (claimsSameHost(h, t)) hosts.push([h, t]);
      if (hosts.length > 0) {
        out.push({
          namespace: other.namespace,
          name: other.name,
          port: mine.port,
          hosts,
          ...(other.createdAt ? { createdAt: other.createdAt } : {})
        });
        break;
      }
    }
  }
  return out;
}

/** A warning, or (for a preview, unless allowed) a refusal, for the conflicts found. */
export function sharedHostsVerdict(
  conflicts: readonly SharedHosts[],
  ctx: { namespace: string; previewId?: string; allowShared: boolean }
): { warning?: string; refuse?: ActionError } {
  if (conflicts.length === 0) return {};
  const claims = conflicts.map((c) => {
    const hosts = [...new Set(c.hosts.map(([, t]) => t))];
    return (
      `Gateway ${c.namespace}/${c.name}${c.createdAt ? ` (created ${c.createdAt})` : ''} already claims ` +
      `host${hosts.length === 1 ? '' : 's'} ${hosts.join(', ')} on port ${c.port} of the same ingress gateway`
    );
  });
  const where = [...new Set(conflicts.map((c) => c.namespace))].join(', ');
  const sentence =
    `${claims.join('; ')}; Istio sends such shared hosts to the older Gateway, so requests through the ingress ` +
    `may reach namespace ${where} instead of ${ctx.namespace}.`;
  if (ctx.previewId !== undefined && !ctx.allowShared) {
    return {
      refuse: new ActionError(sentence, {
        hint: 'give this preview its own host (gateway-hosts: pr-{id}.preview.example.com), or set allow-shared-hosts: true to share the ingress knowingly'
      })
    };
  }
  return {
    warning: `${sentence} Give each deployment its own gateway-hosts (e.g. pr-{id}.preview.example.com).`
  };
}

// Where the ingress gateway can be reached from the runner (pure). Istio's docs read INGRESS_HOST from
// the LoadBalancer status and INGRESS_PORT from the `http2` port; without a cloud LB (kind, bare metal)
// they fall back to a node address and the NodePort. ASK has no NodePort, so there the LB is the only way.
import type { KubeObject } from '../kube/objects.js';

export interface GatewayEndpoint {
  host: string;
  port: number;
  securePort?: number;
  via: 'loadbalancer' | 'nodeport' | 'gateway-api';
  url: string;
}

interface ServicePort {
  name?: string;
  port: number;
  nodePort?: number;
}
interface ServiceLike {
  spec?: { type?: string; ports?: ServicePort[] };
  status?: { loadBalancer?: { ingress?: Array<{ ip?: string; hostname?: string }> } };
}

export function gatewayUrl(host: string, port: number, scheme: 'http' | 'https' = 'http'): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const defaultPort = scheme === 'http' ? 80 : 443;
  return `${scheme}://${h}${port === defaultPort ? '' : `:${port}`}`;
}

function port(svc: ServiceLike, name: string): ServicePort | undefined {
  return svc.spec?.ports?.find((p) => p.name === name);
}

/** The LoadBalancer address, or undefined while the cloud has not assigned one. */
export function loadBalancerEndpoint(service: KubeObject): GatewayEndpoint | undefined {
  const svc = service as unknown as ServiceLike;
  const ingress = svc.status?.loadBalancer?.ingress?.[0];
  const host = ingress?.ip || ingress?.hostname;
  const http = port(svc, 'http2') ?? port(svc, 'http');
  if (!host || !http) return undefined;
  return {
    host,
    port: http.port,
    securePort: port(svc, 'https')?.port,
    via: 'loadbalancer',
    url: gatewayUrl(host, http.port)
  };
}

/** A node address + NodePort, when the Service has node ports and some node has a usable address. */
export function nodePortEndpoint(service: KubeObject, nodes: KubeObject[]): GatewayEndpoint | undefined {
  const svc = service as unknown as ServiceLike;
  const http = port(svc, 'http2') ?? port(svc, 'http');
  if (!http?.nodePort) return undefined;
  for (const want of ['ExternalIP', 'InternalIP']) {
    for (const n of nodes) {
      const addrs =
        (n.status as { addresses?: Array<{ type: string; address: string }> } | undefined)?.addresses ?? [];
      const a = addrs.find((x) => x.type === want);
      if (a) {
        return {
          host: a.address,
          port: http.nodePort,
          securePort: port(svc, 'https')?.nodePort,
          via: 'nodeport',
          url: gatewayUrl(a.address, http.nodePort)
        };
      }
    }
  }
  return undefined;
}

interface GatewayLike {
  metadata?: { generation?: number };
  spec?: { listeners?: Array<{ name?: string; port?: number; protocol?: string }> };
  status?: {
    addresses?: Array<{ type?: string; value?: string }>;
    conditions?: Array<{
      type?: string;
      status?: string;
      reason?: string;
      message?: string;
      observedGeneration?: number;
    }>;
  };
}

/** The Gateway's Programmed condition, when it is about the current generation. */
export function programmedCondition(
  gateway: KubeObject
): { status: string; reason: string; message: string } | undefined {
  const gw = gateway as unknown as GatewayLike;
  const c = gw.status?.conditions?.find((x) => x.type === 'Programmed');
  if (!c) return undefined;
  const generation = gw.metadata?.generation;
  if (generation !== undefined && c.observedGeneration !== undefined && c.observedGeneration < generation)
    return undefined;
  return { status: c.status ?? 'Unknown', reason: c.reason ?? '', message: c.message ?? '' };
}

/**
 * A Kubernetes Gateway's own address (`ingress: gateway-api`): once its controller reports Programmed, the
 * first of `status.addresses` (an IP, or a hostname for a load balancer that only has one) and the port of
 * its HTTP listener. Undefined while it is not programmed or has no address yet.
 */
export function gatewayApiEndpoint(gateway: KubeObject): GatewayEndpoint | undefined {
  const gw = gateway as unknown as GatewayLike;
  if (programmedCondition(gateway)?.status !== 'True') return undefined;
  const address = gw.status?.addresses?.find((a) => typeof a.value === 'string' && a.value !== '');
  const listener = gw.spec?.listeners?.find((l) => l.protocol === 'HTTP') ?? gw.spec?.listeners?.[0];
  if (!address?.value || !listener?.port) return undefined;
  const https = gw.spec?.listeners?.find((l) => l.protocol === 'HTTPS');
  return {
    host: address.value,
    port: listener.port,
    securePort: https?.port,
    via: 'gateway-api',
    url: gatewayUrl(address.value, listener.port)
  };
}

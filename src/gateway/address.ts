// Where the ingress gateway can be reached from the runner (pure). Istio's docs read INGRESS_HOST from
// the LoadBalancer status and INGRESS_PORT from the `http2` port; without a cloud LB (kind, bare metal)
// they fall back to a node address and the NodePort. ASK has no NodePort, so there the LB is the only way.
import type { KubeObject } from '../kube/objects.js';

export interface GatewayEndpoint {
  host: string;
  port: number;
  securePort?: number;
  via: 'loadbalancer' | 'nodeport';
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

/** Serverless (ASK/ECI) clusters run every pod on virtual-kubelet nodes, which offer no NodePort. */
export function isServerless(nodes: KubeObject[]): boolean {
  return (
    nodes.length > 0 &&
    nodes.every((n) => {
      const l = n.metadata.labels ?? {};
      return l['type'] === 'virtual-kubelet' || l['alibabacloud.com/virtual-node'] === 'true';
    })
  );
}

// The ingress gateway's data plane: plain HTTP servers on the LoadBalancer IP (port 80) and on each
// node IP at the http2 nodePort of istio-system/istio-ingressgateway, routing by the Gateway and
// VirtualService objects currently in the apiserver (watched, so a change applies within a second).
// Also the gateways istiod's Gateway API controller deploys (`<gateway>-istio` Deployment + LoadBalancer
// Service, labelled gateway.networking.k8s.io/gateway-name): served on that Service's own LB address,
// routing by the HTTPRoutes attached to the Gateway, answered only while one of its pods is Ready.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { V1Pod, V1Service } from '@kubernetes/client-node';
import type { AppRequest } from './bookinfo.js';
import { hostMatches, routeVirtualService, type IstioConfig, type RouteDecision } from './istioConfig.js';
import { isReady, UpstreamError, type Mesh } from './mesh.js';
import { GATEWAY_NAME_LABEL, routeHttpRoutes, routesForGateway } from './gatewayApi.js';
import type { Cache } from './informers.js';

export const GATEWAY_NAMESPACE = 'istio-system';
export const GATEWAY_SERVICE = 'istio-ingressgateway';
const UPSTREAM_TIMEOUT_MS = 60_000;

interface ListenInfo {
  servicePort: number;
  targetPort: number;
  /** A Gateway API gateway: the Gateway (namespace/name) whose generated Service owns the address. */
  gatewayApi?: { namespace: string; name: string };
}

interface Listener extends ListenInfo {
  server: Server;
}

/** hostname mode reports "localhost": that resolves to 127.0.0.1. */
function lbIps(svc: V1Service): string[] {
  return (svc.status?.loadBalancer?.ingress ?? [])
    .map((i) => i.ip ?? (i.hostname === 'localhost' ? '127.0.0.1' : undefined))
    .filter((ip): ip is string => ip !== undefined);
}

export class IngressGateway {
  private readonly listeners = new Map<string, Listener>();
  private reconciling: Promise<void> = Promise.resolve();

  private readonly services: Cache<V1Service>;
  private readonly pods: Cache<V1Pod>;
  private readonly istio: IstioConfig;
  private readonly mesh: Mesh;
  private readonly nodeIps: () => string[];
  private readonly log: (l: string) => void;

  constructor(
    services: Cache<V1Service>,
    pods: Cache<V1Pod>,
    istio: IstioConfig,
    mesh: Mesh,
    nodeIps: () => string[],
    log: (l: string) => void
  ) {
    this.services = services;
    this.pods = pods;
    this.istio = istio;
    this.mesh = mesh;
    this.nodeIps = nodeIps;
    this.log = log;
  }

  /** Listening addresses, "ip:port". */
  addresses(): string[] {
    return [...this.listeners.keys()];
  }

  /** Call on every change of the gateway Service; serialised so binds never race. */
  reconcile(): Promise<void> {
    this.reconciling = this.reconciling
      .then(() => this.doReconcile())
      .catch((err: unknown) => this.log(`gateway: ${(err as Error).message}`));
    return this.reconciling;
  }

  async stop(): Promise<void> {
    await this.reconciling;
    await Promise.all([...this.listeners.values()].map((l) => closeServer(l.server)));
    this.listeners.clear();
  }

  private wanted(): Map<string, ListenInfo> {
    const want = new Map<string, ListenInfo>();
    const svc = this.services.get(GATEWAY_SERVICE, GATEWAY_NAMESPACE);
    const port =
      svc?.spec?.ports?.find((p) => p.name === 'http2') ?? svc?.spec?.ports?.find((p) => p.port === 80);
    if (svc && port) {
      const targetPort =
        typeof port.targetPort === 'number'
          ? port.targetPort
          : Number(port.targetPort ?? port.port) || port.port;
      const info = { servicePort: port.port, targetPort };
      for (const ip of lbIps(svc)) want.set(`${ip}:${port.port}`, info);
      if (port.nodePort) for (const ip of this.nodeIps()) want.set(`${ip}:${port.nodePort}`, info);
    }
    // Gateway API gateways: each generated LoadBalancer Service, on its own address (never a node port:
    // ASK has none, and the action reads the Gateway's status address).
    for (const gsvc of this.services.list()) {
      const gateway = gsvc.metadata?.labels?.[GATEWAY_NAME_LABEL];
      if (!gateway || gsvc.spec?.type !== 'LoadBalancer') continue;
      for (const p of gsvc.spec.ports ?? []) {
        if (p.name === 'status-port' || p.port === 15021) continue;
        const info: ListenInfo = {
          servicePort: p.port,
          targetPort: typeof p.targetPort === 'number' ? p.targetPort : p.port,
          gatewayApi: { namespace: gsvc.metadata?.namespace ?? 'default', name: gateway }
        };
        for (const ip of lbIps(gsvc)) want.set(`${ip}:${p.port}`, info);
      }
    }
    return want;
  }

  private async doReconcile(): Promise<void> {
    const want = this.wanted();
    const same = (l: Listener, info: ListenInfo): boolean =>
      l.servicePort === info.servicePort &&
      l.targetPort === info.targetPort &&
      JSON.stringify(l.gatewayApi ?? null) === JSON.stringify(info.gatewayApi ?? null);
    for (const [key, l] of this.listeners) {
      const w = want.get(key);
      if (!w || !same(l, w)) {
        this.listeners.delete(key);
        await closeServer(l.server);
      }
    }
    for (const [key, info] of want) {
      if (this.listeners.has(key)) continue;
      const [host, portText] = [key.slice(0, key.lastIndexOf(':')), key.slice(key.lastIndexOf(':') + 1)];
      const server = createServer((req, res) => void this.handle(req, res, info));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(Number(portText), host, () => resolve());
      }).catch((err: unknown) => {
        throw new Error(`cannot listen on ${key} for the ingress gateway: ${(err as Error).message}`, {
          cause: err
        });
      });
      this.listeners.set(key, { server, ...info });
      this.log(`ingress gateway listening on http://${key}`);
    }
  }

  /** Gateway route decision for a request, or undefined (Envoy: 404 route not found). */
  route(req: AppRequest, host: string, info: ListenInfo, gatewayPod: V1Pod): RouteDecision | undefined {
    if (info.gatewayApi) {
      const routes = routesForGateway(
        this.istio.listGatewayApi('httproutes'),
        info.gatewayApi.namespace,
        info.gatewayApi.name,
        host
      );
      return routeHttpRoutes(routes, req);
    }
    const podLabels = gatewayPod.metadata?.labels ?? {};
    const gateways = this.istio.list('gateways').filter((gw) => {
      const selector = (gw.spec?.selector as Record<string, string> | undefined) ?? {};
      if (!Object.entries(selector).every(([k, v]) => podLabels[k] === v)) return false;
      const servers =
        (gw.spec?.servers as
          { port?: { number?: number; protocol?: string }; hosts?: string[] }[] | undefined) ?? [];
      // Istio maps a Gateway port to the Service port or the pod's targetPort (80 in ≤1.18 samples, 8080 later).
      return servers.some(
        (s) =>
          (s.port?.number === info.servicePort || s.port?.number === info.targetPort) &&
          (s.hosts ?? []).some((h) => hostMatches(h, host))
      );
    });
    for (const gw of gateways) {
      const gwNs = gw.metadata?.namespace ?? 'default';
      const gwName = gw.metadata?.name ?? '';
      for (const vs of this.istio.list('virtualservices')) {
        const vsNs = vs.metadata?.namespace ?? 'default';
        const refs = (vs.spec?.gateways as string[] | undefined) ?? [];
        const ref = refs.find((r) => r === `${gwNs}/${gwName}` || (r === gwName && vsNs === gwNs));
        if (!ref) continue;
        if (!((vs.spec?.hosts as string[] | undefined) ?? []).some((h) => hostMatches(h, host))) continue;
        const decision = routeVirtualService(vs, req, ref);
        if (decision) return decision;
      }
    }
    return undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse, info: ListenInfo): Promise<void> {
    const body = await readBody(req);
    const own = info.gatewayApi;
    const gatewayPod = own
      ? this.pods
          .list(own.namespace)
          .find((p) => p.metadata?.labels?.[GATEWAY_NAME_LABEL] === own.name && isReady(p))
      : this.pods
          .list(GATEWAY_NAMESPACE)
          .find((p) => p.metadata?.labels?.istio === 'ingressgateway' && isReady(p));
    if (!gatewayPod) {
      // The cloud LB has no healthy backend: the connection is reset, as an SLB does.
      req.socket.destroy();
      return;
    }
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const appReq: AppRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers, body };
    const host = (headers.host ?? '').replace(/:\d+$/, '');
    const decision = this.route(appReq, host, info, gatewayPod);
    if (!decision) {
      res.writeHead(404, { server: 'istio-envoy', 'content-length': '0' }).end();
      return;
    }
    try {
      const out = await this.mesh.dispatch(decision, appReq, UPSTREAM_TIMEOUT_MS);
      res.writeHead(out.status, { ...out.headers, server: 'istio-envoy' });
      res.end(out.body);
    } catch (err) {
      const status = err instanceof UpstreamError ? err.status : 500;
      const message = err instanceof Error ? err.message : String(err);
      if (!(err instanceof UpstreamError)) this.log(`gateway: ${appReq.method} ${appReq.path}: ${message}`);
      res.writeHead(status, { 'content-type': 'text/plain', server: 'istio-envoy' }).end(message);
    }
  }
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

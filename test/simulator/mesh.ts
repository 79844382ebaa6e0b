// The data plane: who answers a call to a service. Sidecar-injected callers follow the mesh
// VirtualServices (Envoy in the pod); callers without a sidecar get kube-proxy's round robin.
// Only Ready pods receive traffic. Faults (delay/abort) really wait / really fail.
import type { V1Pod, V1Service } from '@kubernetes/client-node';
import { handleApp, type AppRequest, type AppResponse, type PodView } from './bookinfo.js';
import {
  pickWeighted,
  refusesPlaintext,
  resolveHost,
  routeVirtualService,
  subsetLabels,
  type Destination,
  type Fault,
  type IstioConfig,
  type RouteDecision
} from './istioConfig.js';
import type { Cache } from './informers.js';
import { routeHttpRoutes, routesForService } from './gatewayApi.js';

/** Bookinfo's services all listen on 9080. */
const SERVICE_PORT = 9080;

export const NO_HEALTHY_UPSTREAM = 'no healthy upstream';
/** What Envoy answers (503) when the upstream's sidecar resets a plaintext connection. */
export const CONNECTION_RESET =
  'upstream connect error or disconnect/reset before headers. reset reason: connection termination';
const BOOKINFO_PORT = 9080;

/** How a call reaches the pod: from a sidecar or the gateway (mTLS, Istio's auto mTLS) or plaintext. */
export type Peer = 'mtls' | 'plaintext';

export class UpstreamError extends Error {
  readonly status: number;

  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}

export function isReady(pod: V1Pod): boolean {
  return (
    !pod.metadata?.deletionTimestamp &&
    (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')
  );
}

/** An `istio-proxy` container, or a native sidecar (init container with restartPolicy Always). */
export function hasSidecar(pod: V1Pod): boolean {
  return (
    (pod.spec?.containers ?? []).some((c) => c.name === 'istio-proxy') ||
    (pod.spec?.initContainers ?? []).some((c) => c.name === 'istio-proxy' && c.restartPolicy === 'Always')
  );
}

export function podView(pod: V1Pod): PodView {
  const labels = pod.metadata?.labels ?? {};
  const app = labels.app ?? '';
  const main =
    (pod.spec?.containers ?? []).find((c) => c.name === app) ??
    (pod.spec?.containers ?? []).find((c) => c.name !== 'istio-proxy');
  return {
    name: pod.metadata?.name ?? '',
    namespace: pod.metadata?.namespace ?? '',
    app,
    version: labels.version ?? '',
    image: main?.image ?? ''
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class Mesh {
  private readonly roundRobin = new Map<string, number>();

  private readonly pods: Cache<V1Pod>;
  private readonly services: Cache<V1Service>;
  private readonly istio: IstioConfig;

  constructor(pods: Cache<V1Pod>, services: Cache<V1Service>, istio: IstioConfig) {
    this.pods = pods;
    this.services = services;
    this.istio = istio;
  }

  /** Ready pods behind a Service, optionally narrowed by subset labels. */
  readyPods(namespace: string, service: string, extraLabels: Record<string, string> = {}): V1Pod[] {
    const svc = this.services.get(service, namespace);
    const selector = svc?.spec?.selector;
    if (!selector) return [];
    const want = { ...selector, ...extraLabels };
    return this.pods
      .list(namespace)
      .filter((p) => isReady(p) && Object.entries(want).every(([k, v]) => p.metadata?.labels?.[k] === v))
      .sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
  }

  /**
   * The mesh route for a service call from a sidecar: Gateway API HTTPRoutes whose parent is the Service
   * (Istio's mesh "producer" routes), else the VirtualServices bound to `mesh`.
   */
  meshRoute(namespace: string, service: string, req: AppRequest): RouteDecision | undefined {
    const httpRoutes = routesForService(
      this.istio.listGatewayApi('httproutes'),
      namespace,
      service,
      SERVICE_PORT
    );
    if (httpRoutes.length > 0) return routeHttpRoutes(httpRoutes, req);
    for (const vs of this.istio.list('virtualservices')) {
      const gws = (vs.spec?.gateways as string[] | undefined) ?? ['mesh'];
      if (!gws.includes('mesh')) continue;
      const vsNs = vs.metadata?.namespace ?? 'default';
      const hosts = (vs.spec?.hosts as string[] | undefined) ?? [];
      if (
        !hosts.some((h) => {
          const r = resolveHost(h, vsNs);
          return r.service === service && r.namespace === namespace;
        })
      )
        continue;
      return routeVirtualService(vs, req, 'mesh');
    }
    return undefined;
  }

  /** Picks a ready pod for a destination; throws 503 "no healthy upstream" like Envoy. */
  pickPod(dest: Destination): V1Pod {
    let labels: Record<string, string> = {};
    if (dest.subset) {
      const sub = subsetLabels(
        this.istio.list('destinationrules'),
        dest.service,
        dest.namespace,
        dest.subset
      );
      if (!sub) throw new UpstreamError(NO_HEALTHY_UPSTREAM, 503);
      labels = sub;
    }
    const ready = this.readyPods(dest.namespace, dest.service, labels);
    if (!ready.length) throw new UpstreamError(NO_HEALTHY_UPSTREAM, 503);
    const key = `${dest.namespace}/${dest.service}/${dest.subset ?? ''}`;
    const n = this.roundRobin.get(key) ?? 0;
    this.roundRobin.set(key, n + 1);
    return ready[n % ready.length] as V1Pod;
  }

  /** Whether the pod's sidecar refuses plaintext on Bookinfo's port (a STRICT PeerAuthentication). */
  refusesPlaintext(pod: V1Pod, port = BOOKINFO_PORT): boolean {
    return (
      hasSidecar(pod) &&
      refusesPlaintext(
        this.istio.list('peerauthentications'),
        { namespace: pod.metadata?.namespace ?? 'default', labels: pod.metadata?.labels ?? {} },
        port
      )
    );
  }

  /** Sends a request along a routing decision (gateway or sidecar) and returns the pod's answer. */
  async dispatch(
    decision: RouteDecision,
    req: AppRequest,
    timeoutMs: number,
    peer: Peer = 'mtls'
  ): Promise<AppResponse> {
    const work = async (): Promise<AppResponse> => {
      const fault = applyFault(decision.fault);
      if (fault.delayMs) await sleep(fault.delayMs);
      if (fault.abortStatus)
        return {
          status: fault.abortStatus,
          headers: { 'content-type': 'text/plain' },
          body: 'fault filter abort'
        };
      const dest = pickWeighted(decision.destinations);
      if (!dest) throw new UpstreamError(NO_HEALTHY_UPSTREAM, 503);
      const pod = this.pickPod(dest);
      if (peer === 'plaintext' && this.refusesPlaintext(pod)) throw new UpstreamError(CONNECTION_RESET, 503);
      return this.callPod(pod, req);
    };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new UpstreamError('upstream request timeout', 504)), timeoutMs);
    });
    try {
      return await Promise.race([work(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Runs the pod's app; its outgoing calls go through its sidecar if it has one. */
  callPod(pod: V1Pod, req: AppRequest): Promise<AppResponse> {
    const namespace = pod.metadata?.namespace ?? 'default';
    return handleApp(podView(pod), req, (service, upReq, timeoutMs) =>
      this.callService(pod, namespace, service, upReq, timeoutMs)
    );
  }

  /** A call from `from` to a service: through its sidecar (mesh routes, mTLS) or plaintext round robin. */
  callService(
    from: V1Pod,
    namespace: string,
    service: string,
    req: AppRequest,
    timeoutMs: number
  ): Promise<AppResponse> {
    const meshed = hasSidecar(from);
    const decision = (meshed ? this.meshRoute(namespace, service, req) : undefined) ?? {
      destinations: [{ service, namespace, weight: 100 }]
    };
    return this.dispatch(decision, req, timeoutMs, meshed ? 'mtls' : 'plaintext');
  }
}

function applyFault(f: Fault | undefined): { delayMs?: number; abortStatus?: number } {
  if (!f) return {};
  const hit = (percent: number | undefined): boolean => Math.random() * 100 < (percent ?? 100);
  return {
    delayMs: f.delayMs && hit(f.delayPercent) ? f.delayMs : undefined,
    abortStatus: f.abortStatus && hit(f.abortPercent) ? f.abortStatus : undefined
  };
}

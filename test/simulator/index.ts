// The cluster simulator: everything a real ASK cluster does that has no binary here — the node
// (virtual-kubelet), the cloud load balancer, Istio's sidecar injector and ingress gateway data
// plane, and the Bookinfo pods' answers. It talks to the real apiserver with list+watch only.
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, type Server as NetServer, type Socket } from 'node:net';
import {
  KubeConfig,
  type V1ConfigMap,
  type V1CustomResourceDefinition,
  type V1Deployment,
  type V1Pod,
  type V1Service
} from '@kubernetes/client-node';
import { AddressPlan } from './addresses.js';
import {
  BEHAVIOUR_CONFIGMAP,
  parseLb,
  parseRules,
  SIM_NAMESPACE,
  type LbBehaviour,
  type PodRule
} from './behaviour.js';
import { startEgressProxy } from './egress.js';
import { closeServer, GATEWAY_NAMESPACE, GATEWAY_SERVICE, IngressGateway, readBody } from './gateway.js';
import { apiErrorText, apisFor, isConflict, startInformer, type Cache } from './informers.js';
import { startInjector } from './injector.js';
import { ISTIOD_WEBHOOK_PORT, isIstiodPod, startWebhookCaPatcher } from './istiodStandIn.js';
import { IstioConfig } from './istioConfig.js';
import { GATEWAY_NAME_LABEL } from './gatewayApi.js';
import { Kubelet, nodeObjects, type NodeMode } from './kubelet.js';
import { parseEciTiming, type EciTiming } from './eci.js';
import { ImageCacheController } from './imageCache.js';
import { BehaviourReceipts } from './receipts.js';
import { CloudLoadBalancer } from './loadBalancer.js';
import { isReady, Mesh } from './mesh.js';
import { meshProbeProgram } from './probe.js';
import { ProcessRuntime, type ProcessImage } from './processes.js';

export { writeEgressSelectorConfig, type EgressFiles } from './egress.js';
export { SIM_NAMESPACE, BEHAVIOUR_CONFIGMAP, BEHAVIOUR_ANNOTATION } from './behaviour.js';
export { INJECTOR_CONFIGMAP } from './injector.js';
export { pilotDiscoveryImage, type ProcessImage } from './processes.js';
export { IMAGECACHE_CRD, IMAGECACHE_GROUP, IMAGECACHE_PLURAL, IMAGECACHE_VERSION } from './imageCache.js';
export { DEFAULT_ECI_TIMING, type EciTiming } from './eci.js';
export { signSession, readSession, templateOf } from './bookinfo.js';

export interface SimulatorOptions {
  kubeconfigPath: string;
  nodes?: NodeMode;
  log?: (line: string) => void;
  /**
   * The unix socket named in the apiserver's egress selector config (writeEgressSelectorConfig).
   * With it, pod IPs are 10.88.x and the apiserver's service proxy reaches the pods through the
   * simulator; without it, pod IPs are loopback and Endpoints stay empty (1.20 refuses 127/8).
   */
  egressSocketPath?: string;
  /**
   * Images whose containers run as real local processes (e.g. the real pilot-discovery behind istiod
   * pods), with the directory their pod roots go to. See processes.ts.
   */
  processes?: { images: readonly ProcessImage[]; workDir: string };
  /** Reported as the nodes' kubelet version, e.g. v1.35.4. */
  kubernetesVersion?: string;
  /**
   * The simulator's injector answers in istiod's place (istiod's webhook port, its webhook CA): with no
   * real pilot-discovery, this shows which tests depend on the real istiod. See istiodStandIn.ts.
   */
  istiodStandIn?: boolean;
}

export interface Simulator {
  stop(): Promise<void>;
  injectorUrl: string;
  injectorCaBundle: string;
  /** "ip:port" addresses the ingress gateway emulator currently listens on. */
  gatewayAddresses(): string[];
  nodeNames: string[];
  podNetwork: 'egress' | 'loopback';
}

const BOOKINFO_PORT = 9080;

export async function startSimulator(opts: SimulatorOptions): Promise<Simulator> {
  const log = opts.log ?? (() => undefined);
  const kc = new KubeConfig();
  kc.loadFromFile(opts.kubeconfigPath);
  const apis = apisFor(kc);
  const plan = new AddressPlan(opts.egressSocketPath ? 'egress' : 'loopback');
  const stoppers: (() => Promise<void> | void)[] = [];
  const stop = async (): Promise<void> => {
    for (const s of stoppers.reverse()) {
      try {
        await s();
      } catch (err) {
        log(`simulator stop: ${(err as Error).message}`);
      }
    }
    stoppers.length = 0;
  };

  try {
    try {
      await apis.core.createNamespace({ body: { metadata: { name: SIM_NAMESPACE } } });
    } catch (err) {
      if (!isConflict(err))
        throw new Error(`creating namespace ${SIM_NAMESPACE}: ${apiErrorText(err)}`, { cause: err });
    }

    // Behaviour config first, so the first pods already see the rules.
    let rules: PodRule[] = [];
    let lbConfig: Record<string, LbBehaviour> = {};
    let eciTiming: EciTiming | undefined;
    // Parts created further down; the ConfigMap watch (started first) reaches them through here.
    const late: {
      kubelet?: Kubelet;
      lb?: CloudLoadBalancer;
      pods?: Cache<V1Pod>;
      services?: Cache<V1Service>;
      gateway?: IngressGateway;
    } = {};
    const receipts = new BehaviourReceipts(apis, log);
    stoppers.push(() => receipts.stop());
    const onBehaviour = (cm: V1ConfigMap, verb: 'add' | 'update' | 'delete'): void => {
      if (cm.metadata?.name !== BEHAVIOUR_CONFIGMAP) return;
      try {
        rules = verb === 'delete' ? [] : parseRules(cm.data?.['rules.json']);
        lbConfig = verb === 'delete' ? {} : parseLb(cm.data?.['lb.json']);
        eciTiming = verb === 'delete' ? undefined : parseEciTiming(cm.data?.['eci.json']);
      } catch (err) {
        const message = `ConfigMap ${SIM_NAMESPACE}/${BEHAVIOUR_CONFIGMAP} is invalid, keeping the previous behaviour: ${(err as Error).message}`;
        log(message);
        receipts.record(cm.metadata?.resourceVersion, message);
        return;
      }
      // Each part on its own: a pod that fails to re-run must not keep the load balancer from its lb.json.
      for (const [part, apply] of [
        ['pods', () => late.pods && late.kubelet?.reapplyRules(late.pods.list())],
        ['load balancer', () => late.services && late.lb?.reconsider(late.services.list())]
      ] as const) {
        try {
          apply();
        } catch (err) {
          log(`applying ${BEHAVIOUR_CONFIGMAP} to the ${part}: ${(err as Error).message}`);
        }
      }
      // Parts created later read the behaviour when they start, so from here on it is in force.
      if (verb !== 'delete') receipts.record(cm.metadata?.resourceVersion);
    };
    const configMaps = await startInformer<V1ConfigMap>(
      kc,
      `/api/v1/namespaces/${SIM_NAMESPACE}/configmaps`,
      () => apis.core.listNamespacedConfigMap({ namespace: SIM_NAMESPACE }),
      log,
      onBehaviour
    );
    stoppers.push(() => configMaps.stop());

    const istiod = await startInformer<V1Deployment>(
      kc,
      `/apis/apps/v1/namespaces/${GATEWAY_NAMESPACE}/deployments`,
      () => apis.apps.listNamespacedDeployment({ namespace: GATEWAY_NAMESPACE }),
      log
    );
    stoppers.push(() => istiod.stop());

    const injector = await startInjector(
      apis,
      {
        proxyImage: () => {
          const image =
            istiod
              .get('istiod', GATEWAY_NAMESPACE)
              ?.spec?.template.spec?.containers.find((c) => c.name === 'discovery')?.image ??
            istiod.get('istiod', GATEWAY_NAMESPACE)?.spec?.template.spec?.containers[0]?.image;
          return image?.replace(/\/pilot:/, '/proxyv2:');
        }
      },
      log
    );
    stoppers.push(() => closeServer(injector.server as unknown as HttpServer));
    if (opts.istiodStandIn) {
      const patcher = await startWebhookCaPatcher(kc, injector.caBundle, log);
      stoppers.push(() => patcher.stop());
    }

    const nodes = nodeObjects(opts.nodes ?? 'virtual-kubelet', plan, opts.kubernetesVersion);
    const cluster = kc.getCurrentCluster();
    const runtime = opts.processes?.images.length
      ? new ProcessRuntime({
          apis,
          images: opts.processes.images,
          workDir: opts.processes.workDir,
          server: cluster?.server ?? '',
          caPem: cluster?.caData ? Buffer.from(cluster.caData, 'base64').toString('utf8') : '',
          log
        })
      : undefined;
    const kubelet = new Kubelet(apis, nodes, plan, () => rules, log, runtime);
    // ECI's ImageCache controller runs while its CRD is installed (a test installs IMAGECACHE_CRD).
    const imageCaches = new ImageCacheController(apis, () => eciTiming, log);
    stoppers.push(() => imageCaches.stop());
    kubelet.setEci(() => (eciTiming ? { timing: eciTiming, caches: () => imageCaches.views() } : undefined));
    await kubelet.registerNodes();
    late.kubelet = kubelet;
    const theKubelet = kubelet;
    stoppers.push(() => theKubelet.stop());

    const istio = new IstioConfig(kc, apis, log);
    stoppers.push(() => istio.stop());
    const crds = await startInformer<V1CustomResourceDefinition>(
      kc,
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
      () => apis.ext.listCustomResourceDefinition(),
      log,
      (crd, verb) => {
        istio.onCrd(crd, verb);
        imageCaches.onCrd(crd, verb);
      }
    );
    stoppers.push(() => crds.stop());

    const lb = new CloudLoadBalancer(apis, plan, () => lbConfig, log);
    late.lb = lb;
    const theLb = lb;
    stoppers.push(() => theLb.stop());

    const services = await startInformer<V1Service>(
      kc,
      '/api/v1/services',
      () => apis.core.listServiceForAllNamespaces(),
      log,
      (svc, verb) => {
        theLb.onService(svc, verb);
        if (
          (svc.metadata?.namespace === GATEWAY_NAMESPACE && svc.metadata.name === GATEWAY_SERVICE) ||
          svc.metadata?.labels?.[GATEWAY_NAME_LABEL] !== undefined
        )
          void late.gateway?.reconcile();
      }
    );
    stoppers.push(() => services.stop());
    late.services = services;
    const pods = await startInformer<V1Pod>(
      kc,
      '/api/v1/pods',
      () => apis.core.listPodForAllNamespaces(),
      log,
      (pod, verb) => theKubelet.onPod(pod, verb)
    );
    stoppers.push(() => pods.stop());
    late.pods = pods;
    for (const pod of pods.list()) theKubelet.onPod(pod, 'add');
    for (const svc of services.list()) theLb.onService(svc, 'add');

    const mesh = new Mesh(pods, services, istio);
    kubelet.setPrograms((pod) => meshProbeProgram(mesh, pod));
    const nodeIps = nodes.flatMap(
      (n) => n.status?.addresses?.filter((a) => a.type === 'InternalIP').map((a) => a.address) ?? []
    );
    const gateway = new IngressGateway(services, pods, istio, mesh, () => nodeIps, log);
    late.gateway = gateway;
    const theGateway = gateway;
    stoppers.push(() => theGateway.stop());
    await gateway.reconcile();

    if (opts.egressSocketPath) {
      // The pods' port 9080, reachable only through the apiserver's egress proxy.
      const podPods = pods;
      const podServer: HttpServer = createHttpServer((req, res) => {
        const pod = podBySocket.get(req.socket);
        if (!pod) return void res.writeHead(503).end('pod gone');
        void readBody(req).then(async (body) => {
          const headers: Record<string, string | undefined> = {};
          for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
          try {
            const out = await mesh.callPod(pod, {
              method: req.method ?? 'GET',
              path: req.url ?? '/',
              headers,
              body
            });
            res.writeHead(out.status, out.headers).end(out.body);
          } catch (err) {
            res.writeHead(500).end((err as Error).message);
          }
        });
      });
      const podBySocket = new WeakMap<Socket, V1Pod>();
      const pipeTo = (ip: string, port: number) => (socket: Socket) => {
        const upstream = connect(port, ip);
        upstream.on('error', () => socket.destroy());
        socket.on('error', () => upstream.destroy());
        socket.on('close', () => upstream.destroy());
        upstream.pipe(socket);
        socket.pipe(upstream);
      };
      const proxy: NetServer = await startEgressProxy(
        opts.egressSocketPath,
        (rawHost, rawPort) => {
          // A Service (by DNS name, as the apiserver's webhook resolver names it, or by ClusterIP) is
          // answered by one of its Ready endpoints, as kube-proxy would.
          const backend = serviceBackend(services.list(), podPods.list(), rawHost, rawPort);
          const host = backend?.podIp ?? rawHost;
          const port = backend?.port ?? rawPort;
          const processIp = theKubelet.processAddress(host);
          if (processIp) return pipeTo(processIp, port);
          const pod = podPods.list().find((p) => p.status?.podIP === host && isReady(p));
          if (opts.istiodStandIn && port === ISTIOD_WEBHOOK_PORT && pod && isIstiodPod(pod))
            return pipeTo('127.0.0.1', Number(new URL(injector.url).port));
          if (
            !pod ||
            port !== BOOKINFO_PORT ||
            !['productpage', 'details', 'reviews', 'ratings'].includes(pod.metadata?.labels?.app ?? '')
          )
            return undefined;
          // The apiserver's service proxy speaks plaintext: a STRICT sidecar resets it.
          if (mesh.refusesPlaintext(pod, port)) {
            log(`sim: ${pod.metadata?.namespace}/${pod.metadata?.name} refuses plaintext (mTLS STRICT)`);
            // (A unix-socket tunnel cannot send a TCP RST; closing it is what the apiserver sees as EOF.)
            return (socket) => socket.destroy();
          }
          return (socket) => {
            podBySocket.set(socket, pod);
            podServer.emit('connection', socket);
          };
        },
        log
      );
      // Tunnels the apiserver keeps open (webhook connections to istiod) would hold close() forever.
      const tunnels = new Set<Socket>();
      proxy.on('connection', (socket: Socket) => {
        tunnels.add(socket);
        socket.once('close', () => tunnels.delete(socket));
      });
      stoppers.push(
        () =>
          new Promise<void>((resolve) => {
            proxy.close(() => resolve());
            for (const t of tunnels) t.destroy();
          })
      );
      stoppers.push(() => podServer.closeAllConnections());
    }

    return {
      stop,
      injectorUrl: injector.url,
      injectorCaBundle: injector.caBundle,
      gatewayAddresses: () => theGateway.addresses(),
      nodeNames: nodes.map((n) => n.metadata?.name ?? ''),
      podNetwork: plan.podNetwork
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * The Ready pod and port behind `host:port` when host names a Service: `<svc>.<ns>.svc[.cluster.local]`
 * or its ClusterIP. The service port maps to its targetPort (a number, or a named container port).
 */
export function serviceBackend(
  services: readonly V1Service[],
  pods: readonly V1Pod[],
  host: string,
  port: number
): { podIp: string; port: number } | undefined {
  const dns = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc(\.cluster\.local)?\.?$/.exec(host);
  const svc = services.find((s) =>
    dns ? s.metadata?.name === dns[1] && s.metadata?.namespace === dns[2] : s.spec?.clusterIP === host
  );
  if (!svc?.spec?.selector) return undefined;
  const sp = svc.spec.ports?.find((p) => p.port === port);
  if (!sp) return undefined;
  const selector = svc.spec.selector;
  const ready = pods.filter(
    (p) =>
      p.metadata?.namespace === svc.metadata?.namespace &&
      !p.metadata?.deletionTimestamp &&
      isReady(p) &&
      p.status?.podIP &&
      Object.entries(selector).every(([k, v]) => p.metadata?.labels?.[k] === v)
  );
  const pod = ready[Math.floor(Math.random() * ready.length)];
  if (!pod) return undefined;
  const tp = sp.targetPort ?? sp.port;
  const targetPort =
    typeof tp === 'number' || /^\d+$/.test(String(tp))
      ? Number(tp)
      : pod.spec?.containers.flatMap((c) => c.ports ?? []).find((p) => p.name === tp)?.containerPort;
  return targetPort ? { podIp: pod.status?.podIP ?? '', port: targetPort } : undefined;
}

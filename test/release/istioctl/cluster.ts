// The stand-in istioctl's view of the cluster, through @kubernetes/client-node: kubeconfig loading
// (--kubeconfig/$KUBECONFIG, --context), server-side apply with istioctl's field manager, list that
// treats an unserved kind as empty, and watch-based readiness waits (no sleep-polling).
import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  VersionApi,
  Watch,
  type KubernetesObject
} from '@kubernetes/client-node';
// Not re-exported by the package index; the same serializer KubernetesObjectApi uses.
import { ObjectSerializer } from '@kubernetes/client-node/dist/serializer.js';

export type Obj = KubernetesObject & Record<string, unknown>;

/**
 * KubernetesObjectApi serializes a built-in kind through its model class, which knows a CRD schema's
 * `x-kubernetes-preserve-unknown-fields` only under its TypeScript name: plain YAML loses every
 * `x-kubernetes-*` key on the way (and the apiserver then prunes the fields they kept open). Reading the
 * plain object into the model class first keeps them.
 */
function asTyped(obj: Obj): Obj {
  if (obj.kind !== 'CustomResourceDefinition') return obj;
  return ObjectSerializer.deserialize(obj, 'V1CustomResourceDefinition') as Obj;
}

/** The apiserver's own words from a client-node error (its Status message), else the error text. */
export function apiMessage(err: unknown): string {
  const e = err as { body?: unknown; code?: number; message?: string };
  let body = e.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body) as unknown;
    } catch {
      /* not JSON: fall through */
    }
  }
  if (
    body &&
    typeof body === 'object' &&
    'message' in body &&
    typeof (body as { message: unknown }).message === 'string'
  ) {
    return (body as { message: string }).message;
  }
  return e.message ?? String(err);
}

export function statusCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

export interface ReadyTarget {
  kind: 'Deployment' | 'DaemonSet';
  namespace: string;
  name: string;
}

function deploymentReady(d: Obj): boolean {
  const spec = (d.spec ?? {}) as { replicas?: number };
  const st = (d.status ?? {}) as {
    observedGeneration?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    replicas?: number;
  };
  const want = spec.replicas ?? 1;
  return (
    (st.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0) &&
    (st.updatedReplicas ?? 0) >= want &&
    (st.availableReplicas ?? 0) >= want &&
    (st.replicas ?? 0) <= want
  );
}

function daemonSetReady(d: Obj): boolean {
  const st = (d.status ?? {}) as {
    desiredNumberScheduled?: number;
    numberReady?: number;
    observedGeneration?: number;
  };
  return (
    (st.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0) &&
    (st.numberReady ?? 0) >= (st.desiredNumberScheduled ?? 0)
  );
}

export class Cluster {
  readonly kc: KubeConfig;
  readonly objects: KubernetesObjectApi;
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly fieldManager = 'istio-operator';

  constructor(kc: KubeConfig) {
    this.kc = kc;
    this.objects = KubernetesObjectApi.makeApiClient(kc);
    this.core = kc.makeApiClient(CoreV1Api);
    this.apps = kc.makeApiClient(AppsV1Api);
  }

  static load(kubeconfig: string | undefined, context: string | undefined): Cluster {
    const kc = new KubeConfig();
    if (kubeconfig) kc.loadFromFile(kubeconfig);
    else kc.loadFromDefault();
    if (context) {
      if (!kc.getContextObject(context)) throw new Error(`context "${context}" does not exist`);
      kc.setCurrentContext(context);
    }
    if (!kc.getCurrentCluster())
      throw new Error('no cluster configured: set KUBECONFIG or pass --kubeconfig');
    return new Cluster(kc);
  }

  /** The current context's namespace, as istioctl defaults -n to it. */
  contextNamespace(): string {
    return this.kc.getContextObject(this.kc.getCurrentContext())?.namespace ?? 'default';
  }

  async serverVersion(): Promise<{ gitVersion: string; minor: number }> {
    const v = await this.kc.makeApiClient(VersionApi).getCode();
    return { gitVersion: v.gitVersion, minor: Number.parseInt(v.minor, 10) };
  }

  async apply(obj: Obj): Promise<void> {
    try {
      await this.objects.patch(
        asTyped(obj),
        undefined,
        undefined,
        this.fieldManager,
        true,
        PatchStrategy.ServerSideApply
      );
    } catch (err) {
      const msg = apiMessage(err);
      // An unserved kind (client-node's discovery error, or a 404 from the apiserver): say it as kubectl does.
      // A 404 on server-side apply (which creates when absent) means the apiVersion is not served.
      if (
        /Unrecognized API version and kind/i.test(msg) ||
        (statusCode(err) === 404 && /could not find the requested resource/.test(msg))
      ) {
        throw new Error(`no matches for kind "${obj.kind}" in version "${obj.apiVersion}"`, { cause: err });
      }
      throw new Error(msg, { cause: err });
    }
  }

  async get(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string
  ): Promise<Obj | undefined> {
    try {
      return (await this.objects.read({ apiVersion, kind, metadata: { name, namespace } })) as Obj;
    } catch (err) {
      if (statusCode(err) === 404 || /Unrecognized API version and kind/i.test(apiMessage(err)))
        return undefined;
      throw err;
    }
  }

  /** Lists a kind; a kind the apiserver does not serve (CRD not installed) lists as empty. */
  async list(apiVersion: string, kind: string, namespace?: string, labelSelector?: string): Promise<Obj[]> {
    try {
      const res = await this.objects.list(
        apiVersion,
        kind,
        namespace,
        undefined,
        undefined,
        undefined,
        undefined,
        labelSelector
      );
      return res.items as Obj[];
    } catch (err) {
      if (statusCode(err) === 404 || /Unrecognized API version and kind/i.test(apiMessage(err))) return [];
      throw err;
    }
  }

  async delete(obj: Obj): Promise<void> {
    try {
      await this.objects.delete(obj, undefined, undefined, undefined, undefined, 'Background');
    } catch (err) {
      if (statusCode(err) !== 404) throw new Error(apiMessage(err), { cause: err });
    }
  }

  async configMap(namespace: string, name: string): Promise<Record<string, string> | undefined> {
    const cm = await this.get('v1', 'ConfigMap', namespace, name);
    return cm ? ((cm.data ?? {}) as Record<string, string>) : undefined;
  }

  /**
   * Waits until every target is ready (Deployment available / DaemonSet fully ready), watching each
   * namespace+kind from the listed resourceVersion. Resolves with the targets still not ready
   * (empty when all became ready before the timeout).
   */
  async waitReady(targets: ReadyTarget[], timeoutMs: number): Promise<ReadyTarget[]> {
    const pending = new Map(targets.map((t) => [`${t.kind}/${t.namespace}/${t.name}`, t]));
    if (pending.size === 0) return [];
    const groups = new Map<string, ReadyTarget[]>();
    for (const t of targets) {
      const key = `${t.kind}/${t.namespace}`;
      groups.set(key, [...(groups.get(key) ?? []), t]);
    }
    const aborts: AbortController[] = [];
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const observe = (kind: string, o: Obj): void => {
      const ready = kind === 'Deployment' ? deploymentReady(o) : daemonSetReady(o);
      if (ready) pending.delete(`${kind}/${o.metadata?.namespace}/${o.metadata?.name}`);
      if (pending.size === 0) finish();
    };
    const timer = setTimeout(finish, timeoutMs);
    const watch = new Watch(this.kc);
    const start = async (kind: string, namespace: string): Promise<void> => {
      const apiPath =
        kind === 'Deployment'
          ? `/apis/apps/v1/namespaces/${namespace}/deployments`
          : `/apis/apps/v1/namespaces/${namespace}/daemonsets`;
      const listed =
        kind === 'Deployment'
          ? await this.apps.listNamespacedDeployment({ namespace })
          : await this.apps.listNamespacedDaemonSet({ namespace });
      for (const o of listed.items) observe(kind, o as unknown as Obj);
      if (pending.size === 0) return;
      const rewatch = async (rv: string | undefined): Promise<void> => {
        const ac = await watch.watch(
          apiPath,
          { allowWatchBookmarks: true, ...(rv ? { resourceVersion: rv } : {}) },
          (phase, o: Obj) => {
            if (phase === 'ADDED' || phase === 'MODIFIED') observe(kind, o);
          },
          () => {
            // The apiserver ends watches periodically; resume until we are done.
            if (pending.size > 0 && !stopped) void rewatch(undefined).catch(() => undefined);
          }
        );
        aborts.push(ac);
      };
      await rewatch(listed.metadata?.resourceVersion);
    };
    let stopped = false;
    await Promise.all(
      [...groups.keys()].map((k) => start(k.split('/')[0] as string, k.split('/')[1] as string))
    );
    if (pending.size > 0) await done;
    stopped = true;
    clearTimeout(timer);
    for (const ac of aborts) ac.abort();
    return [...pending.values()];
  }

  /** Why a workload is not ready, in the words 1.13's wait.go uses (from its newest pod). */
  async notReadyReason(t: ReadyTarget): Promise<string> {
    const obj = await this.get('apps/v1', t.kind, t.namespace, t.name);
    const sel = ((obj?.spec as { selector?: { matchLabels?: Record<string, string> } } | undefined)?.selector
      ?.matchLabels ?? {}) as Record<string, string>;
    const labelSelector = Object.entries(sel)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    const pods = (await this.core.listNamespacedPod({ namespace: t.namespace, labelSelector })).items;
    pods.sort(
      (a, b) =>
        (b.metadata?.creationTimestamp?.getTime() ?? 0) - (a.metadata?.creationTimestamp?.getTime() ?? 0)
    );
    for (const pod of pods) {
      for (const cs of pod.status?.containerStatuses ?? []) {
        if (cs.state?.waiting)
          return `container failed to start: ${cs.state.waiting.reason ?? ''}: ${cs.state.waiting.message ?? ''}`;
      }
      const cond = (pod.status?.conditions ?? []).find(
        (c) => c.type === 'Ready' || c.type === 'PodScheduled'
      );
      if (cond && cond.status === 'False') return cond.message ?? cond.reason ?? 'pod not ready';
    }
    return pods.length === 0 ? 'no pods created' : '';
  }
}

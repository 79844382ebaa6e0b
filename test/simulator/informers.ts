// Thin wrappers over client-node's list+watch informers, so every part of the simulator reacts to
// changes pushed by the apiserver instead of polling it.
import {
  ApiextensionsV1Api,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  makeInformer,
  type Informer,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  type ObjectCache,
  type V1CustomResourceDefinition
} from '@kubernetes/client-node';

export type Cache<T extends KubernetesObject> = Informer<T> & ObjectCache<T>;

export interface Apis {
  kc: KubeConfig;
  core: CoreV1Api;
  apps: AppsV1Api;
  ext: ApiextensionsV1Api;
  custom: CustomObjectsApi;
}

export function apisFor(kc: KubeConfig): Apis {
  return {
    kc,
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    ext: kc.makeApiClient(ApiextensionsV1Api),
    custom: kc.makeApiClient(CustomObjectsApi)
  };
}

/**
 * Starts an informer and resolves once its first list has arrived. Errors after that are logged;
 * client-node's ListWatch reconnects by itself with back-off.
 */
export async function startInformer<T extends KubernetesObject>(
  kc: KubeConfig,
  path: string,
  list: () => Promise<KubernetesListObject<T>>,
  log: (line: string) => void,
  onChange?: (obj: T, verb: 'add' | 'update' | 'delete') => void
): Promise<Cache<T>> {
  const informer = makeInformer<T>(kc, path, list);
  if (onChange) {
    informer.on('add', (o) => onChange(o, 'add'));
    informer.on('update', (o) => onChange(o, 'update'));
    informer.on('delete', (o) => onChange(o, 'delete'));
  }
  informer.on('error', (err: unknown) => {
    const msg = err instanceof Error ? err.message : String(err);
    // An aborted watch at stop() is expected; anything else is worth a line in the log.
    if (/abort/i.test(msg)) return;
    log(`watch ${path}: ${msg}`);
    // client-node's informer stops for good after an error (an apiserver restart, a dropped connection):
    // start it again, as a kubelet's reflector would, until the API server answers.
    const restart = (): void => {
      setTimeout(() => {
        informer.start().catch((e: unknown) => {
          log(`watch ${path}: restart failed (${e instanceof Error ? e.message : String(e)}); retrying`);
          restart();
        });
      }, 1000).unref();
    };
    restart();
  });
  await informer.start();
  return informer;
}

/** A human-friendly error text for a failed client-node call (its ApiException carries the body). */
export function apiErrorText(err: unknown): string {
  const e = err as { code?: number; body?: unknown; message?: string };
  if (e && typeof e === 'object' && 'code' in e && e.body !== undefined) {
    const body = typeof e.body === 'string' ? e.body : JSON.stringify(e.body);
    let message = body;
    try {
      message = (JSON.parse(body) as { message?: string }).message ?? body;
    } catch {
      // not JSON: keep the raw body
    }
    return `HTTP ${e.code}: ${message}`;
  }
  return e instanceof Error ? e.message : String(err);
}

/** Whether the API server serves a CRD's kinds (its Established condition is True). */
export function crdEstablished(crd: V1CustomResourceDefinition): boolean {
  return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ?? false;
}

export function isNotFound(err: unknown): boolean {
  return (err as { code?: number })?.code === 404;
}

export function isConflict(err: unknown): boolean {
  return (err as { code?: number })?.code === 409;
}

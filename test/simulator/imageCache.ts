// ECI's ImageCache, as far as a cluster shows it: the cluster-scoped CRD imagecaches.eci.alibabacloud.com
// (served by the real API server once a test installs it — ASK clusters have it through ack-virtual-node,
// others do not), and a controller in ECI's place that builds each cache: status.phase goes to Creating
// with an imageCacheId, then, after the time ECI would take to pull its images (eci.ts), to Ready.
// The kubelet asks `views()` which caches a new pod can start from. Fields follow Alibaba Cloud's
// "Kubernetes ImageCache API" page (spec.images, imagePullSecrets, imageCacheSize, retentionDays;
// status.phase, progress, imageCacheId, startTime, lastUpdatedTime).
import { createHash } from 'node:crypto';
import type { KubernetesObject, V1CustomResourceDefinition } from '@kubernetes/client-node';
import type { KubeObject } from '../../src/kube/objects.js';
import { apiErrorText, crdEstablished, startInformer, type Apis, type Cache } from './informers.js';
import { cachePullMs, type CacheView, type EciTiming, DEFAULT_ECI_TIMING } from './eci.js';

export const IMAGECACHE_GROUP = 'eci.alibabacloud.com';
export const IMAGECACHE_VERSION = 'v1';
export const IMAGECACHE_PLURAL = 'imagecaches';

interface ImageCacheObject extends KubernetesObject {
  spec?: { images?: string[] };
  status?: { phase?: string; imageCacheId?: string; progress?: string; observedImages?: string[] };
}

/**
 * The CRD as ack-virtual-node installs it (cluster scope, status subresource, spec.images required), as the
 * JSON a server-side apply sends (client-node's typed model would rename the x-kubernetes-* key).
 */
export const IMAGECACHE_CRD: KubeObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${IMAGECACHE_PLURAL}.${IMAGECACHE_GROUP}` },
  spec: {
    group: IMAGECACHE_GROUP,
    scope: 'Cluster',
    names: {
      kind: 'ImageCache',
      listKind: 'ImageCacheList',
      plural: IMAGECACHE_PLURAL,
      singular: 'imagecache',
      shortNames: ['ic']
    },
    versions: [
      {
        name: IMAGECACHE_VERSION,
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            required: ['spec'],
            properties: {
              spec: {
                type: 'object',
                required: ['images'],
                properties: {
                  images: { type: 'array', minItems: 1, items: { type: 'string' } },
                  imagePullSecrets: { type: 'array', items: { type: 'string' } },
                  imageCacheSize: { type: 'integer', minimum: 20, maximum: 32768 },
                  retentionDays: { type: 'integer', minimum: 1, maximum: 65536 }
                }
              },
              status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }
            }
          }
        }
      }
    ]
  }
};

const sameImages = (a: readonly string[] = [], b: readonly string[] = []) =>
  a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);

export class ImageCacheController {
  private cache?: Cache<ImageCacheObject>;
  private starting = false;
  private stopped = false;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly apis: Apis;
  private readonly timing: () => EciTiming | undefined;
  private readonly log: (l: string) => void;

  constructor(apis: Apis, timing: () => EciTiming | undefined, log: (l: string) => void) {
    this.apis = apis;
    this.timing = timing;
    this.log = log;
  }

  /** Fed by the simulator's CRD informer: the controller runs while the CRD is established. */
  onCrd(crd: V1CustomResourceDefinition, verb: 'add' | 'update' | 'delete'): void {
    if (crd.metadata?.name !== IMAGECACHE_CRD.metadata.name || this.stopped) return;
    if (verb === 'delete' || !crdEstablished(crd)) {
      void this.cache?.stop();
      this.cache = undefined;
      return;
    }
    if (this.cache || this.starting) return;
    this.starting = true;
    const path = `/apis/${IMAGECACHE_GROUP}/${IMAGECACHE_VERSION}/${IMAGECACHE_PLURAL}`;
    startInformer<ImageCacheObject>(
      this.apis.kc,
      path,
      () =>
        this.apis.custom.listClusterCustomObject({
          group: IMAGECACHE_GROUP,
          version: IMAGECACHE_VERSION,
          plural: IMAGECACHE_PLURAL
        }) as never,
      this.log,
      (o, v) => (v === 'delete' ? this.forget(o) : this.reconcile(o))
    )
      .then((cache) => {
        if (this.stopped) return void cache.stop();
        this.cache = cache;
        for (const o of cache.list()) this.reconcile(o);
      })
      .catch((err: unknown) => this.log(`imagecaches: ${apiErrorText(err)}`))
      .finally(() => (this.starting = false));
  }

  /** The caches a pod being created now can use (Ready or not: matchCache looks only at Ready ones). */
  views(): CacheView[] {
    return (this.cache?.list() ?? []).map((o) => ({
      name: o.metadata?.name ?? '',
      id: o.status?.imageCacheId,
      ready: o.status?.phase === 'Ready' && sameImages(o.status.observedImages, o.spec?.images),
      images: o.spec?.images ?? []
    }));
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    void this.cache?.stop();
  }

  private forget(o: ImageCacheObject): void {
    const name = o.metadata?.name ?? '';
    clearTimeout(this.timers.get(name));
    this.timers.delete(name);
  }

  /** A new cache, or one whose images changed: Creating now, Ready after its pull time. */
  private reconcile(o: ImageCacheObject): void {
    const name = o.metadata?.name ?? '';
    const images = o.spec?.images ?? [];
    const built = sameImages(o.status?.observedImages, images);
    if ((built && o.status?.phase === 'Ready') || this.timers.has(name)) return;
    const timing = this.timing() ?? DEFAULT_ECI_TIMING;
    const simulatedMs = cachePullMs(timing, name, images);
    const id =
      o.status?.imageCacheId ??
      `imc-${createHash('sha256')
        .update(`${name}/${o.metadata?.uid ?? ''}`)
        .digest('hex')
        .slice(0, 20)}`;
    void this.writeStatus(name, {
      phase: 'Creating',
      imageCacheId: id,
      progress: '0%',
      observedImages: images
    });
    const timer = setTimeout(
      () => {
        this.timers.delete(name);
        void this.writeStatus(name, {
          phase: 'Ready',
          imageCacheId: id,
          progress: '100%',
          observedImages: images
        });
        this.log(`imagecache ${name} Ready after ${(simulatedMs / 1000).toFixed(1)} simulated s`);
      },
      Math.round(simulatedMs * timing.timeScale)
    );
    timer.unref();
    this.timers.set(name, timer);
  }

  private async writeStatus(name: string, status: NonNullable<ImageCacheObject['status']>): Promise<void> {
    const now = new Date().toISOString();
    for (let attempt = 0; attempt < 5 && !this.stopped; attempt++) {
      try {
        const live = (await this.apis.custom.getClusterCustomObject({
          group: IMAGECACHE_GROUP,
          version: IMAGECACHE_VERSION,
          plural: IMAGECACHE_PLURAL,
          name
        })) as ImageCacheObject;
        const old = live.status ?? {};
        await this.apis.custom.replaceClusterCustomObjectStatus({
          group: IMAGECACHE_GROUP,
          version: IMAGECACHE_VERSION,
          plural: IMAGECACHE_PLURAL,
          name,
          body: {
            ...live,
            status: {
              ...old,
              ...status,
              startTime: (old as { startTime?: string }).startTime ?? now,
              lastUpdatedTime: now
            }
          }
        });
        return;
      } catch (err) {
        if ((err as { code?: number }).code === 404) return; // deleted meanwhile
        if ((err as { code?: number }).code !== 409) {
          this.log(`imagecache ${name} status: ${apiErrorText(err)}`);
          return;
        }
      }
    }
  }
}

// `eci-image-cache: prepare`: on ASK every pod is an ECI instance that pulls each of its images afresh,
// unless an ECI ImageCache (cluster-scoped, imagecaches.eci.alibabacloud.com) holding them is Ready; ECI
// then matches it to new pods by itself (k8s.aliyun.com/eci-auto-imc, true by default). This step makes
// that cache before Bookinfo's pods exist: it asks the cluster which images the pods will run — each
// Deployment's pod, created as a server-side dry run in the preview's namespace, comes back with what the
// sidecar injector added (istio-init, istio-proxy), so the list is the injector's, not a guess — creates
// one ImageCache per Istio version and exactly that list, named after both (a new list is a new cache,
// never a stale Ready one), and waits until ECI reports it Ready. It is kept across runs and teardowns: a scheduled run keeps it warm.
// Fields as in Alibaba Cloud's "Kubernetes ImageCache API" (spec.images; status.phase, imageCacheId).
import { createHash } from 'node:crypto';
import * as core from '@actions/core';
import type { Config } from '../inputs/config.js';
import { UnknownKindError, type Kube } from '../kube/client.js';
import { applyLogged } from '../kube/logged.js';
import type { KubeObject } from '../kube/objects.js';
import { ISTIO_VERSION_LABEL, MANAGED_BY, MANAGED_BY_LABEL } from '../ownership.js';
import type { Contributing } from '../report/model.js';
import { ActionError } from '../errors.js';

export const IMAGECACHE_API = 'eci.alibabacloud.com/v1';

/** What the summary shows of the cache. */
export interface ImageCacheResult {
  name: string;
  /** ECI's id (status.imageCacheId), once it has one. */
  id?: string;
  images: string[];
  /** created: made by this run; found: already there (Ready, or Ready meanwhile). */
  action: 'created' | 'found' | 'would be created' | 'not supported';
  waitedMs: number;
}

interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown> & { serviceAccountName?: string };
}

/**
 * Pure: a Pod for each Deployment of `workloads`, to be created as a server-side dry run so admission
 * (the sidecar injector) shows what it would add. The service account is left out: a new namespace has
 * none of Bookinfo's yet, and the injected containers do not depend on it.
 */
export function probePods(workloads: readonly KubeObject[], namespace: string): KubeObject[] {
  return workloads
    .filter((o) => o.kind === 'Deployment')
    .map((d) => {
      const template = ((d.spec as { template?: PodTemplate } | undefined)?.template ?? {}) as PodTemplate;
      const { serviceAccountName: _unused, ...spec } = template.spec ?? {};
      return {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `${d.metadata.name}-image-probe`,
          namespace,
          labels: template.metadata?.labels ?? {},
          annotations: template.metadata?.annotations ?? {}
        },
        spec
      };
    });
}

/** Pure: every image a pod runs (init containers included), sorted and without repeats. */
export function podImages(pods: readonly KubeObject[]): string[] {
  const images = new Set<string>();
  for (const pod of pods) {
    const spec = (pod.spec ?? {}) as {
      containers?: Array<{ image?: string }>;
      initContainers?: Array<{ image?: string }>;
    };
    for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])])
      if (c.image) images.add(c.image);
  }
  return [...images].sort();
}

/** Pure: the ImageCache of one Istio version and exactly these images; its name is a digest of both. */
export function imageCacheObject(images: readonly string[], istioVersion: string): KubeObject {
  const digest = createHash('sha256')
    .update([istioVersion, ...images].join('\n'))
    .digest('hex')
    .slice(0, 12);
  return {
    apiVersion: IMAGECACHE_API,
    kind: 'ImageCache',
    metadata: {
      name: `ask-istio-bookinfo-${digest}`,
      labels: { [MANAGED_BY_LABEL]: MANAGED_BY, [ISTIO_VERSION_LABEL]: istioVersion }
    },
    spec: { images: [...images] }
  };
}

/** Pure: where ECI is with a cache (phases from its API: Ready, and Failed/UpdateFailed as final). */
export function cacheState(o: KubeObject | undefined): { done: boolean; failure?: string; progress: string } {
  const status = (o?.status ?? {}) as { phase?: string; progress?: string };
  const phase = status.phase ?? 'not started';
  if (phase === 'Ready') return { done: true, progress: 'Ready' };
  if (/failed/i.test(phase))
    return { done: false, progress: phase, failure: `ECI could not build the ImageCache (phase ${phase})` };
  return { done: false, progress: `${phase}${status.progress ? ` ${status.progress}` : ''}` };
}

export async function prepareImageCache(args: {
  kube: Kube;
  config: Config;
  istioVersion: string;
  /** The preview's namespace object (applied first: the dry-run pods need it). */
  namespace: KubeObject;
  /** Bookinfo's manifests as the Bookinfo step applies them. */
  workloads: readonly KubeObject[];
  timeoutMs: number;
}): Promise<Contributing> {
  const { kube, config } = args;
  const started = Date.now();
  try {
    await kube.resource(IMAGECACHE_API, 'ImageCache');
  } catch (err) {
    if (!(err instanceof UnknownKindError)) throw err;
    const why = `eci-image-cache: prepare did nothing: this cluster has no ECI ImageCache CRD (imagecaches.eci.alibabacloud.com; ASK clusters get it with the ack-virtual-node component).`;
    core.warning(why);
    return {
      report: { warnings: [why], imageCache: { name: '', images: [], action: 'not supported', waitedMs: 0 } }
    };
  }

  const { plan } = await applyLogged(kube, [args.namespace]);
  const probes = probePods(args.workloads, config.namespace);
  const admitted = (await kube.apply(probes, { dryRun: true })).map((o) => o.object);
  const images = podImages(admitted);
  const injected = images.length > podImages(probes).length;
  core.info(
    `Images of Bookinfo's pods${injected ? ' with their injected sidecar' : ' (no sidecar injected: none added by admission)'}: ${images.join(', ')}`
  );
  const cache = imageCacheObject(images, args.istioVersion);
  if (kube.dryRun) {
    const live = await kube.get({
      apiVersion: IMAGECACHE_API,
      kind: 'ImageCache',
      name: cache.metadata.name
    });
    const action = live ? 'found' : 'would be created';
    return {
      report: {
        plan: [
          ...plan,
          `ImageCache ${cache.metadata.name} (${images.length} images) ${live ? 'exists' : 'would be created'}`
        ],
        imageCache: { name: cache.metadata.name, images, action, waitedMs: 0 }
      }
    };
  }
  // Only labels can differ on a live one (the name is the image list): re-applying it is a no-op.
  const [outcome] = (await applyLogged(kube, [cache])).outcomes;
  let ready: KubeObject | undefined;
  try {
    [ready] = await kube.waitFor(
      { apiVersion: IMAGECACHE_API, kind: 'ImageCache', name: cache.metadata.name },
      (items) => {
        const state = cacheState(items[0]);
        return {
          done: state.done,
          progress: `ImageCache ${cache.metadata.name}: ${state.progress}`,
          ...(state.failure ? { failure: state.failure, fatal: true } : {})
        };
      },
      { timeoutMs: args.timeoutMs }
    );
  } catch (err) {
    throw new ActionError(
      `The ECI ImageCache ${cache.metadata.name} did not become Ready; no Bookinfo pod was created.`,
      {
        details: [err instanceof Error ? err.message : String(err)],
        hint: 'Check `kubectl describe imagecache` for its events (a private image needs imagePullSecrets), or set eci-image-cache: auto to start without it.',
        cause: err
      }
    );
  }
  const waitedMs = Date.now() - started;
  const id = (ready?.status as { imageCacheId?: string } | undefined)?.imageCacheId;
  core.info(
    `ImageCache ${cache.metadata.name}${id ? ` (${id})` : ''} is Ready after ${(waitedMs / 1000).toFixed(1)} s`
  );
  return {
    report: {
      plan,
      imageCache: {
        name: cache.metadata.name,
        ...(id ? { id } : {}),
        images,
        action: outcome?.action === 'created' ? 'created' : 'found',
        waitedMs
      }
    }
  };
}

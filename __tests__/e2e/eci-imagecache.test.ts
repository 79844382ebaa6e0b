// `eci-image-cache: prepare` against the real API server: on a cluster without ECI's ImageCache CRD the
// action says so and changes nothing for it; with the CRD (as ack-virtual-node installs it, served by the
// real apiserver, built by the simulator in ECI's place) it creates one ImageCache holding exactly the
// images of Bookinfo's pods — the sidecar's taken from the injector's answer to dry-run pods (the real
// istiod on `current`) — waits until it is Ready before any Bookinfo pod exists, the pods then start from
// it (the simulator's ECI timing mode records which cache each pod used), and a re-run writes nothing.
import { afterAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { setEciTiming } from '../../test/harness/behaviour.js';
import { runAction, type RunActionResult } from '../../test/harness/runAction.js';
import { newNamespace, readHarnessState } from '../../test/harness/state.js';
import { IMAGECACHE_CRD } from '../../test/simulator/imageCache.js';
import type { Kube } from '../../src/kube/client.js';
import type { KubeObject } from '../../src/kube/objects.js';

const state = readHarnessState();
const namespaces: string[] = [];
const CACHE_API = 'eci.alibabacloud.com/v1';

async function connect(): Promise<Kube> {
  const { Kube } = await import('../../src/kube/index.js');
  return Kube.connect({ kubeconfigPath: state.kubeconfigPath, fieldManager: 'eci-imagecache-e2e' });
}

function deploy(namespace: string, extra: Record<string, string> = {}): Promise<RunActionResult> {
  return runAction({
    inputs: {
      kubeconfig: readFileSync(state.kubeconfigPath, 'utf8'),
      'istio-version': state.stack.istio,
      'istio-download-url': state.downloadUrl,
      namespace,
      'gateway-hosts': `${namespace}.bookinfo.test`,
      routing: 'none',
      'smoke-test': 'false',
      'eci-image-cache': 'prepare',
      'wait-timeout': '240s',
      ...extra
    },
    post: false,
    timeoutMs: 360_000
  });
}

let previousTiming: string | undefined;
afterAll(async () => {
  await setEciTiming(previousTiming).catch(() => undefined);
  const kube = await connect();
  for (const name of namespaces)
    await kube.delete({ apiVersion: 'v1', kind: 'Namespace', name }).catch(() => false);
  for (const c of await kube.list(CACHE_API, 'ImageCache').catch(() => [] as KubeObject[]))
    await kube
      .delete({ apiVersion: CACHE_API, kind: 'ImageCache', name: c.metadata.name })
      .catch(() => false);
  await kube.delete({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    name: IMAGECACHE_CRD.metadata.name
  });
  await kube.close();
});

describe('eci-image-cache: prepare', () => {
  it('without the ImageCache CRD: one clear warning, Bookinfo deployed as usual', async () => {
    const namespace = newNamespace('imc-none');
    namespaces.push(namespace);
    const r = await deploy(namespace, { gateway: 'false' });
    expect(r.code).toBe(0);
    const warnings = r.commands.filter((c) => c.command === 'warning').map((c) => c.message);
    expect(warnings).toContainEqual(
      expect.stringMatching(
        /^eci-image-cache: prepare did nothing: this cluster has no ECI ImageCache CRD \(imagecaches\.eci\.alibabacloud\.com/
      )
    );
    expect(r.summary).not.toMatch(/\| ECI ImageCache \|/); // no facts row: nothing was made
    expect(r.summary).toMatch(/no ECI ImageCache CRD/); // the warning is in the summary too
  }, 400_000);

  it('with it: one cache of exactly the pods’ images, Ready before the pods, used by them; a re-run writes nothing', async () => {
    const kube = await connect();
    const { applyStaged } = await import('../../src/kube/staged.js');
    await applyStaged(kube, [IMAGECACHE_CRD]); // waits until the API server serves the kind
    previousTiming = await setEciTiming(JSON.stringify({ enabled: true, timeScale: 0.02 }));
    const namespace = newNamespace('imc-prepare');
    namespaces.push(namespace);

    const first = await deploy(namespace);
    expect(first.code).toBe(0);
    const caches = await kube.list(CACHE_API, 'ImageCache');
    expect(caches).toHaveLength(1);
    const cache = caches[0]!;
    const images = (cache.spec as { images: string[] }).images;
    const status = cache.status as { phase?: string; imageCacheId?: string; lastUpdatedTime?: string };
    expect(status.phase).toBe('Ready');
    expect(status.imageCacheId).toMatch(/^imc-/);

    // Exactly what the pods run: every container and init container image of every Bookinfo pod.
    const pods = await kube.list('v1', 'Pod', {
      namespace,
      labelSelector: 'app in (productpage,details,reviews,ratings)'
    });
    const running = new Set(
      pods.flatMap((p) => {
        const spec = p.spec as {
          containers: Array<{ image: string }>;
          initContainers?: Array<{ image: string }>;
        };
        return [...(spec.initContainers ?? []), ...spec.containers].map((c) => c.image);
      })
    );
    expect([...running].sort()).toEqual(images);
    expect(images.some((i) => /\/proxyv2:/.test(i))).toBe(true); // the injector's, not the manifests'
    expect(images.filter((i) => /examples-bookinfo-/.test(i))).toHaveLength(6);

    // Ready before the first pod was created, and every pod started from it.
    const readyAt = Date.parse(status.lastUpdatedTime ?? '');
    for (const p of pods)
      expect(Date.parse(String(p.metadata.creationTimestamp))).toBeGreaterThanOrEqual(readyAt - 1000);
    const events = await kube.list('v1', 'Event', { namespace });
    const pulling = events
      .filter((e) => (e as { reason?: string }).reason === 'Pulling')
      .map((e) => (e as { message?: string }).message ?? '');
    expect(pulling.length).toBeGreaterThanOrEqual(pods.length);
    for (const m of pulling)
      expect(m).toMatch(new RegExp(`^ECI: images from ImageCache ${cache.metadata.name}; starting in`));
    expect(first.summary).toMatch(
      new RegExp(
        `ECI ImageCache \\| ${cache.metadata.name} \\(imc-[0-9a-f]+\\) — created, ${images.length} images, Ready after`
      )
    );

    const again = await deploy(namespace);
    expect(again.code).toBe(0);
    expect(again.kubeStats?.writes).toBe(0);
    expect(again.summary).toMatch(new RegExp(`${cache.metadata.name} \\(imc-[0-9a-f]+\\) — found`));
    expect(await kube.list(CACHE_API, 'ImageCache')).toHaveLength(1);
    process.stderr.write(
      `[eci-imagecache] ${images.length} images; first run ${(first.main.durationMs / 1000).toFixed(1)} s, re-run ${(again.main.durationMs / 1000).toFixed(1)} s\n`
    );
    await kube.close();
  }, 800_000);
});

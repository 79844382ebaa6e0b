import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../src/kube/objects.js';
import { cacheState, imageCacheObject, podImages, probePods } from '../../../src/eci/imageCache.js';

const deployment = (name: string, image: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'pr-7' },
  spec: {
    template: {
      metadata: { labels: { app: name }, annotations: { 'k8s.aliyun.com/eci-use-specs': '1-2Gi' } },
      spec: { serviceAccountName: `bookinfo-${name}`, containers: [{ name, image }] }
    }
  }
});

describe('the ImageCache plan', () => {
  it("makes one dry-run pod per Deployment, with its template's labels and annotations and no service account", () => {
    const pods = probePods(
      [
        deployment('details', 'docker.io/istio/examples-bookinfo-details-v1:1.20.3'),
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 'details' } }
      ],
      'pr-7'
    );
    expect(pods).toHaveLength(1);
    expect(pods[0]).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'details-image-probe',
        namespace: 'pr-7',
        labels: { app: 'details' },
        annotations: { 'k8s.aliyun.com/eci-use-specs': '1-2Gi' }
      },
      spec: {
        containers: [{ name: 'details', image: 'docker.io/istio/examples-bookinfo-details-v1:1.20.3' }]
      }
    });
  });

  it('lists every image of the admitted pods once, init containers included, sorted', () => {
    const injected: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: {
        initContainers: [{ name: 'istio-init', image: 'docker.io/istio/proxyv2:1.30.3' }],
        containers: [
          { name: 'reviews', image: 'docker.io/istio/examples-bookinfo-reviews-v1:1.20.3' },
          { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.30.3' }
        ]
      }
    };
    expect(podImages([injected, injected])).toEqual([
      'docker.io/istio/examples-bookinfo-reviews-v1:1.20.3',
      'docker.io/istio/proxyv2:1.30.3'
    ]);
  });

  it('names the cache after its Istio version and exact image list: the same both, the same cache; else another', () => {
    const a = imageCacheObject(['x:1', 'y:1'], '1.30.3');
    expect(a.metadata.name).toMatch(/^ask-istio-bookinfo-[0-9a-f]{12}$/);
    expect(imageCacheObject(['x:1', 'y:1'], '1.30.3').metadata.name).toBe(a.metadata.name);
    expect(imageCacheObject(['x:1', 'y:2'], '1.30.3').metadata.name).not.toBe(a.metadata.name);
    expect(imageCacheObject(['x:1', 'y:1'], '1.31.0').metadata.name).not.toBe(a.metadata.name);
    expect(a).toMatchObject({
      apiVersion: 'eci.alibabacloud.com/v1',
      kind: 'ImageCache',
      metadata: {
        labels: {
          'app.kubernetes.io/managed-by': 'ask-istio-action',
          'ask-istio.dev/istio-version': '1.30.3'
        }
      },
      spec: { images: ['x:1', 'y:1'] }
    });
    expect(a.metadata.namespace).toBeUndefined(); // cluster-scoped
  });

  it('reads the phase: Ready is done, a failed phase is final, anything else is progress', () => {
    const at = (status: unknown): KubeObject => ({
      apiVersion: 'v',
      kind: 'ImageCache',
      metadata: { name: 'c' },
      status
    });
    expect(cacheState(at({ phase: 'Ready' }))).toEqual({ done: true, progress: 'Ready' });
    expect(cacheState(at({ phase: 'Failed' })).failure).toMatch(/phase Failed/);
    expect(cacheState(at({ phase: 'UpdateFailed' })).failure).toMatch(/UpdateFailed/);
    expect(cacheState(at({ phase: 'Creating', progress: '40%' }))).toEqual({
      done: false,
      progress: 'Creating 40%'
    });
    expect(cacheState(undefined)).toEqual({ done: false, progress: 'not started' });
  });
});

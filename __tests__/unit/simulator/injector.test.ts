// The simulator's injector decides like istiod's injectRequired (pkg/kube/inject): the webhook's selectors
// choose the namespaces, the injector only the pod.
import { describe, expect, it } from '@jest/globals';
import type { V1Pod } from '@kubernetes/client-node';
import { injectionPatch, injectionRequired } from '../../../test/simulator/injector.js';

const pod = (labels: Record<string, string> = {}, annotations: Record<string, string> = {}): V1Pod => ({
  metadata: { generateName: 'reviews-v1-5d8f9-', labels: { app: 'reviews', ...labels }, annotations },
  spec: { containers: [{ name: 'reviews', image: 'examples-bookinfo-reviews-v1' }] }
});
const ctx = { proxyImage: () => 'docker.io/istio/proxyv2:1.30.3' };

describe('injectionRequired', () => {
  it('injects a plain pod in any namespace the webhook sends, labelled or not', () => {
    expect(injectionRequired(pod(), 'bookinfo')).toBe(true);
  });
  it('never injects in the Kubernetes system namespaces', () => {
    for (const ns of ['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage'])
      expect(injectionRequired(pod(), ns)).toBe(false);
  });
  it('honours the opt-out, the label winning over the annotation', () => {
    expect(injectionRequired(pod({}, { 'sidecar.istio.io/inject': 'false' }), 'bookinfo')).toBe(false);
    expect(injectionRequired(pod({ 'sidecar.istio.io/inject': 'false' }), 'bookinfo')).toBe(false);
    expect(
      injectionRequired(
        pod({ 'sidecar.istio.io/inject': 'true' }, { 'sidecar.istio.io/inject': 'false' }),
        'bookinfo'
      )
    ).toBe(true);
  });
  it('skips host-network pods and pods already injected', () => {
    const host = pod();
    host.spec!.hostNetwork = true;
    expect(injectionRequired(host, 'bookinfo')).toBe(false);
    expect(injectionRequired(pod({}, { 'sidecar.istio.io/status': '{}' }), 'bookinfo')).toBe(false);
  });
});

describe('injectionPatch', () => {
  it('adds istio-init with NET_ADMIN/NET_RAW, the proxy, the status annotation and the tlsMode label', () => {
    const ops = injectionPatch(pod(), 'bookinfo', ctx) ?? [];
    const values = ops.map((o) => o.value) as { name?: string; image?: string }[][];
    expect(ops.map((o) => o.path)).toEqual(
      expect.arrayContaining([
        '/spec/initContainers',
        '/spec/containers/-',
        '/metadata/annotations/sidecar.istio.io~1status',
        '/metadata/labels/security.istio.io~1tlsMode'
      ])
    );
    const init = (values[0] as unknown as { name: string; image: string; securityContext: unknown }[])[0];
    expect(init?.name).toBe('istio-init');
    expect(init?.image).toBe('docker.io/istio/proxyv2:1.30.3');
    expect(JSON.stringify(init?.securityContext)).toContain('"add":["NET_ADMIN","NET_RAW"]');
  });
  it('is nothing without an istiod to take the proxy image from', () => {
    expect(injectionPatch(pod(), 'bookinfo', { proxyImage: () => undefined })).toBeUndefined();
  });
});

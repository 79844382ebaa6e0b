// Found by the real istiod on Kubernetes 1.35: Istio 1.30 injects istio-proxy as a native sidecar (an init
// container with restartPolicy Always), which the Bookinfo wait must accept as a sidecar.
import { describe, expect, test } from '@jest/globals';
import { hasSidecar } from '../../../src/bookinfo/deploy.js';
import type { KubeObject } from '../../../src/kube/objects.js';

const pod = (spec: object): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec });

describe('hasSidecar', () => {
  test('a regular istio-proxy container (Kubernetes < 1.29, or native sidecars off)', () => {
    expect(hasSidecar(pod({ containers: [{ name: 'app' }, { name: 'istio-proxy' }] }))).toBe(true);
  });
  test('a native sidecar: init container istio-proxy with restartPolicy Always', () => {
    expect(
      hasSidecar(
        pod({
          initContainers: [{ name: 'istio-init' }, { name: 'istio-proxy', restartPolicy: 'Always' }],
          containers: [{ name: 'app' }]
        })
      )
    ).toBe(true);
  });
  test('no sidecar, or an istio-proxy init container that is not a sidecar', () => {
    expect(hasSidecar(pod({ containers: [{ name: 'app' }] }))).toBe(false);
    expect(
      hasSidecar(pod({ initContainers: [{ name: 'istio-proxy' }], containers: [{ name: 'app' }] }))
    ).toBe(false);
  });
});

import { describe, expect, it } from '@jest/globals';
import { curlImageOf, planProbePod, probeState, PROBE_CONTAINER } from '../../../src/bookinfo/probe.js';
import type { KubeObject } from '../../../src/kube/objects.js';
import { COMPONENT_LABEL, MANAGED_BY, MANAGED_BY_LABEL } from '../../../src/ownership.js';

// The shape of Istio's samples/curl/curl.yaml: ServiceAccount, Service, then the Deployment.
const CURL_YAML = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: curl
---
apiVersion: v1
kind: Service
metadata:
  name: curl
spec:
  ports:
  - port: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: curl
spec:
  template:
    spec:
      containers:
      - name: curl
        image: docker.io/curlimages/curl:8.16.0
        command: ["/bin/sleep", "infinity"]
`;

const options = {
  namespace: 'pr-7',
  name: 'productpage-check-abc',
  image: 'docker.io/curlimages/curl:8.16.0',
  url: 'http://productpage:9080/productpage',
  expectText: 'Simple Bookstore App',
  ownership: { labels: { [MANAGED_BY_LABEL]: MANAGED_BY }, annotations: {} },
  podAnnotations: { 'k8s.aliyun.com/eci-use-specs': '2-4Gi' }
};

const podWith = (status: Record<string, unknown>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: options.name, namespace: options.namespace },
  status
});

describe('curlImageOf', () => {
  it("reads the image of the release's curl client", () => {
    expect(curlImageOf(CURL_YAML)).toBe('docker.io/curlimages/curl:8.16.0');
  });
  it('is undefined for a file without a Deployment', () => {
    expect(curlImageOf('apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: curl\n')).toBeUndefined();
  });
});

describe('planProbePod', () => {
  const pod = planProbePod(options);
  const spec = pod.spec as {
    restartPolicy: string;
    containers: Array<{
      name: string;
      image: string;
      command: string[];
      env: Array<{ name: string; value: string }>;
    }>;
  };

  it('runs once, labelled as ours, with the ECI annotations and the proxy held until Envoy is up', () => {
    expect(spec.restartPolicy).toBe('Never');
    expect(pod.metadata.labels).toMatchObject({
      [COMPONENT_LABEL]: 'productpage-check',
      [MANAGED_BY_LABEL]: MANAGED_BY
    });
    expect(pod.metadata.annotations).toMatchObject({
      'k8s.aliyun.com/eci-use-specs': '2-4Gi',
      'proxy.istio.io/config': '{"holdApplicationUntilProxyStarts": true}'
    });
  });

  it('passes URL and text as environment, not inside the script', () => {
    const c = spec.containers[0]!;
    expect(c.name).toBe(PROBE_CONTAINER);
    expect(c.env).toEqual([
      { name: 'CHECK_URL', value: options.url },
      { name: 'CHECK_TEXT', value: options.expectText }
    ]);
    expect(c.command[2]).not.toContain('productpage');
    expect(c.command[2]).toContain('"$CHECK_URL"');
  });
});

describe('probeState', () => {
  it('waits while the pod starts', () => {
    expect(probeState(undefined)).toMatchObject({ done: false });
    expect(probeState(podWith({ phase: 'Pending' }))).toEqual({ done: false, progress: 'probe pod Pending' });
  });

  it("takes the check container's exit code and message, with a sidecar still running", () => {
    const finished = (exitCode: number, message: string): KubeObject =>
      podWith({
        phase: 'Running',
        containerStatuses: [
          { name: 'istio-proxy', state: { running: {} } },
          { name: PROBE_CONTAINER, state: { terminated: { exitCode, message } } }
        ]
      });
    expect(probeState(finished(0, 'HTTP 200, Simple Bookstore App\n'))).toEqual({
      done: true,
      ok: true,
      message: 'HTTP 200, Simple Bookstore App'
    });
    expect(probeState(finished(1, 'HTTP 000 after 30 attempts: reset'))).toMatchObject({
      done: true,
      ok: false
    });
  });

  it('gives up at once when the image cannot be pulled', () => {
    const state = probeState(
      podWith({
        phase: 'Pending',
        containerStatuses: [
          {
            name: PROBE_CONTAINER,
            restartCount: 0,
            state: { waiting: { reason: 'ErrImageNeverPull', message: 'no' } }
          }
        ]
      })
    );
    expect(state).toMatchObject({ done: false, fatal: true });
  });
});

// The physical limit of a deployment on the test cluster: what the cluster itself needs to make the same
// objects ready, with nothing in between. An ideal client creates the labelled namespace, then sends every
// object the action would (Bookinfo, its gateway, the destination rules and the routing variant) at once,
// and polls (every 25 ms, so at most 25 ms of error) until all pods are Ready and productpage answers
// 200 through the ingress gateway. Only the simulator's pod start delay and the controllers' reaction
// times remain, so action time / this time is the action's overhead ratio.
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api, KubeConfig, KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import { loadAll } from 'js-yaml';

export interface CriticalPathInput {
  kubeconfigPath: string;
  /** `istio-<ver>/samples` of the release under test. */
  samplesDir: string;
  namespace: string;
  routing: string;
  /** e.g. http://127.B.1.1 (the ingress gateway's load balancer address). */
  gatewayUrl: string;
  timeoutMs?: number;
}

export function sampleObjects(samplesDir: string, routing: string): KubernetesObject[] {
  const files = [
    'bookinfo/platform/kube/bookinfo.yaml',
    'bookinfo/networking/bookinfo-gateway.yaml',
    'bookinfo/networking/destination-rule-all.yaml',
    `bookinfo/networking/virtual-service-${routing}.yaml`
  ];
  return files.flatMap((f) =>
    (loadAll(readFileSync(join(samplesDir, f), 'utf8')) as unknown[]).filter(
      (d): d is KubernetesObject => !!d && typeof d === 'object' && 'kind' in d
    )
  );
}

function httpStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { timeout: 2000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/** Milliseconds from the first request to "all pods Ready and productpage 200 through the gateway". */
export async function measureCriticalPath(input: CriticalPathInput): Promise<number> {
  const kc = new KubeConfig();
  kc.loadFromFile(input.kubeconfigPath);
  const objects = kc.makeApiClient(KubernetesObjectApi);
  const core = kc.makeApiClient(CoreV1Api);
  const docs = sampleObjects(input.samplesDir, input.routing);
  const expectedPods = docs
    .filter((d) => d.kind === 'Deployment')
    .reduce((n, d) => n + ((d as { spec?: { replicas?: number } }).spec?.replicas ?? 1), 0);
  const deadline = Date.now() + (input.timeoutMs ?? 300_000);

  const started = performance.now();
  // The namespace (with its injection label) must exist before anything can be created in it.
  await core.createNamespace({
    body: { metadata: { name: input.namespace, labels: { 'istio-injection': 'enabled' } } }
  });
  await Promise.all(
    docs.map((d) => objects.create({ ...d, metadata: { ...d.metadata, namespace: input.namespace } }))
  );
  for (;;) {
    const pods = await core.listNamespacedPod({ namespace: input.namespace });
    const ready = pods.items.filter(
      (p) =>
        !p.metadata?.deletionTimestamp &&
        p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')
    );
    if (ready.length >= expectedPods) break;
    if (Date.now() > deadline)
      throw new Error(`critical path: ${ready.length}/${expectedPods} pods ready at the deadline`);
    await sleep(25);
  }
  while ((await httpStatus(`${input.gatewayUrl.replace(/\/+$/, '')}/productpage`)) !== 200) {
    if (Date.now() > deadline)
      throw new Error('critical path: productpage never answered 200 through the gateway');
    await sleep(25);
  }
  return performance.now() - started;
}

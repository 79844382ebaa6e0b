// What tests count as a pod's containers: its regular containers plus its sidecar containers (init
// containers with restartPolicy Always — how Istio 1.30 injects istio-proxy on Kubernetes >= 1.29), the way
// `kubectl get pods` counts READY.
import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';

export function runningContainerStatuses(pod: V1Pod): V1ContainerStatus[] {
  const sidecars = new Set(
    (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name)
  );
  return [
    ...(pod.status?.initContainerStatuses ?? []).filter((s) => sidecars.has(s.name)),
    ...(pod.status?.containerStatuses ?? [])
  ];
}

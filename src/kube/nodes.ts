// What the cluster's nodes say about it: ASK (serverless) clusters have only virtual-kubelet nodes, on
// which DaemonSets and NodePorts do not work. Read by the preflight and the gateway address.
import type { KubeObject } from './objects.js';

/** Serverless (ASK/ECI) clusters run every pod on virtual-kubelet nodes, which offer no NodePort. */
export function isServerless(nodes: KubeObject[]): boolean {
  return (
    nodes.length > 0 &&
    nodes.every((n) => {
      const l = n.metadata.labels ?? {};
      return l['type'] === 'virtual-kubelet' || l['alibabacloud.com/virtual-node'] === 'true';
    })
  );
}

// Thin part: watch istio-ingressgateway until the cloud assigns an address; on clusters with real nodes
// fall back to node address + NodePort when no LB address appears (kind, bare metal). ASK has no NodePort,
// so there the only outcome besides an address is a timeout that says the SLB never came.
import * as core from '@actions/core';
import type { Kube } from '../kube/client.js';
import { ActionError } from '../errors.js';
import { loadBalancerEndpoint, nodePortEndpoint, type GatewayEndpoint } from './address.js';
import { ISTIO_NAMESPACE } from '../istio/install.js';

const SERVICE = 'istio-ingressgateway';

export async function resolveGateway(args: {
  kube: Kube;
  serverless: boolean;
  timeoutMs: number;
  hosts: string[];
  dryRun: boolean;
}): Promise<(GatewayEndpoint & { hostHeader?: string }) | undefined> {
  const { kube, serverless, timeoutMs, hosts } = args;
  const hostHeader = hosts.find((h) => h !== '*' && !h.startsWith('*'));
  const ref = { apiVersion: 'v1', kind: 'Service', namespace: ISTIO_NAMESPACE, name: SERVICE };
  if (args.dryRun) {
    const svc = await kube.get(ref);
    return svc ? withHost(loadBalancerEndpoint(svc), hostHeader) : undefined;
  }
  // With real nodes a LoadBalancer may never come (kind): wait only part of the budget for it.
  const lbBudget = serverless ? timeoutMs : Math.min(timeoutMs / 2, 120_000);
  try {
    const [svc] = await kube.waitFor(
      { ...ref, name: SERVICE },
      (items) => {
        const s = items[0];
        if (!s) return { done: false, progress: `Service ${ISTIO_NAMESPACE}/${SERVICE} does not exist yet` };
        return {
          done: loadBalancerEndpoint(s) !== undefined,
          progress: 'waiting for the load balancer address'
        };
      },
      { timeoutMs: lbBudget }
    );
    const endpoint = svc && loadBalancerEndpoint(svc);
    if (endpoint) return withHost(endpoint, hostHeader);
  } catch (err) {
    if (serverless) {
      throw new ActionError(
        `The ingress gateway's load balancer got no address within ${Math.round(lbBudget / 1000)}s; serverless clusters have no NodePort to fall back to.`,
        {
          cause: err,
          hint: 'check the SLB events of istio-system/istio-ingressgateway (quota, vSwitch, the ingress-annotations you set) or raise wait-timeout'
        }
      );
    }
  }
  const svc = await kube.get(ref);
  const nodes = await kube.list('v1', 'Node', {});
  const fallback = svc && nodePortEndpoint(svc, nodes);
  if (!fallback) {
    throw new ActionError(`The ingress gateway has neither a load balancer address nor a usable NodePort.`, {
      hint: 'install a load-balancer implementation (e.g. MetalLB, cloud-provider-kind) or raise wait-timeout'
    });
  }
  core.warning(
    `No load balancer address for ${SERVICE}; using node address ${fallback.host} and NodePort ${fallback.port}.`
  );
  return withHost(fallback, hostHeader);
}

function withHost(e: GatewayEndpoint | undefined, hostHeader: string | undefined) {
  return e ? { ...e, hostHeader } : undefined;
}

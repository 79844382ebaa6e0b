// Thin part: watch istio-ingressgateway until the cloud assigns an address; on clusters with real nodes
// fall back to node address + NodePort when no LB address appears (kind, bare metal). ASK has no NodePort,
// so there the only outcome besides an address is a timeout that says the SLB never came.
import * as core from '@actions/core';
import type { Kube } from '../kube/client.js';
import { ActionError } from '../errors.js';
import {
  gatewayApiEndpoint,
  loadBalancerEndpoint,
  nodePortEndpoint,
  programmedCondition,
  type GatewayEndpoint
} from './address.js';
import { ISTIO_NAMESPACE } from '../istio/apis.js';

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

/**
 * `ingress: gateway-api`: waits until istiod reports the namespace's Gateway Programmed (its Deployment and
 * LoadBalancer Service exist and the Service has an address) and reads the address from the Gateway's own
 * status. In a dry run the Gateway's current status (if any) is reported without waiting.
 */
export async function resolveGatewayApi(args: {
  kube: Kube;
  namespace: string;
  name: string;
  timeoutMs: number;
  hosts: string[];
  dryRun: boolean;
}): Promise<(GatewayEndpoint & { hostHeader?: string }) | undefined> {
  const { kube, namespace, name, timeoutMs, hosts } = args;
  const hostHeader = hosts.find((h) => h !== '*' && !h.startsWith('*'));
  const ref = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', namespace, name };
  if (args.dryRun) {
    const gw = await kube.get(ref).catch(() => undefined);
    return gw ? withHost(gatewayApiEndpoint(gw), hostHeader) : undefined;
  }
  try {
    const [gw] = await kube.waitFor(
      { ...ref, name },
      (items) => {
        const g = items[0];
        if (!g) return { done: false, progress: `Gateway ${namespace}/${name} does not exist yet` };
        const programmed = programmedCondition(g);
        return {
          done: gatewayApiEndpoint(g) !== undefined,
          progress: programmed
            ? `Programmed ${programmed.status} (${programmed.reason}: ${programmed.message})`
            : 'waiting for the gateway controller to report Programmed',
          ...(programmed && programmed.status !== 'True'
            ? { failure: `${programmed.reason}: ${programmed.message}` }
            : {})
        };
      },
      { timeoutMs }
    );
    const endpoint = gw && gatewayApiEndpoint(gw);
    if (endpoint) {
      core.info(`Gateway ${namespace}/${name} is programmed at ${endpoint.url}`);
      return withHost(endpoint, hostHeader);
    }
  } catch (err) {
    const events = await kube
      .eventsFor({ apiVersion: 'apps/v1', kind: 'Deployment', namespace, name: `${name}-istio` })
      .catch(() => [] as string[]);
    throw new ActionError(
      `The Gateway ${namespace}/${name} was not Programmed with an address within ${Math.round(timeoutMs / 1000)}s.`,
      {
        cause: err,
        details: events,
        hint: `istiod creates Deployment and LoadBalancer Service ${name}-istio for it: check their events, the SLB quota and the ingress-annotations you set, or raise wait-timeout`
      }
    );
  }
  return undefined;
}

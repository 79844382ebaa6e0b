// Thin part of the shared-host check: list the Gateways of every namespace through the kube layer and
// let the pure detection (hosts.ts) decide. Runs before Bookinfo is deployed, so a refused preview
// changes nothing. An identity that may not list Gateways cluster-wide gets a warning, not a failure:
// the check is a safety net, not a requirement.
import * as core from '@actions/core';
import type { Config } from '../inputs/config.js';
import type { Kube } from '../kube/client.js';
import { UnknownKindError } from '../kube/client.js';
import { KubeApiError } from '../kube/errors.js';
import type { KubeObject } from '../kube/objects.js';
import type { Contributing } from '../report/model.js';
import { messageOf } from '../errors.js';
import { claimOf, findSharedHosts, sharedHostsVerdict } from './hosts.js';

// v1beta1 is served from Istio 1.13 to 1.30 (v1 only from 1.22).
const GATEWAY_API_VERSION = 'networking.istio.io/v1beta1';

function warn(message: string): Contributing {
  core.warning(message);
  return { report: { warnings: [message] } };
}

/** Warns about (or, for a preview, refuses) hosts this run's Gateway would share with another namespace. */
export async function checkSharedHosts(args: {
  kube: Kube;
  config: Config;
  /** The objects the gateway step will apply; their Gateway is this run's claim. */
  objects: readonly KubeObject[];
}): Promise<Contributing> {
  const { kube, config, objects } = args;
  const own = objects.find((o) => o.kind === 'Gateway');
  if (!own) return { report: {} };
  let live: KubeObject[];
  try {
    live = await kube.list(GATEWAY_API_VERSION, 'Gateway');
  } catch (err) {
    if (err instanceof UnknownKindError) return { report: {} }; // no Istio CRDs yet: nobody else can claim a host
    if (err instanceof KubeApiError && err.status === 403) {
      return warn(
        `Not checking whether another namespace's Gateway claims the same hosts: this identity may not list Gateways in all namespaces (${messageOf(err).split('\n')[0]}). Grant list on gateways.networking.istio.io cluster-wide to enable the check.`
      );
    }
    throw err;
  }
  const claim = claimOf({ ...own, metadata: { ...own.metadata, namespace: config.namespace } });
  const conflicts = findSharedHosts(claim, live.map(claimOf));
  const verdict = sharedHostsVerdict(conflicts, {
    namespace: config.namespace,
    ...(config.lifecycle.previewId !== undefined ? { previewId: config.lifecycle.previewId } : {}),
    allowShared: config.allowSharedHosts
  });
  if (verdict.refuse) throw verdict.refuse;
  if (verdict.warning) return warn(verdict.warning);
  core.info(`No Gateway in another namespace claims ${config.gatewayHosts.join(', ')} on this ingress`);
  return { report: {} };
}

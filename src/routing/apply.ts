// Thin part of the routing step: read the sample files the plan needs, plan, let the API server
// validate everything with a dry run, apply destination rules before virtual services, then delete
// what the previous variant had and this one does not (virtual services before their rules).

import { readFile } from 'node:fs/promises';
import * as core from '@actions/core';
import { ActionError, messageOf } from '../errors.js';
import type { Config } from '../inputs/config.js';
import type { Kube } from '../kube/client.js';
import { listRefs } from '../kube/logged.js';
import { applyStaged, describeOutcome } from '../kube/staged.js';
import { describeRef, refsNotIn } from '../kube/objects.js';
import { componentSelector, CREATED_AT_ANNOTATION, type Ownership } from '../ownership.js';
import type { Contributing } from '../report/model.js';
import {
  networkingApiVersion,
  planRouting,
  securityApiVersion,
  requiredSampleFiles,
  ROUTING_COMPONENT
} from './plan.js';
import { GATEWAY_API_DIR, planHttpRoutes, requiredGatewayApiFiles, VERSIONS_FILE } from './gatewayApiPlan.js';
import { GATEWAY_API_VERSION_V1 } from './httproute.js';

const NETWORKING_DIR = 'samples/bookinfo/networking';

export interface ApplyRoutingArgs {
  kube: Kube;
  config: Config;
  ownership: Ownership;
  /** Reads a file of the release archive, e.g. samples/bookinfo/networking/x.yaml. */
  readSample: (relativePath: string) => Promise<string>;
  istioVersion: string;
}

/**
 * Deletion order of what a variant no longer has: routes before what they route to (the rules defining
 * their subsets, the per-version Services), and the STRICT policy before the ISTIO_MUTUAL rules (else a
 * client could send plaintext to a STRICT pod).
 */
const DELETE_ORDER = ['VirtualService', 'HTTPRoute', 'PeerAuthentication', 'DestinationRule', 'Service'];

/** Destination rules and per-version Services first: the routes that use them come second. */
const ROUTE_TARGETS = (o: { kind: string }) => o.kind === 'DestinationRule' || o.kind === 'Service';

export async function applyRouting(args: ApplyRoutingArgs): Promise<Contributing> {
  const { kube, config, ownership, readSample, istioVersion } = args;
  const routing = config.routing;
  const dryRun = config.lifecycle.dryRun;
  const apiVersion = networkingApiVersion(istioVersion);
  const securityVersion = securityApiVersion(istioVersion);

  const gatewayApi = config.ingress === 'gateway-api';
  const samples: Record<string, string> = {};
  const [dir, names] = gatewayApi
    ? [GATEWAY_API_DIR, requiredGatewayApiFiles(routing)]
    : [NETWORKING_DIR, requiredSampleFiles(routing)];
  for (const name of names) {
    // A missing file is reported by the plan, naming the variant that needs it.
    const text = await readSample(`${dir}/${name}`).catch(() => undefined);
    if (text !== undefined) samples[name] = text;
  }
  let userFile: { path: string; content: string } | undefined;
  if (!gatewayApi && routing.kind === 'file') {
    const path = routing.file;
    const content = await readFile(path, 'utf8').catch((err: unknown) => {
      throw new ActionError(`Cannot read routing-file ${path}.`, {
        details: [messageOf(err)],
        hint: 'Check out the repository (actions/checkout) before this step, and give the path relative to the workspace.'
      });
    });
    userFile = { path, content };
  }

  // created-at is the namespace's birth date (kept there across runs); stamped with this run's clock on
  // every routing object it would make each re-run an update instead of a no-op.
  const annotations = Object.fromEntries(
    Object.entries(ownership.annotations).filter(([k]) => k !== CREATED_AT_ANNOTATION)
  );
  const plan = gatewayApi
    ? planHttpRoutes(routing, {
        samples,
        versions: await readSample(VERSIONS_FILE).catch(() => undefined),
        securityApiVersion: securityVersion,
        namespace: config.namespace,
        labels: ownership.labels,
        annotations
      })
    : planRouting(routing, {
        samples,
        apiVersion,
        securityApiVersion: securityVersion,
        namespace: config.namespace,
        gatewayHosts: config.gatewayHosts,
        labels: ownership.labels,
        annotations,
        userFile
      });
  for (const line of plan.describe) core.info(line);

  // The API server (and Istio's validating webhook, when installed) checks every object first, so a
  // bad routing-file changes nothing. (Inside a namespace or of a CRD that this dry run only plans to
  // create, the kube layer lists objects unchecked: the server cannot check them yet.)
  try {
    await applyStaged(kube, plan.objects, { dryRun: true, stages: [ROUTE_TARGETS] });
  } catch (err) {
    throw new ActionError(
      `The cluster rejected the routing objects of "${routing.variant}"; nothing was applied.`,
      {
        details: [messageOf(err)],
        hint:
          routing.kind === 'file'
            ? 'Fix routing-file so it passes `kubectl apply --dry-run=server`.'
            : undefined,
        cause: err
      }
    );
  }

  // What an earlier run applied for routing here, in either ingress mode.
  const previous = await listRefs(
    kube,
    [
      { apiVersion, kind: 'VirtualService' },
      { apiVersion, kind: 'DestinationRule' },
      { apiVersion: securityVersion, kind: 'PeerAuthentication' },
      { apiVersion: GATEWAY_API_VERSION_V1, kind: 'HTTPRoute' },
      { apiVersion: 'v1', kind: 'Service' }
    ],
    config.namespace,
    componentSelector(ROUTING_COMPONENT)
  );
  const stale = refsNotIn(previous, plan.objects).sort(
    (a, b) => DELETE_ORDER.indexOf(a.kind) - DELETE_ORDER.indexOf(b.kind)
  );
  const applied: string[] = [];
  const deleted: string[] = [];
  const dryRunPlan: string[] = [];

  if (dryRun) {
    dryRunPlan.push(
      ...plan.describe.slice(1).map((l) => `${l} would be applied`),
      ...stale.map((r) => `${describeRef(r)} would be deleted`)
    );
  } else {
    for (const outcome of await applyStaged(kube, plan.objects, { stages: [ROUTE_TARGETS] })) {
      const line = describeOutcome(outcome);
      core.info(line);
      applied.push(line);
    }
    for (const ref of stale) {
      await kube.delete(ref);
      core.info(`${describeRef(ref)} deleted (not part of "${routing.variant}")`);
      deleted.push(describeRef(ref));
    }
  }
  return {
    report: {
      plan: dryRunPlan,
      routing: {
        variant: routing.variant,
        description: plan.describe[0] ?? routing.variant,
        ...(plan.expect ? { expectation: plan.expect } : {}),
        applied,
        deleted
      }
    }
  };
}

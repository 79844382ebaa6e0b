// Applying as every step does: server-side apply, one log line per object ("Deployment ns/x created", or
// "would be created" in a dry run), and in a dry run the same lines in the report's plan; and finding what
// an earlier run applied, so that a step can delete what its new plan no longer has.
import * as core from '@actions/core';
import type { Kube } from './client.js';
import { messageOf } from '../errors.js';
import { describeRef, type KubeObject, type ObjectRef } from './objects.js';

/** Applies objects (or, in a dry run, asks the API server what it would do) and logs each outcome. */
export async function applyLogged(
  kube: Kube,
  objects: KubeObject[],
  report: { plan: string[] },
  dryRun: boolean
): Promise<string[]> {
  const outcomes = await kube.apply(objects, { dryRun });
  const lines = outcomes.map((o) => `${describeRef(o.ref)} ${dryRun ? `would be ${o.action}` : o.action}`);
  for (const l of lines) core.info(l);
  if (dryRun) report.plan.push(...lines);
  return lines;
}

/**
 * The objects of these kinds in `namespace` that match `labelSelector`, as refs. A kind the cluster does not
 * serve (its CRD absent: Istio or the Gateway API not installed yet) has none.
 */
export async function listRefs(
  kube: Kube,
  kinds: ReadonlyArray<{ apiVersion: string; kind: string }>,
  namespace: string,
  labelSelector: string
): Promise<ObjectRef[]> {
  const refs: ObjectRef[] = [];
  for (const { apiVersion, kind } of kinds) {
    try {
      for (const o of await kube.list(apiVersion, kind, { namespace, labelSelector }))
        refs.push({ apiVersion: o.apiVersion ?? apiVersion, kind, namespace, name: o.metadata.name });
    } catch (err) {
      core.debug(`listing ${kind}: ${messageOf(err)}`);
    }
  }
  return refs;
}

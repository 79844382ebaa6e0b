// Applying as every step does: a staged server-side apply (staged.ts), one log line per object
// ("Deployment ns/x created", or "would be created" in a dry run), and those lines handed back as the dry
// run's plan; and finding what an earlier run applied, so that a step can delete what its new plan no
// longer has.
import * as core from '@actions/core';
import type { Kube } from './client.js';
import { messageOf } from '../errors.js';
import type { KubeObject, ObjectRef } from './objects.js';
import { applyStaged, describeOutcome, type StagedApplyOptions, type StagedOutcome } from './staged.js';

/**
 * Applies objects in stages (or, on a dry run's connection, asks the API server what it would do) and
 * logs each outcome. `plan` holds the same lines for a dry run and is empty otherwise.
 */
export async function applyLogged(
  kube: Kube,
  objects: readonly KubeObject[],
  opts: StagedApplyOptions = {}
): Promise<{ outcomes: StagedOutcome[]; plan: string[] }> {
  const outcomes = await applyStaged(kube, objects, opts);
  const lines = outcomes.map(describeOutcome);
  for (const l of lines) core.info(l);
  return { outcomes, plan: lines.filter((_, i) => outcomes[i]!.dryRun) };
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

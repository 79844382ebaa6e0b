// Preview environments: teardown of one preview namespace, and pruning of old ones. Both act only on
// namespaces carrying the action's ownership label, never on default/istio-system.
import * as core from '@actions/core';
import type { Config } from '../inputs/config.js';
import type { Kube } from '../kube/client.js';
import type { KubeObject } from '../kube/objects.js';
import { StepFailure, type Contributing } from '../report/model.js';
import { ActionError } from '../errors.js';
import {
  CREATED_AT_ANNOTATION,
  MANAGED_BY,
  MANAGED_BY_LABEL,
  PREVIEW_LABEL,
  SYSTEM_NAMESPACES
} from '../ownership.js';

const PROTECTED = new Set(['default', ...SYSTEM_NAMESPACES]);

/** Pure: which namespaces a prune removes. */
export function selectExpired(namespaces: KubeObject[], olderThanMs: number, now = Date.now()): KubeObject[] {
  return namespaces.filter((ns) => {
    if (PROTECTED.has(ns.metadata.name)) return false;
    if (ns.metadata.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY) return false;
    const created = Date.parse(
      ns.metadata.annotations?.[CREATED_AT_ANNOTATION] ?? String(ns.metadata.creationTimestamp ?? '')
    );
    return Number.isFinite(created) && now - created > olderThanMs;
  });
}

async function deleteNamespace(kube: Kube, name: string, timeoutMs: number): Promise<void> {
  const ref = { apiVersion: 'v1', kind: 'Namespace', name };
  await kube.delete(ref);
  if (kube.dryRun) return; // the server only checked the delete
  await kube.waitFor(
    { apiVersion: 'v1', kind: 'Namespace', name },
    (items) => ({ done: items.length === 0, progress: `namespace ${name} terminating` }),
    {
      timeoutMs
    }
  );
}

export async function teardownPreview(args: { kube: Kube; config: Config }): Promise<Contributing> {
  const { kube, config } = args;
  const name = config.namespace;
  try {
    return { report: { namespace: name, plan: await teardown(kube, config) } };
  } catch (err) {
    throw new StepFailure(err, { namespace: name });
  }
}

/** Deletes the preview's namespace after checking that it is one; returns the plan's line. */
async function teardown(kube: Kube, config: Config): Promise<string[]> {
  const name = config.namespace;
  if (PROTECTED.has(name)) {
    throw new ActionError(`Refusing to tear down namespace ${name}.`, {
      hint: 'set namespace (or preview-id) to a preview namespace'
    });
  }
  const ns = await kube.get({ apiVersion: 'v1', kind: 'Namespace', name });
  if (!ns) {
    core.info(`Namespace ${name} does not exist; nothing to tear down.`);
    return [`namespace ${name} already gone`];
  }
  if (ns.metadata.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY) {
    throw new ActionError(
      `Namespace ${name} was not created by ask-istio-action (no ${MANAGED_BY_LABEL}=${MANAGED_BY} label); not deleting it.`,
      {
        hint: 'delete it yourself if it really is a preview'
      }
    );
  }
  const preview = config.lifecycle.previewId;
  if (preview && ns.metadata.labels?.[PREVIEW_LABEL] !== preview) {
    throw new ActionError(
      `Namespace ${name} belongs to preview ${ns.metadata.labels?.[PREVIEW_LABEL] ?? '(none)'}, not ${preview}; not deleting it.`
    );
  }
  core.info(`Deleting namespace ${name}${config.lifecycle.dryRun ? ' (dry run)' : ''}`);
  await deleteNamespace(kube, name, config.waitTimeoutMs);
  return [`namespace ${name} ${config.lifecycle.dryRun ? 'would be deleted' : 'deleted'}`];
}

export async function prunePreviews(args: { kube: Kube; config: Config }): Promise<Contributing> {
  const { kube, config } = args;
  const olderThan = config.lifecycle.pruneOlderThanMs ?? 72 * 3600_000;
  const all = await kube.list('v1', 'Namespace', { labelSelector: `${MANAGED_BY_LABEL}=${MANAGED_BY}` });
  const expired = selectExpired(all, olderThan);
  core.info(
    `${all.length} preview namespace(s), ${expired.length} older than ${Math.round(olderThan / 3600_000)}h`
  );
  // The namespaces deleted before a failure are still listed in the summary.
  const plan: string[] = [];
  try {
    for (const ns of expired) {
      await deleteNamespace(kube, ns.metadata.name, config.waitTimeoutMs);
      plan.push(
        `namespace ${ns.metadata.name} (created ${ns.metadata.annotations?.[CREATED_AT_ANNOTATION] ?? '?'}) ${config.lifecycle.dryRun ? 'would be deleted' : 'deleted'}`
      );
    }
  } catch (err) {
    throw new StepFailure(err, { plan });
  }
  return { report: { plan } };
}

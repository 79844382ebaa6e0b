// Applying as every step does: server-side apply, one log line per object ("Deployment ns/x created", or
// "would be created" in a dry run), and in a dry run the same lines in the report's plan.
import * as core from '@actions/core';
import type { Kube } from './client.js';
import { describeRef, type KubeObject } from './objects.js';

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

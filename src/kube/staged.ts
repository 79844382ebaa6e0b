// Applying a set of objects in stages, in the spirit of Flux's ApplyAllStaged: what other objects live in
// or are typed by (Namespaces, CustomResourceDefinitions) first, and — for a real apply — the CRDs waited
// for until the API server serves them; then any stages the caller names (e.g. DestinationRules before the
// routes that use their subsets); then the rest. Every step applies through here, so no step orders its
// own batches or handles dry runs: in a dry run the kube layer plans objects inside would-be namespaces and
// of would-be kinds (see Kube.planned), and the outcomes say "would be created".
import type { ApplyOptions, ApplyOutcome, Kube } from './client.js';
import { describeRef, type KubeObject } from './objects.js';

const CRD_API = 'apiextensions.k8s.io/v1';
/** How long new CRDs may take to be served (the API server establishes them within seconds). */
const ESTABLISH_TIMEOUT_MS = 120_000;

export type StagePredicate = (o: KubeObject) => boolean;

/** Namespaces and CRDs: objects that other objects of the same set live in or are typed by. */
export const isDefinition: StagePredicate = (o) =>
  (o.kind === 'Namespace' && o.apiVersion === 'v1') ||
  (o.kind === 'CustomResourceDefinition' && o.apiVersion.startsWith('apiextensions.k8s.io/'));

/**
 * Pure: the objects in the order they are applied, as batches — definitions, then each of `stages` in
 * turn (an object goes to the first stage it matches), then the rest. Order within a batch is kept; empty
 * batches are left out.
 */
export function stageObjects(
  objects: readonly KubeObject[],
  stages: readonly StagePredicate[] = []
): KubeObject[][] {
  const predicates = [isDefinition, ...stages];
  const batches: KubeObject[][] = predicates.map(() => []);
  const rest: KubeObject[] = [];
  for (const o of objects) {
    const i = predicates.findIndex((p) => p(o));
    (i < 0 ? rest : batches[i]!).push(o);
  }
  return [...batches, rest].filter((b) => b.length > 0);
}

export interface StagedApplyOptions extends ApplyOptions {
  /** Stages between the definitions and the rest. */
  stages?: readonly StagePredicate[];
  /** Bound on the wait for new or changed CRDs to be established (default 120 s). */
  timeoutMs?: number;
}

export interface StagedOutcome extends ApplyOutcome {
  /** True when nothing was persisted: the outcome is what would happen. */
  dryRun: boolean;
}

/** "Deployment ns/x created", or "… would be created" for a dry run's outcome. */
export function describeOutcome(o: StagedOutcome): string {
  return `${describeRef(o.ref)} ${o.dryRun ? `would be ${o.action}` : o.action}`;
}

/** Applies `objects` stage by stage (see stageObjects); outcomes in the order applied. */
export async function applyStaged(
  kube: Kube,
  objects: readonly KubeObject[],
  opts: StagedApplyOptions = {}
): Promise<StagedOutcome[]> {
  const { stages, timeoutMs, ...applyOptions } = opts;
  const dryRun = kube.dryRun || applyOptions.dryRun === true;
  const outcomes: StagedOutcome[] = [];
  for (const batch of stageObjects(objects, stages)) {
    const applied = await kube.apply(batch, applyOptions);
    outcomes.push(...applied.map((o) => ({ ...o, dryRun })));
    if (!dryRun) await awaitEstablished(kube, applied, timeoutMs ?? ESTABLISH_TIMEOUT_MS);
  }
  return outcomes;
}

function established(o: KubeObject): boolean {
  const conditions =
    (o.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? [];
  return conditions.some((c) => c.type === 'Established' && c.status === 'True');
}

/** Waits until the CRDs this batch created or changed are served; objects of their kinds come next. */
async function awaitEstablished(
  kube: Kube,
  applied: readonly ApplyOutcome[],
  timeoutMs: number
): Promise<void> {
  const names = new Set(
    applied
      .filter((o) => o.ref.kind === 'CustomResourceDefinition' && o.action !== 'unchanged')
      .map((o) => o.ref.name)
  );
  if (names.size === 0) return;
  await kube.waitFor(
    { apiVersion: CRD_API, kind: 'CustomResourceDefinition' },
    (items) => {
      const waiting = [...names].filter((n) => !items.some((i) => i.metadata.name === n && established(i)));
      return {
        done: waiting.length === 0,
        progress: waiting.length ? `not established yet: ${waiting.join(', ')}` : 'established'
      };
    },
    { timeoutMs: Math.min(timeoutMs, ESTABLISH_TIMEOUT_MS) }
  );
}

// Plain Kubernetes object shapes and pure helpers over them. Everything above the kube layer speaks
// in these types; nothing here talks to a cluster.

import { loadAll } from 'js-yaml';
import { ActionError } from '../errors.js';

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: unknown;
  subresource?: string;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  ownerReferences?: Array<{
    apiVersion: string;
    kind: string;
    name: string;
    uid: string;
    controller?: boolean;
  }>;
  finalizers?: string[];
  managedFields?: ManagedFieldsEntry[];
  [key: string]: unknown;
}

/** Any Kubernetes object: typed envelope, untyped body (spec, status, data, ...). */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/** Identifies one object. `namespace` is absent for cluster-scoped kinds. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export function refOf(o: KubeObject): ObjectRef {
  const ref: ObjectRef = { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name };
  if (o.metadata.namespace) ref.namespace = o.metadata.namespace;
  return ref;
}

/** "Deployment bookinfo/productpage-v1", or "Namespace bookinfo" for cluster-scoped objects. */
export function describeRef(ref: ObjectRef): string {
  return ref.namespace ? `${ref.kind} ${ref.namespace}/${ref.name}` : `${ref.kind} ${ref.name}`;
}

/** The API group of an apiVersion: '' for the core group ("v1"), "apps" for "apps/v1". */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** An object's identity whatever version it is served at: "group/Kind/namespace/name". */
export function groupKindKey(o: {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}): string {
  return `${groupOf(o.apiVersion)}/${o.kind}/${o.namespace ?? ''}/${o.name}`;
}

/**
 * The refs in `previous` that `objects` no longer has: what an earlier run applied and a new plan drops.
 * Compared by API group, kind, namespace and name, so a served-version change (v1alpha3 → v1) is the same
 * object.
 */
export function refsNotIn(previous: readonly ObjectRef[], objects: readonly KubeObject[]): ObjectRef[] {
  const wanted = new Set(objects.map((o) => groupKindKey(refOf(o))));
  return previous.filter((ref) => !wanted.has(groupKindKey(ref)));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Parses multi-document YAML (or JSON) manifests. Empty documents (a lone `---`, comments only) are
 * skipped; `kind: List` (and any `*List` with `items`) is flattened into its items, as kubectl does.
 * Every problem is reported with the document's position, so a user can find it in a long file.
 */
export function parseManifests(yamlText: string, source = 'manifest'): KubeObject[] {
  let docs: unknown[];
  try {
    docs = loadAll(yamlText);
  } catch (err) {
    throw new ActionError(
      `${source} is not valid YAML: ${err instanceof Error ? err.message : String(err)}`,
      {
        hint: 'Fix the YAML syntax (indentation, quoting) and run again.',
        cause: err
      }
    );
  }
  const objects: KubeObject[] = [];
  const problems: string[] = [];
  docs.forEach((doc, index) => {
    if (doc === null || doc === undefined) return;
    const where = `document ${index + 1}`;
    if (!isRecord(doc)) {
      problems.push(
        `${where}: expected a mapping with apiVersion/kind/metadata, got ${Array.isArray(doc) ? 'a list' : typeof doc}`
      );
      return;
    }
    if (typeof doc.kind === 'string' && doc.kind.endsWith('List') && Array.isArray(doc.items)) {
      doc.items.forEach((item, i) => collect(item, `${where}, item ${i + 1}`));
      return;
    }
    collect(doc, where);
  });

  function collect(doc: unknown, where: string): void {
    const problem = objectProblem(doc);
    if (problem) problems.push(`${where}: ${problem}`);
    else objects.push(doc as KubeObject);
  }

  if (problems.length > 0) {
    throw new ActionError(
      `${source} has ${problems.length} invalid object${problems.length === 1 ? '' : 's'}:`,
      {
        details: problems,
        hint: 'Every object needs apiVersion, kind and metadata.name.'
      }
    );
  }
  return objects;
}

function objectProblem(doc: unknown): string | undefined {
  if (!isRecord(doc)) return 'expected a mapping';
  const missing: string[] = [];
  if (typeof doc.apiVersion !== 'string' || doc.apiVersion === '') missing.push('apiVersion');
  if (typeof doc.kind !== 'string' || doc.kind === '') missing.push('kind');
  const meta = doc.metadata;
  if (!isRecord(meta) || typeof meta.name !== 'string' || meta.name === '') missing.push('metadata.name');
  if (missing.length > 0) {
    const what = typeof doc.kind === 'string' ? ` (kind ${doc.kind})` : '';
    return `missing ${missing.join(', ')}${what}`;
  }
  return undefined;
}

/**
 * A copy of `obj` carrying the given labels and annotations (merged over its own; the object's own
 * values lose, because ownership labels are how the action finds its objects again). The input is
 * not modified.
 */
export function withOwnership<T extends KubeObject>(
  obj: T,
  labels: Record<string, string>,
  annotations: Record<string, string> = {}
): T {
  const copy = structuredClone(obj);
  if (Object.keys(labels).length > 0) copy.metadata.labels = { ...copy.metadata.labels, ...labels };
  if (Object.keys(annotations).length > 0) {
    copy.metadata.annotations = { ...copy.metadata.annotations, ...annotations };
  }
  return copy;
}

/**
 * Fields the API server changes on its own or on every write; two objects that differ only here
 * hold the same intent. `status` is written by controllers at any time, so it is not ours to compare.
 */
const VOLATILE_METADATA = ['resourceVersion', 'generation', 'creationTimestamp', 'selfLink', 'uid'] as const;

function normalize(o: KubeObject, fieldManager?: string): unknown {
  const copy = structuredClone(o) as Record<string, unknown> & { metadata: Record<string, unknown> };
  delete copy.status;
  const meta = { ...copy.metadata };
  for (const key of VOLATILE_METADATA) delete meta[key];
  // Our own ownership does matter (an apply that makes us co-owner of a field is a change), but the
  // timestamp of an ownership entry does not, and neither do other managers' entries: controllers
  // rewrite theirs whenever they update status, and 1.20 adds a "before-first-apply" entry on the
  // first apply to an object that has none.
  const entries = Array.isArray(meta.managedFields)
    ? (meta.managedFields as ManagedFieldsEntry[]).filter(
        (e) => fieldManager === undefined || e.manager === fieldManager
      )
    : [];
  if (entries.length > 0) {
    meta.managedFields = entries.map((entry) => {
      const rest = { ...entry };
      delete rest.time;
      return rest;
    });
  } else {
    delete meta.managedFields;
  }
  copy.metadata = meta;
  return copy;
}

/**
 * True when `desired` (typically the server's dry-run rendering of an apply) and `live` hold the same
 * intent: equal once server-maintained fields (resourceVersion, generation, timestamps, status,
 * managedFields times) are ignored. With `fieldManager`, only that manager's ownership entries are
 * compared. Map key order is irrelevant; list order is significant.
 */
export function sameIntent(desired: KubeObject, live: KubeObject, fieldManager?: string): boolean {
  return deepEqual(normalize(desired, fieldManager), normalize(live, fieldManager));
}

/** Structural equality of JSON values (key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  }
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** The paths where two objects differ (for logs: "why was this updated?"). At most `limit` paths. */
export function diffPaths(
  desired: KubeObject,
  live: KubeObject,
  limit = 10,
  fieldManager?: string
): string[] {
  const out: string[] = [];
  walk(normalize(desired, fieldManager), normalize(live, fieldManager), '');
  return out;

  function walk(a: unknown, b: unknown, path: string): void {
    if (out.length >= limit || deepEqual(a, b)) return;
    if (isRecord(a) && isRecord(b)) {
      for (const k of new Set([...Object.keys(a), ...Object.keys(b)]))
        walk(a[k], b[k], path ? `${path}.${k}` : k);
      return;
    }
    if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
      a.forEach((v, i) => walk(v, b[i], `${path}[${i}]`));
      return;
    }
    out.push(path || '(root)');
  }
}

/**
 * Kubernetes 1.20's server-side apply rejects list entries that omit a key field of an associative
 * list even where the API has a default ("associative list with keys has an element that omits key
 * field \"protocol\""), e.g. Service ports and container ports without `protocol`. kubectl's
 * client-side apply never hit this, so real manifests (Bookinfo's) omit it. Fill in the API's own
 * default (TCP) so the same manifests apply; the result is what the server would store anyway.
 */
export function withApplyDefaults<T extends KubeObject>(obj: T): T {
  const copy = structuredClone(obj);
  const spec = asRecord(copy.spec);
  if (!spec) return copy;
  if (copy.kind === 'Service' && copy.apiVersion === 'v1') defaultProtocol(spec.ports);
  for (const podSpec of podSpecsOf(copy.kind, spec)) {
    for (const key of ['containers', 'initContainers', 'ephemeralContainers']) {
      const containers = podSpec[key];
      if (Array.isArray(containers)) for (const c of containers) defaultProtocol(asRecord(c)?.ports);
    }
  }
  return copy;
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return isRecord(v) ? v : undefined;
}

function defaultProtocol(ports: unknown): void {
  if (!Array.isArray(ports)) return;
  for (const p of ports) if (isRecord(p) && p.protocol === undefined) p.protocol = 'TCP';
}

/** The pod specs inside a workload object: Pod itself, a template, or CronJob's job template. */
function podSpecsOf(kind: string, spec: Record<string, unknown>): Array<Record<string, unknown>> {
  if (kind === 'Pod') return [spec];
  const template = asRecord(spec.template);
  const fromTemplate = asRecord(template?.spec);
  if (fromTemplate) return [fromTemplate];
  const jobSpec = asRecord(asRecord(spec.jobTemplate)?.spec);
  const cronPod = asRecord(asRecord(jobSpec?.template)?.spec);
  return cronPod ? [cronPod] : [];
}

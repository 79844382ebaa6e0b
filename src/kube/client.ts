// The Kube client: the action's only door to the cluster. Objects in, objects out; discovery,
// server-side apply with "no write when nothing would change", list+watch waits, service proxy,
// events and access checks. HTTP details live in transport.ts, error wording in errors.ts.

import { ActionError } from '../errors.js';
import { apiError, KubeApiError, parseStatus } from './errors.js';
import {
  diffPaths,
  groupOf,
  refOf,
  sameIntent,
  withApplyDefaults,
  type KubeObject,
  type ObjectRef
} from './objects.js';
import { Transport, type KubeStats, type TransportOptions } from './transport.js';
import { describeQuery, waitUntil, type WaitCheck, type WaitOptions, type WaitQuery } from './watch.js';

export type { KubeStats } from './transport.js';
export type { WaitCheck, WaitOptions, WaitQuery } from './watch.js';

export interface ConnectOptions extends TransportOptions {
  /** Server-side-apply field manager; one per tool so ownership is clear. */
  fieldManager?: string;
}

export interface ApplyOutcome {
  ref: ObjectRef;
  action: 'created' | 'updated' | 'unchanged';
  /** The object as the server has it after the apply (or would have it, for a dry run). */
  object: KubeObject;
  /** For 'updated': the first differing field paths (why it was written). */
  changed?: string[];
}

export interface ApplyOptions {
  /** Ask the server what would happen without persisting anything (always so on a dry-run connection). */
  dryRun?: boolean;
  /** Take ownership of fields another field manager owns (SSA force). */
  force?: boolean;
  /** Namespace for namespaced objects that name none; defaults to the kubeconfig context's. */
  namespace?: string;
}

export interface ServerVersion {
  major: string;
  minor: string;
  gitVersion: string;
  platform?: string;
}

/** How the API serves a kind, from discovery. */
export interface ResourceInfo {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

/** A kind the API server does not serve (typically a CRD that is not installed). */
export class UnknownKindError extends ActionError {
  readonly apiVersion: string;
  readonly kind: string;
  constructor(apiVersion: string, kind: string) {
    const istio = groupOf(apiVersion).endsWith('istio.io');
    super(`the cluster does not serve kind ${kind} (apiVersion ${apiVersion})`, {
      hint: istio
        ? `is Istio installed? ${kind} is defined by Istio's CRDs: install Istio first (istio install input), or use an apiVersion the installed Istio serves.`
        : `Check the apiVersion and kind; the cluster's API discovery does not list ${kind} in ${apiVersion}.`
    });
    this.name = 'UnknownKindError';
    this.apiVersion = apiVersion;
    this.kind = kind;
  }
}

interface ApiResourceList {
  resources?: Array<{ name: string; kind: string; namespaced: boolean }>;
}

interface ObjectList {
  metadata?: { resourceVersion?: string };
  items?: KubeObject[];
}

function enc(s: string): string {
  return encodeURIComponent(s);
}

export class Kube {
  readonly fieldManager: string;
  private readonly t: Transport;
  private readonly discovery = new Map<string, Map<string, ResourceInfo>>();
  /**
   * What dry runs of this connection would have created: namespaces, and the kinds of would-be CRDs
   * (group/Kind). The API server cannot dry-run an object inside either, so a later dry run of such an
   * object reports it as "created" as given — every step plans the same way, in any order.
   */
  private readonly planned = {
    namespaces: new Set<string>(),
    kinds: new Map<string, { namespaced: boolean }>()
  };

  private constructor(t: Transport, fieldManager: string) {
    this.t = t;
    this.fieldManager = fieldManager;
  }

  /**
   * Loads the kubeconfig and prepares credentials. Sends no request: call serverVersion() to check
   * that the cluster answers.
   */
  static async connect(opts: ConnectOptions): Promise<Kube> {
    const t = Transport.open(opts);
    return new Kube(t, opts.fieldManager ?? 'ask-istio-action');
  }

  /**
   * The same connection applying under another field manager. A Lease holder uses its own manager so
   * that server-side apply itself refuses a second holder (409 Conflict on holderIdentity).
   */
  withFieldManager(fieldManager: string): Kube {
    return new Kube(this.t, fieldManager);
  }

  /** Live counters (the same object every time; copy it to take a snapshot). */
  get stats(): KubeStats {
    return this.t.stats;
  }

  get server(): string {
    return this.t.server;
  }

  /** A dry run's connection (ConnectOptions.dryRun): every apply and delete is a server-side dry run. */
  get dryRun(): boolean {
    return this.t.dryRun;
  }

  /** The signal every request of this connection obeys (the job's cancellation), for callers' own waits. */
  get signal(): AbortSignal | undefined {
    return this.t.signal;
  }

  get defaultNamespace(): string {
    return this.t.defaultNamespace;
  }

  async close(): Promise<void> {
    await this.t.close();
  }

  async serverVersion(): Promise<ServerVersion> {
    const { body } = await this.t.json<ServerVersion>({
      method: 'GET',
      path: '/version',
      info: { verb: 'get', resource: 'version', group: '' },
      write: false,
      retry: 'all'
    });
    return body;
  }

  /** Discovery for one kind, cached per groupVersion. Unknown kinds are re-checked every time (CRDs appear). */
  async resource(apiVersion: string, kind: string): Promise<ResourceInfo> {
    const cached = this.discovery.get(apiVersion)?.get(kind);
    if (cached) return cached;
    const group = groupOf(apiVersion);
    const version = group ? apiVersion.slice(group.length + 1) : apiVersion;
    const res = await this.t.send({
      method: 'GET',
      path: group ? `/apis/${apiVersion}` : `/api/${apiVersion}`,
      info: { verb: 'get', resource: `discovery of ${apiVersion}`, group },
      write: false,
      retry: 'all',
      accept: [404]
    });
    if (res.status === 404) throw new UnknownKindError(apiVersion, kind);
    const list = JSON.parse(res.text) as ApiResourceList;
    const byKind = new Map<string, ResourceInfo>();
    for (const r of list.resources ?? []) {
      if (r.name.includes('/')) continue; // subresources (pods/log, deployments/scale)
      byKind.set(r.kind, { group, version, kind: r.kind, plural: r.name, namespaced: r.namespaced });
    }
    this.discovery.set(apiVersion, byKind);
    const info = byKind.get(kind);
    if (!info) throw new UnknownKindError(apiVersion, kind);
    return info;
  }

  private collectionPath(r: ResourceInfo, apiVersion: string, namespace: string | undefined): string {
    const base = r.group ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const ns = r.namespaced && namespace ? `/namespaces/${enc(namespace)}` : '';
    return `${base}${ns}/${r.plural}`;
  }

  private async objectPath(ref: ObjectRef): Promise<{ r: ResourceInfo; path: string; namespace?: string }> {
    const r = await this.resource(ref.apiVersion, ref.kind);
    const namespace = r.namespaced ? (ref.namespace ?? this.t.defaultNamespace) : undefined;
    return { r, namespace, path: `${this.collectionPath(r, ref.apiVersion, namespace)}/${enc(ref.name)}` };
  }

  /** The live object, or undefined when it does not exist. */
  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    const { r, path, namespace } = await this.objectPath(ref);
    const res = await this.t.send({
      method: 'GET',
      path,
      info: { verb: 'get', resource: r.plural, group: r.group, namespace, name: ref.name },
      write: false,
      retry: 'all',
      accept: [404]
    });
    if (res.status === 404) return undefined;
    return { ...(JSON.parse(res.text) as KubeObject), apiVersion: ref.apiVersion, kind: ref.kind };
  }

  /** Objects of one kind; all namespaces when `namespace` is omitted for a namespaced kind. */
  async list(
    apiVersion: string,
    kind: string,
    opts: { namespace?: string; labelSelector?: string; fieldSelector?: string } = {}
  ): Promise<KubeObject[]> {
    const r = await this.resource(apiVersion, kind);
    const { body } = await this.t.json<ObjectList>({
      method: 'GET',
      path: this.collectionPath(r, apiVersion, opts.namespace),
      query: { labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector },
      info: {
        verb: 'list',
        resource: r.plural,
        group: r.group,
        namespace: r.namespaced ? opts.namespace : undefined
      },
      write: false,
      retry: 'all'
    });
    // List items carry no apiVersion/kind of their own; callers expect whole objects.
    return (body.items ?? []).map((item) => ({ ...item, apiVersion, kind }));
  }

  /** A JSON merge patch that deletes the given field paths (null removes a key in a merge patch). */
  private async removeFields(
    obj: KubeObject,
    r: ResourceInfo,
    path: string,
    fields: string[][]
  ): Promise<void> {
    const patch: Record<string, unknown> = {};
    for (const field of fields) {
      let at = patch;
      field.forEach((key, i) => {
        if (i === field.length - 1) at[key] = null;
        else at = (at[key] ??= {}) as Record<string, unknown>;
      });
    }
    await this.t.json<KubeObject>({
      method: 'PATCH',
      path,
      query: { fieldManager: this.fieldManager },
      contentType: 'application/merge-patch+json',
      body: JSON.stringify(patch),
      info: patchInfo(obj, r),
      write: true,
      retry: 'all'
    });
  }

  private async serverSideApply(
    obj: KubeObject,
    r: ResourceInfo,
    path: string,
    dryRun: boolean,
    force: boolean
  ): Promise<KubeObject> {
    const { body } = await this.t.json<KubeObject>({
      method: 'PATCH',
      path,
      query: {
        fieldManager: this.fieldManager,
        force: force ? true : undefined,
        dryRun: dryRun ? 'All' : undefined
      },
      // SSA accepts JSON as a YAML document.
      contentType: 'application/apply-patch+yaml',
      body: JSON.stringify(obj),
      info: patchInfo(obj, r),
      write: !dryRun,
      // Server-side apply is idempotent: repeating it converges on the same object.
      retry: 'all'
    });
    return { ...body, apiVersion: obj.apiVersion, kind: obj.kind };
  }

  /**
   * Server-side applies each object, in order. An existing object is first applied as a dry run and
   * compared with the live one; only a real difference (including field ownership) is written, so
   * re-applying identical manifests makes no writes at all.
   */
  async apply(objects: readonly KubeObject[], opts: ApplyOptions = {}): Promise<ApplyOutcome[]> {
    const dryRun = this.dryRun || opts.dryRun === true;
    const outcomes: ApplyOutcome[] = [];
    for (const original of objects) {
      const plannedKind = dryRun
        ? this.planned.kinds.get(`${groupOf(original.apiVersion)}/${original.kind}`)
        : undefined;
      if (plannedKind) {
        // Its CRD would be created by this dry run: the server does not serve the kind yet.
        const obj = withApplyDefaults(original);
        if (plannedKind.namespaced)
          obj.metadata.namespace = obj.metadata.namespace ?? opts.namespace ?? this.t.defaultNamespace;
        else delete obj.metadata.namespace;
        outcomes.push({ ref: refOf(obj), action: 'created', object: obj });
        continue;
      }
      const r = await this.resource(original.apiVersion, original.kind);
      const obj = withApplyDefaults(original);
      if (r.namespaced)
        obj.metadata.namespace = obj.metadata.namespace ?? opts.namespace ?? this.t.defaultNamespace;
      else delete obj.metadata.namespace;
      const ref = refOf(obj);
      const { path } = await this.objectPath(ref);

      if (dryRun && obj.metadata.namespace && this.planned.namespaces.has(obj.metadata.namespace)) {
        outcomes.push({ ref, action: 'created', object: obj });
        continue;
      }
      let live = await this.get(ref);
      if (!live) {
        const created = await this.serverSideApply(obj, r, path, dryRun, opts.force === true);
        if (dryRun) this.plan(obj);
        outcomes.push({ ref, action: 'created', object: created });
        continue;
      }
      let preview: KubeObject;
      try {
        preview = await this.serverSideApply(obj, r, path, true, opts.force === true);
      } catch (err) {
        // kube-apiserver before 1.21 (kubernetes/kubernetes#103011): an apply that drops an object-typed
        // field of a custom resource stores null there, which the CRD's schema then refuses. Removing
        // those fields with a merge patch first lets the apply through (e.g. mtls on → off drops a
        // DestinationRule's trafficPolicy).
        const dropped = droppedFieldsNulled(err, obj);
        if (dropped.length === 0) throw err;
        if (dryRun) {
          outcomes.push({ ref, action: 'updated', object: obj, changed: dropped.map((d) => d.join('.')) });
          continue;
        }
        await this.removeFields(obj, r, path, dropped);
        preview = await this.serverSideApply(obj, r, path, true, opts.force === true);
        live = (await this.get(ref)) ?? live;
      }
      // A dry run keeps the resourceVersion it was computed on. If a controller wrote the object
      // between our GET and the dry run, compare against that newer version instead.
      for (let i = 0; i < 2 && preview.metadata.resourceVersion !== live.metadata.resourceVersion; i++) {
        const fresh = await this.get(ref);
        if (!fresh) break;
        live = fresh;
        if (!sameIntent(preview, live, this.fieldManager))
          preview = await this.serverSideApply(obj, r, path, true, opts.force === true);
      }
      if (sameIntent(preview, live, this.fieldManager)) {
        outcomes.push({ ref, action: 'unchanged', object: live });
        continue;
      }
      const changed = diffPaths(preview, live, 10, this.fieldManager);
      const updated = dryRun ? preview : await this.serverSideApply(obj, r, path, false, opts.force === true);
      outcomes.push({ ref, action: 'updated', object: updated, changed });
    }
    return outcomes;
  }

  /** Remembers what a dry run would create that later dry runs must plan inside (see `planned`). */
  private plan(obj: KubeObject): void {
    if (obj.kind === 'Namespace' && obj.apiVersion === 'v1') this.planned.namespaces.add(obj.metadata.name);
    if (obj.kind === 'CustomResourceDefinition' && groupOf(obj.apiVersion) === 'apiextensions.k8s.io') {
      const spec = obj.spec as { group?: string; scope?: string; names?: { kind?: string } } | undefined;
      if (spec?.group && spec.names?.kind)
        this.planned.kinds.set(`${spec.group}/${spec.names.kind}`, { namespaced: spec.scope !== 'Cluster' });
    }
  }

  /**
   * Deletes one object (background propagation). Returns false when it was already gone, including
   * when its kind no longer exists (CRD removed).
   */
  async delete(
    ref: ObjectRef,
    opts: { dryRun?: boolean; propagationPolicy?: 'Background' | 'Foreground' | 'Orphan' } = {}
  ): Promise<boolean> {
    const dryRun = this.dryRun || opts.dryRun === true;
    let target;
    try {
      target = await this.objectPath(ref);
    } catch (err) {
      if (err instanceof UnknownKindError) return false;
      throw err;
    }
    const res = await this.t.send({
      method: 'DELETE',
      path: target.path,
      query: { dryRun: dryRun ? 'All' : undefined },
      // dryRun goes in the body too: with a DeleteOptions body the server ignores the query's dryRun.
      body: JSON.stringify({
        apiVersion: 'v1',
        kind: 'DeleteOptions',
        propagationPolicy: opts.propagationPolicy ?? 'Background',
        ...(dryRun ? { dryRun: ['All'] } : {})
      }),
      info: {
        verb: 'delete',
        resource: target.r.plural,
        group: target.r.group,
        namespace: target.namespace,
        name: ref.name
      },
      write: !dryRun,
      // A repeated DELETE either deletes or finds it gone (404 → false): safe to retry.
      retry: 'all',
      accept: [404]
    });
    return res.status !== 404;
  }

  /**
   * Waits until `check` says done for the objects matching `query`: lists, then watches from the list's
   * resourceVersion and re-checks on every event. Rejects on timeout with the last progress and
   * failure text, or at once when `check` reports a fatal failure.
   */
  async waitFor(
    query: WaitQuery,
    check: (items: KubeObject[]) => WaitCheck,
    opts: WaitOptions
  ): Promise<KubeObject[]> {
    const r = await this.resource(query.apiVersion, query.kind);
    const namespace = r.namespaced ? query.namespace : undefined;
    return waitUntil(
      this.t,
      {
        path: this.collectionPath(r, query.apiVersion, namespace),
        info: { verb: 'watch', resource: r.plural, group: r.group, namespace }
      },
      query,
      check,
      { ...opts, description: opts.description ?? describeQuery(query) }
    );
  }

  /**
   * GET through the API server's service proxy. The service's own answer (any status) is returned;
   * failures of the proxy itself (no endpoints, service missing, dial errors) throw an ActionError.
   */
  async proxyGet(
    namespace: string,
    service: string,
    port: number | string,
    path: string,
    opts: { signal?: AbortSignal } = {}
  ): Promise<{ status: number; body: string }> {
    const sub = path.replace(/^\/+/, '');
    const info = {
      verb: 'get',
      resource: 'services/proxy',
      group: '',
      namespace,
      name: `${service}:${port}`
    };
    const res = await this.t.send({
      method: 'GET',
      path: `/api/v1/namespaces/${enc(namespace)}/services/${enc(service)}:${enc(String(port))}/proxy/${sub}`,
      info,
      write: false,
      // The proxied service's 5xx is an answer to report, not an API-server hiccup to retry.
      retry: 'network',
      accept: '*',
      signal: opts.signal
    });
    if (res.status >= 400) {
      const status = parseStatus(res.text);
      if (res.status === 401 || res.status === 403)
        throw apiError({ ...info, server: this.t.server, user: undefined }, res.status, res.text);
      if (status?.status === 'Failure') {
        const what = `Service ${namespace}/${service} port ${port}`;
        const noEndpoints = /no endpoints available/i.test(status.message ?? '');
        throw new ActionError(
          `cannot reach ${what} through the API server proxy: ${status.message ?? status.reason ?? res.status}`,
          {
            details: [`GET ${path} → HTTP ${res.status}${status.reason ? ` (${status.reason})` : ''}`],
            hint: noEndpoints
              ? `No ready pod backs ${what}: check that its pods are Running and Ready and that the Service selector matches them.`
              : status.reason === 'NotFound'
                ? `Check that ${what} exists.`
                : "The API server could not connect to the service's pods; check the pods and the Service's target port."
          }
        );
      }
    }
    return { status: res.status, body: res.text };
  }

  /** Recent events about one object as "Reason: message" (newest last; repeats noted as "(xN)"). */
  async eventsFor(ref: ObjectRef, limit = 10): Promise<string[]> {
    const fields = [`involvedObject.kind=${ref.kind}`, `involvedObject.name=${ref.name}`];
    if (ref.namespace) fields.push(`involvedObject.namespace=${ref.namespace}`);
    const events = await this.list('v1', 'Event', {
      namespace: ref.namespace,
      fieldSelector: fields.join(',')
    });
    const when = (e: KubeObject): string =>
      String(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp ?? '');
    // Timestamps have one-second resolution, so a pod's start-up events often tie; the resourceVersion
    // (etcd's write order) then tells which came last, e.g. the Unhealthy after the Created/Started.
    const order = (e: KubeObject): number => Number(e.metadata.resourceVersion ?? 0) || 0;
    return events
      .sort((a, b) => when(a).localeCompare(when(b)) || order(a) - order(b))
      .slice(-limit)
      .map((e) => {
        const count = typeof e.count === 'number' && e.count > 1 ? ` (x${e.count})` : '';
        return `${String(e.reason ?? 'Event')}: ${String(e.message ?? '').trim()}${count}`;
      });
  }

  /**
   * Whether `user` (with `groups`) may do what `attributes` describe, via SubjectAccessReview; without a
   * user, asks about the current identity (SelfSubjectAccessReview). `name` matters for rules with
   * resourceNames, such as `use` on one PodSecurityPolicy.
   */
  async accessReview(
    attributes: { verb: string; resource: string; group?: string; namespace?: string; name?: string },
    subject?: { user: string; groups: string[] }
  ): Promise<boolean> {
    const kind = subject ? 'SubjectAccessReview' : 'SelfSubjectAccessReview';
    const plural = subject ? 'subjectaccessreviews' : 'selfsubjectaccessreviews';
    const { body } = await this.t.json<{ status?: { allowed?: boolean } }>({
      method: 'POST',
      path: `/apis/authorization.k8s.io/v1/${plural}`,
      body: JSON.stringify({
        apiVersion: 'authorization.k8s.io/v1',
        kind,
        spec: { resourceAttributes: { group: '', ...attributes }, ...(subject ?? {}) }
      }),
      info: { verb: 'create', resource: plural, group: 'authorization.k8s.io' },
      write: false,
      retry: 'all'
    });
    return body.status?.allowed === true;
  }
}

function patchInfo(obj: KubeObject, r: ResourceInfo) {
  return {
    verb: 'patch',
    resource: r.plural,
    group: r.group,
    namespace: obj.metadata.namespace,
    name: obj.metadata.name
  };
}

/**
 * The fields a refused apply turned into null although the applied object simply leaves them out: for
 * each `<path>: Invalid value: "null"` cause, the shallowest part of that path missing from `applied`.
 */
export function droppedFieldsNulled(err: unknown, applied: KubeObject): string[][] {
  if (!(err instanceof KubeApiError) || err.status !== 422) return [];
  const out = new Map<string, string[]>();
  for (const line of err.details) {
    const m = /^([A-Za-z0-9_.-]+): Invalid value: "null"/.exec(line);
    if (!m?.[1]) continue;
    const parts = m[1].split('.');
    let at: unknown = applied;
    for (let i = 0; i < parts.length; i++) {
      const next = (at as Record<string, unknown> | undefined)?.[parts[i] ?? ''];
      if (next === undefined) {
        const field = parts.slice(0, i + 1);
        out.set(field.join('.'), field);
        break;
      }
      at = next;
    }
  }
  return [...out.values()];
}

export function isNotFound(err: unknown): boolean {
  return (err as Partial<KubeApiError> | undefined)?.status === 404;
}

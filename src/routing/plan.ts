// Pure planning of the routing step: RoutingConfig + the release's sample files → the exact objects
// to apply (destination rules first), what visitors should then see, and a readable description.
// Nothing here talks to the cluster; apply.ts executes the plan.

import { loadAll } from 'js-yaml';
import { ActionError, InputError, type InputProblem } from '../errors.js';
import type { RoutingConfig } from '../inputs/config.js';
import { NETWORKING_GROUP } from '../istio/apis.js';
import { COMPONENT_LABEL } from '../ownership.js';
import { expectationFromObjects, shortHost } from './expect.js';
import { userVirtualService, weightedVirtualService, type SubsetWeight } from './generate.js';
import { findVariant, type Variant } from './variants.js';
import { groupKindKey, groupOf } from '../kube/objects.js';
import type { Expectation, KubeObject } from './types.js';

export { NETWORKING_GROUP, networkingApiVersion, securityApiVersion } from '../istio/apis.js';
export const ROUTING_COMPONENT = 'routing';
export const VARIANT_ANNOTATION = 'ask-istio.dev/routing-variant';
/** Istio's name for a namespace-wide policy (its docs' examples); one per namespace wins, the oldest. */
export const MTLS_POLICY_NAME = 'default';

const DR_FILE = 'destination-rule-all.yaml';
const DR_MTLS_FILE = 'destination-rule-all-mtls.yaml';

export interface PlanContext {
  /** Sample files by name relative to samples/bookinfo/networking (see requiredSampleFiles). */
  samples: Record<string, string>;
  apiVersion: string;
  /** security.istio.io version for the PeerAuthentication of `mtls: true` (securityApiVersion). */
  securityApiVersion: string;
  namespace: string;
  /** Hosts the ingress serves (input gateway-hosts, or the preview host). */
  gatewayHosts: string[];
  /** Ownership labels; the routing component label is added. */
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  /** Contents of routing-file, read by the caller. */
  userFile?: { path: string; content: string };
}

export interface RoutingPlan {
  variant: string;
  /** DestinationRules first, then VirtualServices (and with mtls the PeerAuthentication), in apply order. */
  objects: KubeObject[];
  /** What visitors should see; null when the routes are too rich to predict (verification skips the split). */
  expect: Expectation | null;
  describe: string[];
}

/** The table entry of a `variant` config; the parser admits only table names, so a miss is a bug. */
export function tableVariant(cfg: RoutingConfig): Variant | undefined {
  if (cfg.kind !== 'variant') return undefined;
  const variant = findVariant(cfg.variant);
  if (!variant) throw new Error(`routing variant "${cfg.variant}" is not in the table (routing/variants.ts)`);
  return variant;
}

/** The sample files the plan will read, so the caller can load exactly these from the release. */
export function requiredSampleFiles(cfg: RoutingConfig): string[] {
  const dr = cfg.mtls ? DR_MTLS_FILE : DR_FILE;
  const variant = tableVariant(cfg);
  if (!variant) return [dr];
  return [...(variant.needsDestinationRules || cfg.mtls ? [dr] : []), ...variant.files];
}

export function parseYaml(text: string, source: string): KubeObject[] {
  let docs: unknown[];
  try {
    docs = loadAll(text);
  } catch (err) {
    throw new ActionError(`${source} is not valid YAML.`, { details: [(err as Error).message], cause: err });
  }
  const objects: KubeObject[] = [];
  docs.forEach((doc, i) => {
    if (doc === null || doc === undefined) return; // empty document between separators
    const o = doc as Partial<KubeObject>;
    if (
      typeof doc !== 'object' ||
      typeof o.apiVersion !== 'string' ||
      typeof o.kind !== 'string' ||
      typeof o.metadata?.name !== 'string'
    ) {
      throw new ActionError(
        `${source}: document ${i + 1} is not a Kubernetes object (apiVersion, kind and metadata.name are required).`
      );
    }
    objects.push(o as KubeObject);
  });
  return objects;
}

function sample(ctx: PlanContext, file: string, istioHint: string): KubeObject[] {
  const text = ctx.samples[file];
  if (text === undefined) {
    throw new ActionError(
      `The Istio release has no samples/bookinfo/networking/${file}, which ${istioHint} needs.`,
      {
        hint: 'Choose another routing variant or Istio version, or provide the routes yourself with routing-file.'
      }
    );
  }
  return parseYaml(text, `samples/bookinfo/networking/${file}`);
}

const label = (o: KubeObject): string => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** Custom weights and/or user routing from the routing-* inputs (checked by the parser). */
export function customObjects(
  cfg: Extract<RoutingConfig, { kind: 'weights' | 'user' }>,
  apiVersion: string
): KubeObject[] {
  const others: SubsetWeight[] = cfg.weights?.length ? cfg.weights : [{ subset: 'v1', weight: 100 }];
  if (cfg.kind === 'user') {
    return [userVirtualService(apiVersion, cfg.service, cfg.user, cfg.userVersion, others)];
  }
  return [weightedVirtualService(apiVersion, cfg.service, others)];
}

const ALLOWED_FILE_KINDS = ['VirtualService', 'DestinationRule'];

function userFileObjects(ctx: PlanContext): KubeObject[] {
  if (!ctx.userFile)
    throw new InputError([
      { input: 'routing-file', problem: 'routing is "file" but no routing-file was read' }
    ]);
  const { path, content } = ctx.userFile;
  const objects = parseYaml(content, path);
  const problems: InputProblem[] = [];
  if (objects.length === 0) problems.push({ input: 'routing-file', problem: `${path} contains no objects` });
  for (const o of objects) {
    if (groupOf(o.apiVersion) !== NETWORKING_GROUP || !ALLOWED_FILE_KINDS.includes(o.kind)) {
      problems.push({
        input: 'routing-file',
        problem: `${path}: ${o.apiVersion} ${o.kind} ${o.metadata.name} is not allowed; only networking.istio.io VirtualService and DestinationRule`
      });
    }
    if (o.metadata.namespace !== undefined && o.metadata.namespace !== ctx.namespace) {
      problems.push({
        input: 'routing-file',
        problem: `${path}: ${o.kind} ${o.metadata.name} names namespace "${o.metadata.namespace}", but Bookinfo runs in "${ctx.namespace}" (leave metadata.namespace out)`
      });
    }
  }
  if (problems.length > 0) throw new InputError(problems);
  return objects;
}

/** Every host+subset a VirtualService routes or mirrors to. */
function subsetRefs(vs: KubeObject): Array<{ host: string; subset: string }> {
  const refs: Array<{ host: string; subset: string }> = [];
  const spec = (vs.spec ?? {}) as Record<string, unknown>;
  for (const protocol of ['http', 'tcp', 'tls']) {
    for (const route of (spec[protocol] as Array<Record<string, unknown>> | undefined) ?? []) {
      const dests = [
        ...((route.route as Array<Record<string, unknown>> | undefined) ?? []).map((r) => r.destination),
        route.mirror
      ];
      for (const d of dests as Array<{ host?: unknown; subset?: unknown } | undefined>) {
        if (d && typeof d.host === 'string' && typeof d.subset === 'string')
          refs.push({ host: shortHost(d.host), subset: d.subset });
      }
    }
  }
  return refs;
}

function drHost(dr: KubeObject): string | undefined {
  const host = (dr.spec as { host?: unknown } | undefined)?.host;
  return typeof host === 'string' ? shortHost(host) : undefined;
}

function subsetsOf(dr: KubeObject): string[] {
  const subsets = (dr.spec as { subsets?: Array<{ name?: unknown }> } | undefined)?.subsets ?? [];
  return subsets.map((s) => s.name).filter((n): n is string => typeof n === 'string');
}

/** Weighted destinations must add up to 100, or Istio rejects the route. */
function weightProblems(vs: KubeObject): string[] {
  const out: string[] = [];
  const http = (vs.spec as { http?: Array<{ route?: Array<{ weight?: unknown }> }> } | undefined)?.http ?? [];
  http.forEach((route, i) => {
    const dests = route.route ?? [];
    if (dests.length < 2 && dests.every((d) => d.weight === undefined)) return;
    const sum = dests.reduce((s, d) => s + (typeof d.weight === 'number' ? d.weight : 0), 0);
    if (sum !== 100) out.push(`${label(vs)} http[${i}]: destination weights add up to ${sum}, not 100`);
  });
  return out;
}

/** A copy of a routing object in the namespace, with the run's ownership labels and the variant's name. */
export function ownedRoutingObject(
  o: KubeObject,
  ctx: { namespace: string; labels: Record<string, string>; annotations?: Record<string, string> },
  variant: string
): KubeObject {
  const copy = structuredClone(o);
  copy.metadata.namespace = ctx.namespace;
  copy.metadata.labels = { ...copy.metadata.labels, ...ctx.labels, [COMPONENT_LABEL]: ROUTING_COMPONENT };
  copy.metadata.annotations = {
    ...copy.metadata.annotations,
    ...ctx.annotations,
    [VARIANT_ANNOTATION]: variant
  };
  return copy;
}

function finalise(o: KubeObject, ctx: PlanContext, variant: string): KubeObject {
  const copy = ownedRoutingObject(o, ctx, variant);
  if (groupOf(copy.apiVersion) === NETWORKING_GROUP) copy.apiVersion = ctx.apiVersion; // one served version for all
  // A wildcard route on the shared ingress would capture other previews' hosts; narrow it.
  const spec = copy.spec as { gateways?: unknown[]; hosts?: unknown[] } | undefined;
  const boundToGateway = (spec?.gateways ?? []).some((g) => g !== 'mesh');
  const wildcard = spec?.hosts?.length === 1 && spec.hosts[0] === '*';
  if (
    copy.kind === 'VirtualService' &&
    spec &&
    boundToGateway &&
    wildcard &&
    ctx.gatewayHosts.length > 0 &&
    !ctx.gatewayHosts.includes('*')
  ) {
    spec.hosts = [...ctx.gatewayHosts];
  }
  return copy;
}

/** Namespace-wide STRICT mTLS: every sidecar in the namespace refuses plaintext. */
export function strictPeerAuthentication(apiVersion: string): KubeObject {
  return {
    apiVersion,
    kind: 'PeerAuthentication',
    metadata: { name: MTLS_POLICY_NAME },
    spec: { mtls: { mode: 'STRICT' } }
  };
}

export function planRouting(cfg: RoutingConfig, ctx: PlanContext): RoutingPlan {
  const variant = tableVariant(cfg);
  const what = variant ? `routing variant "${variant.name}"` : `routing "${cfg.variant}"`;
  const drFile = cfg.mtls ? DR_MTLS_FILE : DR_FILE;

  let routes: KubeObject[];
  if (variant)
    routes = [
      ...variant.files.flatMap((f) => sample(ctx, f, what)),
      ...(variant.generate?.({ apiVersion: ctx.apiVersion }) ?? [])
    ];
  else if (cfg.kind === 'file') routes = userFileObjects(ctx);
  else if (cfg.kind !== 'variant') routes = customObjects(cfg, ctx.apiVersion);
  else routes = [];

  const ownRules = routes.filter((o) => o.kind === 'DestinationRule');
  const coveredHosts = new Set(ownRules.map(drHost));
  const wantsRules =
    cfg.mtls ||
    (variant
      ? variant.needsDestinationRules
      : routes.some((o) => o.kind === 'VirtualService' && subsetRefs(o).length > 0));
  // The release's rules define subsets v1/v2/v3 by the `version` label; the user's own rule for a host wins.
  const sampleRules = wantsRules
    ? sample(ctx, drFile, what).filter((dr) => !coveredHosts.has(drHost(dr)))
    : [];

  const rules = [...sampleRules, ...ownRules];
  const others = routes.filter((o) => o.kind !== 'DestinationRule');
  // The ISTIO_MUTUAL rules alone leave the namespace PERMISSIVE (plaintext still accepted); STRICT is the
  // PeerAuthentication's doing. It goes last, after the clients' rules already ask for mTLS.
  const policy = cfg.mtls ? [strictPeerAuthentication(ctx.securityApiVersion)] : [];
  const objects = [...rules, ...others, ...policy].map((o) => finalise(o, ctx, cfg.variant));

  const problems: string[] = [];
  const seen = new Map<string, KubeObject>();
  for (const o of objects) {
    const key = groupKindKey({ ...o.metadata, apiVersion: o.apiVersion, kind: o.kind });
    if (seen.has(key)) problems.push(`${label(o)} is defined twice`);
    seen.set(key, o);
  }
  const subsetsByHost = new Map<string, string[]>();
  for (const dr of rules) {
    const host = drHost(dr);
    if (host) subsetsByHost.set(host, [...(subsetsByHost.get(host) ?? []), ...subsetsOf(dr)]);
  }
  for (const vs of objects.filter((o) => o.kind === 'VirtualService')) {
    problems.push(...weightProblems(vs));
    for (const ref of subsetRefs(vs)) {
      const known = subsetsByHost.get(ref.host);
      if (!known?.includes(ref.subset)) {
        problems.push(
          `${label(vs)} routes to subset ${ref.subset} of ${ref.host}, but ${known ? `its DestinationRule only defines ${known.join(', ') || 'no subsets'}` : 'no DestinationRule defines subsets for it'}`
        );
      }
    }
  }
  if (problems.length > 0) {
    throw new ActionError(`The ${what} is inconsistent; nothing was applied.`, {
      details: [...new Set(problems)],
      hint: 'Route only to subsets the destination rules define (Bookinfo: reviews v1, v2, v3) and make weights add up to 100.'
    });
  }

  const expect = variant ? variant.expect : expectationFromObjects(objects);
  const describe = [
    variant
      ? `${variant.name}: ${variant.description}`
      : `${cfg.variant}: ${cfg.kind === 'file' ? ctx.userFile?.path : `custom routes for ${cfg.service}`}`,
    ...objects.map((o) => {
      const extra = o.kind === 'DestinationRule' ? ` (subsets ${subsetsOf(o).join(', ') || 'none'})` : '';
      return `${o.apiVersion} ${label(o)}${extra}`;
    })
  ];
  if (objects.length === 0) describe.push('no VirtualService or DestinationRule (default load balancing)');
  return { variant: cfg.variant, objects, expect, describe };
}

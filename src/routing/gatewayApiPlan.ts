// Pure planning of the routing step with `ingress: gateway-api`: the variant's Gateway API form (the
// release's samples/bookinfo/gateway-api/route-*.yaml, or generated HTTPRoutes) plus the per-version
// Services they route to (platform/kube/bookinfo-versions.yaml), with the same expectations as the
// VirtualService form, so verification is unchanged.
import { ActionError, InputError, type InputProblem } from '../errors.js';
import type { RoutingConfig } from '../inputs/config.js';
import { BOOKINFO_SERVICES } from '../inputs/spec.js';
import { expectationFromObjects } from './expect.js';
import { userHttpRoute, weightedHttpRoute } from './httproute.js';
import {
  customObjects,
  ownedRoutingObject,
  parseYaml,
  strictPeerAuthentication,
  tableVariant,
  type RoutingPlan
} from './plan.js';
import { CUSTOM_VARIANTS, findVariant, type Variant } from './variants.js';
import type { KubeObject } from './types.js';

export const GATEWAY_API_DIR = 'samples/bookinfo/gateway-api';
export const VERSIONS_FILE = 'samples/bookinfo/platform/kube/bookinfo-versions.yaml';

export interface GatewayApiPlanContext {
  /** Files by name relative to samples/bookinfo/gateway-api (see requiredGatewayApiFiles). */
  samples: Record<string, string>;
  /** Text of platform/kube/bookinfo-versions.yaml, when the release ships it. */
  versions?: string;
  /** security.istio.io version for the PeerAuthentication of `mtls: true` (securityApiVersion). */
  securityApiVersion: string;
  namespace: string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Why a routing config has no Gateway API form (empty when it has one): every reason, for input validation. */
export function gatewayApiRefusals(
  cfg: Pick<RoutingConfig, 'variant'>
): Array<{ input: string; problem: string; example: string | null }> {
  const out: Array<{ input: string; problem: string; example: string | null }> = [];
  if (cfg.variant === CUSTOM_VARIANTS.file)
    out.push({
      input: 'routing-file',
      problem:
        'holds VirtualService/DestinationRule manifests, which ingress: gateway-api does not use; use routing, routing-weights or routing-user with gateway-api, or ingress: istio-gateway for your own Istio routing file',
      example: null
    });
  const variant = findVariant(cfg.variant);
  if (variant && 'unsupported' in variant.gatewayApi)
    out.push({
      input: 'routing',
      problem: `variant "${variant.name}" uses ${variant.gatewayApi.unsupported}; with ingress: gateway-api it cannot be applied — use ${variant.gatewayApi.alternative}`,
      example: 'reviews-test-v2'
    });
  return out;
}

function asProblem(r: { input: string; problem: string; example: string | null }): InputProblem {
  return r.example === null ? { input: r.input, problem: r.problem } : { ...r, example: r.example };
}

function gatewayApiFiles(variant: Variant): string[] {
  return 'files' in variant.gatewayApi ? variant.gatewayApi.files : [];
}

/** The samples/bookinfo/gateway-api files the plan reads. */
export function requiredGatewayApiFiles(cfg: RoutingConfig): string[] {
  const variant = tableVariant(cfg);
  return variant ? gatewayApiFiles(variant) : [];
}

function routesFor(cfg: RoutingConfig, ctx: GatewayApiPlanContext, what: string): KubeObject[] {
  // The parser refuses what has no HTTPRoute form (gatewayApiRefusals); the plan holds to the same rule.
  if (cfg.kind === 'file') throw new InputError(gatewayApiRefusals(cfg).map(asProblem));
  if (cfg.kind !== 'variant') {
    const others = cfg.weights?.length ? cfg.weights : [{ subset: 'v1', weight: 100 }];
    if (cfg.kind === 'user') return [userHttpRoute(cfg.service, cfg.user, cfg.userVersion, others)];
    return [weightedHttpRoute(cfg.service, others)];
  }
  const form = tableVariant(cfg)!.gatewayApi;
  if ('unsupported' in form) throw new InputError(gatewayApiRefusals(cfg).map(asProblem));
  return [
    ...form.files.flatMap((f) => {
      const text = ctx.samples[f];
      if (text === undefined)
        throw new ActionError(`The Istio release has no ${GATEWAY_API_DIR}/${f}, which ${what} needs.`, {
          hint: 'Choose another routing variant or Istio version, or use ingress: istio-gateway.'
        });
      return parseYaml(text, `${GATEWAY_API_DIR}/${f}`);
    }),
    ...(form.generate?.() ?? [])
  ];
}

function backendNames(route: KubeObject): string[] {
  const rules =
    (route.spec as { rules?: Array<Record<string, unknown>> } | undefined)?.rules ??
    ([] as Array<Record<string, unknown>>);
  const names: string[] = [];
  for (const rule of rules) {
    for (const b of (rule.backendRefs as Array<{ name?: unknown }> | undefined) ?? [])
      if (typeof b.name === 'string') names.push(b.name);
    for (const f of (rule.filters as
      Array<{ requestMirror?: { backendRef?: { name?: unknown } } }> | undefined) ?? []) {
      const n = f.requestMirror?.backendRef?.name;
      if (typeof n === 'string') names.push(n);
    }
  }
  return names;
}

export function planHttpRoutes(cfg: RoutingConfig, ctx: GatewayApiPlanContext): RoutingPlan {
  const variant = tableVariant(cfg);
  const what = variant ? `routing variant "${variant.name}"` : `routing "${cfg.variant}"`;
  const routes = routesFor(cfg, ctx, what);

  let services: KubeObject[] = [];
  if (routes.length > 0) {
    if (ctx.versions === undefined)
      throw new ActionError(
        `The Istio release has no ${VERSIONS_FILE}, which ${what} needs with ingress: gateway-api.`,
        {
          hint: 'Use a newer Istio release, or ingress: istio-gateway.'
        }
      );
    services = parseYaml(ctx.versions, VERSIONS_FILE).filter((o) => o.kind === 'Service');
  }
  const known = new Set([...Object.keys(BOOKINFO_SERVICES), ...services.map((s) => s.metadata.name)]);
  const problems: string[] = [];
  for (const r of routes) {
    if (r.kind !== 'HTTPRoute') problems.push(`${r.kind} ${r.metadata.name} is not an HTTPRoute`);
    for (const name of backendNames(r))
      if (!known.has(name))
        problems.push(
          `HTTPRoute ${r.metadata.name} routes to Service ${name}, which neither Bookinfo nor ${VERSIONS_FILE} defines`
        );
  }
  if (problems.length > 0)
    throw new ActionError(`The ${what} is inconsistent with ingress: gateway-api; nothing was applied.`, {
      details: [...new Set(problems)],
      hint: "Route only to Bookinfo's versions (reviews v1, v2, v3; the others v1)."
    });

  // STRICT needs no DestinationRules here: the HTTPRoutes pick versions by Service, not by subset, and
  // Istio's automatic mTLS already makes every sidecar (and the Gateway's own proxy) a TLS client.
  const policy = cfg.mtls ? [strictPeerAuthentication(ctx.securityApiVersion)] : [];
  const objects = [...services, ...routes, ...policy].map((o) => ownedRoutingObject(o, ctx, cfg.variant));
  const expect =
    cfg.kind === 'weights' || cfg.kind === 'user'
      ? expectationFromObjects(customObjects(cfg, 'networking.istio.io/v1'))
      : (variant?.expect ?? null);
  const describe = [
    variant
      ? `${variant.name}: ${variant.description} (Gateway API HTTPRoutes)`
      : `${cfg.variant}: custom HTTPRoute for ${cfg.service}`,
    ...objects.map((o) => `${o.apiVersion} ${o.kind} ${ctx.namespace}/${o.metadata.name}`)
  ];
  if (routes.length === 0) describe.push('no HTTPRoute (default load balancing)');
  return { variant: cfg.variant, objects, expect, describe };
}

// Routing from the inputs: a table variant, custom weights, a user's own route, or the user's file —
// exactly one, checked here completely (subsets of the Bookinfo service, weights summing to 100, a user
// with a version), so the planners in routing/ only translate the RoutingConfig they are given.

import path from 'node:path';
import { MIN_ISTIO_MINOR } from '../gatewayapi/crds.js';
import { istioMinorOf } from '../istio/profiles.js';
import { gatewayApiRefusals } from '../routing/gatewayApiPlan.js';
import { CUSTOM_VARIANTS, suggestVariant, variantNames } from '../routing/variants.js';
import type { IngressMode, IstioConfig, RoutingConfig, SubsetWeight } from './config.js';
import { DNS_LABEL, type Problems, type Scalars } from './problems.js';
import { BOOKINFO_SERVICES, inputSpec } from './spec.js';
import { didYouMean } from './suggest.js';

function checkSubset(
  p: Problems,
  input: string,
  subset: string,
  service: string,
  known: readonly string[] | undefined
): boolean {
  if (known) {
    if (known.includes(subset)) return true;
    p.add(
      input,
      `unknown version ${JSON.stringify(subset)} of ${service}; Bookinfo's ${service} has ${known.join(', ')}${didYouMean(subset, known)}`
    );
    return false;
  }
  if (DNS_LABEL.test(subset)) return true;
  p.add(input, `${JSON.stringify(subset)} is not a subset name (a DNS label like v1)`);
  return false;
}

function parseWeights(
  p: Problems,
  service: string,
  known: readonly string[] | undefined
): SubsetWeight[] | undefined {
  const text = p.given('routing-weights');
  if (text === '') return undefined;
  const weights: Array<{ subset: string; weight: number }> = [];
  let ok = true;
  for (const part of text.split(/[\s,]+/).filter((s) => s !== '')) {
    const m = /^([^=]+)=(.*)$/.exec(part);
    if (!m || m[1] === undefined || m[2] === undefined) {
      p.add('routing-weights', `${JSON.stringify(part)} is not version=percent`);
      ok = false;
      continue;
    }
    const subset = m[1].trim();
    const w = m[2].trim();
    if (!/^-?\d+$/.test(w)) {
      p.add('routing-weights', `weight ${JSON.stringify(w)} of ${subset} is not a whole number`);
      ok = false;
    } else if (Number(w) < 0) {
      p.add(
        'routing-weights',
        `weight of ${subset} is negative (${w}); weights are percentages from 0 to 100`
      );
      ok = false;
    } else if (!checkSubset(p, 'routing-weights', subset, service, known)) ok = false;
    else if (weights.some((x) => x.subset === subset)) {
      p.add('routing-weights', `${subset} is given twice`);
      ok = false;
    } else weights.push({ subset, weight: Number(w) });
  }
  if (!ok) return undefined;
  const sum = weights.reduce((a, w) => a + w.weight, 0);
  if (sum !== 100) {
    p.add('routing-weights', `weights sum to ${sum}, not 100`);
    return undefined;
  }
  return weights;
}

/**
 * [R3] item 2: ambient's ztunnel is L4 only. VirtualService routing takes effect only through a waypoint
 * proxy (Gateway API CRDs, `istioctl waypoint apply`), where Istio supports it as alpha, so in ambient
 * no routing variant would do what it says. The action does not deploy waypoints: a variant the user
 * chose is refused, and the default (all-v1) becomes none (Kubernetes' own load balancing), said aloud.
 */
function ambientRouting(
  p: Problems,
  istio: IstioConfig,
  bookinfo: boolean,
  routing: RoutingConfig
): RoutingConfig {
  if (istio.dataplaneMode !== 'ambient' || !bookinfo || routing.variant === 'none') return routing;
  const chosen = ['routing', 'routing-weights', 'routing-user', 'routing-file'].filter(
    (name) => p.given(name) !== ''
  );
  if (chosen.length === 0) {
    p.warnings.push(
      'istio-mode: ambient routes at L4 only (ztunnel), so the default routing all-v1 is replaced by none; VirtualService routing in ambient needs a waypoint proxy, which this action does not deploy.'
    );
    return { kind: 'variant', service: routing.service, mtls: routing.mtls, variant: 'none' };
  }
  for (const name of chosen) {
    p.add(
      name,
      `cannot be used with istio-mode: ambient: ztunnel routes at L4 only, and VirtualService routing needs a waypoint proxy (alpha in Istio), which this action does not deploy; use routing: none in ambient, or istio-mode: sidecar for routing variants`,
      name === 'routing' ? 'none' : undefined
    );
  }
  return routing;
}

function parseRouting(p: Problems, s: Scalars, bookinfo: boolean, workspace: string): RoutingConfig {
  const mtls = s.bool('mtls');
  const service = p.value('routing-service');
  let known: readonly string[] | undefined;
  if (bookinfo && !(service in BOOKINFO_SERVICES)) {
    const services = Object.keys(BOOKINFO_SERVICES);
    p.add(
      'routing-service',
      `${JSON.stringify(service)} is not a Bookinfo service (${services.join(', ')})${didYouMean(service, services)}`
    );
  } else if (!DNS_LABEL.test(service)) {
    p.add('routing-service', `${JSON.stringify(service)} is not a Service name (DNS label)`);
  } else if (bookinfo) known = BOOKINFO_SERVICES[service];

  const variantGiven = p.given('routing');
  const variantDefault = inputSpec('routing').default;
  const variant = p.value('routing');
  const weights = parseWeights(p, service, known);
  const user = p.given('routing-user');
  const userVersion = p.given('routing-user-version');
  const file = p.given('routing-file');
  const custom = [
    ...(p.given('routing-weights') ? ['routing-weights'] : []),
    ...(user || userVersion ? ['routing-user'] : []),
    ...(file ? ['routing-file'] : [])
  ];

  if (user !== '' && userVersion === '')
    p.add('routing-user-version', `is required with routing-user (the version ${user} is sent to)`);
  if (userVersion !== '' && user === '')
    p.add(
      'routing-user',
      `is required with routing-user-version (the user to send to ${userVersion})`,
      'jason'
    );
  if (user !== '' && (/\s/.test(user) || user.length > 128))
    p.add('routing-user', `${JSON.stringify(user)} is not a user name (no spaces, at most 128 characters)`);
  if (userVersion !== '') checkSubset(p, 'routing-user-version', userVersion, service, known);

  const base = { service, mtls };
  if (file !== '') {
    if (custom.length > 1)
      p.add(
        'routing-file',
        `cannot be combined with ${custom.filter((c) => c !== 'routing-file').join(' or ')}; your file defines all routing`
      );
    if (variantGiven !== '' && variantGiven !== variantDefault) {
      p.add('routing', `cannot be combined with routing-file; remove one of them`, null);
    }
    return { ...base, kind: 'file', variant: CUSTOM_VARIANTS.file, file: path.resolve(workspace, file) };
  }
  if (custom.length > 0) {
    const allowedVariants = [variantDefault, CUSTOM_VARIANTS.weights, CUSTOM_VARIANTS.user];
    if (variantGiven !== '' && !allowedVariants.includes(variantGiven)) {
      p.add(
        'routing',
        `${JSON.stringify(variantGiven)} cannot be combined with ${custom.join(' and ')}; remove routing or the custom inputs`,
        null
      );
    }
    // With a problem above the parse fails; these shapes are then never used.
    if (user !== '')
      return {
        ...base,
        kind: 'user',
        variant: CUSTOM_VARIANTS.user,
        user,
        userVersion,
        ...(weights ? { weights } : {})
      };
    return { ...base, kind: 'weights', variant: CUSTOM_VARIANTS.weights, weights: weights ?? [] };
  }
  const names = variantNames();
  if (!names.includes(variant)) {
    const suggestion = suggestVariant(variant);
    p.add(
      'routing',
      `unknown variant ${JSON.stringify(variant)}${suggestion ? `; did you mean "${suggestion}"?` : ''} (variants: ${names.join(', ')})`
    );
  }
  return { ...base, kind: 'variant', variant };
}

/**
 * What `ingress: gateway-api` cannot do, known from the inputs alone: an Istio line without stable Gateway
 * API support (the cluster side — Kubernetes version, CRDs — is checked before anything is installed), and
 * routing that has no HTTPRoute form (fault injection, a VirtualService file, mtls destination rules).
 */
function checkGatewayApi(p: Problems, istio: IstioConfig, routing: RoutingConfig): void {
  const minor = istioMinorOf(istio.versionSpec);
  if (minor !== undefined && minor < MIN_ISTIO_MINOR) {
    p.add(
      'ingress',
      `gateway-api needs Istio 1.${MIN_ISTIO_MINOR} or later (stable Gateway API for ingress and mesh routes), but istio-version is ${istio.versionSpec}; use istio-version 1.${MIN_ISTIO_MINOR}+ or ingress: istio-gateway`,
      'istio-gateway'
    );
  }
  for (const r of gatewayApiRefusals(routing)) p.add(r.input, r.problem, r.example);
}

/** The routing inputs → one RoutingConfig shape, with what istio-mode and ingress allow of it. */
export function parseRoutingInputs(
  p: Problems,
  s: Scalars,
  app: { bookinfo: boolean; istio: IstioConfig; ingress: IngressMode; workspace: string }
): RoutingConfig {
  const routing = ambientRouting(p, app.istio, app.bookinfo, parseRouting(p, s, app.bookinfo, app.workspace));
  if (app.ingress === 'gateway-api') checkGatewayApi(p, app.istio, routing);
  return routing;
}

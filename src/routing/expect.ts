// Derives what a visitor should see from the VirtualServices themselves, for plans that are not in
// the variant table (custom weights/user, the user's own file). It understands the shapes Bookinfo
// routing uses — match on the `end-user` header, weighted subsets of reviews v1–v3, 100 % delay or
// abort faults on ratings — and answers null (do not verify the split) for anything richer.
// Unit tests also run it over the sample files to cross-check the hand-written table.

import type { Distribution, Expectation, KubeObject, Outcome } from './types.js';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** `reviews`, `reviews.ns`, `reviews.ns.svc.cluster.local` → `reviews`. */
export function shortHost(host: string): string {
  return host.split('.')[0] ?? host;
}

function virtualServiceFor(objects: KubeObject[], service: string): Json | undefined {
  const vs = objects.find(
    (o) =>
      o.kind === 'VirtualService' &&
      isObject(o.spec) &&
      asArray(o.spec.hosts).some((h) => typeof h === 'string' && shortHost(h) === service) &&
      // A VS bound only to a gateway does not route mesh traffic between services.
      (asArray(o.spec.gateways).length === 0 || asArray(o.spec.gateways).includes('mesh'))
  );
  return vs && isObject(vs.spec) ? vs.spec : undefined;
}

/** Names matched with `end-user: {exact: NAME}` anywhere in the VS. */
function usersIn(spec: Json | undefined): string[] {
  const names: string[] = [];
  for (const route of asArray(spec?.http)) {
    if (!isObject(route)) continue;
    for (const m of asArray(route.match)) {
      const exact =
        isObject(m) && isObject(m.headers) && isObject(m.headers['end-user'])
          ? m.headers['end-user'].exact
          : undefined;
      if (typeof exact === 'string' && !names.includes(exact)) names.push(exact);
    }
  }
  return names;
}

/**
 * The first http route that applies to `user` (undefined = anonymous), like Envoy evaluates them.
 * 'unknown' when a route matches on something we cannot reason about (uri, other headers, ...).
 */
function routeFor(spec: Json, user: string | undefined): Json | 'unknown' | undefined {
  for (const route of asArray(spec.http)) {
    if (!isObject(route)) return 'unknown';
    const matches = asArray(route.match);
    if (matches.length === 0) return route;
    for (const m of matches) {
      if (!isObject(m) || Object.keys(m).some((k) => k !== 'headers')) return 'unknown';
      const headers = isObject(m.headers) ? m.headers : {};
      const keys = Object.keys(headers);
      const condition = headers['end-user'];
      if (keys.length !== 1 || !isObject(condition) || typeof condition.exact !== 'string') return 'unknown';
      if (condition.exact === user) return route;
    }
  }
  return undefined;
}

const ROUND_ROBIN: Distribution = { v1: 100 / 3, v2: 100 / 3, v3: 100 / 3 };

function reviewsSplit(route: Json): Distribution | null {
  if (route.fault !== undefined || route.redirect !== undefined || route.directResponse !== undefined)
    return null;
  const dests = asArray(route.route).filter(isObject);
  if (dests.length === 0) return null;
  const split: Distribution = {};
  for (const d of dests) {
    const dest = isObject(d.destination) ? d.destination : {};
    if (typeof dest.host !== 'string' || shortHost(dest.host) !== 'reviews') return null;
    const weight = typeof d.weight === 'number' ? d.weight : dests.length === 1 ? 100 : null;
    if (weight === null) return null;
    if (weight === 0) continue;
    if (dest.subset === undefined) {
      for (const [k, v] of Object.entries(ROUND_ROBIN))
        split[k as Outcome] = (split[k as Outcome] ?? 0) + (v * weight) / 100;
      continue;
    }
    if (dest.subset !== 'v1' && dest.subset !== 'v2' && dest.subset !== 'v3') return null;
    split[dest.subset] = (split[dest.subset] ?? 0) + weight;
  }
  return split;
}

/** Milliseconds of a fixed delay applied to every request, or undefined. */
function fullFault(route: Json): { delayMs?: number; abort?: boolean } | 'partial' | undefined {
  if (!isObject(route.fault)) return undefined;
  const full = (f: Json): boolean => {
    const pct = isObject(f.percentage) ? f.percentage.value : f.percent;
    return pct === undefined || pct === 100;
  };
  const { delay, abort } = route.fault;
  if ((isObject(delay) && !full(delay)) || (isObject(abort) && !full(abort))) return 'partial';
  const result: { delayMs?: number; abort?: boolean } = {};
  if (isObject(delay) && typeof delay.fixedDelay === 'string') {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(delay.fixedDelay);
    if (!m) return 'partial';
    result.delayMs = Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 's' ? 1000 : 60000);
  }
  if (isObject(abort)) result.abort = true;
  return result;
}

// Timeouts baked into the Bookinfo images: productpage waits 3 s for reviews (and retries once);
// reviews v2 waits 10 s for ratings, v3 2.5 s.
const PRODUCTPAGE_REVIEWS_TIMEOUT_MS = 3000;
const RATINGS_TIMEOUT_MS: Record<'v2' | 'v3', number> = { v2: 10000, v3: 2500 };

/** How a ratings fault changes what the page shows for a reviews version that calls ratings. */
function withRatingsFault(split: Distribution, fault: { delayMs?: number; abort?: boolean }): Distribution {
  const out: Distribution = {};
  const add = (k: Outcome, v: number): void => {
    out[k] = (out[k] ?? 0) + v;
  };
  for (const [k, v] of Object.entries(split) as Array<[Outcome, number]>) {
    if (k !== 'v2' && k !== 'v3') {
      add(k, v);
      continue;
    }
    const delay = fault.delayMs ?? 0;
    const ratingsGivesUp = delay >= RATINGS_TIMEOUT_MS[k];
    const waited = Math.min(delay, RATINGS_TIMEOUT_MS[k]);
    if (waited >= PRODUCTPAGE_REVIEWS_TIMEOUT_MS) add('reviews-unavailable', v);
    else if (ratingsGivesUp || fault.abort) add('ratings-unavailable', v);
    else add(k, v);
  }
  return out;
}

function distributionFor(
  reviews: Json | undefined,
  ratings: Json | undefined,
  user: string | undefined
): Distribution | null {
  let split: Distribution | null = ROUND_ROBIN;
  if (reviews) {
    const route = routeFor(reviews, user);
    if (route === 'unknown') return null;
    split = route ? reviewsSplit(route) : null; // no route applies: Envoy answers 404
  }
  if (!split) return null;
  if (ratings) {
    const route = routeFor(ratings, user);
    if (route === 'unknown' || route === undefined) return null;
    const fault = fullFault(route);
    if (fault === 'partial') return null;
    if (fault) split = withRatingsFault(split, fault);
  }
  return split;
}

/** The expected outcome per identity, or null when the objects route in ways we cannot predict. */
export function expectationFromObjects(objects: KubeObject[]): Expectation | null {
  const reviews = virtualServiceFor(objects, 'reviews');
  const ratings = virtualServiceFor(objects, 'ratings');
  const anonymous = distributionFor(reviews, ratings, undefined);
  if (!anonymous) return null;
  const expectation: Expectation = { anonymous };
  const users = [...new Set([...usersIn(reviews), ...usersIn(ratings)])];
  for (const user of users) {
    const dist = distributionFor(reviews, ratings, user);
    if (!dist) return null;
    (expectation.users ??= {})[user] = dist;
  }
  const faultUsers = ratings
    ? users
        .map((u) => ({ u, route: routeFor(ratings, u) }))
        .filter(({ route }) => isObject(route) && isObject(route.fault))
    : [];
  if (faultUsers.length > 0 && ratings) {
    const first = routeFor(ratings, faultUsers[0]?.u);
    const fault = isObject(first) ? fullFault(first) : undefined;
    if (fault && fault !== 'partial') {
      if (fault.abort) expectation.ratingsFault = { fault: 'abort', users: faultUsers.map((f) => f.u) };
      else if (fault.delayMs === 7000)
        expectation.ratingsFault = { fault: 'delay7s', users: faultUsers.map((f) => f.u) };
    }
  }
  return expectation;
}

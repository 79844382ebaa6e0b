// Talks to Bookinfo through the ingress gateway like a browser would: a cookie jar for Flask's signed
// `session` cookie, login/logout, then many GET /productpage to measure the reviews split.
// node:http rather than fetch: fetch silently drops a Host header, and preview hosts need one.

import http from 'node:http';
import https from 'node:https';
import { ActionError } from '../errors.js';
import { retry } from '../retry.js';
import type { Distribution, Expectation, Outcome } from '../routing/types.js';
import { OUTCOMES } from '../routing/types.js';
import { classifyProductPage, outcomeOf } from './classify.js';
import { multinomialTest, percentile } from './stats.js';

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  latencyMs: number;
}

export interface SessionOptions {
  hostHeader?: string;
  /** Per request; a 7 s ratings delay makes productpage take about 6 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** One visitor: remembers cookies between requests, never follows redirects on its own. */
export class Session {
  readonly cookies = new Map<string, string>();
  private readonly base: URL;
  private readonly options: SessionOptions;

  constructor(baseUrl: string, options: SessionOptions = {}) {
    this.base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
    this.options = options;
  }

  url(path: string): URL {
    return new URL(path.replace(/^\//, ''), this.base);
  }

  request(
    method: string,
    path: string,
    body?: string,
    headers: Record<string, string> = {}
  ): Promise<HttpResult> {
    const url = this.url(path);
    const all: Record<string, string> = { 'user-agent': 'ask-istio-action', accept: 'text/html', ...headers };
    if (this.options.hostHeader) all.host = this.options.hostHeader;
    if (this.cookies.size > 0) all.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (body !== undefined) all['content-length'] = String(Buffer.byteLength(body));
    const started = performance.now();
    const client = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = client.request(
        url,
        { method, headers: all, timeout: this.options.timeoutMs ?? 20000, signal: this.options.signal },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            this.remember(res.headers['set-cookie'] ?? []);
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
              latencyMs: performance.now() - started
            });
          });
        }
      );
      req.on('timeout', () =>
        req.destroy(new Error(`no answer from ${url.href} within ${this.options.timeoutMs ?? 20000} ms`))
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  get(path: string): Promise<HttpResult> {
    return this.request('GET', path);
  }

  private remember(setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (!pair || eq < 1) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => {
        const [k, v = ''] = a.split('=').map((s) => s.trim());
        if (k?.toLowerCase() === 'max-age') return Number(v) <= 0;
        if (k?.toLowerCase() === 'expires') return Date.parse(v) <= Date.now();
        return false;
      });
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /**
   * Logs in the way the productpage form does. Flask keeps the user in its signed `session` cookie
   * and redirects to the Referer, so a Referer is sent and the redirect is not followed.
   */
  async login(username: string): Promise<void> {
    const body = new URLSearchParams({ username, passwd: 'password' }).toString();
    const res = await this.request('POST', '/login', body, {
      'content-type': 'application/x-www-form-urlencoded',
      referer: this.url('/productpage').href
    });
    if (res.status >= 400 || !this.cookies.has('session')) {
      throw new ActionError(
        `Logging in to Bookinfo as "${username}" failed (HTTP ${res.status}${this.cookies.has('session') ? '' : ', no session cookie set'}).`,
        {
          details: [
            `POST ${this.url('/login').href}`,
            ...(res.body ? [`answer: ${res.body.slice(0, 200)}`] : [])
          ],
          hint: 'Check that the gateway routes /login to productpage (bookinfo-gateway.yaml does).'
        }
      );
    }
  }

  async logout(): Promise<void> {
    await this.request('GET', '/logout', undefined, { referer: this.url('/productpage').href });
    this.cookies.delete('session');
  }
}

export interface Latency {
  p50: number;
  p95: number;
}

export interface SmokeResult {
  ok: boolean;
  attempts: number;
  elapsedMs: number;
  /** Of the timed requests after the first good answer. */
  latency?: Latency;
  /** Why the last failing attempt failed. */
  lastProblem?: string;
}

function problemOf(res: HttpResult): string | undefined {
  if (res.status !== 200)
    return `HTTP ${res.status}${res.body ? `: ${res.body.slice(0, 120).replace(/\s+/g, ' ')}` : ''}`;
  if (!classifyProductPage(res.body).titleOk)
    return 'HTTP 200 but the page has no "Simple Bookstore App" title';
  return undefined;
}

/**
 * GET /productpage until it answers 200 with the Bookinfo title (the gateway and sidecars may need a
 * moment after apply), within `budgetMs`; then time `samples` more requests for p50/p95.
 */
export async function smokeTest(
  url: string,
  opts: { hostHeader?: string; budgetMs: number; samples?: number; signal?: AbortSignal }
): Promise<SmokeResult> {
  const started = Date.now();
  const session = new Session(url, {
    hostHeader: opts.hostHeader,
    signal: opts.signal,
    timeoutMs: Math.min(20000, opts.budgetMs)
  });
  let attempts = 0;
  let lastProblem: string | undefined;
  try {
    // Until the first good answer: the gateway and sidecars may need a moment after apply.
    const first = await retry(
      async (attempt) => {
        attempts = attempt;
        const res = await session.get('/productpage');
        const problem = problemOf(res);
        if (problem) throw new Error(problem);
        return res;
      },
      {
        policy: { attempts: Infinity, baseDelayMs: 500, maxDelayMs: 5000, budgetMs: opts.budgetMs },
        retryable: (err) => {
          lastProblem = (err as Error).message;
          return true;
        },
        signal: opts.signal
      }
    );
    const latencies = [first.latencyMs];
    for (let i = 1; i < (opts.samples ?? 10); i++) {
      const next = await session.get('/productpage').catch(() => undefined);
      if (!next || problemOf(next)) break;
      latencies.push(next.latencyMs);
    }
    return {
      ok: true,
      attempts,
      elapsedMs: Date.now() - started,
      latency: { p50: percentile(latencies, 50), p95: percentile(latencies, 95) }
    };
  } catch {
    // Out of time, or cancelled: the caller reports the last problem seen.
  }
  return { ok: false, attempts, elapsedMs: Date.now() - started, lastProblem };
}

export type Observed = Partial<Record<Outcome | 'error', number>>;

export interface IdentityResult {
  /** 'anonymous' or the user name that logged in. */
  identity: string;
  expected: Distribution;
  observed: Observed;
  requests: number;
  pValue: number;
  method: 'exact' | 'chi-square' | 'deterministic';
  pass: boolean;
  reason?: string;
  latency: Latency;
  /** A few failed answers, to explain 'error' counts. */
  errors: string[];
  /** Pages per reviews pod named in "Reviews served by" (images 1.16.4+), when the page shows it. */
  servedBy?: Record<string, number>;
}

export interface VerificationResult {
  pass: boolean;
  alpha: number;
  identities: IdentityResult[];
}

export interface VerifyOptions {
  requests: number;
  hostHeader?: string;
  concurrency?: number;
  /** Significance level; the split fails when p < alpha. */
  alpha?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** productpage gives up on reviews after 3 s; a 7 s ratings delay can never be faster than that. */
const DELAYED_PAGE_MIN_MS = 3000;

async function verifyIdentity(
  url: string,
  user: string | undefined,
  expected: Distribution,
  expect: Expectation,
  opts: VerifyOptions
): Promise<IdentityResult> {
  const session = new Session(url, {
    hostHeader: opts.hostHeader,
    timeoutMs: opts.timeoutMs,
    signal: opts.signal
  });
  if (user) await session.login(user);
  const observed: Observed = {};
  const latencies: number[] = [];
  const errors: string[] = [];
  const servedBy: Record<string, number> = {};
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < opts.requests && !opts.signal?.aborted) {
      next++;
      let outcome: Outcome | 'error';
      try {
        const res = await session.get('/productpage');
        latencies.push(res.latencyMs);
        const problem = problemOf(res);
        const page = classifyProductPage(res.body);
        if (page.servedBy) servedBy[page.servedBy] = (servedBy[page.servedBy] ?? 0) + 1;
        outcome = problem ? 'error' : outcomeOf(page);
        if (outcome === 'error' && errors.length < 3)
          errors.push(problem ?? 'page rendered reviews, but neither stars nor "served by" tell the version');
      } catch (err) {
        outcome = 'error';
        if (errors.length < 3) errors.push((err as Error).message);
      }
      observed[outcome] = (observed[outcome] ?? 0) + 1;
    }
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 4, opts.requests)) }, worker)
  );
  if (user) await session.logout().catch(() => undefined);

  const categories = [...OUTCOMES, 'error' as const];
  const totalPct = Object.values(expected).reduce((a, b) => a + (b ?? 0), 0);
  const counts = categories.map((c) => observed[c] ?? 0);
  const probs = categories.map((c) => (c === 'error' ? 0 : (expected[c] ?? 0) / totalPct));
  const test = multinomialTest(counts, probs);
  const alpha = opts.alpha ?? 0.001;
  const requests = counts.reduce((a, b) => a + b, 0);
  const latency = { p50: percentile(latencies, 50), p95: percentile(latencies, 95) };
  let pass = requests > 0 && test.pValue >= alpha;
  let reason: string | undefined = pass
    ? undefined
    : requests === 0
      ? 'no requests completed'
      : `observed split is unlikely under the expected one (p = ${test.pValue.toPrecision(3)} < ${alpha})`;
  const delayed =
    user && expect.ratingsFault?.fault === 'delay7s' && expect.ratingsFault.users.includes(user);
  if (pass && delayed && !(latency.p50 >= DELAYED_PAGE_MIN_MS)) {
    pass = false;
    reason = `ratings is delayed 7 s for ${user}, yet the median page took ${Math.round(latency.p50)} ms (expected ≥ ${DELAYED_PAGE_MIN_MS} ms)`;
  }
  return {
    identity: user ?? 'anonymous',
    expected,
    observed,
    requests,
    pValue: test.pValue,
    method: test.method,
    pass,
    ...(reason ? { reason } : {}),
    latency,
    errors,
    ...(Object.keys(servedBy).length ? { servedBy } : {})
  };
}

/**
 * Sends `requests` page views per identity the expectation names (anonymous, then each user after
 * logging in) and tests the observed reviews split against the expected one.
 */
export async function verifyRouting(
  url: string,
  expect: Expectation,
  opts: VerifyOptions
): Promise<VerificationResult> {
  const identities: IdentityResult[] = [await verifyIdentity(url, undefined, expect.anonymous, expect, opts)];
  for (const [user, dist] of Object.entries(expect.users ?? {})) {
    identities.push(await verifyIdentity(url, user, dist, expect, opts));
  }
  return { pass: identities.every((i) => i.pass), alpha: opts.alpha ?? 0.001, identities };
}

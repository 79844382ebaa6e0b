// The one HTTP path to the API server. Every request goes through `send`/`stream`, which is what
// makes the request/write/watch counters exact, and where retries, timeouts, credential refresh and
// error translation live. Uses client-node only for kubeconfig parsing, authentication and its
// undici-based HTTP library.

import { HttpMethod, IsomorphicFetchHttpLibrary, KubeConfig, RequestContext } from '@kubernetes/client-node';
import { ActionError } from '../errors.js';
import { apiError, isRetryable, networkError, permanentServerError, type RequestInfo } from './errors.js';
import { abortReason, backoffDelay, parseRetryAfter, sleep, type RetryPolicy } from '../retry.js';
import type { KubeStats } from './stats.js';

export type { KubeStats } from './stats.js';

export interface TransportOptions {
  kubeconfigPath: string;
  context?: string;
  /** Aborts every request of this connection (the step's deadline or the job's cancellation). */
  signal?: AbortSignal;
  /** Debug log of each request (method, path, status, duration); never headers or bodies. */
  log?: (message: string) => void;
  retry?: Partial<RetryPolicy>;
  /** Per-attempt timeout of ordinary (non-watch) requests. */
  requestTimeoutMs?: number;
  /**
   * A dry run's connection: a request that would persist a change is refused before it is sent. The
   * kube layer turns every apply and delete of such a connection into a server-side dry run, so this
   * only ever stops a bug — a dry run cannot change the cluster whatever a step does.
   */
  dryRun?: boolean;
}

export interface HttpRequest {
  method: HttpMethod;
  /** Path below the server URL, starting with '/'. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: string;
  contentType?: string;
  /** What this request means in RBAC terms, for error messages. */
  info: Omit<RequestInfo, 'server' | 'user'>;
  /** Counted in stats.writes (a real, non-dry-run mutation). */
  write: boolean;
  /** 'all': retry network errors and 429/5xx; 'network': only when no answer came; 'none'. */
  retry: 'all' | 'network' | 'none';
  /** Statuses returned to the caller instead of thrown (e.g. 404 for a get). '*' returns every status. */
  accept?: number[] | '*';
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

type Dispatcher = ReturnType<RequestContext['getDispatcher']>;

// 8 attempts wait 8–16 s in total (jittered exponential backoff): long enough to ride out an apiserver
// restart (a few seconds of refused/reset connections), short enough that a dead server fails fast.
const DEFAULT_RETRY: RetryPolicy = { attempts: 8, baseDelayMs: 200, maxDelayMs: 5000 };

export class Transport {
  readonly stats: KubeStats = { requests: 0, writes: 0, watches: 0, relists: 0 };
  readonly server: string;
  readonly user: string;
  /** The kubeconfig context's namespace, or "default". */
  readonly defaultNamespace: string;
  readonly signal?: AbortSignal;
  readonly dryRun: boolean;
  private readonly kc: KubeConfig;
  private readonly http = new IsomorphicFetchHttpLibrary();
  private readonly retryPolicy: RetryPolicy;
  private readonly requestTimeoutMs: number;
  private readonly log: (message: string) => void;
  private auth?: { headers: Record<string, string>; dispatcher: Dispatcher };

  private constructor(kc: KubeConfig, opts: TransportOptions) {
    this.kc = kc;
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new ActionError(`kubeconfig context "${kc.getCurrentContext()}" names no cluster`);
    this.server = cluster.server.replace(/\/+$/, '');
    this.user = kc.getCurrentUser()?.name ?? 'unknown';
    this.defaultNamespace = kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default';
    this.signal = opts.signal;
    this.dryRun = opts.dryRun === true;
    this.retryPolicy = { ...DEFAULT_RETRY, ...opts.retry };
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 30_000;
    this.log = opts.log ?? (() => {});
  }

  static open(opts: TransportOptions): Transport {
    const kc = new KubeConfig();
    try {
      kc.loadFromFile(opts.kubeconfigPath);
    } catch (err) {
      throw new ActionError(
        `cannot read the kubeconfig: ${err instanceof Error ? err.message : String(err)}`,
        {
          hint: 'Pass a valid kubeconfig (YAML with clusters, users and contexts).',
          cause: err
        }
      );
    }
    if (opts.context) {
      const names = kc.getContexts().map((c) => c.name);
      if (!names.includes(opts.context)) {
        throw new ActionError(`the kubeconfig has no context "${opts.context}"`, {
          details: [`available contexts: ${names.join(', ') || '(none)'}`],
          hint: 'Set the context input to one of the available contexts, or leave it empty for the current one.'
        });
      }
      kc.setCurrentContext(opts.context);
    }
    if (!kc.getCurrentContext() || !kc.getContextObject(kc.getCurrentContext())) {
      throw new ActionError('the kubeconfig has no current context', {
        hint: 'Set current-context in the kubeconfig or pass the context input.'
      });
    }
    return new Transport(kc, opts);
  }

  private requestInfo(info: HttpRequest['info']): RequestInfo {
    return { ...info, server: this.server, user: this.user };
  }

  /** Headers and TLS dispatcher from the kubeconfig, computed once and reused (keeps connections alive). */
  private async authenticate(refresh: boolean): Promise<NonNullable<Transport['auth']>> {
    if (this.auth && !refresh) return this.auth;
    const ctx = new RequestContext(this.server, HttpMethod.GET);
    try {
      await this.kc.applySecurityAuthentication(ctx);
    } catch (err) {
      throw new ActionError(
        `cannot obtain credentials from the kubeconfig: ${err instanceof Error ? err.message : String(err)}`,
        {
          hint: 'Check the kubeconfig user entry (client certificate, token or exec plugin).',
          cause: err
        }
      );
    }
    const old = this.auth?.dispatcher;
    this.auth = { headers: ctx.getHeaders(), dispatcher: ctx.getDispatcher() };
    if (old && old !== this.auth.dispatcher) void old.close().catch(() => {});
    return this.auth;
  }

  private url(path: string, query: HttpRequest['query']): string {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) params.set(k, String(v));
    const qs = params.toString();
    return `${this.server}${path}${qs ? `?${qs}` : ''}`;
  }

  private async attempt(req: HttpRequest, refresh: boolean, signal: AbortSignal) {
    const auth = await this.authenticate(refresh);
    const ctx = new RequestContext(this.url(req.path, req.query), req.method);
    for (const [k, v] of Object.entries(auth.headers)) ctx.setHeaderParam(k, v);
    ctx.setHeaderParam('Accept', 'application/json');
    if (req.body !== undefined) {
      ctx.setHeaderParam('Content-Type', req.contentType ?? 'application/json');
      ctx.setBody(req.body);
    }
    if (auth.dispatcher) ctx.setDispatcher(auth.dispatcher);
    ctx.setSignal(signal);
    this.stats.requests++;
    if (req.write) this.stats.writes++;
    return this.http.send(ctx).toPromise();
  }

  /**
   * Sends one logical request: retried per `req.retry` with backoff (Retry-After honoured), bounded by
   * attempts and by the caller's signal; a 401 refreshes credentials once. Non-accepted error statuses
   * and network failures throw KubeApiError.
   */
  async send(req: HttpRequest): Promise<HttpResponse> {
    const info = this.requestInfo(req.info);
    if (req.write && this.dryRun)
      throw new Error(
        `bug: a dry run tried to change the cluster (${req.method} ${req.info.resource}${req.info.name ? ` ${req.info.name}` : ''}); nothing was sent`
      );
    const outer = AbortSignal.any([this.signal, req.signal].filter((s): s is AbortSignal => s !== undefined));
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      if (outer.aborted) throw abortReason(outer);
      const started = Date.now();
      const signal = AbortSignal.any([outer, AbortSignal.timeout(this.requestTimeoutMs)]);
      let status = 0;
      let failure: unknown;
      let res: HttpResponse | undefined;
      try {
        const r = await this.attempt(req, false, signal);
        res = { status: r.httpStatusCode, headers: r.headers, text: await r.body.text() };
        status = res.status;
      } catch (err) {
        if (outer.aborted) throw abortReason(outer);
        failure = err;
      }
      this.log(
        `${req.method} ${req.path} → ${status || `no answer (${describeFailure(failure)})`} (${Date.now() - started} ms)`
      );

      if (res && (res.status < 400 || req.accept === '*' || req.accept?.includes(res.status))) return res;
      if (res?.status === 401 && !refreshed) {
        // Exec-plugin and OIDC tokens can expire mid-run; fetch fresh ones once before giving up.
        refreshed = true;
        await this.authenticate(true);
        continue;
      }
      const retryable =
        req.retry === 'all'
          ? isRetryable(status, failure) && !permanentServerError(res?.text ?? '')
          : req.retry === 'network' && status === 0 && isRetryable(0, failure);
      if (retryable && attempt < this.retryPolicy.attempts) {
        const delay = backoffDelay(attempt, this.retryPolicy, {
          retryAfterMs: parseRetryAfter(res?.headers['retry-after'])
        });
        this.log(
          `retrying ${req.method} ${req.path} in ${delay} ms (attempt ${attempt + 1}/${this.retryPolicy.attempts})`
        );
        await sleep(delay, outer);
        continue;
      }
      if (res) throw apiError(info, res.status, res.text);
      throw networkError(info, failure, attempt);
    }
  }

  /** `send` + JSON decoding of the answer. */
  async json<T>(req: HttpRequest): Promise<{ status: number; body: T }> {
    const res = await this.send(req);
    try {
      return { status: res.status, body: JSON.parse(res.text) as T };
    } catch {
      throw new ActionError(
        `the API server answered ${req.method} ${req.path} with something that is not JSON (HTTP ${res.status})`,
        {
          details: [res.text.slice(0, 200)]
        }
      );
    }
  }

  /**
   * Opens a streaming GET (a watch) and calls `onLine` for each newline-delimited chunk. Resolves when
   * the server ends the stream, rejects with KubeApiError when it cannot be opened, and rejects with
   * the abort reason when `signal` aborts. Not retried here: the watch loop decides (it may relist).
   */
  async stream(req: HttpRequest, onLine: (line: string) => void, signal: AbortSignal): Promise<void> {
    const info = this.requestInfo(req.info);
    const combined = AbortSignal.any([signal, ...(this.signal ? [this.signal] : [])]);
    this.stats.watches++;
    let r;
    try {
      r = await this.attempt(req, false, combined);
    } catch (err) {
      if (combined.aborted) throw abortReason(combined);
      throw networkError(info, err, 1);
    }
    this.log(`${req.method} ${req.path} (watch) → ${r.httpStatusCode}`);
    if (r.httpStatusCode >= 400) throw apiError(info, r.httpStatusCode, await r.body.text());
    const body = r.body.stream();
    if (!body) return;
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffered += decoder.decode(value, { stream: true });
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          if (line) onLine(line);
        }
      }
    } catch (err) {
      if (combined.aborted) throw abortReason(combined);
      throw networkError(info, err, 1);
    } finally {
      reader.releaseLock();
    }
    if (buffered.trim()) onLine(buffered.trim());
  }

  /** Closes pooled connections so the process can exit promptly. */
  async close(): Promise<void> {
    const d = this.auth?.dispatcher;
    this.auth = undefined;
    if (d) await d.close().catch(() => {});
  }
}

function describeFailure(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: { code?: string } }).cause;
    return cause?.code ?? err.message;
  }
  return String(err);
}

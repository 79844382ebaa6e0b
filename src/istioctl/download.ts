// HTTP for release assets and release lists: global fetch, retries with exponential backoff and
// jitter for transient failures only, downloads streamed to disk and hashed on the way.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { ActionError } from '../errors.js';
import { parseRetryAfter, retry, type RetryPolicy } from '../retry.js';
import type { Logger } from './log.js';

export type FetchFn = typeof fetch;

export interface DownloadPolicy extends RetryPolicy {
  /** An attempt fails when no byte arrives for this long (headers or body). */
  idleTimeoutMs: number;
}

export const DEFAULT_RETRY: DownloadPolicy = {
  attempts: 4,
  baseDelayMs: 1000,
  maxDelayMs: 20_000,
  idleTimeoutMs: 60_000
};

export interface HttpOptions {
  fetch?: FetchFn;
  retry?: Partial<DownloadPolicy>;
  log: Logger;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

/** A response whose status says the request failed. */
export class HttpStatusError extends Error {
  readonly status: number;
  readonly url: string;
  readonly body: string;
  readonly headers: Headers;
  readonly retryAfterMs?: number;

  constructor(url: string, status: number, statusText: string, body: string, headers: Headers) {
    super(`HTTP ${status}${statusText ? ` ${statusText}` : ''} from ${url}`);
    this.name = 'HttpStatusError';
    this.status = status;
    this.url = url;
    this.body = body;
    this.headers = headers;
    this.retryAfterMs = parseRetryAfter(headers.get('retry-after'));
  }
}

/** No byte arrived for `idleTimeoutMs`. */
export class IdleTimeoutError extends Error {
  constructor(url: string, ms: number) {
    super(`no data from ${url} for ${Math.round(ms / 1000)}s`);
    this.name = 'IdleTimeoutError';
  }
}

/** The body ended before Content-Length bytes arrived (a connection cut mid-transfer). */
export class TruncatedError extends Error {
  constructor(url: string, got: number, expected: number) {
    super(`download of ${url} ended after ${got} of ${expected} bytes`);
    this.name = 'TruncatedError';
  }
}

const LOCAL_FS_ERRORS = new Set(['EACCES', 'EPERM', 'ENOSPC', 'EROFS', 'EISDIR', 'ENOTDIR', 'EMFILE']);

/**
 * An Error from any realm: fetch's errors come from Node's own realm, which is not the caller's under
 * a VM sandbox such as jest's, so `instanceof Error` is not enough.
 */
export function isErrorLike(err: unknown): err is Error {
  return (
    err instanceof Error ||
    (typeof err === 'object' &&
      err !== null &&
      typeof (err as Error).message === 'string' &&
      typeof (err as Error).name === 'string')
  );
}

/** Transient: server errors, throttling, timeouts, resets and cut transfers. Not: 4xx, our own errors, cancellation. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof HttpStatusError) return err.status >= 500 || err.status === 408 || err.status === 429;
  if (err instanceof ActionError) return false;
  if (isErrorLike(err) && err.name === 'AbortError') return false;
  // Local disk problems (full, read-only, no permission) do not go away by downloading again.
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && LOCAL_FS_ERRORS.has(code)) return false;
  return isErrorLike(err);
}

export function retryPolicy(overrides?: Partial<DownloadPolicy>): DownloadPolicy {
  return { ...DEFAULT_RETRY, ...overrides };
}

/** Runs `fn` until it succeeds, a non-transient error occurs, or the attempts are used up (last error rethrown). */
export async function withRetry<T>(
  what: string,
  fn: (attempt: number) => Promise<T>,
  opts: HttpOptions
): Promise<T> {
  const policy = retryPolicy(opts.retry);
  try {
    return await retry(fn, {
      policy,
      retryable: isRetryable,
      retryAfterMs: (err) => (err instanceof HttpStatusError ? err.retryAfterMs : undefined),
      signal: opts.signal,
      giveUp: (err, attempts) => {
        if (isErrorLike(err) && attempts > 1) err.message += ` (after ${attempts} attempts)`;
        return err;
      },
      onRetry: (err, next) =>
        opts.log.warning(
          `${what}: ${describeNetworkError(err)}; retrying in ${(next.delayMs / 1000).toFixed(1)}s (attempt ${next.attempt} of ${next.attempts})`
        )
    });
  } catch (err) {
    if (opts.signal?.aborted) throw cancelled(what, opts.signal);
    throw err;
  }
}

function cancelled(what: string, signal: AbortSignal): ActionError {
  return new ActionError(`${what} was cancelled.`, { cause: signal.reason });
}

/** One line for a fetch failure, including undici's underlying cause (ECONNRESET etc.). */
export function describeNetworkError(err: unknown): string {
  if (!isErrorLike(err)) return String(err);
  const cause = isErrorLike(err.cause) ? err.cause : undefined;
  const code = (cause as { code?: string } | undefined)?.code;
  return cause ? `${err.message}: ${code ? `${code} ` : ''}${cause.message}` : err.message;
}

/** Aborts `controller` when `reset()` is not called for `ms`; the abort reason is an IdleTimeoutError. */
function idleTimer(controller: AbortController, url: string, ms: number): { reset(): void; stop(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const reset = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new IdleTimeoutError(url, ms)), ms);
  };
  reset();
  return { reset, stop: () => timer && clearTimeout(timer) };
}

async function openResponse(url: string, opts: HttpOptions, controller: AbortController): Promise<Response> {
  const doFetch = opts.fetch ?? fetch;
  const res = await doFetch(url, {
    redirect: 'follow',
    signal: controller.signal,
    // identity: a server that gzips a .tar.gz on the fly would otherwise hand fetch a body whose
    // decompressed bytes no longer match the published digest.
    headers: { 'user-agent': 'ask-istio-action', 'accept-encoding': 'identity', ...opts.headers }
  });
  if (!res.ok) {
    const body = await res.text().catch(() => '');
    throw new HttpStatusError(url, res.status, res.statusText, body.slice(0, 2000), res.headers);
  }
  return res;
}

/** Rethrows an abort as the reason behind it (idle timeout, or the caller's cancellation). */
function unwrapAbort(err: unknown, controller: AbortController): unknown {
  return controller.signal.aborted && isErrorLike(controller.signal.reason) ? controller.signal.reason : err;
}

function linkedController(signal?: AbortSignal): AbortController {
  const controller = new AbortController();
  if (signal) {
    if (signal.aborted) controller.abort(signal.reason);
    else signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
  }
  return controller;
}

export interface Downloaded {
  bytes: number;
  sha256: string;
  attempts: number;
}

/** Streams `url` into `dest` (replaced on every attempt) and returns its size and sha256. */
export async function downloadToFile(url: string, dest: string, opts: HttpOptions): Promise<Downloaded> {
  const policy = retryPolicy(opts.retry);
  let attempts = 0;
  return withRetry(
    `Downloading ${url}`,
    async (attempt) => {
      attempts = attempt;
      const controller = linkedController(opts.signal);
      const idle = idleTimer(controller, url, policy.idleTimeoutMs);
      try {
        const res = await openResponse(url, opts, controller);
        idle.reset();
        const expected = res.headers.get('content-encoding')
          ? NaN
          : Number(res.headers.get('content-length') ?? NaN);
        const hash = createHash('sha256');
        let bytes = 0;
        const meter = new Transform({
          transform(chunk: Buffer, _enc, done) {
            idle.reset();
            hash.update(chunk);
            bytes += chunk.length;
            done(null, chunk);
          }
        });
        if (!res.body) throw new TruncatedError(url, 0, expected);
        await pipeline(
          Readable.fromWeb(res.body as WebReadableStream<Uint8Array>),
          meter,
          createWriteStream(dest)
        );
        if (Number.isFinite(expected) && bytes !== expected) throw new TruncatedError(url, bytes, expected);
        return { bytes, sha256: hash.digest('hex'), attempts };
      } catch (err) {
        await rm(dest, { force: true });
        throw unwrapAbort(err, controller);
      } finally {
        idle.stop();
      }
    },
    opts
  );
}

/** GETs a small text resource (a .sha256 file, a release list page) with the same retry rules. */
export async function fetchText(url: string, opts: HttpOptions): Promise<{ text: string; headers: Headers }> {
  const policy = retryPolicy(opts.retry);
  return withRetry(
    `Fetching ${url}`,
    async () => {
      const controller = linkedController(opts.signal);
      const idle = idleTimer(controller, url, policy.idleTimeoutMs);
      try {
        const res = await openResponse(url, opts, controller);
        return { text: await res.text(), headers: res.headers };
      } catch (err) {
        throw unwrapAbort(err, controller);
      } finally {
        idle.stop();
      }
    },
    opts
  );
}

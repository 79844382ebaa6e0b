// The one retry mechanism. Every caller that tries again (API requests, watches, release downloads,
// Alibaba Cloud OpenAPI calls, istioctl, the productpage and smoke checks) uses these pieces, so the
// rules are the same everywhere: exponential backoff with jitter (never a synchronised stampede of
// runners), a server's Retry-After honoured up to a cap, bounded by attempts and/or a time budget, and
// cancellable — a cancelled job stops waiting at once, so the action still writes its outputs and summary
// before the runner's hard kill. What counts as retryable stays with each caller: only it knows its errors.

import { setTimeout as delay } from 'node:timers/promises';
import { ActionError } from './errors.js';

export interface RetryPolicy {
  /** Attempts including the first; `Infinity` when only `budgetMs` bounds the loop. */
  attempts: number;
  /** Delay before the second attempt; doubled for each later one, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** No attempt starts after this long from the first one (a deadline for polling). */
  budgetMs?: number;
}

/** The longest server-requested wait (Retry-After) honoured; a caller's deadline may cut it shorter. */
export const RETRY_AFTER_CAP_MS = 30_000;

/**
 * Delay before attempt `attempt + 1`: exponential from `baseDelayMs`, capped at `maxDelayMs`, with jitter
 * in [d/2, d]; a server's Retry-After wins when it asks for longer (up to RETRY_AFTER_CAP_MS).
 */
export function backoffDelay(
  attempt: number,
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>,
  opts: { retryAfterMs?: number; random?: () => number } = {}
): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = Math.round(exp / 2 + ((opts.random ?? Math.random)() * exp) / 2);
  const asked = opts.retryAfterMs;
  return asked === undefined ? jittered : Math.max(jittered, Math.min(asked, RETRY_AFTER_CAP_MS));
}

/** A Retry-After header (seconds; an HTTP date is also allowed by RFC 9110) as milliseconds. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The error to surface when a caller's signal aborted: its own reason when it gave an Error. */
export function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error && reason.name !== 'AbortError') return reason;
  return new ActionError('cancelled: the operation was aborted before it finished');
}

/** Resolves after `ms`, or rejects with `abortReason(signal)` as soon as `signal` aborts. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) throw abortReason(signal);
  try {
    await delay(ms, undefined, signal ? { signal } : undefined);
  } catch (err) {
    if (signal?.aborted) throw abortReason(signal);
    throw err;
  }
}

export interface RetryOptions {
  policy: RetryPolicy;
  /** Whether this failure can succeed on another attempt. */
  retryable: (err: unknown) => boolean;
  /** How long the server asked to wait before the next attempt, when it said (429/503 Retry-After). */
  retryAfterMs?: (err: unknown) => number | undefined;
  /** Cancels the loop: between attempts at once, and the attempt itself when `fn` passes it on. */
  signal?: AbortSignal;
  /** What to throw instead of the last error when the loop gives up (not on cancellation): e.g. one that says how many attempts were made. */
  giveUp?: (err: unknown, attempts: number) => unknown;
  /** Called before each wait: to log "retrying in …". */
  onRetry?: (err: unknown, next: { attempt: number; delayMs: number; attempts: number }) => void;
  random?: () => number;
  now?: () => number;
}

/**
 * Runs `fn` until it resolves, throws something not retryable, or the attempts or the time budget are
 * used up; then the last error is thrown as it was (or what `giveUp` makes of it). Cancellation throws
 * `abortReason(signal)`.
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const now = opts.now ?? Date.now;
  const { policy, signal } = opts;
  const deadline = policy.budgetMs === undefined ? Infinity : now() + policy.budgetMs;
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw abortReason(signal);
    try {
      return await fn(attempt);
    } catch (err) {
      if (signal?.aborted) throw abortReason(signal);
      const left = deadline - now();
      if (attempt >= policy.attempts || !opts.retryable(err) || left <= 0)
        throw opts.giveUp ? opts.giveUp(err, attempt) : err;
      const wait = Math.min(
        left,
        backoffDelay(attempt, policy, { retryAfterMs: opts.retryAfterMs?.(err), random: opts.random })
      );
      opts.onRetry?.(err, { attempt: attempt + 1, delayMs: wait, attempts: policy.attempts });
      await sleep(wait, signal);
    }
  }
}

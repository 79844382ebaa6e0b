// The one retry mechanism: backoff arithmetic, Retry-After, attempts, time budget and cancellation.
import { describe, expect, it, jest } from '@jest/globals';
import {
  abortReason,
  backoffDelay,
  parseRetryAfter,
  retry,
  RETRY_AFTER_CAP_MS,
  sleep
} from '../../src/retry.js';

const fast = { attempts: 4, baseDelayMs: 1, maxDelayMs: 2 };

describe('backoffDelay', () => {
  const policy = { baseDelayMs: 1000, maxDelayMs: 5000 };
  it.each([
    [1, 0, 500],
    [1, 1, 1000],
    [2, 0, 1000],
    [2, 1, 2000],
    [3, 0.5, 3000],
    [4, 1, 5000], // capped
    [10, 0, 2500]
  ])('attempt %d with random %d → %d ms', (attempt, random, expected) => {
    expect(backoffDelay(attempt, policy, { random: () => random })).toBe(expected);
  });

  it('waits at least as long as Retry-After asks, up to the cap', () => {
    expect(backoffDelay(1, policy, { random: () => 0, retryAfterMs: 7000 })).toBe(7000);
    expect(backoffDelay(1, policy, { random: () => 1, retryAfterMs: 0 })).toBe(1000);
    expect(backoffDelay(1, policy, { random: () => 0, retryAfterMs: 3_600_000 })).toBe(RETRY_AFTER_CAP_MS);
  });
});

describe('parseRetryAfter', () => {
  it.each([
    ['2', 2000],
    ['0', 0],
    ['-1', undefined],
    ['', undefined],
    [null, undefined],
    ['soon', undefined]
  ])('%j → %j', (header, expected) => {
    expect(parseRetryAfter(header)).toBe(expected);
  });

  it('reads an HTTP date relative to now', () => {
    const now = Date.parse('Wed, 02 Dec 2026 12:00:00 GMT');
    expect(parseRetryAfter('Wed, 02 Dec 2026 12:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Wed, 02 Dec 2026 11:00:00 GMT', now)).toBe(0);
  });
});

describe('retry', () => {
  it('returns the first success and reports each retry before waiting', async () => {
    const onRetry = jest.fn();
    let calls = 0;
    const result = await retry(
      async (attempt) => {
        calls++;
        if (attempt < 3) throw new Error(`try ${attempt}`);
        return 'ok';
      },
      { policy: fast, retryable: () => true, onRetry }
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(
      onRetry.mock.calls.map((c) => [(c[0] as Error).message, (c[1] as { attempt: number }).attempt])
    ).toEqual([
      ['try 1', 2],
      ['try 2', 3]
    ]);
  });

  it('rethrows the last error when the attempts are used up', async () => {
    let calls = 0;
    await expect(
      retry(
        async (attempt) => {
          calls++;
          throw new Error(`try ${attempt}`);
        },
        { policy: fast, retryable: () => true }
      )
    ).rejects.toThrow('try 4');
    expect(calls).toBe(4);
  });

  it('giveUp replaces the last error, knowing how many attempts were made', async () => {
    const given: Array<[string, number]> = [];
    const fatal = new Error('403');
    const run = (policy: typeof fast, retryable: (err: unknown) => boolean) =>
      retry(
        async (attempt) => {
          throw attempt === 2 ? fatal : new Error(`try ${attempt}`);
        },
        {
          policy,
          retryable,
          giveUp: (err, attempts) => {
            given.push([(err as Error).message, attempts]);
            return new Error(`gave up after ${attempts}`);
          }
        }
      );
    await expect(run(fast, (err) => err !== fatal)).rejects.toThrow('gave up after 2');
    await expect(run({ ...fast, attempts: 1 }, () => true)).rejects.toThrow('gave up after 1');
    expect(given).toEqual([
      ['403', 2],
      ['try 1', 1]
    ]);
  });

  it('stops at once on an error that is not retryable', async () => {
    let calls = 0;
    const fatal = new Error('403');
    await expect(
      retry(
        async () => {
          calls++;
          throw fatal;
        },
        { policy: fast, retryable: (err) => err !== fatal }
      )
    ).rejects.toBe(fatal);
    expect(calls).toBe(1);
  });

  it('starts no attempt after the time budget', async () => {
    let clock = 0;
    let calls = 0;
    await expect(
      retry(
        async () => {
          calls++;
          clock += 400; // each attempt takes 400 ms of the 1 s budget
          throw new Error('not yet');
        },
        {
          policy: { attempts: Infinity, baseDelayMs: 1, maxDelayMs: 1, budgetMs: 1000 },
          retryable: () => true,
          now: () => clock
        }
      )
    ).rejects.toThrow('not yet');
    expect(calls).toBe(3);
  });

  it('honours what the server asked for, cut to the budget that is left', async () => {
    const waits: number[] = [];
    const clock = 0;
    await retry(
      async (attempt) => {
        if (attempt === 1) throw new Error('503');
        return 'ok';
      },
      {
        policy: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1, budgetMs: 50 },
        retryable: () => true,
        retryAfterMs: () => 10_000,
        onRetry: (_err, next) => waits.push(next.delayMs),
        now: () => clock
      }
    );
    expect(waits).toEqual([50]);
  });

  it('a cancellation during the wait ends the loop with the reason, without another attempt', async () => {
    const controller = new AbortController();
    let calls = 0;
    const started = Date.now();
    const run = retry(
      async () => {
        calls++;
        throw new Error('still down');
      },
      {
        policy: { attempts: 10, baseDelayMs: 60_000, maxDelayMs: 60_000 },
        retryable: () => true,
        signal: controller.signal,
        onRetry: () => setImmediate(() => controller.abort(new Error('job cancelled')))
      }
    );
    await expect(run).rejects.toThrow('job cancelled');
    expect(calls).toBe(1);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a cancellation during an attempt wins over the attempt’s own error', async () => {
    const controller = new AbortController();
    await expect(
      retry(
        async () => {
          controller.abort();
          throw new Error('socket closed');
        },
        { policy: fast, retryable: () => true, signal: controller.signal }
      )
    ).rejects.toThrow('cancelled: the operation was aborted before it finished');
  });
});

describe('sleep and abortReason', () => {
  it('rejects at once when the signal is already aborted', async () => {
    await expect(sleep(60_000, AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
  });

  it('an AbortError reason becomes a readable cancellation', () => {
    expect(abortReason(AbortSignal.abort()).message).toMatch(/^cancelled/);
    expect(abortReason(undefined).message).toMatch(/^cancelled/);
  });
});

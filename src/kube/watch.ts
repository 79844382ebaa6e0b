// waitFor's engine: list, then watch from the list's resourceVersion, re-checking the caller's
// predicate on every event. No sleep-polling: the only sleeps are backoffs after a failed watch.

import { ActionError } from '../errors.js';
import type { KubeApiError, RequestInfo } from './errors.js';
import type { KubeObject } from './objects.js';
import type { Transport } from './transport.js';
import { abortReason, backoffDelay, sleep } from '../retry.js';

export interface WaitQuery {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/** The caller's verdict on the current set of matching objects. */
export interface WaitCheck {
  done: boolean;
  /** Short state text, e.g. "2/3 pods ready"; reported through onProgress when it changes. */
  progress: string;
  /** What looks wrong right now (e.g. "pod x: CrashLoopBackOff"); included in the timeout error. */
  failure?: string;
  /** Give up at once with `failure` instead of waiting for the timeout. */
  fatal?: boolean;
}

export interface WaitOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  onProgress?: (progress: string) => void;
  /** What is being waited for, for messages; defaults to a description of the query. */
  description?: string;
}

/** Where to list/watch: resolved by the client from discovery. */
export interface WatchTarget {
  /** Collection path, e.g. /apis/apps/v1/namespaces/bookinfo/deployments */
  path: string;
  info: Omit<RequestInfo, 'server' | 'user'>;
}

class WaitTimeout extends Error {
  constructor() {
    super('wait timed out');
    this.name = 'WaitTimeout';
  }
}

/** Ends one watch stream from inside the event callback. */
class StopWatch extends Error {
  readonly why: 'done' | 'relist';
  constructor(why: 'done' | 'relist') {
    super(why);
    this.why = why;
    this.name = 'StopWatch';
  }
}

const MAX_WATCH_SECONDS = 290;
// After a failed watch: about 0.4 s, doubling to 5 s while failures repeat (reset by a healthy stream).
const WATCH_BACKOFF = { baseDelayMs: 400, maxDelayMs: 5000 };

export function describeQuery(q: WaitQuery): string {
  const where = q.namespace ? ` in namespace ${q.namespace}` : '';
  if (q.name) return `${q.kind} ${q.namespace ? `${q.namespace}/` : ''}${q.name}`;
  const sel = [q.labelSelector, q.fieldSelector].filter(Boolean).join(',');
  return `${q.kind} objects${sel ? ` matching ${sel}` : ''}${where}`;
}

function keyOf(o: KubeObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

export async function waitUntil(
  t: Transport,
  target: WatchTarget,
  query: WaitQuery,
  check: (items: KubeObject[]) => WaitCheck,
  opts: WaitOptions
): Promise<KubeObject[]> {
  const description = opts.description ?? describeQuery(query);
  const deadlineAt = Date.now() + opts.timeoutMs;
  const timer = new AbortController();
  const timeout = setTimeout(() => timer.abort(new WaitTimeout()), opts.timeoutMs);
  const signal = AbortSignal.any([timer.signal, ...(opts.signal ? [opts.signal] : [])]);
  const items = new Map<string, KubeObject>();
  let last: WaitCheck | undefined;
  const selectors = {
    labelSelector: query.labelSelector,
    fieldSelector:
      [query.name ? `metadata.name=${query.name}` : undefined, query.fieldSelector]
        .filter(Boolean)
        .join(',') || undefined
  };

  // Why the combined signal fired: our deadline, or the caller's cancellation.
  const stopReason = (): Error => (timer.signal.aborted ? new WaitTimeout() : abortReason(opts.signal));
  const current = (): KubeObject[] => [...items.values()].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
  const evaluate = (): boolean => {
    const verdict = check(current());
    if (verdict.progress !== last?.progress) opts.onProgress?.(verdict.progress);
    last = verdict;
    if (!verdict.done && verdict.fatal && verdict.failure) {
      throw new ActionError(`gave up waiting for ${description}: ${verdict.failure}`, {
        details: [`state: ${verdict.progress}`]
      });
    }
    return verdict.done;
  };

  try {
    let failures = 0;
    for (;;) {
      // LIST: the full current state and the resourceVersion to watch from.
      const { body } = await t.json<{ metadata?: { resourceVersion?: string }; items?: KubeObject[] }>({
        method: 'GET',
        path: target.path,
        query: selectors,
        info: { ...target.info, verb: 'list' },
        write: false,
        retry: 'all',
        signal
      });
      items.clear();
      for (const item of body.items ?? [])
        items.set(keyOf(item), { ...item, apiVersion: query.apiVersion, kind: query.kind });
      if (evaluate()) return current();
      let resourceVersion = body.metadata?.resourceVersion ?? '';

      // WATCH until satisfied; a stream the server closes is resumed from the last resourceVersion.
      let relist = false;
      while (!relist) {
        const watchCtl = new AbortController();
        let stop: StopWatch | undefined;
        let callbackError: unknown;
        const remainingS = Math.max(1, Math.ceil((deadlineAt - Date.now()) / 1000));
        try {
          await t.stream(
            {
              method: 'GET',
              path: target.path,
              query: {
                ...selectors,
                watch: true,
                resourceVersion,
                allowWatchBookmarks: true,
                timeoutSeconds: Math.min(MAX_WATCH_SECONDS, remainingS)
              },
              info: { ...target.info, verb: 'watch' },
              write: false,
              retry: 'none'
            },
            (line) => {
              if (stop || callbackError) return;
              try {
                const event = JSON.parse(line) as {
                  type?: string;
                  object?: KubeObject & { code?: number; message?: string };
                };
                const obj = event.object;
                if (!obj) return;
                if (event.type === 'ERROR') {
                  // 410 Gone: our resourceVersion was compacted away; only a fresh list can continue.
                  // Any other error event also ends this stream; relist after a short backoff.
                  if (obj.code !== 410) failures++;
                  t.stats.relists++;
                  stop = new StopWatch('relist');
                  watchCtl.abort(stop);
                  return;
                }
                if (obj.metadata?.resourceVersion) resourceVersion = obj.metadata.resourceVersion;
                if (event.type === 'BOOKMARK') return;
                const full = { ...obj, apiVersion: query.apiVersion, kind: query.kind };
                if (event.type === 'DELETED') items.delete(keyOf(full));
                else items.set(keyOf(full), full);
                if (evaluate()) {
                  stop = new StopWatch('done');
                  watchCtl.abort(stop);
                }
              } catch (err) {
                callbackError = err;
                watchCtl.abort(err);
              }
            },
            AbortSignal.any([signal, watchCtl.signal])
          );
          failures = 0;
        } catch (err) {
          if (signal.aborted) throw stopReason();
          if (!stop && !callbackError) {
            // Network trouble or an API error opening the watch: back off, then start over from a list.
            const status = (err as Partial<KubeApiError>).status;
            if (status === 401 || status === 403 || status === 404) throw err;
            if (status === 410) {
              // Expired resourceVersion refused up front rather than as an ERROR event.
              t.stats.relists++;
              relist = true;
              continue;
            }
            failures++;
            await sleep(backoffDelay(failures, WATCH_BACKOFF), signal);
            relist = true;
            continue;
          }
        }
        if (callbackError) throw callbackError;
        if (stop?.why === 'done') return current();
        if (stop?.why === 'relist') {
          relist = true;
          if (failures > 0) await sleep(backoffDelay(failures, WATCH_BACKOFF), signal);
        }
        if (signal.aborted) throw stopReason();
      }
    }
  } catch (err) {
    if (err instanceof WaitTimeout || timer.signal.aborted) {
      const seconds = Math.round(opts.timeoutMs / 100) / 10;
      const details = [`last state: ${last?.progress ?? 'nothing observed yet'}`];
      if (last?.failure) details.push(`problem: ${last.failure}`);
      throw new ActionError(`timed out after ${seconds}s waiting for ${description}`, {
        details,
        hint: last?.failure
          ? 'Fix the problem above (see the pod events), then run again.'
          : 'The cluster may just be slow: raise the timeout, or inspect the objects named above.'
      });
    }
    throw err;
  } finally {
    clearTimeout(timeout);
  }
}

// What the kube layer counts for a run, and the one machine-readable way it leaves the action.

/** The debug line that carries a run's KubeStats as JSON: `::debug::kube-stats {"requests":…}`. */
export const KUBE_STATS_DEBUG_PREFIX = 'kube-stats ';

export interface KubeStats {
  /** Every HTTP request sent, retries and watches included. */
  requests: number;
  /** Requests that can change cluster state (non-dry-run create/patch/delete). */
  writes: number;
  /** Watch streams opened. */
  watches: number;
  /** Times a watch had to start over from a fresh list (410 Gone, error events). */
  relists: number;
}

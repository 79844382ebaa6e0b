// The kube layer's public surface: import from here (or the individual modules) above src/kube.
export * from './objects.js';
export * from './readiness.js';
export { Kube, UnknownKindError, isNotFound } from './client.js';
export type { ApplyOptions, ApplyOutcome, ConnectOptions, ResourceInfo, ServerVersion } from './client.js';
export { KUBE_STATS_DEBUG_PREFIX, type KubeStats } from './stats.js';
export type { RetryPolicy } from '../retry.js';
export type { WaitCheck, WaitOptions, WaitQuery } from './watch.js';
export { KubeApiError, roleRuleFor } from './errors.js';

// Pure judgements over live objects: is a Deployment rolled out, how many pods are ready, why a pod
// is stuck, where a Service can be reached. Used by wait predicates and by error reports.

import type { KubeObject } from './objects.js';

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: { reason?: string; message?: string; exitCode?: number };
}

interface ContainerStatus {
  name?: string;
  ready?: boolean;
  restartCount?: number;
  image?: string;
  state?: ContainerState;
  lastState?: ContainerState;
}

function rec(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function num(v: unknown, fallback = 0): number {
  return typeof v === 'number' ? v : fallback;
}

function conditions(o: KubeObject): Condition[] {
  const c = rec(o.status).conditions;
  return Array.isArray(c) ? (c as Condition[]) : [];
}

/**
 * A Deployment is ready when the controller has seen its latest spec (observedGeneration), every
 * replica runs the current template (updated == replicas), all of them are available, and no old
 * replicas linger (status.replicas == replicas).
 */
export function deploymentReady(d: KubeObject): boolean {
  const spec = rec(d.spec);
  const status = rec(d.status);
  const want = num(spec.replicas, 1);
  return (
    num(status.observedGeneration, -1) >= num(d.metadata.generation, 0) &&
    num(status.updatedReplicas) === want &&
    num(status.availableReplicas) >= want &&
    num(status.replicas) === want
  );
}

/** "productpage-v1: 1/2 available, 2/2 updated", or the controller's reason when it has given up. */
export function deploymentProgress(d: KubeObject): string {
  const spec = rec(d.spec);
  const status = rec(d.status);
  const want = num(spec.replicas, 1);
  const name = d.metadata.name;
  if (num(status.observedGeneration, -1) < num(d.metadata.generation, 0))
    return `${name}: waiting for the controller to see the new spec`;
  const stalled = conditions(d).find((c) => c.type === 'Progressing' && c.status === 'False');
  const failed = conditions(d).find((c) => c.type === 'ReplicaFailure' && c.status === 'True');
  const base = `${name}: ${num(status.availableReplicas)}/${want} available, ${num(status.updatedReplicas)}/${want} updated`;
  if (failed) return `${base} (${failed.reason ?? 'ReplicaFailure'}: ${failed.message ?? ''})`;
  if (stalled) return `${base} (${stalled.reason ?? 'not progressing'}: ${stalled.message ?? ''})`;
  return base;
}

function podIsReady(pod: KubeObject): boolean {
  return (
    conditions(pod).some((c) => c.type === 'Ready' && c.status === 'True') && !pod.metadata.deletionTimestamp
  );
}

/** Ready pods over all pods (terminating pods excluded), e.g. "2/3". */
export function podReadySummary(pods: KubeObject[]): string {
  const live = pods.filter((p) => !p.metadata.deletionTimestamp);
  return `${live.filter(podIsReady).length}/${live.length}`;
}

/** Ready containers over all containers of one pod, as kubectl's READY column ("2/2"). */
/**
 * The pod's running containers by name: its regular containers and its sidecar containers (init containers
 * with restartPolicy Always, as Istio 1.30 injects istio-proxy on Kubernetes >= 1.29).
 */
export function sidecarContainerNames(pod: KubeObject): string[] {
  const inits = rec(pod.spec).initContainers;
  return (Array.isArray(inits) ? (inits as unknown[]) : [])
    .map(rec)
    .filter((c) => c.restartPolicy === 'Always')
    .map((c) => String(c.name));
}

/** Names of the containers that run for the pod's lifetime: regular and sidecar containers. */
export function runningContainerNames(pod: KubeObject): string[] {
  const containers = rec(pod.spec).containers;
  return [
    ...sidecarContainerNames(pod),
    ...(Array.isArray(containers) ? (containers as unknown[]) : []).map((c) => String(rec(c).name))
  ];
}

export function containerReadySummary(pod: KubeObject): string {
  // Sidecar containers (init containers with restartPolicy Always: Istio's native-sidecar istio-proxy on
  // Kubernetes >= 1.29) count like regular ones, as `kubectl get pods` counts them.
  const sidecars = new Set(sidecarContainerNames(pod));
  const statuses = [
    ...containerStatuses(pod, 'initContainerStatuses').filter((s) => sidecars.has(String(s.name))),
    ...containerStatuses(pod, 'containerStatuses')
  ];
  const specCount =
    (Array.isArray(rec(pod.spec).containers) ? (rec(pod.spec).containers as unknown[]).length : 0) +
    sidecars.size;
  return `${statuses.filter((s) => s.ready).length}/${Math.max(specCount, statuses.length)}`;
}

function containerStatuses(
  pod: KubeObject,
  key: 'containerStatuses' | 'initContainerStatuses'
): ContainerStatus[] {
  const s = rec(pod.status)[key];
  return Array.isArray(s) ? (s as ContainerStatus[]) : [];
}

const PULL_REASONS = new Set(['ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'ErrImageNeverPull']);
const CONFIG_REASONS = new Set(['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);
/** Restarts of an init container after which it counts as stuck even between back-off waits. */
const INIT_RESTARTS_STUCK = 3;

function detail(message: string | undefined): string {
  const m = message?.trim();
  return m ? `: ${m}` : '';
}

/**
 * Why a pod cannot become ready, as one sentence naming the pod and container, or undefined when
 * nothing is wrong (yet). Covers crash loops, image pulls, bad container config, scheduling, stuck
 * init containers and failed pods.
 */
export function podFailure(pod: KubeObject): string | undefined {
  const name = `pod ${pod.metadata.name}`;
  const status = rec(pod.status);
  if (status.phase === 'Failed') {
    return `${name} failed${status.reason ? ` (${String(status.reason)})` : ''}${detail(status.message as string | undefined)}`;
  }
  const unschedulable = conditions(pod).find(
    (c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable'
  );
  if (unschedulable) return `${name} cannot be scheduled${detail(unschedulable.message)}`;

  for (const s of containerStatuses(pod, 'initContainerStatuses')) {
    const problem = containerProblem(s, true);
    if (problem) return `${name}: init container ${s.name ?? '?'} ${problem}`;
  }
  for (const s of containerStatuses(pod, 'containerStatuses')) {
    const problem = containerProblem(s, false);
    if (problem) return `${name}: container ${s.name ?? '?'} ${problem}`;
  }
  return undefined;
}

/** A crash loop with this many restarts is no start-up race any more (one crash can be a dependency not up yet). */
const CRASH_RESTARTS_FINAL = 2;
/** Waiting reasons the kubelet reports only after its own retries failed, or that no retry can fix. */
const FINAL_PULL_REASONS = new Set(['ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull']);

/**
 * Whether `podFailure(pod)` will not fix itself, so a wait should give up at once instead of running
 * into its timeout: failed pods, image pulls the kubelet already backs off from, repeated crashes and
 * stuck init containers. A first ErrImagePull, a single crash or an unschedulable pod can still recover.
 */
export function podFailureIsFinal(pod: KubeObject): boolean {
  if (rec(pod.status).phase === 'Failed') return true;
  const statuses = [
    ...containerStatuses(pod, 'initContainerStatuses').map((s) => ({ s, init: true })),
    ...containerStatuses(pod, 'containerStatuses').map((s) => ({ s, init: false }))
  ];
  return statuses.some(({ s, init }) => {
    const reason = s.state?.waiting?.reason ?? '';
    if (FINAL_PULL_REASONS.has(reason)) return true;
    if (reason === 'CrashLoopBackOff') return num(s.restartCount) >= CRASH_RESTARTS_FINAL;
    return init && num(s.restartCount) >= INIT_RESTARTS_STUCK && !s.ready;
  });
}

function containerProblem(s: ContainerStatus, init: boolean): string | undefined {
  const waiting = s.state?.waiting;
  const reason = waiting?.reason ?? '';
  if (PULL_REASONS.has(reason))
    return `cannot pull image ${s.image ?? ''} (${reason})${detail(waiting?.message)}`.replace('  ', ' ');
  if (CONFIG_REASONS.has(reason)) return `cannot start (${reason})${detail(waiting?.message)}`;
  const restarts = num(s.restartCount);
  const last = s.lastState?.terminated ?? s.state?.terminated;
  const lastExit = last
    ? `, last exit code ${num(last.exitCode)}${last.reason ? ` (${last.reason})` : ''}${detail(last.message)}`
    : '';
  if (reason === 'CrashLoopBackOff')
    return `is crash-looping (CrashLoopBackOff, ${restarts} restarts${lastExit})`;
  if (init && restarts >= INIT_RESTARTS_STUCK && !s.ready)
    return `keeps failing (${restarts} restarts${lastExit})`;
  return undefined;
}

/** The first container's image of a Deployment (or of any object with a pod template). */
export function containerImage(d: KubeObject | undefined): string | undefined {
  const spec = d?.spec as { template?: { spec?: { containers?: Array<{ image?: string }> } } } | undefined;
  return spec?.template?.spec?.containers?.[0]?.image;
}

/** A Deployment as a row of the report's component table: ready/desired replicas and its image. */
export function componentRow(d: KubeObject) {
  const status = (d.status ?? {}) as { readyReplicas?: number; replicas?: number };
  const spec = (d.spec ?? {}) as { replicas?: number };
  return {
    namespace: d.metadata.namespace ?? '',
    name: d.metadata.name,
    ready: status.readyReplicas ?? 0,
    desired: spec.replicas ?? status.replicas ?? 1,
    image: containerImage(d) ?? ''
  };
}

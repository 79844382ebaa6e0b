// Plays the node side: registers Node objects, binds pending pods (the cluster has no scheduler),
// runs each bound pod's lifecycle as status updates with kubelet-like Events, injects faults, and
// finishes graceful deletions so namespaces can terminate.
import { randomBytes, createHash } from 'node:crypto';
import {
  PatchStrategy,
  setHeaderOptions,
  type V1Container,
  type V1ContainerStatus,
  type V1Node,
  type V1Pod,
  type V1PodStatus
} from '@kubernetes/client-node';
import { apiErrorText, isConflict, isNotFound, type Apis } from './informers.js';
import { behaviourFor, DEFAULT_START_DELAY_MS, type PodBehaviour, type PodRule } from './behaviour.js';
import { podStartMs, type CacheView, type EciTiming, type PodStart } from './eci.js';
import type { AddressPlan } from './addresses.js';
import type { ProcessRuntime } from './processes.js';

/** What the kubelet needs of the ECI timing mode: its numbers and the ImageCaches a pod can match. */
export interface EciStartModel {
  timing: EciTiming;
  caches: () => CacheView[];
}

export type NodeMode = 'virtual-kubelet' | 'real';

interface PodState {
  uid: string;
  namespace: string;
  name: string;
  node: string;
  ip?: string;
  timers: Set<NodeJS.Timeout>;
  restarts: number;
  startedAt?: string;
  deleting?: boolean;
  /** Loopback address of the pod's real processes (pods whose containers run as local binaries). */
  processIp?: string;
  /** A run-to-completion program runs (or ran) in the pod: rule changes do not restart it. */
  program?: boolean;
  /** The behaviour the pod runs with (JSON): a rule change restarts only the pods whose behaviour it changes. */
  behaviour?: string;
}

/**
 * A container that runs to completion, modelled (its image cannot run here): `run` does what its command
 * would and returns the exit code and output. See probe.ts for the one the action starts.
 */
export interface ContainerProgram {
  container: string;
  run(): Promise<{ exitCode: number; output: string }>;
}
export type ProgramFinder = (pod: V1Pod) => ContainerProgram | undefined;

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const CRASH_INTERVAL_MS = 1000;
const FLAP_INTERVAL_MS = 1500;
const PULL_RETRY_MS = 1500;
const BIND_RETRY_MS = 1000;
/** A kubelet backs off 10 s, 20 s, … 5 min between restarts; shorter here so tests see it in seconds. */
const PROCESS_BACKOFF_MS = [1000, 2000, 4000, 8000];

export function nodeObjects(mode: NodeMode, plan: AddressPlan, kubeletVersion = 'v1.20.2'): V1Node[] {
  const base = (name: string, ip: string, labels: Record<string, string>, virtual: boolean): V1Node => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        ...labels
      }
    },
    spec: virtual
      ? { taints: [{ key: 'virtual-kubelet.io/provider', value: 'alibabacloud', effect: 'NoSchedule' }] }
      : {},
    status: {
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'KubeletReady',
          message: 'kubelet is posting ready status',
          lastHeartbeatTime: new Date(),
          lastTransitionTime: new Date()
        }
      ],
      addresses: [
        { type: 'InternalIP', address: ip },
        { type: 'Hostname', address: name }
      ],
      capacity: {
        cpu: virtual ? '1000' : '4',
        memory: virtual ? '6Ti' : '16Gi',
        pods: virtual ? '20k' : '110'
      },
      allocatable: {
        cpu: virtual ? '1000' : '4',
        memory: virtual ? '6Ti' : '16Gi',
        pods: virtual ? '20k' : '110'
      },
      nodeInfo: {
        architecture: 'amd64',
        bootID: '',
        containerRuntimeVersion: virtual ? 'eci://1.0' : 'containerd://1.4.4',
        kernelVersion: '',
        kubeProxyVersion: kubeletVersion,
        kubeletVersion: virtual ? `${kubeletVersion}-vk` : kubeletVersion,
        machineID: '',
        operatingSystem: 'linux',
        osImage: virtual ? 'Alibaba Cloud ECI' : 'Alibaba Cloud Linux',
        systemUUID: ''
      }
    }
  });
  if (mode === 'virtual-kubelet') {
    return [
      base(
        'virtual-kubelet-cn-hangzhou-k',
        plan.nodeIp(0),
        { type: 'virtual-kubelet', 'alibabacloud.com/virtual-node': 'true', 'kubernetes.io/role': 'agent' },
        true
      )
    ];
  }
  return [0, 1].map((i) =>
    base(`cn-hangzhou.worker-${i + 1}`, plan.nodeIp(i), { 'node-role.kubernetes.io/worker': '' }, false)
  );
}

export class Kubelet {
  private readonly pods = new Map<string, PodState>();
  private readonly binding = new Set<string>();
  private readonly bindRetries = new Set<NodeJS.Timeout>();
  private readonly nodeNames: string[];
  private nextNode = 0;
  private stopped = false;

  private readonly apis: Apis;
  private readonly nodes: V1Node[];
  private readonly plan: AddressPlan;
  private readonly rules: () => readonly PodRule[];
  private readonly log: (l: string) => void;
  private readonly processes: ProcessRuntime | undefined;
  private programs: ProgramFinder = () => undefined;
  private eci: () => EciStartModel | undefined = () => undefined;

  constructor(
    apis: Apis,
    nodes: V1Node[],
    plan: AddressPlan,
    rules: () => readonly PodRule[],
    log: (l: string) => void,
    processes?: ProcessRuntime
  ) {
    this.processes = processes;
    this.apis = apis;
    this.nodes = nodes;
    this.plan = plan;
    this.rules = rules;
    this.log = log;

    this.nodeNames = nodes.map((n) => n.metadata?.name ?? '');
  }

  /** The ECI timing mode (eci.ts): when it answers, pods without a startDelayMs of their own start after its time. */
  setEci(model: () => EciStartModel | undefined): void {
    this.eci = model;
  }

  /** Set once the data plane exists (programs call services through it). */
  setPrograms(find: ProgramFinder): void {
    this.programs = find;
  }

  nodeIp(nodeName: string): string | undefined {
    return this.nodes
      .find((n) => n.metadata?.name === nodeName)
      ?.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
  }

  async registerNodes(): Promise<void> {
    for (const node of this.nodes) {
      const name = node.metadata?.name ?? '';
      try {
        await this.apis.core.createNode({ body: node });
      } catch (err) {
        if (!isConflict(err))
          throw new Error(`registering Node ${name}: ${apiErrorText(err)}`, { cause: err });
      }
      // Node status is a subresource: set it explicitly (create may drop it, a re-run must refresh it).
      await this.apis.core.patchNodeStatus({ name, body: { status: node.status } }, mergePatch);
      // Admission (TaintNodesByCondition) adds node.kubernetes.io/not-ready to a new Node; the node
      // lifecycle controller would lift it once Ready, but that controller is off here.
      await this.apis.core.patchNode(
        { name, body: { spec: { taints: node.spec?.taints ?? null } } },
        mergePatch
      );
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.bindRetries) clearTimeout(t);
    this.bindRetries.clear();
    for (const state of this.pods.values()) for (const t of state.timers) clearTimeout(t);
    this.pods.clear();
    await this.processes?.stopAll();
  }

  /** For the egress tunnel: the loopback address where a pod IP's real processes listen, if any. */
  processAddress(podIp: string): string | undefined {
    for (const s of this.pods.values()) if (s.ip === podIp && s.processIp && !s.deleting) return s.processIp;
    return undefined;
  }

  /** Informer callback for every pod change. */
  onPod(pod: V1Pod, verb: 'add' | 'update' | 'delete'): void {
    if (this.stopped) return;
    const uid = pod.metadata?.uid ?? '';
    if (verb === 'delete') {
      this.forget(uid);
      return;
    }
    const nodeName = pod.spec?.nodeName;
    if (pod.metadata?.deletionTimestamp) {
      if (nodeName && this.nodeNames.includes(nodeName)) void this.finishDeletion(pod);
      return;
    }
    if (!nodeName) {
      void this.bind(pod);
      return;
    }
    if (!this.nodeNames.includes(nodeName) || this.pods.has(uid)) return;
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return;
    this.startPod(pod, nodeName);
  }

  /** Re-evaluates running pods after the behaviour rules changed (e.g. a test switched a fault on). */
  reapplyRules(all: readonly V1Pod[]): void {
    for (const pod of all) {
      const state = this.pods.get(pod.metadata?.uid ?? '');
      if (!state || state.deleting || !state.ip) continue;
      // A real process is its own behaviour: restarting it on every rule change would be no kubelet's doing.
      if (state.processIp || state.program) continue;
      // Re-running every pod on every change of sim-behaviour (an lb.json edit, say) floods the API server
      // with the same events and statuses again and delays what the change was for.
      const behaviour = this.behaviourOf(pod);
      if (JSON.stringify(behaviour) === state.behaviour) continue;
      for (const t of state.timers) clearTimeout(t);
      state.timers.clear();
      this.run(pod, state, behaviour);
    }
  }

  private forget(uid: string): void {
    const state = this.pods.get(uid);
    if (!state) return;
    for (const t of state.timers) clearTimeout(t);
    this.pods.delete(uid);
    void this.processes?.stop(uid);
  }

  private later(state: PodState, ms: number, fn: () => void | Promise<void>): void {
    const t = setTimeout(() => {
      state.timers.delete(t);
      if (this.stopped || state.deleting) return;
      Promise.resolve(fn()).catch((err: unknown) =>
        this.log(`pod ${state.namespace}/${state.name}: ${apiErrorText(err)}`)
      );
    }, ms);
    state.timers.add(t);
  }

  private async bind(pod: V1Pod): Promise<void> {
    const uid = pod.metadata?.uid ?? '';
    if (this.binding.has(uid)) return;
    this.binding.add(uid);
    const namespace = pod.metadata?.namespace ?? 'default';
    const name = pod.metadata?.name ?? '';
    const node = this.nodeNames[this.nextNode++ % this.nodeNames.length] ?? '';
    try {
      await this.apis.core.createNamespacedBinding({
        namespace,
        body: {
          apiVersion: 'v1',
          kind: 'Binding',
          metadata: { name, namespace, uid },
          target: { apiVersion: 'v1', kind: 'Node', name: node }
        }
      });
      await this.event(
        pod,
        'Normal',
        'Scheduled',
        `Successfully assigned ${namespace}/${name} to ${node}`,
        'default-scheduler'
      );
    } catch (err) {
      // Conflict: someone bound it already. Not found: deleted meanwhile. Both are fine. Anything else
      // (the apiserver restarting) is retried, as a scheduler would: no later event would bring it back.
      if (!isConflict(err) && !isNotFound(err)) {
        this.log(`binding ${namespace}/${name}: ${apiErrorText(err)} (retrying)`);
        this.binding.delete(uid);
        const retry = setTimeout(() => {
          this.bindRetries.delete(retry);
          if (!this.stopped) void this.bind(pod);
        }, BIND_RETRY_MS);
        this.bindRetries.add(retry);
      }
    } finally {
      this.binding.delete(uid);
    }
  }

  private async finishDeletion(pod: V1Pod): Promise<void> {
    const uid = pod.metadata?.uid ?? '';
    const state = this.pods.get(uid);
    if (state?.deleting) return;
    if (state) {
      state.deleting = true;
      for (const t of state.timers) clearTimeout(t);
    }
    const namespace = pod.metadata?.namespace ?? 'default';
    const name = pod.metadata?.name ?? '';
    try {
      for (const c of pod.spec?.containers ?? [])
        await this.event(pod, 'Normal', 'Killing', `Stopping container ${c.name}`);
      if (this.processes) {
        const grace = Math.min((pod.spec?.terminationGracePeriodSeconds ?? 30) * 1000, 5000);
        await this.processes.stop(uid, undefined, grace);
        this.processes.forget(pod);
      }
      // The containers "stopped": confirm the deletion as the kubelet does, with grace period 0.
      await this.apis.core.deleteNamespacedPod({
        name,
        namespace,
        gracePeriodSeconds: 0,
        body: { gracePeriodSeconds: 0, preconditions: { uid } }
      });
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err))
        this.log(`deleting ${namespace}/${name}: ${apiErrorText(err)}`);
    }
  }

  private behaviourOf(pod: V1Pod): PodBehaviour {
    return behaviourFor(
      {
        namespace: pod.metadata?.namespace ?? '',
        name: pod.metadata?.name ?? '',
        labels: pod.metadata?.labels ?? {},
        annotations: pod.metadata?.annotations ?? {}
      },
      this.rules(),
      this.log
    );
  }

  private startPod(pod: V1Pod, node: string): void {
    const state: PodState = {
      uid: pod.metadata?.uid ?? '',
      namespace: pod.metadata?.namespace ?? 'default',
      name: pod.metadata?.name ?? '',
      node,
      ip: pod.status?.podIP,
      timers: new Set(),
      restarts: 0
    };
    this.pods.set(state.uid, state);
    const behaviour = this.behaviourOf(pod);
    if (state.ip) {
      // Adopted after a simulator restart or watch re-list: keep its address, re-assert its state.
      this.run(pod, state, behaviour);
      return;
    }
    this.later(state, 0, async () => {
      await this.writeStatus(pod, state, {
        phase: 'Pending',
        conditions: [cond('PodScheduled', true)],
        ...this.waitingAll(pod, 'ContainerCreating')
      });
      const eci = behaviour.startDelayMs === undefined ? this.eciStart(pod) : undefined;
      if (eci) {
        const pulls = eci.pulled.length ? `pulling ${eci.pulled.join(', ')} from their registries` : '';
        const from = eci.cache ? `images from ImageCache ${eci.cache}${pulls ? `; ${pulls}` : ''}` : pulls;
        const starts = `starting in ${(eci.simulatedMs / 1000).toFixed(1)} simulated s`;
        await this.event(pod, 'Normal', 'Pulling', `ECI: ${from || 'no images'}; ${starts}`);
      }
      this.later(state, behaviour.startDelayMs ?? eci?.realMs ?? DEFAULT_START_DELAY_MS, () => {
        state.ip = this.plan.podIp();
        state.startedAt = new Date().toISOString();
        this.run(pod, state, behaviour);
      });
    });
  }

  private eciStart(pod: V1Pod): PodStart | undefined {
    const model = this.eci();
    if (!model) return undefined;
    const images = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]
      .map((c) => c.image ?? '')
      .filter(Boolean);
    return podStartMs(
      model.timing,
      {
        key: `${pod.metadata?.namespace}/${pod.metadata?.name}`,
        images,
        annotations: pod.metadata?.annotations ?? {}
      },
      model.caches()
    );
  }

  private run(pod: V1Pod, state: PodState, behaviour: PodBehaviour): void {
    state.behaviour = JSON.stringify(behaviour);
    const fault = behaviour.fault ?? 'none';
    const target = (pod.spec?.containers ?? []).find((c) => c.name !== 'istio-proxy')?.name ?? '';
    if (fault === 'image-pull') {
      void this.imagePullLoop(pod, state, target, 0);
      return;
    }
    this.later(state, 0, async () => {
      if (!state.startedAt) state.startedAt = new Date().toISOString();
      for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
        await this.event(pod, 'Normal', 'Pulled', `Container image "${c.image}" already present on machine`);
        await this.event(pod, 'Normal', 'Created', `Created container ${c.name}`);
        await this.event(pod, 'Normal', 'Started', `Started container ${c.name}`);
      }
      if (fault === 'crashloop') return this.crashLoop(pod, state, target);
      if (fault === 'never-ready') {
        await this.writeRunning(pod, state, (name) => name !== target);
        await this.event(
          pod,
          'Warning',
          'Unhealthy',
          'Readiness probe failed: HTTP probe failed with statuscode: 503'
        );
        return;
      }
      if (fault === 'flapping') return this.flap(pod, state, target, true);
      if (this.processes?.claims(pod)) return this.runProcesses(pod, state);
      const program = this.programs(pod);
      if (program) return this.runProgram(pod, state, program);
      await this.writeRunning(pod, state, () => true);
    });
  }

  /**
   * Containers with a local binary run as real processes: Running at once, Ready when their own readiness
   * probe passes, restarted with back-off when they exit (the pod shows the restarts, CrashLoopBackOff).
   */
  private async runProcesses(pod: V1Pod, state: PodState): Promise<void> {
    const runtime = this.processes as ProcessRuntime;
    state.processIp ??= this.plan.processIp();
    const ip = state.processIp;
    const claimed = (pod.spec?.containers ?? []).filter((c) => runtime.imageFor(c));
    const ready = new Map<string, boolean>(claimed.map((c) => [c.name, false]));
    const restarts = new Map<string, number>();
    const lastExit = new Map<string, { code: number | null; at: Date; startedAt: Date }>();
    const waiting = new Map<string, string>();
    const write = (): Promise<void> =>
      this.writeRunning(
        pod,
        state,
        (name) => (ready.has(name) ? ready.get(name) === true : true),
        (s) => {
          if (!ready.has(s.name)) return s;
          const exit = lastExit.get(s.name);
          const reason = waiting.get(s.name);
          return {
            ...s,
            restartCount: restarts.get(s.name) ?? 0,
            ...(reason
              ? {
                  started: false,
                  state: {
                    waiting: {
                      reason,
                      message: `back-off restarting failed container=${s.name} pod=${state.name}`
                    }
                  }
                }
              : {}),
            ...(exit
              ? {
                  lastState: {
                    terminated: {
                      exitCode: exit.code ?? 137,
                      reason: exit.code === 0 ? 'Completed' : 'Error',
                      startedAt: exit.startedAt,
                      finishedAt: exit.at,
                      containerID: s.containerID
                    }
                  }
                }
              : {})
          };
        }
      );
    const launch = async (c: V1Container): Promise<void> => {
      if (this.stopped || state.deleting) return;
      const started = new Date();
      try {
        await runtime.start(pod, c, ip, (code, signal, logTail) => {
          ready.set(c.name, false);
          const n = (restarts.get(c.name) ?? 0) + 1;
          restarts.set(c.name, n);
          lastExit.set(c.name, { code: code ?? (signal ? 137 : 1), at: new Date(), startedAt: started });
          waiting.set(c.name, 'CrashLoopBackOff');
          this.log(
            `pod ${state.namespace}/${state.name}: ${c.name} exited (${signal ?? code}); last lines:\n${logTail}`
          );
          void write().then(() =>
            this.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container')
          );
          this.later(
            state,
            PROCESS_BACKOFF_MS[Math.min(n - 1, PROCESS_BACKOFF_MS.length - 1)] ?? 8000,
            async () => {
              waiting.delete(c.name);
              await launch(c);
            }
          );
        });
      } catch (err) {
        this.log(`pod ${state.namespace}/${state.name}: cannot start ${c.name}: ${(err as Error).message}`);
        waiting.set(c.name, 'CreateContainerConfigError');
        await write();
        this.later(state, 2000, async () => {
          waiting.delete(c.name);
          await launch(c);
        });
        return;
      }
      await write();
    };
    for (const c of claimed) await launch(c);
    // The kubelet's prober: each container's own readinessProbe (initial delay, period).
    for (const c of claimed) {
      const period = Math.max(1, c.readinessProbe?.periodSeconds ?? 10) * 1000;
      const tick = async (): Promise<void> => {
        if (this.stopped || state.deleting) return;
        const ok = !waiting.has(c.name) && (await runtime.probe(pod, c, ip));
        if (ok !== ready.get(c.name)) {
          ready.set(c.name, ok);
          const since = runtime.processOf(state.uid, c.name)?.startedAt;
          if (ok && since)
            this.log(
              `pod ${state.namespace}/${state.name}: ${c.name} Ready ${Date.now() - since} ms after its process started`
            );
          await write();
          if (!ok) await this.event(pod, 'Warning', 'Unhealthy', 'Readiness probe failed');
        }
        // Until first Ready, probe every 500 ms: the kubelet's period is what bounds a real pod, and these
        // processes start in seconds; after that, the container's own period.
        this.later(state, ok || ready.get(c.name) ? period : Math.min(period, 500), tick);
      };
      this.later(state, (c.readinessProbe?.initialDelaySeconds ?? 0) * 1000, tick);
    }
  }

  /**
   * Runs the modelled program to its end; the container then shows `terminated` with its exit code (and,
   * under FallbackToLogsOnError, its output as the message when it failed). The pod ends Succeeded or
   * Failed when no other regular container keeps running (restartPolicy Never); a classic istio-proxy
   * container does keep running, a native sidecar does not hold the pod.
   */
  private async runProgram(pod: V1Pod, state: PodState, program: ContainerProgram): Promise<void> {
    state.program = true;
    await this.writeRunning(pod, state, () => true);
    const result = await program.run().catch((err: unknown) => ({
      exitCode: 1,
      output: (err as Error).message
    }));
    if (this.stopped || state.deleting || !this.pods.has(state.uid)) return;
    const spec = pod.spec?.containers.find((c) => c.name === program.container);
    const failed = result.exitCode !== 0;
    const message =
      failed && spec?.terminationMessagePolicy === 'FallbackToLogsOnError'
        ? result.output.split('\n').slice(-80).join('\n')
        : undefined;
    const others = (pod.spec?.containers ?? []).filter((c) => c.name !== program.container);
    const finished = new Date();
    await this.writeStatus(pod, state, {
      phase: others.length > 0 ? 'Running' : failed ? 'Failed' : 'Succeeded',
      conditions: startedNotReady(),
      initContainerStatuses: this.terminatedInits(pod),
      containerStatuses: (pod.spec?.containers ?? []).map((c) => ({
        name: c.name,
        image: c.image ?? '',
        imageID: imageId(c.image ?? ''),
        containerID: containerId(this.podKey(pod), c.name),
        restartCount: 0,
        ...(c.name === program.container
          ? {
              ready: false,
              started: false,
              state: {
                terminated: {
                  exitCode: result.exitCode,
                  reason: failed ? 'Error' : 'Completed',
                  ...(message ? { message } : {}),
                  startedAt: new Date(state.startedAt ?? Date.now()),
                  finishedAt: finished
                }
              }
            }
          : {
              ready: true,
              started: true,
              state: { running: { startedAt: new Date(state.startedAt ?? Date.now()) } }
            })
      }))
    });
  }

  private async crashLoop(pod: V1Pod, state: PodState, target: string): Promise<void> {
    state.restarts++;
    await this.writeRunning(
      pod,
      state,
      (name) => name !== target,
      (s) => {
        if (s.name !== target) return s;
        return {
          ...s,
          ready: false,
          started: false,
          restartCount: state.restarts,
          state: {
            waiting: {
              reason: 'CrashLoopBackOff',
              message: `back-off ${10 * state.restarts}s restarting failed container=${target} pod=${state.name}`
            }
          },
          lastState: {
            terminated: {
              exitCode: 1,
              reason: 'Error',
              startedAt: new Date(Date.now() - 500),
              finishedAt: new Date(),
              containerID: s.containerID
            }
          }
        };
      }
    );
    await this.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
    // Growing back-off like the kubelet's, capped low so tests see several restarts quickly.
    this.later(state, CRASH_INTERVAL_MS * Math.min(state.restarts, 3), () =>
      this.crashLoop(pod, state, target)
    );
  }

  private async flap(pod: V1Pod, state: PodState, target: string, ready: boolean): Promise<void> {
    await this.writeRunning(pod, state, (name) => ready || name !== target);
    if (!ready)
      await this.event(
        pod,
        'Warning',
        'Unhealthy',
        'Readiness probe failed: HTTP probe failed with statuscode: 503'
      );
    this.later(state, FLAP_INTERVAL_MS, () => this.flap(pod, state, target, !ready));
  }

  private async imagePullLoop(pod: V1Pod, state: PodState, target: string, round: number): Promise<void> {
    const image = (pod.spec?.containers ?? []).find((c) => c.name === target)?.image ?? '';
    const backoff = round % 2 === 1;
    const reason = backoff ? 'ImagePullBackOff' : 'ErrImagePull';
    const message = backoff
      ? `Back-off pulling image "${image}"`
      : `rpc error: code = NotFound desc = failed to pull and unpack image "${image}": not found`;
    const waiting = this.waitingAll(pod, 'PodInitializing');
    await this.writeStatus(pod, state, {
      phase: 'Pending',
      conditions: startedNotReady(),
      initContainerStatuses: this.terminatedInits(pod),
      containerStatuses: waiting.containerStatuses.map((s) =>
        s.name === target ? { ...s, state: { waiting: { reason, message } } } : s
      )
    });
    if (backoff) await this.event(pod, 'Normal', 'BackOff', message);
    else {
      await this.event(pod, 'Normal', 'Pulling', `Pulling image "${image}"`);
      await this.event(pod, 'Warning', 'Failed', `Failed to pull image "${image}": ${message}`);
      await this.event(pod, 'Warning', 'Failed', 'Error: ErrImagePull');
    }
    this.later(state, PULL_RETRY_MS, () => this.imagePullLoop(pod, state, target, round + 1));
  }

  private waitingAll(
    pod: V1Pod,
    reason: string
  ): { containerStatuses: V1ContainerStatus[]; initContainerStatuses?: V1ContainerStatus[] } {
    const mk = (c: { name: string; image?: string }): V1ContainerStatus => ({
      name: c.name,
      image: c.image ?? '',
      imageID: '',
      ready: false,
      restartCount: 0,
      started: false,
      state: { waiting: { reason } }
    });
    const inits = pod.spec?.initContainers ?? [];
    return {
      containerStatuses: (pod.spec?.containers ?? []).map(mk),
      ...(inits.length
        ? {
            initContainerStatuses: inits.map((c) => ({
              ...mk(c),
              state: { waiting: { reason: 'PodInitializing' } }
            }))
          }
        : {})
    };
  }

  private terminatedInits(pod: V1Pod): V1ContainerStatus[] | undefined {
    const inits = pod.spec?.initContainers ?? [];
    if (!inits.length) return undefined;
    return inits.map((c) => ({
      name: c.name,
      image: c.image ?? '',
      imageID: imageId(c.image ?? ''),
      containerID: containerId(this.podKey(pod), c.name),
      ready: true,
      restartCount: 0,
      // A sidecar container (restartPolicy Always, e.g. Istio's native-sidecar istio-proxy) keeps running.
      ...(c.restartPolicy === 'Always'
        ? { started: true, state: { running: { startedAt: new Date() } } }
        : {
            state: {
              terminated: { exitCode: 0, reason: 'Completed', startedAt: new Date(), finishedAt: new Date() }
            }
          })
    }));
  }

  private podKey(pod: V1Pod): string {
    return pod.metadata?.uid ?? '';
  }

  private async writeRunning(
    pod: V1Pod,
    state: PodState,
    ready: (container: string) => boolean,
    tweak: (s: V1ContainerStatus) => V1ContainerStatus = (s) => s
  ): Promise<void> {
    const statuses = (pod.spec?.containers ?? []).map((c) =>
      tweak({
        name: c.name,
        image: c.image ?? '',
        imageID: imageId(c.image ?? ''),
        containerID: containerId(this.podKey(pod), c.name),
        ready: ready(c.name),
        started: true,
        restartCount: 0,
        state: { running: { startedAt: new Date(state.startedAt ?? Date.now()) } }
      })
    );
    const allReady = statuses.every((s) => s.ready);
    await this.writeStatus(pod, state, {
      phase: 'Running',
      conditions: [
        cond('PodScheduled', true),
        cond('Initialized', true),
        cond('ContainersReady', allReady, allReady ? undefined : 'ContainersNotReady'),
        cond('Ready', allReady, allReady ? undefined : 'ContainersNotReady')
      ],
      initContainerStatuses: this.terminatedInits(pod),
      containerStatuses: statuses
    });
  }

  private async writeStatus(pod: V1Pod, state: PodState, status: V1PodStatus): Promise<void> {
    const hostIP = this.nodeIp(state.node);
    const full: V1PodStatus = {
      ...status,
      hostIP,
      ...(state.ip ? { podIP: state.ip, podIPs: [{ ip: state.ip }] } : {}),
      startTime: new Date(state.startedAt ?? pod.metadata?.creationTimestamp ?? Date.now()),
      qosClass: pod.status?.qosClass ?? 'BestEffort'
    };
    try {
      await this.apis.core.patchNamespacedPodStatus(
        { name: state.name, namespace: state.namespace, body: { status: full } },
        mergePatch
      );
    } catch (err) {
      if (isNotFound(err)) this.forget(state.uid);
      else throw err;
    }
  }

  private async event(
    pod: V1Pod,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    component = 'kubelet'
  ): Promise<void> {
    const namespace = pod.metadata?.namespace ?? 'default';
    const name = pod.metadata?.name ?? '';
    const now = new Date();
    try {
      await this.apis.core.createNamespacedEvent({
        namespace,
        body: {
          metadata: { name: `${name}.${randomBytes(8).toString('hex')}`, namespace },
          involvedObject: { apiVersion: 'v1', kind: 'Pod', name, namespace, uid: pod.metadata?.uid },
          reason,
          message,
          type,
          count: 1,
          firstTimestamp: now,
          lastTimestamp: now,
          source: { component, host: component === 'kubelet' ? pod.spec?.nodeName : undefined },
          reportingComponent: component,
          reportingInstance: component
        }
      });
    } catch (err) {
      // Events are best effort, as in the kubelet; a terminating namespace refuses them.
      if (!isNotFound(err) && !/forbidden|terminat/i.test(apiErrorText(err)))
        this.log(`event ${reason} for ${namespace}/${name}: ${apiErrorText(err)}`);
    }
  }
}

function cond(
  type: string,
  ok: boolean,
  reason?: string
): { type: string; status: string; reason?: string; lastTransitionTime: Date } {
  return {
    type,
    status: ok ? 'True' : 'False',
    ...(reason ? { reason } : {}),
    lastTransitionTime: new Date()
  };
}

/** Scheduled and initialised, but a container is not ready (pulling, or finished). */
function startedNotReady(): Array<ReturnType<typeof cond>> {
  return [
    cond('PodScheduled', true),
    cond('Initialized', true),
    cond('ContainersReady', false, 'ContainersNotReady'),
    cond('Ready', false, 'ContainersNotReady')
  ];
}

function imageId(image: string): string {
  return `${image.split(':')[0]}@sha256:${createHash('sha256').update(image).digest('hex')}`;
}

function containerId(podUid: string, name: string): string {
  return `containerd://${createHash('sha256').update(`${podUid}/${name}`).digest('hex')}`;
}

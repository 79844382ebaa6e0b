// Real processes behind pods: where a container's image has a binary built on this machine (the real
// pilot-discovery for `…/pilot:<tag>`), the simulator's kubelet runs that binary as the container, as a
// kubelet with a container runtime would — only without a container:
//   - a root directory per pod: every volume the container mounts is materialised under it at its
//     mountPath (configMap, secret, emptyDir, projected service-account token / configMap / downwardAPI),
//     and the process runs with it as its working directory (Istio's images use WORKDIR / and relative
//     paths such as ./etc/istio/config/mesh, so the process finds its files there);
//   - the container's args and env as the API server stored them, env references resolved (fieldRef,
//     resourceFieldRef, configMapKeyRef, secretKeyRef); absolute paths into a mount point at the pod root;
//   - a kubeconfig for the pod's ServiceAccount (a TokenRequest token): RBAC is the chart's, not admin;
//   - its own loopback address (127.B.3.x): listeners are moved there with the image's flags, and the
//     simulator maps the pod's IP (and its Services) to it when the apiserver's egress tunnel asks;
//   - readiness from the container's own HTTP readinessProbe; exit = crash (restartCount, back-off);
//   - pod deletion stops the process (SIGTERM, then SIGKILL after the grace period).
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join, normalize } from 'node:path';
import { dump } from 'js-yaml';
import type { V1Container, V1EnvVar, V1Pod, V1Volume } from '@kubernetes/client-node';
import { killRegisteredChildren, registerChild } from '../cluster/children.js';
import { apiErrorText, isNotFound, type Apis } from './informers.js';

/** A locally built binary that plays the container of a given image. */
export interface ProcessImage {
  /** Matches the container image, e.g. /\/pilot:1\.30\.3(-distroless)?$/. */
  image: RegExp;
  binary: string;
  /** Flags that put every listener of the process on `ip` (appended after the container's own args). */
  listenArgs(ip: string): string[];
}

export interface ContainerProcess {
  pod: string;
  container: string;
  ip: string;
  pid: number;
  root: string;
  logPath: string;
  startedAt: number;
}

interface Running {
  key: string;
  child: ChildProcess;
  info: ContainerProcess;
  exited: boolean;
  exit: Promise<void>;
  /** Set by stop(): an exit that follows is not a crash. */
  stopping: boolean;
}

const STOP_GRACE_MS = 5000;

// Every process started here is registered with the harness (test/cluster/children.ts), so that an abrupt
// end of a test run takes it along instead of leaving an orphan.
process.on('exit', killRegisteredChildren);

/** Kubelet-like resolution of an env var from the pod (null: leave it out, like an optional ref missing). */
type EnvResolver = (pod: V1Pod, container: V1Container, env: V1EnvVar) => Promise<string | null>;

export class ProcessRuntime {
  private readonly running = new Map<string, Running>();
  private readonly apis: Apis;
  private readonly images: readonly ProcessImage[];
  private readonly workDir: string;
  private readonly server: string;
  private readonly caPem: string;
  private readonly log: (l: string) => void;

  constructor(opts: {
    apis: Apis;
    images: readonly ProcessImage[];
    workDir: string;
    /** The apiserver the processes talk to (https://127.0.0.1:PORT) and its CA. */
    server: string;
    caPem: string;
    log: (l: string) => void;
  }) {
    this.apis = opts.apis;
    this.images = opts.images;
    this.workDir = opts.workDir;
    this.server = opts.server;
    this.caPem = opts.caPem;
    this.log = opts.log;
    mkdirSync(this.workDir, { recursive: true });
  }

  /** The image entry for a container, or undefined when it has no local binary. */
  imageFor(container: V1Container): ProcessImage | undefined {
    return this.images.find((i) => i.image.test(container.image ?? ''));
  }

  /** Whether any container of the pod runs as a real process. */
  claims(pod: V1Pod): boolean {
    return (pod.spec?.containers ?? []).some((c) => this.imageFor(c) !== undefined);
  }

  list(): ContainerProcess[] {
    return [...this.running.values()].filter((r) => !r.exited).map((r) => r.info);
  }

  /** The live process of a pod's container (by pod uid), if any. */
  processOf(podUid: string, container: string): ContainerProcess | undefined {
    const r = this.running.get(`${podUid}/${container}`);
    return r && !r.exited ? r.info : undefined;
  }

  /**
   * Starts the container's process; `onExit` is called when it ends on its own (a crash).
   * Resolves once it has been spawned.
   */
  async start(
    pod: V1Pod,
    container: V1Container,
    ip: string,
    onExit: (code: number | null, signal: string | null, logTail: string) => void
  ): Promise<ContainerProcess> {
    const image = this.imageFor(container);
    if (!image) throw new Error(`no local binary for image ${container.image}`);
    const uid = pod.metadata?.uid ?? '';
    const key = `${uid}/${container.name}`;
    await this.stop(uid, container.name);
    const ns = pod.metadata?.namespace ?? 'default';
    const name = pod.metadata?.name ?? '';
    const root = join(this.workDir, `${ns}_${name}_${uid.slice(0, 8)}`);
    mkdirSync(join(root, '.sim'), { recursive: true });
    const mounts = await this.materialiseVolumes(pod, container, root);
    const kubeconfig = await this.serviceAccountKubeconfig(pod, root);
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: root,
      HOSTNAME: name
    };
    for (const e of container.env ?? []) {
      const value = await resolveEnv(this.apis)(pod, container, e);
      if (value !== null) env[e.name] = atPodRoot(value, mounts, root);
    }
    const args = [
      ...(container.command?.slice(1) ?? []),
      ...(container.args ?? []).map((a) => atPodRoot(a, mounts, root)),
      ...image.listenArgs(ip),
      `--kubeconfig=${kubeconfig}`
    ];
    const logPath = join(root, '.sim', `${container.name}.log`);
    const fd = openSync(logPath, 'a');
    let child: ChildProcess;
    try {
      child = spawn(image.binary, args, { cwd: root, env, stdio: ['ignore', fd, fd], detached: false });
    } finally {
      closeSync(fd);
    }
    registerChild(child);
    const info: ContainerProcess = {
      pod: `${ns}/${name}`,
      container: container.name,
      ip,
      pid: child.pid ?? -1,
      root,
      logPath,
      startedAt: Date.now()
    };
    const r: Running = { key, child, info, exited: false, stopping: false, exit: Promise.resolve() };
    r.exit = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        r.exited = true;
        if (this.running.get(key) === r) this.running.delete(key);
        if (!r.stopping) onExit(code, signal, tail(logPath));
        resolve();
      });
      child.once('error', (err) => {
        r.exited = true;
        this.running.delete(key);
        if (!r.stopping) onExit(null, null, `could not start ${image.binary}: ${err.message}`);
        resolve();
      });
    });
    this.running.set(key, r);
    this.log(`pod ${info.pod}: container ${container.name} runs ${image.binary} as pid ${info.pid} on ${ip}`);
    return info;
  }

  /** Stops a pod's container process (all of the pod's when `container` is omitted). */
  async stop(podUid: string, container?: string, graceMs = STOP_GRACE_MS): Promise<void> {
    const victims = [...this.running.values()].filter(
      (r) => r.key.startsWith(`${podUid}/`) && (container === undefined || r.key === `${podUid}/${container}`)
    );
    await Promise.all(
      victims.map(async (r) => {
        r.stopping = true;
        try {
          r.child.kill('SIGTERM');
        } catch {
          // gone already
        }
        let timer: NodeJS.Timeout | undefined;
        const killed = await Promise.race([
          r.exit.then(() => false),
          new Promise<boolean>((res) => (timer = setTimeout(() => res(true), graceMs)))
        ]);
        clearTimeout(timer);
        if (killed && !r.exited) {
          try {
            r.child.kill('SIGKILL');
          } catch {
            // exited in between
          }
          await r.exit;
        }
        this.running.delete(r.key);
      })
    );
  }

  /** Removes a pod's root directory once the pod is gone. */
  forget(pod: V1Pod): void {
    const ns = pod.metadata?.namespace ?? 'default';
    const root = join(
      this.workDir,
      `${ns}_${pod.metadata?.name ?? ''}_${(pod.metadata?.uid ?? '').slice(0, 8)}`
    );
    if (!process.env.ASK_ISTIO_KEEP_CLUSTER_DIR) rmSync(root, { recursive: true, force: true });
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running.values()].map((r) => this.stop(r.key.split('/')[0] ?? '')));
  }

  /** HTTP GET readiness probe against the process (the container's own probe path and port). */
  async probe(pod: V1Pod, container: V1Container, ip: string): Promise<boolean> {
    const http = container.readinessProbe?.httpGet;
    if (!http) return this.processOf(pod.metadata?.uid ?? '', container.name) !== undefined;
    const port = resolvePort(container, http.port);
    if (port === undefined) return false;
    return new Promise((resolve) => {
      const req = request(
        {
          host: ip,
          port,
          path: http.path ?? '/',
          method: 'GET',
          timeout: (container.readinessProbe?.timeoutSeconds ?? 1) * 1000
        },
        (res) => {
          res.resume();
          resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 400);
        }
      );
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(false));
      req.end();
    });
  }

  /** Writes each mounted volume under root/<mountPath>; returns the mount paths (longest first). */
  private async materialiseVolumes(pod: V1Pod, container: V1Container, root: string): Promise<string[]> {
    const ns = pod.metadata?.namespace ?? 'default';
    const volumes = new Map((pod.spec?.volumes ?? []).map((v) => [v.name, v]));
    const mounts: string[] = [];
    for (const m of container.volumeMounts ?? []) {
      const volume = volumes.get(m.name);
      if (!volume) continue;
      const dir = join(root, normalize(m.mountPath));
      mkdirSync(dir, { recursive: true });
      mounts.push(m.mountPath);
      const files = await this.volumeFiles(pod, ns, volume);
      for (const [rel, content] of Object.entries(files)) {
        const path = join(dir, normalize(rel));
        mkdirSync(join(path, '..'), { recursive: true });
        writeFileSync(path, content, { mode: 0o600 });
      }
    }
    return mounts.sort((a, b) => b.length - a.length);
  }

  private async volumeFiles(pod: V1Pod, ns: string, v: V1Volume): Promise<Record<string, string | Buffer>> {
    const out: Record<string, string | Buffer> = {};
    if (v.configMap)
      Object.assign(
        out,
        await this.configMapFiles(ns, v.configMap.name ?? '', v.configMap.items, v.configMap.optional)
      );
    if (v.secret)
      Object.assign(
        out,
        await this.secretFiles(ns, v.secret.secretName ?? '', v.secret.items, v.secret.optional)
      );
    if (v.downwardAPI)
      for (const item of v.downwardAPI.items ?? [])
        if (item.fieldRef) out[item.path] = fieldValue(pod, item.fieldRef.fieldPath);
    for (const src of v.projected?.sources ?? []) {
      if (src.serviceAccountToken) {
        out[src.serviceAccountToken.path] = await this.token(
          pod,
          src.serviceAccountToken.audience ? [src.serviceAccountToken.audience] : undefined,
          src.serviceAccountToken.expirationSeconds
        );
      }
      if (src.configMap)
        Object.assign(
          out,
          await this.configMapFiles(ns, src.configMap.name ?? '', src.configMap.items, src.configMap.optional)
        );
      if (src.secret)
        Object.assign(
          out,
          await this.secretFiles(ns, src.secret.name ?? '', src.secret.items, src.secret.optional)
        );
      for (const item of src.downwardAPI?.items ?? [])
        if (item.fieldRef) out[item.path] = fieldValue(pod, item.fieldRef.fieldPath);
    }
    return out;
  }

  private async configMapFiles(
    ns: string,
    name: string,
    items: Array<{ key: string; path: string }> | undefined,
    optional: boolean | undefined
  ): Promise<Record<string, string>> {
    try {
      const cm = await this.apis.core.readNamespacedConfigMap({ name, namespace: ns });
      return pick({ ...(cm.data ?? {}) }, items);
    } catch (err) {
      if (isNotFound(err) && optional) return {};
      throw new Error(`configMap volume ${ns}/${name}: ${apiErrorText(err)}`, { cause: err });
    }
  }

  private async secretFiles(
    ns: string,
    name: string,
    items: Array<{ key: string; path: string }> | undefined,
    optional: boolean | undefined
  ): Promise<Record<string, Buffer>> {
    try {
      const s = await this.apis.core.readNamespacedSecret({ name, namespace: ns });
      const data: Record<string, Buffer> = {};
      for (const [k, b64] of Object.entries(s.data ?? {})) data[k] = Buffer.from(b64, 'base64');
      return pick(data, items);
    } catch (err) {
      if (isNotFound(err) && optional) return {};
      throw new Error(`secret volume ${ns}/${name}: ${apiErrorText(err)}`, { cause: err });
    }
  }

  private async token(
    pod: V1Pod,
    audiences: string[] | undefined,
    expirationSeconds?: number
  ): Promise<string> {
    const ns = pod.metadata?.namespace ?? 'default';
    const sa = pod.spec?.serviceAccountName ?? 'default';
    const tr = await this.apis.core.createNamespacedServiceAccountToken({
      name: sa,
      namespace: ns,
      body: {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: {
          ...(audiences ? { audiences } : {}),
          expirationSeconds: Math.max(expirationSeconds ?? 3600, 3600),
          boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata?.name, uid: pod.metadata?.uid }
        }
      }
    });
    return tr.status?.token ?? '';
  }

  /** A kubeconfig that authenticates as the pod's ServiceAccount (what in-cluster config would give it). */
  private async serviceAccountKubeconfig(pod: V1Pod, root: string): Promise<string> {
    const token = await this.token(pod, undefined);
    const path = join(root, '.sim', 'kubeconfig');
    const b64 = Buffer.from(this.caPem).toString('base64');
    writeFileSync(
      path,
      dump({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          { name: 'in-cluster', cluster: { server: this.server, 'certificate-authority-data': b64 } }
        ],
        users: [{ name: 'pod', user: { token } }],
        contexts: [{ name: 'in-cluster', context: { cluster: 'in-cluster', user: 'pod' } }],
        'current-context': 'in-cluster'
      }),
      { mode: 0o600 }
    );
    return path;
  }
}

function pick<T>(
  data: Record<string, T>,
  items: Array<{ key: string; path: string }> | undefined
): Record<string, T> {
  if (!items?.length) return data;
  const out: Record<string, T> = {};
  for (const i of items) if (data[i.key] !== undefined) out[i.path] = data[i.key] as T;
  return out;
}

function fieldValue(pod: V1Pod, path: string): string {
  switch (path) {
    case 'metadata.name':
      return pod.metadata?.name ?? '';
    case 'metadata.namespace':
      return pod.metadata?.namespace ?? '';
    case 'metadata.uid':
      return pod.metadata?.uid ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? 'default';
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'status.podIP':
      return pod.status?.podIP ?? '';
    case 'status.hostIP':
      return pod.status?.hostIP ?? '';
    default: {
      const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
      if (m)
        return (m[1] === 'labels' ? pod.metadata?.labels : pod.metadata?.annotations)?.[m[2] ?? ''] ?? '';
      return '';
    }
  }
}

/** Quantity → integer for resourceFieldRef with divisor 1 (cpu rounds up, like the kubelet). */
function quantity(q: string | undefined, resource: string): string {
  if (!q) return resource.endsWith('cpu') ? '1' : '0';
  const m = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(q);
  if (!m) return q;
  const n = Number(m[1]);
  const mult: Record<string, number> = {
    m: 0.001,
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: 1024 ** 3,
    Ti: 1024 ** 4,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12
  };
  const v = n * (m[2] ? (mult[m[2]] ?? 1) : 1);
  return String(Math.max(1, Math.ceil(v)));
}

function resolveEnv(apis: Apis): EnvResolver {
  return async (pod, container, e) => {
    if (e.value !== undefined) return e.value;
    const from = e.valueFrom;
    if (!from) return '';
    if (from.fieldRef) return fieldValue(pod, from.fieldRef.fieldPath);
    if (from.resourceFieldRef) {
      const [kind, res] = from.resourceFieldRef.resource.split('.') as [string, string];
      const set = kind === 'limits' ? container.resources?.limits : container.resources?.requests;
      return quantity(set?.[res] as string | undefined, res);
    }
    const ns = pod.metadata?.namespace ?? 'default';
    try {
      if (from.configMapKeyRef) {
        const cm = await apis.core.readNamespacedConfigMap({
          name: from.configMapKeyRef.name ?? '',
          namespace: ns
        });
        const v = cm.data?.[from.configMapKeyRef.key];
        return v ?? (from.configMapKeyRef.optional ? null : '');
      }
      if (from.secretKeyRef) {
        const s = await apis.core.readNamespacedSecret({ name: from.secretKeyRef.name ?? '', namespace: ns });
        const v = s.data?.[from.secretKeyRef.key];
        return v !== undefined
          ? Buffer.from(v, 'base64').toString('utf8')
          : from.secretKeyRef.optional
            ? null
            : '';
      }
    } catch (err) {
      if (isNotFound(err) && (from.configMapKeyRef?.optional || from.secretKeyRef?.optional)) return null;
      throw err;
    }
    return '';
  };
}

/** An absolute path inside one of the container's mounts, moved under the pod root (other values as they are). */
function atPodRoot(value: string, mounts: readonly string[], root: string): string {
  for (const m of mounts)
    if (value === m || value.startsWith(`${m.replace(/\/+$/, '')}/`)) return join(root, value);
  return value;
}

function resolvePort(container: V1Container, port: unknown): number | undefined {
  if (typeof port === 'number') return port;
  if (typeof port === 'string' && /^\d+$/.test(port)) return Number(port);
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

function tail(path: string, lines = 15): string {
  try {
    return existsSync(path) ? readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n') : '';
  } catch {
    return '';
  }
}

/** pilot-discovery (istiod): the chart's flags with every listener moved to the pod's loopback address. */
export function pilotDiscoveryImage(tag: string, binary: string): ProcessImage {
  const escaped = tag.replace(/[.]/g, '\\.');
  return {
    image: new RegExp(`/pilot:${escaped}(-distroless|-debug)?$`),
    binary,
    listenArgs: (ip) => [
      `--httpAddr=${ip}:8080`,
      `--httpsAddr=${ip}:15017`,
      `--grpcAddr=${ip}:15010`,
      `--secureGRPCAddr=${ip}:15012`,
      `--monitoringAddr=${ip}:15014`,
      `--ctrlz_address=${ip}`
    ]
  };
}

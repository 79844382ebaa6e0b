// A real Kubernetes control plane for the tests: etcd + kube-apiserver (TLS, RBAC, ASK's service range, the
// stack's pod security admission) + kube-controller-manager, all on 127.0.0.1 with free ports. Two stacks
// (test/cluster/stacks.ts): 1.20.2 with PodSecurityPolicy, and 1.35.x with Pod Security Admission. Nothing
// runs containers; the simulator (test/simulator) plays the node side. See /test/README.md for the contract.
import { spawn, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  closeSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { dump, load } from 'js-yaml';
import { killRegisteredChildren } from './children.js';
import { createClusterPki, type ClusterPki } from './certs.js';
import { currentStack, stackBinaries, stackNamed, type Stack, type StackName } from './stacks.js';

export const SERVICE_CIDR = '172.21.0.0/20';
export const KUBERNETES_SERVICE_IP = '172.21.0.1';
export const CONTEXT_NAME = 'ask-istio-test';
export const PSP_NAME = 'ack.privileged';
export const PSP_CLUSTER_ROLE = 'ack:podsecuritypolicy:privileged';
export const PSP_BINDING = 'ack:podsecuritypolicy:authenticated';
const ISSUER = 'https://kubernetes.default.svc';
const STOP_GRACE_MS = 5000;

export interface ControlPlaneOptions {
  /** Working directory for certs, kubeconfigs and logs; a fresh temp dir (removed on stop) by default. */
  dir?: string;
  /** Which Kubernetes (test/cluster/stacks.ts); ASK_ISTIO_STACK, default current. */
  stack?: StackName;
  /** Where kube-apiserver and kube-controller-manager live; found/built for the stack by default. */
  binDir?: string;
  /** The etcd binary; the stack's by default. */
  etcd?: string;
  log?: (line: string) => void;
  /** Deadline for the whole start-up. */
  timeoutMs?: number;
  /**
   * EgressSelectorConfiguration for the apiserver: routes its traffic to pods, services and webhooks through
   * the simulator's proxy, so the service proxy works with non-loopback pod IPs (1.20 refuses 127/8 in Endpoints).
   */
  egressSelectorConfigFile?: string;
}

export interface ApiResponse {
  status: number;
  /** Parsed JSON when the body is JSON, else the raw text. */
  body: unknown;
}

export type Credentials = { certPem: string; keyPem: string } | { token: string };

export interface ControlPlane {
  kubeconfigPath: string;
  /** https://127.0.0.1:PORT */
  server: string;
  caPem: string;
  dir: string;
  binDir: string;
  etcd: string;
  stack: Stack;
  /** What `/version` reports, e.g. v1.35.4. */
  gitVersion: string;
  /** Live pids (the apiserver's changes after restartApiServer()). */
  readonly pids: { etcd: number; apiServer: number; controllerManager: number };
  /** Wall time from cert generation until the cluster could admit pods. */
  startupMs: number;
  /** Per-phase start-up times, for reports. */
  timings: Record<string, number>;
  stop(): Promise<void>;
  restartApiServer(): Promise<void>;
  /** Creates (idempotently) the namespace and ServiceAccount; returns a kubeconfig that authenticates as it. */
  kubeconfigFor(serviceAccount: string, namespace: string): Promise<string>;
  /** A raw request to the apiserver, as admin unless other credentials are given. */
  request(method: string, path: string, body?: unknown, credentials?: Credentials): Promise<ApiResponse>;
}

// ---------------------------------------------------------------------------------------------
// Child processes: every one we start is tracked so that exit handlers can kill exactly those pids.

interface Managed {
  name: string;
  child: ChildProcess;
  pid: number;
  logPath: string;
  exit: Promise<number | null>;
  exited: boolean;
}

const live = new Set<Managed>();
let handlersInstalled = false;

function killAllSync(): void {
  killRegisteredChildren();
  for (const m of live) {
    try {
      process.kill(m.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}

function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAllSync);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    const onSignal = (): void => {
      // Someone else handles this signal (e.g. test/harness/serve.ts stops gracefully); the 'exit'
      // handler remains the backstop.
      if (process.listenerCount(sig) > 1) return;
      killAllSync();
      process.removeListener(sig, onSignal);
      // Re-raise so the process still ends the way it would have without us.
      process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
}

function startProcess(name: string, bin: string, args: string[], logPath: string): Managed {
  installExitHandlers();
  if (bin.includes('/') && !existsSync(bin)) throw new Error(`cannot start ${name}: ${bin} does not exist`);
  const fd = openSync(logPath, 'a');
  let child: ChildProcess;
  try {
    child = spawn(bin, args, { stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd); // the child has its own copy
  }
  // Listen for 'error' at once: a spawn failure (e.g. ENOENT) is emitted asynchronously.
  let spawnError: Error | undefined;
  child.once('error', (err) => (spawnError = err));
  if (child.pid === undefined) {
    throw new Error(`cannot start ${name} (${bin}): ${spawnError?.message ?? 'no pid'}; is it installed?`);
  }
  const m: Managed = { name, child, pid: child.pid, logPath, exited: false, exit: Promise.resolve(null) };
  m.exit = new Promise((res) => {
    child.once('exit', (code, signal) => {
      m.exited = true;
      live.delete(m);
      res(code ?? (signal ? -1 : null));
    });
  });
  live.add(m);
  return m;
}

/** Pids of processes started by this module that are still running (for tests: nothing may leak). */
export function runningPids(): number[] {
  return [...live].map((m) => m.pid);
}

async function stopProcess(m: Managed, graceMs = STOP_GRACE_MS): Promise<void> {
  if (m.exited) return;
  try {
    process.kill(m.pid, 'SIGTERM');
  } catch {
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    m.exit.then(() => false),
    new Promise<boolean>((res) => (timer = setTimeout(() => res(true), graceMs)))
  ]);
  clearTimeout(timer);
  if (timedOut && !m.exited) {
    try {
      process.kill(m.pid, 'SIGKILL');
    } catch {
      // exited in between
    }
    await m.exit;
  }
}

function logTail(path: string, lines = 25): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

// ---------------------------------------------------------------------------------------------
// Small helpers: free ports, HTTP(S) requests, waiting for readiness.

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

interface RawOptions {
  method: string;
  url: string;
  body?: unknown;
  caPem?: string;
  credentials?: Credentials;
  timeoutMs?: number;
}

function rawRequest(o: RawOptions): Promise<ApiResponse> {
  const url = new URL(o.url);
  const payload = o.body === undefined ? undefined : JSON.stringify(o.body);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (payload !== undefined) headers['content-type'] = 'application/json';
  const creds = o.credentials;
  if (creds && 'token' in creds) headers.authorization = `Bearer ${creds.token}`;
  const tls =
    url.protocol === 'https:'
      ? { ca: o.caPem, ...(creds && 'certPem' in creds ? { cert: creds.certPem, key: creds.keyPem } : {}) }
      : {};
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((res, rej) => {
    const req = send(url, { method: o.method, headers, timeout: o.timeoutMs ?? 15000, ...tls }, (resp) => {
      const chunks: Buffer[] = [];
      resp.on('data', (c: Buffer) => chunks.push(c));
      resp.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        // Some endpoints (etcd's /health) send JSON as text/plain: parse whatever parses.
        if (text.startsWith('{') || text.startsWith('[')) {
          try {
            body = JSON.parse(text);
          } catch {
            // keep the text
          }
        }
        res({ status: resp.statusCode ?? 0, body });
      });
      resp.on('error', rej);
    });
    req.on('timeout', () => req.destroy(new Error(`${o.method} ${o.url} timed out`)));
    req.on('error', rej);
    req.end(payload);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Retries `check` until it is true; fails early with the log of any watched process that died. */
async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  deadline: number,
  watched: Managed[]
): Promise<void> {
  let lastError = '';
  for (;;) {
    const dead = watched.find((m) => m.exited);
    if (dead)
      throw new Error(
        `${dead.name} exited while waiting for ${what}. Last log lines of ${dead.logPath} (ASK_ISTIO_KEEP_CLUSTER_DIR=1 keeps it):\n${logTail(dead.logPath)}`
      );
    try {
      if (await check()) return;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline) {
      const logs = watched.map((m) => `--- ${m.name} (${m.logPath}):\n${logTail(m.logPath, 15)}`).join('\n');
      throw new Error(
        `timed out waiting for ${what}${lastError ? ` (last error: ${lastError})` : ''}\n${logs}`
      );
    }
    await sleep(100);
  }
}

// ---------------------------------------------------------------------------------------------

/** The (cached) control-plane binaries of a stack. */
export function findBinDir(stack: Stack = currentStack()): string {
  return stackBinaries(stack).binDir;
}

/** The apiserver advertises a non-loopback address (1.20 refuses to publish loopback Endpoints for `kubernetes`). */
function advertiseAddress(): string {
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '192.0.2.1'; // TEST-NET-1: only ever data in the `kubernetes` Endpoints, never contacted
}

function kubeconfigYaml(server: string, caPem: string, user: string, auth: Record<string, string>): string {
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  return dump({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: CONTEXT_NAME, cluster: { server, 'certificate-authority-data': b64(caPem) } }],
    users: [{ name: user, user: auth }],
    contexts: [{ name: CONTEXT_NAME, context: { cluster: CONTEXT_NAME, user } }],
    'current-context': CONTEXT_NAME
  });
}

/** ASK 1.20 ships PSP `ack.privileged` usable by every authenticated identity; reproduce that. */
function pspBootstrapObjects(): Array<{ path: string; body: Record<string, unknown> }> {
  return [
    {
      path: '/apis/policy/v1beta1/podsecuritypolicies',
      body: {
        apiVersion: 'policy/v1beta1',
        kind: 'PodSecurityPolicy',
        metadata: {
          name: PSP_NAME,
          annotations: { 'seccomp.security.alpha.kubernetes.io/allowedProfileNames': '*' }
        },
        spec: {
          privileged: true,
          allowPrivilegeEscalation: true,
          allowedCapabilities: ['*'],
          volumes: ['*'],
          hostNetwork: true,
          hostPorts: [{ min: 0, max: 65535 }],
          hostIPC: true,
          hostPID: true,
          runAsUser: { rule: 'RunAsAny' },
          seLinux: { rule: 'RunAsAny' },
          supplementalGroups: { rule: 'RunAsAny' },
          fsGroup: { rule: 'RunAsAny' }
        }
      }
    },
    {
      path: '/apis/rbac.authorization.k8s.io/v1/clusterroles',
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: PSP_CLUSTER_ROLE },
        rules: [
          {
            apiGroups: ['policy'],
            resources: ['podsecuritypolicies'],
            verbs: ['use'],
            resourceNames: [PSP_NAME]
          }
        ]
      }
    },
    {
      path: '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: PSP_BINDING },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: PSP_CLUSTER_ROLE },
        subjects: [
          { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:authenticated' },
          { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:serviceaccounts' }
        ]
      }
    }
  ];
}

interface KubeconfigFile {
  clusters?: Array<{ name: string; cluster: { server: string; 'certificate-authority-data'?: string } }>;
  users?: Array<{ name: string; user: { 'client-certificate-data'?: string; 'client-key-data'?: string } }>;
}

/**
 * For RBAC tests: creates (idempotently) `namespace` and ServiceAccount `serviceAccount` using the admin
 * kubeconfig written by startControlPlane, and writes next to it a kubeconfig that authenticates as that
 * ServiceAccount with a TokenRequest token (immediate; no waiting for the token controller's Secret).
 * Usable from tests that only have the harness state, not the ControlPlane object.
 */
export async function kubeconfigForServiceAccount(
  adminKubeconfigPath: string,
  serviceAccount: string,
  namespace: string
): Promise<string> {
  const cfg = load(readFileSync(adminKubeconfigPath, 'utf8')) as KubeconfigFile;
  const cluster = cfg.clusters?.[0]?.cluster;
  const user = cfg.users?.[0]?.user;
  const unb64 = (s: string | undefined): string => Buffer.from(s ?? '', 'base64').toString('utf8');
  if (!cluster?.server || !user?.['client-certificate-data'])
    throw new Error(`${adminKubeconfigPath} is not an admin kubeconfig written by startControlPlane`);
  const server = cluster.server;
  const caPem = unb64(cluster['certificate-authority-data']);
  const credentials: Credentials = {
    certPem: unb64(user['client-certificate-data']),
    keyPem: unb64(user['client-key-data'])
  };
  const request = (method: string, path: string, body?: unknown): Promise<ApiResponse> =>
    rawRequest({ method, url: server + path, body, caPem, credentials });

  const ensure = async (path: string, body: unknown): Promise<void> => {
    const r = await request('POST', path, body);
    if (r.status !== 201 && r.status !== 409)
      throw new Error(`POST ${path}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  };
  await ensure('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  await ensure(`/api/v1/namespaces/${namespace}/serviceaccounts`, {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: serviceAccount }
  });
  const tr = await request(
    'POST',
    `/api/v1/namespaces/${namespace}/serviceaccounts/${serviceAccount}/token`,
    {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { audiences: [ISSUER], expirationSeconds: 24 * 3600 }
    }
  );
  const token = (tr.body as { status?: { token?: string } }).status?.token;
  if (tr.status !== 201 || !token)
    throw new Error(
      `TokenRequest for ${namespace}/${serviceAccount}: HTTP ${tr.status} ${JSON.stringify(tr.body)}`
    );
  const path = join(dirname(adminKubeconfigPath), `kubeconfig-${namespace}-${serviceAccount}.yaml`);
  writeFileSync(
    path,
    kubeconfigYaml(server, caPem, `system:serviceaccount:${namespace}:${serviceAccount}`, { token }),
    { mode: 0o600 }
  );
  return path;
}

export async function startControlPlane(opts: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const log = opts.log ?? (() => {});
  const stack = opts.stack ? stackNamed(opts.stack) : currentStack();
  const found = opts.binDir && opts.etcd ? undefined : stackBinaries(stack);
  const binDir = opts.binDir ?? found?.binDir ?? '';
  const etcdBin = opts.etcd ?? found?.etcd ?? 'etcd';
  const psp = stack.podSecurity === 'psp';
  const ownDir = opts.dir === undefined;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'ask-istio-cp-'));
  mkdirSync(dir, { recursive: true });
  // etcd fsyncs every write; tmpfs makes the suite's many writes cheap where available.
  const shm = existsSync('/dev/shm') ? '/dev/shm' : dir;
  const etcdDir = mkdtempSync(join(shm, 'ask-istio-etcd-'));

  const t0 = Date.now();
  const deadline = t0 + (opts.timeoutMs ?? 120_000);
  const timings: Record<string, number> = {};
  const mark = (phase: string, since: number): number => {
    timings[phase] = Date.now() - since;
    return Date.now();
  };

  const started: Managed[] = [];
  let apiServer: Managed | undefined;
  const cleanupOnFailure = async (): Promise<void> => {
    for (const m of [...started].reverse()) await stopProcess(m);
    rmSync(etcdDir, { recursive: true, force: true });
    // The error already carries the log tails; keep the whole directory only on request.
    if (ownDir && !process.env.ASK_ISTIO_KEEP_CLUSTER_DIR) rmSync(dir, { recursive: true, force: true });
  };

  try {
    let t = Date.now();
    const pki: ClusterPki = await createClusterPki(dir, KUBERNETES_SERVICE_IP);
    t = mark('certsMs', t);

    const [etcdClientPort, etcdPeerPort, apiPort] = await Promise.all([freePort(), freePort(), freePort()]);
    const etcdUrl = `http://127.0.0.1:${etcdClientPort}`;
    const peerUrl = `http://127.0.0.1:${etcdPeerPort}`;
    const etcd = startProcess(
      'etcd',
      etcdBin,
      [
        '--name',
        'default',
        '--data-dir',
        etcdDir,
        '--listen-client-urls',
        etcdUrl,
        '--advertise-client-urls',
        etcdUrl,
        '--listen-peer-urls',
        peerUrl,
        '--initial-advertise-peer-urls',
        peerUrl,
        '--initial-cluster',
        `default=${peerUrl}`,
        // A single member elects itself after one election timeout; the default 1 s is pure start-up delay.
        '--heartbeat-interval',
        '20',
        '--election-timeout',
        '200'
      ],
      join(dir, 'etcd.log')
    );
    started.push(etcd);
    log(`etcd pid ${etcd.pid} on ${etcdUrl}`);
    await waitUntil(
      'etcd /health',
      async () => {
        const r = await rawRequest({ method: 'GET', url: `${etcdUrl}/health`, timeoutMs: 2000 });
        return (
          r.status === 200 && typeof r.body === 'object' && (r.body as { health?: string }).health === 'true'
        );
      },
      deadline,
      [etcd]
    );
    t = mark('etcdMs', t);

    const server = `https://127.0.0.1:${apiPort}`;
    const admin: Credentials = { certPem: pki.adminCertPem, keyPem: pki.adminKeyPem };
    const request = (
      method: string,
      path: string,
      body?: unknown,
      credentials: Credentials = admin
    ): Promise<ApiResponse> =>
      rawRequest({ method, url: server + path, body, caPem: pki.caPem, credentials });

    const apiArgs = [
      `--etcd-servers=${etcdUrl}`,
      `--secure-port=${apiPort}`,
      '--bind-address=127.0.0.1',
      // 1.20 still has an insecure port (off here); the flag is gone since 1.24.
      ...(psp ? ['--insecure-port=0'] : []),
      `--advertise-address=${advertiseAddress()}`,
      `--cert-dir=${dir}`,
      `--tls-cert-file=${pki.serverCert}`,
      `--tls-private-key-file=${pki.serverKey}`,
      `--client-ca-file=${pki.caCert}`,
      '--authorization-mode=Node,RBAC',
      // 1.20: additive to its defaults, PodSecurityPolicy is what ASK 1.20 enforces. 1.25+: the defaults,
      // which include PodSecurity (Pod Security Admission; unlabelled namespaces are `privileged`, as on ASK).
      ...(psp
        ? [
            '--enable-admission-plugins=NamespaceLifecycle,LimitRanger,ServiceAccount,DefaultTolerationSeconds,MutatingAdmissionWebhook,ValidatingAdmissionWebhook,ResourceQuota,PodSecurityPolicy'
          ]
        : []),
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      `--service-account-issuer=${ISSUER}`,
      `--api-audiences=${ISSUER}`,
      `--service-account-key-file=${pki.saPub}`,
      `--service-account-signing-key-file=${pki.saKey}`,
      '--allow-privileged=true',
      '--profiling=false',
      ...(opts.egressSelectorConfigFile
        ? [`--egress-selector-config-file=${opts.egressSelectorConfigFile}`]
        : [])
    ];
    const apiLog = join(dir, 'kube-apiserver.log');
    const startApiServer = async (): Promise<Managed> => {
      const m = startProcess('kube-apiserver', join(binDir, 'kube-apiserver'), apiArgs, apiLog);
      log(`kube-apiserver pid ${m.pid} on ${server}`);
      try {
        await waitUntil(
          'kube-apiserver /readyz',
          async () => {
            const r = await request('GET', '/readyz');
            return r.status === 200 && String(r.body).trim() === 'ok';
          },
          Math.max(deadline, Date.now() + 60_000),
          [m, etcd]
        );
      } catch (err) {
        await stopProcess(m); // never leave a half-started apiserver behind
        throw err;
      }
      return m;
    };
    apiServer = await startApiServer();
    started.push(apiServer);
    t = mark('apiServerMs', t);

    const kubeconfigPath = join(dir, 'kubeconfig.yaml');
    writeFileSync(
      kubeconfigPath,
      kubeconfigYaml(server, pki.caPem, 'ask-istio-admin', {
        'client-certificate-data': Buffer.from(pki.adminCertPem).toString('base64'),
        'client-key-data': Buffer.from(pki.adminKeyPem).toString('base64')
      }),
      { mode: 0o600 }
    );

    const controllerManager = startProcess(
      'kube-controller-manager',
      join(binDir, 'kube-controller-manager'),
      [
        `--kubeconfig=${kubeconfigPath}`,
        // No IPAM / node lifecycle (no real nodes, the simulator owns Node status), no CSR signing.
        '--controllers=*,-nodeipam,-nodelifecycle,-csrsigning',
        '--use-service-account-credentials=true',
        '--leader-elect=false',
        ...(psp ? ['--port=0'] : []), // the insecure port; gone since 1.24
        '--secure-port=0',
        `--service-account-private-key-file=${pki.saKey}`,
        `--root-ca-file=${pki.caCert}`,
        `--service-cluster-ip-range=${SERVICE_CIDR}`,
        '--cluster-name=ask-istio-test',
        '--profiling=false'
      ],
      join(dir, 'kube-controller-manager.log')
    );
    started.push(controllerManager);
    log(`kube-controller-manager pid ${controllerManager.pid}`);

    for (const o of psp ? pspBootstrapObjects() : []) {
      const r = await request('POST', o.path, o.body);
      if (r.status !== 201 && r.status !== 409)
        throw new Error(`bootstrapping ${o.path} failed: HTTP ${r.status} ${JSON.stringify(r.body)}`);
    }
    // Pods are only admitted once their ServiceAccount exists (1.20: and has its token Secret; 1.24+ mounts
    // projected tokens instead). `default/default` proves the serviceaccount controllers, which run with
    // their own credentials, work.
    await waitUntil(
      psp ? 'ServiceAccount default/default with a token' : 'ServiceAccount default/default',
      async () => {
        const r = await request('GET', '/api/v1/namespaces/default/serviceaccounts/default');
        return r.status === 200 && (!psp || ((r.body as { secrets?: unknown[] }).secrets?.length ?? 0) > 0);
      },
      deadline,
      [controllerManager, apiServer, etcd]
    );
    const versionResponse = await request('GET', '/version');
    const gitVersion = String((versionResponse.body as { gitVersion?: unknown }).gitVersion ?? '');
    mark('controllersMs', t);
    const startupMs = Date.now() - t0;
    log(`control plane ready in ${startupMs} ms (${JSON.stringify(timings)})`);

    let stopped = false;
    const cp: ControlPlane = {
      kubeconfigPath,
      server,
      caPem: pki.caPem,
      dir,
      binDir,
      etcd: etcdBin,
      stack,
      gitVersion,
      get pids() {
        return { etcd: etcd.pid, apiServer: apiServer?.pid ?? -1, controllerManager: controllerManager.pid };
      },
      startupMs,
      timings,
      request,
      async stop() {
        if (stopped) return;
        stopped = true;
        await stopProcess(controllerManager);
        if (apiServer) await stopProcess(apiServer);
        await stopProcess(etcd);
        rmSync(etcdDir, { recursive: true, force: true });
        if (ownDir && !process.env.ASK_ISTIO_KEEP_CLUSTER_DIR) rmSync(dir, { recursive: true, force: true });
        log('control plane stopped');
      },
      async restartApiServer() {
        if (stopped) throw new Error('control plane is stopped');
        const t1 = Date.now();
        // While the controller-manager keeps its watches open, a SIGTERMed apiserver waits for them to go
        // idle and never does; a short grace, then SIGKILL, is a crash-restart like on a real control plane.
        if (apiServer) await stopProcess(apiServer, 1000);
        const t2 = Date.now();
        apiServer = await startApiServer();
        log(`kube-apiserver restarted: stopped in ${t2 - t1} ms, ready again in ${Date.now() - t2} ms`);
      },
      kubeconfigFor(serviceAccount, namespace) {
        return kubeconfigForServiceAccount(kubeconfigPath, serviceAccount, namespace);
      }
    };
    return cp;
  } catch (err) {
    await cleanupOnFailure();
    throw err;
  }
}

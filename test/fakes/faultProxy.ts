// A fault-injecting HTTPS proxy between the action and the test API server (loopback only). HTTP-level
// faults need the plaintext, so the proxy terminates TLS with its own throw-away certificate (made with
// the `openssl` CLI, like test/cluster/certs.ts) and forwards every request to the real apiserver with the
// admin client certificate of the kubeconfig it fronts. `kubeconfigPath` is a copy of that kubeconfig that
// points at the proxy and trusts its certificate, so the action under test talks to the proxy unchanged.
//
// Per request, with probability `rate`, one fault is drawn from `kinds` (weighted):
//   429     Too Many Requests with Retry-After (what an apiserver's max-inflight limit answers)
//   500/503 a Status body like the apiserver's own
//   reset   the client's TCP connection is destroyed before any answer
//   slow    the request is forwarded after `slowMs` (it still succeeds)
// `outage(ms)` resets every connection for a while — the client-side view of an apiserver restart.
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request as httpsRequest, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { dump, load } from 'js-yaml';
import { selfSignedLoopbackCert } from '../cluster/certs.js';

export type FaultKind = '429' | '500' | '503' | 'reset' | 'slow';

export interface FaultConfig {
  /** Share of requests that get a fault, 0..1. */
  rate: number;
  /** Relative weights of the fault kinds (default: all five equally). */
  kinds?: Partial<Record<FaultKind, number>>;
  /** Retry-After seconds sent with 429 (default 1). */
  retryAfterSeconds?: number;
  /** Delay of `slow` faults (default 1500 ms). */
  slowMs?: number;
  /** Only requests whose path matches are candidates for faults (default: all). */
  pathFilter?: RegExp;
}

export interface FaultStats {
  requests: number;
  faulted: number;
  byKind: Record<FaultKind, number>;
  /** Connections reset because of an outage window. */
  outageResets: number;
}

export interface FaultProxy {
  /** https://127.0.0.1:PORT */
  url: string;
  /** A kubeconfig (copy of the upstream one) that reaches the cluster through this proxy. */
  kubeconfigPath: string;
  readonly stats: FaultStats;
  setFaults(config: FaultConfig): void;
  resetStats(): void;
  /** Resets every request for `ms` from now (an apiserver that went away and comes back). */
  outage(ms: number): void;
  stop(): Promise<void>;
}

interface KubeconfigDoc {
  clusters?: Array<{ name: string; cluster: Record<string, unknown> }>;
  users?: Array<{ name: string; user: Record<string, unknown> }>;
  [key: string]: unknown;
}

const KINDS: FaultKind[] = ['429', '500', '503', 'reset', 'slow'];

/** Draws a fault kind by weight; `random` is injectable for tests. */
export function pickFault(config: FaultConfig, random = Math.random): FaultKind | undefined {
  if (random() >= config.rate) return undefined;
  const weights = KINDS.map((k) => Math.max(0, config.kinds ? (config.kinds[k] ?? 0) : 1));
  const total = weights.reduce((a, b) => a + b, 0);
  if (total <= 0) return undefined;
  let r = random() * total;
  for (let i = 0; i < KINDS.length; i++) {
    r -= weights[i] ?? 0;
    if (r < 0) return KINDS[i];
  }
  return KINDS[KINDS.length - 1];
}

function status(
  res: ServerResponse,
  code: number,
  reason: string,
  message: string,
  headers: Record<string, string> = {}
): void {
  const body = JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code
  });
  res.writeHead(code, { 'content-type': 'application/json', ...headers });
  res.end(body);
}

/**
 * Starts the proxy in front of the cluster of `upstreamKubeconfigPath` (an admin kubeconfig with client
 * certificate data, as the harness writes). Files (certificate, key, kubeconfig copy) go to `dir`.
 */
export async function startFaultProxy(opts: {
  upstreamKubeconfigPath: string;
  dir: string;
  faults?: FaultConfig;
}): Promise<FaultProxy> {
  const upstream = load(readFileSync(opts.upstreamKubeconfigPath, 'utf8')) as KubeconfigDoc;
  const cluster = upstream.clusters?.[0]?.cluster;
  const user = upstream.users?.[0]?.user;
  const b64 = (v: unknown): Buffer => Buffer.from(typeof v === 'string' ? v : '', 'base64');
  if (typeof cluster?.server !== 'string' || typeof user?.['client-certificate-data'] !== 'string')
    throw new Error(
      `${opts.upstreamKubeconfigPath}: need a kubeconfig with a server and client-certificate-data`
    );
  const target = new URL(cluster.server);
  const upstreamTls = {
    ca: b64(cluster['certificate-authority-data']),
    cert: b64(user['client-certificate-data']),
    key: b64(user['client-key-data'])
  };

  // A self-signed certificate for 127.0.0.1; as its own CA it goes into the kubeconfig copy.
  const { keyPath, certPem } = await selfSignedLoopbackCert(opts.dir, 'ask-istio-fault-proxy');

  let faults: FaultConfig = opts.faults ?? { rate: 0 };
  let outageUntil = 0;
  const stats: FaultStats = {
    requests: 0,
    faulted: 0,
    byKind: { '429': 0, '500': 0, '503': 0, reset: 0, slow: 0 },
    outageResets: 0
  };
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  // Own pool for the upstream side, so stop() can close its keep-alive sockets (the global agent's would
  // outlive the proxy and keep a test process from exiting).
  const agent = new Agent({ keepAlive: true });

  const forward = (req: IncomingMessage, res: ServerResponse): void => {
    const headers = { ...req.headers, host: target.host };
    const up = httpsRequest(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers,
        agent,
        ...upstreamTls
      },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        // Watches stream: pass chunks through as they come.
        upRes.pipe(res);
      }
    );
    up.on('error', (err) => {
      if (!res.headersSent) status(res, 502, 'InternalError', `fault proxy: upstream error ${err.message}`);
      else res.destroy();
    });
    res.on('close', () => up.destroy());
    req.pipe(up);
  };

  const server: Server = createServer({ cert: certPem, key: readFileSync(keyPath) }, (req, res) => {
    stats.requests++;
    if (Date.now() < outageUntil) {
      stats.outageResets++;
      req.socket.destroy();
      return;
    }
    const path = req.url ?? '/';
    const kind = !faults.pathFilter || faults.pathFilter.test(path) ? pickFault(faults) : undefined;
    if (kind) {
      stats.faulted++;
      stats.byKind[kind]++;
    }
    switch (kind) {
      case '429':
        // Drain the body so the client sees a clean answer, not a half-read request.
        req.resume();
        return status(res, 429, 'TooManyRequests', 'Too many requests, please try again later.', {
          'retry-after': String(faults.retryAfterSeconds ?? 1)
        });
      case '500':
        req.resume();
        return status(res, 500, 'InternalError', 'Internal error occurred: fault proxy (injected)');
      case '503':
        req.resume();
        return status(res, 503, 'ServiceUnavailable', 'the server is currently unable to handle the request');
      case 'reset':
        req.socket.destroy();
        return;
      case 'slow': {
        const t = setTimeout(() => {
          timers.delete(t);
          forward(req, res);
        }, faults.slowMs ?? 1500);
        timers.add(t);
        return;
      }
      default:
        forward(req, res);
    }
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  // A reset socket mid-handshake is expected here, not a test failure.
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // A JSON round trip, not structuredClone: under jest the clone comes from another realm and js-yaml refuses it.
  const copy = JSON.parse(JSON.stringify(upstream)) as KubeconfigDoc;
  for (const c of copy.clusters ?? []) {
    c.cluster.server = url;
    c.cluster['certificate-authority-data'] = certPem.toString('base64');
  }
  const kubeconfigPath = join(opts.dir, 'kubeconfig-fault-proxy.yaml');
  writeFileSync(kubeconfigPath, dump(copy), { mode: 0o600 });

  return {
    url,
    kubeconfigPath,
    stats,
    setFaults(config) {
      faults = config;
    },
    resetStats() {
      stats.requests = 0;
      stats.faulted = 0;
      stats.outageResets = 0;
      for (const k of KINDS) stats.byKind[k] = 0;
    },
    outage(ms) {
      outageUntil = Date.now() + ms;
      // Open connections (keep-alive pools, watches) die too, as they would when the apiserver exits.
      for (const s of sockets) s.destroy();
    },
    async stop() {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  };
}

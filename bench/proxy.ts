// A counting HTTPS reverse proxy in front of the test apiserver, so the benchmark counts every Kubernetes
// API request of a run — the action's own client AND the istioctl it starts — independently of the action's
// self-reported counts (its `kube-stats` debug command). TLS is terminated with a throw-away self-signed
// certificate for 127.0.0.1 (trusted through the kubeconfig it hands out); upstream it authenticates with
// the admin client certificate of the harness kubeconfig.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, createServer, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump, load } from 'js-yaml';
import { selfSignedLoopbackCert } from '../test/cluster/certs.js';

export interface ApiCounts {
  requests: number;
  /** Mutations that persist something (not dry-run; access reviews excluded, they store nothing). */
  writes: number;
  byMethod: Record<string, number>;
  /** `METHOD path` (query stripped) of each write, for the report when a re-run writes. */
  writeLines: string[];
}

export interface CountingProxy {
  url: string;
  /** A kubeconfig (YAML text) that talks to the apiserver through this proxy. */
  kubeconfig: string;
  /** Counts since the last reset. */
  counts(): ApiCounts;
  reset(): void;
  stop(): Promise<void>;
}

interface KubeconfigFile {
  clusters?: Array<{ cluster?: { server?: string; 'certificate-authority-data'?: string } }>;
  users?: Array<{ user?: { 'client-certificate-data'?: string; 'client-key-data'?: string } }>;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const REVIEW_PATH = /\/(selfsubjectaccessreviews|subjectaccessreviews|selfsubjectrulesreviews|tokenreviews)$/;

export function isWrite(method: string, url: string): boolean {
  if (!WRITE_METHODS.has(method)) return false;
  const [path = '', query = ''] = url.split('?');
  if (REVIEW_PATH.test(path)) return false;
  return !new URLSearchParams(query).has('dryRun');
}

export async function startCountingProxy(adminKubeconfigPath: string): Promise<CountingProxy> {
  const admin = load(readFileSync(adminKubeconfigPath, 'utf8')) as KubeconfigFile;
  const cluster = admin.clusters?.[0]?.cluster;
  const user = admin.users?.[0]?.user;
  if (
    !cluster?.server ||
    !cluster['certificate-authority-data'] ||
    !user?.['client-certificate-data'] ||
    !user['client-key-data']
  )
    throw new Error(
      `${adminKubeconfigPath}: expected an admin kubeconfig with CA data and a client certificate`
    );
  const upstream = new URL(cluster.server);
  const b64 = (s: string): Buffer => Buffer.from(s, 'base64');
  const agent = new Agent({
    keepAlive: true,
    ca: b64(cluster['certificate-authority-data']),
    cert: b64(user['client-certificate-data']),
    key: b64(user['client-key-data'])
  });

  const dir = mkdtempSync(join(tmpdir(), 'ask-istio-bench-proxy-'));
  const { keyPath, certPem } = await selfSignedLoopbackCert(dir, 'ask-istio-bench-proxy');

  let counts: ApiCounts = { requests: 0, writes: 0, byMethod: {}, writeLines: [] };
  const server = createServer({ key: readFileSync(keyPath), cert: certPem }, (req, res) => {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    counts.requests++;
    counts.byMethod[method] = (counts.byMethod[method] ?? 0) + 1;
    if (isWrite(method, url)) {
      counts.writes++;
      counts.writeLines.push(`${method} ${url.split('?')[0]}`);
    }
    // The caller's own credentials (if any) are replaced by the proxy's client certificate.
    const headers = { ...req.headers, host: upstream.host };
    delete headers.authorization;
    const up = request(
      { host: upstream.hostname, port: upstream.port, method, path: url, headers, agent },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      }
    );
    up.on('error', (err) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`bench proxy: ${err.message}`);
    });
    // A client that goes away (e.g. a closed watch) must close the upstream request too.
    res.on('close', () => up.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kubeconfig = dump({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'bench-proxy',
        cluster: { server: url, 'certificate-authority-data': certPem.toString('base64') }
      }
    ],
    users: [{ name: 'bench-proxy', user: { token: 'unused-the-proxy-authenticates' } }],
    contexts: [{ name: 'ask-istio-test', context: { cluster: 'bench-proxy', user: 'bench-proxy' } }],
    'current-context': 'ask-istio-test'
  });
  return {
    url,
    kubeconfig,
    counts: () => ({ ...counts, byMethod: { ...counts.byMethod }, writeLines: [...counts.writeLines] }),
    reset: () => {
      counts = { requests: 0, writes: 0, byMethod: {}, writeLines: [] };
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

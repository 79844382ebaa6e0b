// The client against a scripted loopback HTTP server: exact request counting, retries (Retry-After,
// 5xx, refused connections), and the list+watch loop's 410 Gone relist. The real API server is
// exercised in __tests__/e2e/kube.test.ts; here the server's answers are under the test's control.
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { ActionError } from '../../../src/errors.js';
import { Kube } from '../../../src/kube/client.js';
import type { KubeObject } from '../../../src/kube/objects.js';

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void;

let server: Server;
let port = 0;
let handler: Handler = (_q, res) => res.end();
const seen: string[] = [];
let dir: string;

function kubeconfig(serverUrl: string): string {
  const path = join(dir, `kubeconfig-${Math.random().toString(36).slice(2)}`);
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- name: fake\n  cluster:\n    server: ${serverUrl}\n    insecure-skip-tls-verify: true`,
      'users:',
      '- name: tester\n  user:\n    token: not-a-secret',
      'contexts:',
      '- name: fake\n  context: {cluster: fake, user: tester, namespace: team}',
      'current-context: fake'
    ].join('\n')
  );
  return path;
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {}
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const coreDiscovery = {
  kind: 'APIResourceList',
  groupVersion: 'v1',
  resources: [
    { name: 'configmaps', kind: 'ConfigMap', namespaced: true },
    { name: 'namespaces', kind: 'Namespace', namespaced: false }
  ]
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kube-transport-'));
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    seen.push(`${req.method} ${url.pathname}${url.searchParams.get('watch') ? ' (watch)' : ''}`);
    handler(req, res, url);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  seen.length = 0;
});

async function connect(retry = { attempts: 4, baseDelayMs: 20, maxDelayMs: 100 }): Promise<Kube> {
  return Kube.connect({ kubeconfigPath: kubeconfig(`http://127.0.0.1:${port}`), retry });
}

describe('retries', () => {
  test('503 twice then 200: three requests counted, success', async () => {
    let n = 0;
    handler = (_req, res) =>
      ++n <= 2
        ? json(res, 503, { kind: 'Status', message: 'etcd busy' })
        : json(res, 200, { major: '1', minor: '20', gitVersion: 'v1.20.2' });
    const kube = await connect();
    await expect(kube.serverVersion()).resolves.toMatchObject({ gitVersion: 'v1.20.2' });
    expect(kube.stats).toEqual({ requests: 3, writes: 0, watches: 0, relists: 0 });
    await kube.close();
  });

  test('429 honours Retry-After', async () => {
    let n = 0;
    handler = (_req, res) =>
      ++n === 1
        ? json(res, 429, { kind: 'Status', message: 'slow down' }, { 'retry-after': '1' })
        : json(res, 200, { gitVersion: 'v1.20.2' });
    const kube = await connect();
    const t0 = Date.now();
    await kube.serverVersion();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(kube.stats.requests).toBe(2);
    await kube.close();
  });

  test("persistent 503 gives up after the attempt budget with the server's words", async () => {
    handler = (_req, res) =>
      json(res, 503, { kind: 'Status', status: 'Failure', message: 'etcdserver: leader changed' });
    const kube = await connect();
    const err = await kube.serverVersion().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ActionError);
    expect((err as ActionError).message).toMatch(/overloaded or failing \(HTTP 503\)/);
    expect((err as ActionError).details).toEqual(['API server: etcdserver: leader changed']);
    expect(kube.stats.requests).toBe(4);
    await kube.close();
  });

  test('a refused connection is retried, then reported as unreachable without secrets', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const kube = await Kube.connect({
      kubeconfigPath: kubeconfig(`http://127.0.0.1:${deadPort}`),
      retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 20 }
    });
    const err = (await kube.serverVersion().catch((e: unknown) => e)) as ActionError;
    expect(err.message).toBe(
      `the API server at http://127.0.0.1:${deadPort} is unreachable or overloaded (ECONNREFUSED after 3 attempts) while trying to get version`
    );
    expect(err.describe()).not.toContain('not-a-secret');
    expect(kube.stats.requests).toBe(3);
    await kube.close();
  });

  test('404 from discovery means the kind is not served: "is Istio installed?"', async () => {
    handler = (_req, res) =>
      json(res, 404, { kind: 'Status', message: 'the server could not find the requested resource' });
    const kube = await connect();
    const err = (await kube
      .get({ apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService', namespace: 'x', name: 'y' })
      .catch((e: unknown) => e)) as ActionError;
    expect(err.message).toBe(
      'the cluster does not serve kind VirtualService (apiVersion networking.istio.io/v1beta1)'
    );
    expect(err.hint).toMatch(/^is Istio installed\?/);
    await kube.close();
  });
});

describe('waitFor over list + watch', () => {
  test('410 Gone on the watch triggers a relist, then the satisfying event resolves it', async () => {
    let lists = 0;
    let watches = 0;
    const cm = (rv: string, ready: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'flag', namespace: 'team', resourceVersion: rv },
      data: { ready }
    });
    handler = (_req, res, url) => {
      if (url.pathname === '/api/v1') return json(res, 200, coreDiscovery);
      if (url.pathname !== '/api/v1/namespaces/team/configmaps') return json(res, 404, {});
      if (!url.searchParams.get('watch')) {
        lists++;
        expect(url.searchParams.get('fieldSelector')).toBe('metadata.name=flag');
        return json(res, 200, {
          kind: 'ConfigMapList',
          metadata: { resourceVersion: String(10 * lists) },
          items: [cm(String(10 * lists), 'no')]
        });
      }
      watches++;
      res.writeHead(200, { 'content-type': 'application/json' });
      if (watches === 1) {
        expect(url.searchParams.get('resourceVersion')).toBe('10');
        res.end(
          JSON.stringify({
            type: 'ERROR',
            object: {
              kind: 'Status',
              code: 410,
              reason: 'Expired',
              message: 'too old resource version: 10 (15)'
            }
          }) + '\n'
        );
        return;
      }
      expect(url.searchParams.get('resourceVersion')).toBe('20');
      // A bookmark, then an unrelated change, then the change that satisfies the wait; stream stays open.
      res.write(
        JSON.stringify({
          type: 'BOOKMARK',
          object: { kind: 'ConfigMap', metadata: { resourceVersion: '21' } }
        }) + '\n'
      );
      res.write(JSON.stringify({ type: 'MODIFIED', object: cm('22', 'almost') }) + '\n');
      setTimeout(() => res.write(JSON.stringify({ type: 'MODIFIED', object: cm('23', 'yes') }) + '\n'), 100);
    };
    const kube = await connect();
    const progress: string[] = [];
    const items = await kube.waitFor(
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'team', name: 'flag' },
      (objs) => {
        const ready = (objs[0]?.data as Record<string, string> | undefined)?.ready ?? 'absent';
        return { done: ready === 'yes', progress: `ready=${ready}` };
      },
      { timeoutMs: 5000, onProgress: (p) => progress.push(p) }
    );
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { resourceVersion: '23' }
    });
    expect(progress).toEqual(['ready=no', 'ready=almost', 'ready=yes']);
    expect([lists, watches]).toEqual([2, 2]);
    expect(kube.stats).toEqual({ requests: 5, writes: 0, watches: 2, relists: 1 });
    await kube.close();
  });

  test('a watch the server ends is resumed from the last resourceVersion without relisting', async () => {
    let watches = 0;
    handler = (_req, res, url) => {
      if (url.pathname === '/api/v1') return json(res, 200, coreDiscovery);
      if (!url.searchParams.get('watch'))
        return json(res, 200, { metadata: { resourceVersion: '5' }, items: [] });
      watches++;
      res.writeHead(200, { 'content-type': 'application/json' });
      if (watches === 1) {
        res.end(JSON.stringify({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '7' } } }) + '\n');
        return;
      }
      expect(url.searchParams.get('resourceVersion')).toBe('7');
      res.write(
        JSON.stringify({
          type: 'ADDED',
          object: { metadata: { name: 'a', namespace: 'team', resourceVersion: '8' } }
        }) + '\n'
      );
    };
    const kube = await connect();
    const items = await kube.waitFor(
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'team' },
      (objs) => ({ done: objs.length === 1, progress: `${objs.length}` }),
      { timeoutMs: 5000 }
    );
    expect(items.map((o) => o.metadata.name)).toEqual(['a']);
    expect(kube.stats).toEqual({ requests: 4, writes: 0, watches: 2, relists: 0 });
    await kube.close();
  });

  test('timeout rejects with the last progress and failure; abort rejects promptly', async () => {
    handler = (_req, res, url) => {
      if (url.pathname === '/api/v1') return json(res, 200, coreDiscovery);
      if (!url.searchParams.get('watch'))
        return json(res, 200, { metadata: { resourceVersion: '5' }, items: [] });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('');
    };
    const kube = await connect();
    const check = (): { done: boolean; progress: string; failure: string } => ({
      done: false,
      progress: '0/1 pods ready',
      failure: 'pod x: container y is crash-looping'
    });
    const t0 = Date.now();
    const err = (await kube
      .waitFor({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'team' }, check, { timeoutMs: 700 })
      .catch((e: unknown) => e)) as ActionError;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(690);
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(err).toBeInstanceOf(ActionError);
    expect(err.message).toBe('timed out after 0.7s waiting for ConfigMap objects in namespace team');
    expect(err.details).toEqual([
      'last state: 0/1 pods ready',
      'problem: pod x: container y is crash-looping'
    ]);

    const ac = new AbortController();
    setTimeout(() => ac.abort(), 150);
    const t1 = Date.now();
    const aborted = (await kube
      .waitFor({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'team' }, check, {
        timeoutMs: 60_000,
        signal: ac.signal
      })
      .catch((e: unknown) => e)) as ActionError;
    expect(Date.now() - t1).toBeLessThan(600);
    expect(aborted.message).toMatch(/^cancelled/);
    await kube.close();
  });

  test('a fatal failure ends the wait at once', async () => {
    handler = (_req, res, url) => {
      if (url.pathname === '/api/v1') return json(res, 200, coreDiscovery);
      return json(res, 200, { metadata: { resourceVersion: '5' }, items: [] });
    };
    const kube = await connect();
    const err = (await kube
      .waitFor(
        { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'team' },
        () => ({ done: false, progress: '0/1', failure: 'image cannot be pulled', fatal: true }),
        { timeoutMs: 60_000 }
      )
      .catch((e: unknown) => e)) as ActionError;
    expect(err.message).toBe(
      'gave up waiting for ConfigMap objects in namespace team: image cannot be pulled'
    );
    expect(kube.stats.watches).toBe(0);
    await kube.close();
  });
});

describe("a dry run's connection", () => {
  test('applies and deletes as server-side dry runs, writes nothing, and refuses any other write', async () => {
    const dryRuns: string[] = [];
    handler = (req, res, url) => {
      if (url.pathname === '/api/v1') return json(res, 200, coreDiscovery);
      if (req.method === 'GET') return json(res, 404, { kind: 'Status', code: 404, reason: 'NotFound' });
      dryRuns.push(`${req.method} ${url.searchParams.get('dryRun') ?? 'persisted'}`);
      return json(res, 200, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'x', namespace: 'team', resourceVersion: '1' }
      });
    };
    const kube = await Kube.connect({
      kubeconfigPath: kubeconfig(`http://127.0.0.1:${port}`),
      dryRun: true
    });
    expect(kube.dryRun).toBe(true);
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: '1' } };
    // Asked for a real apply and a real delete: the connection makes both dry runs.
    const [outcome] = await kube.apply([cm], { dryRun: false });
    expect(outcome?.action).toBe('created');
    await kube.delete(
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'team', name: 'x' },
      { dryRun: false }
    );
    expect(dryRuns).toEqual(['PATCH All', 'DELETE All']);
    expect(kube.stats.writes).toBe(0);
    await expect(
      kube
        .withFieldManager('ask-istio-lock-test')
        .apply([cm])
        .then(() => undefined)
    ).resolves.toBeUndefined(); // still a dry run under another field manager
    expect(dryRuns.at(-1)).toBe('PATCH All');
    // A write that has no dry-run form is refused before it is sent.
    const requestsBefore = kube.stats.requests;
    const transport = (kube as unknown as { t: { send: (r: unknown) => Promise<unknown> } }).t;
    await expect(
      transport.send({
        method: 'PATCH',
        path: '/api/v1/namespaces/team/configmaps/x',
        info: { verb: 'patch', resource: 'configmaps', group: '', name: 'x' },
        write: true,
        retry: 'none'
      })
    ).rejects.toThrow(
      /^bug: a dry run tried to change the cluster \(PATCH configmaps x\); nothing was sent$/
    );
    expect(kube.stats.requests).toBe(requestsBefore);
    expect(kube.stats.writes).toBe(0);
  });
});

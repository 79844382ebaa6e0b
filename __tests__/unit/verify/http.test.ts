import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { ActionError } from '../../../src/errors.js';
import { Session, smokeTest, verifyRouting } from '../../../src/verify/http.js';
import { newPage, oldPage } from './pages.js';
import { verify } from '../../../src/verify/run.js';
import { newReport } from '../../../src/report/model.js';
import { config } from '../report/fixtures.js';

// A stand-in productpage: anonymous visitors get v1 and v3 pages in a chosen rotation; logging in
// sets a `session` cookie (as Flask does) and the logged-in user gets `userPage`.
interface Behaviour {
  rotation: Array<Parameters<typeof oldPage>[0]>;
  userPage: Parameters<typeof oldPage>[0];
  failFirst: number;
  requireHost?: string;
  /** The reviews pod named in "Reviews served by" for a version (absent: the line is not shown). */
  servedBy?: (version: string) => string;
}

let behaviour: Behaviour;
let served = 0;
let logins: Array<{ body: string; referer?: string }> = [];
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (behaviour.requireHost && req.headers.host !== behaviour.requireHost) {
        res.writeHead(404).end('no route for host');
        return;
      }
      if (req.method === 'POST' && req.url === '/login') {
        logins.push({ body, referer: req.headers.referer });
        const user = new URLSearchParams(body).get('username') ?? '';
        res
          .writeHead(302, {
            location: req.headers.referer ?? 'None',
            'set-cookie': `session=signed.${user}.x; HttpOnly; Path=/`
          })
          .end();
        return;
      }
      if (req.url === '/logout') {
        res
          .writeHead(302, {
            location: '/productpage',
            'set-cookie': 'session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/'
          })
          .end();
        return;
      }
      if (req.url !== '/productpage') {
        res.writeHead(404).end();
        return;
      }
      const n = served++;
      if (n < behaviour.failFirst) {
        res.writeHead(503).end('no healthy upstream');
        return;
      }
      const user = /session=signed\.([^.]+)\./.exec(req.headers.cookie ?? '')?.[1];
      const version = user ? behaviour.userPage : (behaviour.rotation[n % behaviour.rotation.length] ?? 'v1');
      // Alternate between the two templates: the classifier must not care.
      const opts = behaviour.servedBy ? { servedBy: behaviour.servedBy(version) } : {};
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(n % 2 ? newPage(version, opts) : oldPage(version, opts));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  behaviour = { rotation: ['v1', 'v3'], userPage: 'v2', failFirst: 0 };
  served = 0;
  logins = [];
});

describe('Session', () => {
  it('logs in with a form post and a Referer, keeps the session cookie, drops it on logout', async () => {
    const s = new Session(base);
    await s.login('jason');
    expect(logins).toEqual([{ body: 'username=jason&passwd=password', referer: `${base}/productpage` }]);
    expect(s.cookies.get('session')).toBe('signed.jason.x');
    await s.logout();
    expect(s.cookies.has('session')).toBe(false);
  });

  it('fails clearly when login sets no session', async () => {
    const s = new Session(`${base}/nowhere`);
    await expect(s.login('jason')).rejects.toThrow(ActionError);
    await expect(s.login('jason')).rejects.toThrow(
      /Logging in to Bookinfo as "jason" failed \(HTTP 404, no session cookie set\)/
    );
  });
});

describe('verifyRouting', () => {
  it('passes a 50/50 split and a deterministic user route, with counts per identity', async () => {
    const result = await verifyRouting(
      base,
      { anonymous: { v1: 50, v3: 50 }, users: { jason: { v2: 100 } } },
      { requests: 30, concurrency: 1 }
    );
    expect(result.pass).toBe(true);
    const [anon, jason] = result.identities;
    expect(anon).toMatchObject({
      identity: 'anonymous',
      observed: { v1: 15, v3: 15 },
      requests: 30,
      pValue: 1,
      pass: true
    });
    expect(jason).toMatchObject({
      identity: 'jason',
      observed: { v2: 30 },
      pValue: 1,
      method: 'deterministic',
      pass: true
    });
    expect(jason?.latency.p95).toBeGreaterThanOrEqual(jason?.latency.p50 ?? Infinity);
  });

  it('fails a split that does not match, naming the p-value', async () => {
    behaviour.rotation = ['v1', 'v1', 'v1', 'v1', 'v1', 'v3'];
    const result = await verifyRouting(
      base,
      { anonymous: { v1: 50, v3: 50 } },
      { requests: 30, concurrency: 3 }
    );
    expect(result.pass).toBe(false);
    expect(result.identities[0]?.observed).toEqual({ v1: 25, v3: 5 });
    expect(result.identities[0]?.pValue).toBeLessThan(0.001);
    expect(result.identities[0]?.reason).toMatch(
      /observed split is unlikely under the expected one \(p = .* < 0.001\)/
    );
  });

  it('fails a deterministic route on a single stray answer', async () => {
    behaviour.rotation = [...Array<'v1'>(9).fill('v1'), 'v3'];
    const result = await verifyRouting(base, { anonymous: { v1: 100 } }, { requests: 20, concurrency: 2 });
    expect(result.identities[0]).toMatchObject({ observed: { v1: 18, v3: 2 }, pValue: 0, pass: false });
  });

  it('counts failed requests as errors and shows why', async () => {
    behaviour.failFirst = 3;
    const result = await verifyRouting(
      base,
      { anonymous: { v1: 50, v3: 50 } },
      { requests: 10, concurrency: 1 }
    );
    expect(result.identities[0]?.observed.error).toBe(3);
    expect(result.identities[0]?.errors[0]).toBe('HTTP 503: no healthy upstream');
    expect(result.pass).toBe(false);
  });

  it('classifies a ratings abort for the user', async () => {
    behaviour.userPage = 'ratings-error';
    const expectAbort = { anonymous: { v1: 50, v3: 50 }, users: { jason: { 'ratings-unavailable': 100 } } };
    const result = await verifyRouting(base, expectAbort, { requests: 10 });
    expect(result.identities[1]).toMatchObject({ observed: { 'ratings-unavailable': 10 }, pass: true });
  });

  it('fails a 7 s ratings delay that did not slow the page down', async () => {
    behaviour.userPage = 'reviews-error';
    const expectDelay = {
      anonymous: { v1: 50, v3: 50 },
      users: { jason: { 'reviews-unavailable': 100 } },
      ratingsFault: { fault: 'delay7s' as const, users: ['jason'] }
    };
    const result = await verifyRouting(base, expectDelay, { requests: 6 });
    expect(result.identities[1]).toMatchObject({
      observed: { 'reviews-unavailable': 6 },
      pValue: 1,
      pass: false
    });
    expect(result.identities[1]?.reason).toMatch(
      /ratings is delayed 7 s for jason, yet the median page took \d+ ms/
    );
  });

  it('sends the Host header the gateway routes on', async () => {
    behaviour.requireHost = 'pr-7.example.test';
    const result = await verifyRouting(
      base,
      { anonymous: { v1: 50, v3: 50 } },
      { requests: 4, hostHeader: 'pr-7.example.test' }
    );
    expect(result.pass).toBe(true);
  });
});

describe('smokeTest', () => {
  it('retries until the page answers, then measures latency', async () => {
    behaviour.failFirst = 2;
    const result = await smokeTest(base, { budgetMs: 10000, samples: 5 });
    expect(result).toMatchObject({ ok: true, attempts: 3 });
    expect(served).toBe(2 + 5);
    expect(result.latency?.p50).toBeGreaterThan(0);
  });

  it('gives up when the budget is spent, with the last problem', async () => {
    behaviour.failFirst = 1000;
    const result = await smokeTest(base, { budgetMs: 1200 });
    expect(result.ok).toBe(false);
    expect(result.attempts).toBeGreaterThanOrEqual(2);
    expect(result.lastProblem).toBe('HTTP 503: no healthy upstream');
    expect(result.elapsedMs).toBeLessThan(5000);
  });

  it("reports the gateway's answer for a host it does not route", async () => {
    behaviour.requireHost = 'bookinfo.example.test';
    const result = await smokeTest(base, { budgetMs: 600, hostHeader: 'other.example.test' });
    expect(result).toMatchObject({ ok: false, lastProblem: 'HTTP 404: no route for host' });
  });

  it('rejects a 200 that is not the Bookinfo page', async () => {
    const other = http.createServer((_req, res) =>
      res.writeHead(200).end('<html><title>Welcome to nginx!</title></html>')
    );
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const r = await smokeTest(`http://127.0.0.1:${(other.address() as AddressInfo).port}`, {
        budgetMs: 300
      });
      expect(r).toMatchObject({
        ok: false,
        lastProblem: 'HTTP 200 but the page has no "Simple Bookstore App" title'
      });
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });
});

describe('[R3-11] where the pages came from', () => {
  it('[R3-11] verifyRouting counts the reviews pods named in "Reviews served by"', async () => {
    behaviour.servedBy = (v) => `reviews-${v}-7d5f9c8b9-${v === 'v1' ? 'aaaaa' : 'bbbbb'}`;
    const result = await verifyRouting(
      base,
      { anonymous: { v1: 50, v3: 50 } },
      { requests: 10, concurrency: 1 }
    );
    expect(result.identities[0]?.servedBy).toEqual({
      'reviews-v1-7d5f9c8b9-aaaaa': 5,
      'reviews-v3-7d5f9c8b9-bbbbb': 5
    });
  });

  it('[R3-11] a failed verification names the namespace that answered instead of the sidecar hint', async () => {
    // Issue 15's case: namespace B (reviews-80-20) gets namespace A's reviews-v3 for every request.
    behaviour.rotation = ['v3'];
    behaviour.servedBy = (v) => `reviews-${v}-5c8d6f7b4-xk2lp`;
    const c = { ...config(), namespace: 'bookinfo-b' };
    const report = newReport('deploy', false);
    const located = new Map([['reviews-v3-5c8d6f7b4-xk2lp', 'bookinfo-a']]);
    // Through the step log, as the pipeline runs it: the failure reaches the caller as the ActionError,
    // and the verification it measured reaches the report (the `verification` output of a failed run).
    const err = await report.steps
      .run('Verify', () =>
        verify({
          config: { ...c, verify: { smokeTest: false, verifyRouting: true, requests: 20 } },
          gateway: { host: '127.0.0.1', port: 80, via: 'loadbalancer', url: base },
          routing: { variant: 'reviews-80-20', expectation: { anonymous: { v1: 80, v2: 20 } } },
          locatePods: async () => located
        })
      )
      .then(
        () => undefined,
        (e: unknown) => e as ActionError
      );
    expect(err).toBeInstanceOf(ActionError);
    expect(report.verification?.pass).toBe(false);
    expect(report.verification?.identities[0]?.observed).toEqual({ v3: 20 });
    expect(err?.details[0]).toBe(
      '20 of 20 pages were rendered by reviews pods of namespace bookinfo-a (reviews-v3-5c8d6f7b4-xk2lp), not by those of bookinfo-b: ' +
        'the ingress sent these requests to another deployment of Bookinfo, typically through another namespace’s Gateway claiming the same host (Istio serves a shared host from the older Gateway).'
    );
    expect(err?.hint).toMatch(/^Give this deployment its own gateway-hosts/);
    expect(err?.hint).not.toMatch(/Sidecars may still be picking up/);
  }, 30_000);
});

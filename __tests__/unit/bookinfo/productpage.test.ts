// The in-cluster productpage check polls through the API server's service proxy, but a cancelled job must
// not keep polling: with the 10 s hard exit in main.ts it would lose the outputs and the summary.
import { describe, expect, test } from '@jest/globals';
import { checkProductpage } from '../../../src/bookinfo/deploy.js';

type ProxyGet = (
  ns: string,
  svc: string,
  port: number,
  path: string
) => Promise<{ status: number; body: string }>;

function fakeKube(proxyGet: ProxyGet, signal?: AbortSignal) {
  return { proxyGet: proxyGet as never, signal };
}

describe('checkProductpage', () => {
  test('retries a not-yet-ready productpage and returns once it answers', async () => {
    let calls = 0;
    const kube = fakeKube(async () => {
      calls++;
      if (calls < 3) throw new Error('connection refused');
      return { status: 200, body: '<title>Simple Bookstore App</title>' };
    });
    await checkProductpage(kube, 'bookinfo', 10_000);
    expect(calls).toBe(3);
  });

  test('stops at once when the job is cancelled, with the cancellation and not the last HTTP error', async () => {
    const ctl = new AbortController();
    let calls = 0;
    const kube = fakeKube(async () => {
      calls++;
      if (calls === 2) ctl.abort();
      throw ctl.signal.aborted ? new Error('aborted') : new Error('HTTP 503');
    }, ctl.signal);
    const started = Date.now();
    await expect(checkProductpage(kube, 'bookinfo', 60_000)).rejects.toThrow(/cancelled/);
    expect(calls).toBe(2);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test('a cancellation during the back-off ends the wait too', async () => {
    const ctl = new AbortController();
    const kube = fakeKube(async () => ({ status: 503, body: 'no healthy upstream' }), ctl.signal);
    setTimeout(() => ctl.abort(), 50);
    await expect(checkProductpage(kube, 'bookinfo', 60_000)).rejects.toThrow(/cancelled/);
  });

  test('gives up after its deadline naming the last answer', async () => {
    const kube = fakeKube(async () => ({ status: 503, body: 'no healthy upstream' }));
    await expect(checkProductpage(kube, 'bookinfo', 300)).rejects.toThrow(/did not answer .*HTTP 503/);
  });
});

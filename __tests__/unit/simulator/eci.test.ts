import { describe, expect, it } from '@jest/globals';
import {
  cachePullMs,
  DEFAULT_ECI_TIMING,
  jitterFactor,
  matchCache,
  normalizeImage,
  parseEciTiming,
  podStartMs,
  type CacheView
} from '../../../test/simulator/eci.js';

const PROXY = 'docker.io/istio/proxyv2:1.30.3';
const REVIEWS = 'docker.io/istio/examples-bookinfo-reviews-v2:1.20.3';
const noJitter = { ...DEFAULT_ECI_TIMING, jitter: 0, timeScale: 0.05 };
const ready = (name: string, images: string[], id = `imc-${name}`): CacheView => ({
  name,
  id,
  ready: true,
  images
});

describe('the ECI timing model', () => {
  it('is off unless eci.json enables it; overrides are checked', () => {
    expect(parseEciTiming(undefined)).toBeUndefined();
    expect(parseEciTiming('{"enabled": false}')).toBeUndefined();
    expect(parseEciTiming('{"enabled": true, "timeScale": 1}')).toMatchObject({
      timeScale: 1,
      podOverheadMs: 8000
    });
    expect(() => parseEciTiming('{"enabled": true, "jitter": 1.5}')).toThrow(/jitter/);
    expect(() => parseEciTiming('{"enabled": true, "pullMs": [{"match": 1}]}')).toThrow(/pullMs\[0\]/);
  });

  it('a pod without a cache waits for the sandbox plus its slowest pull; with a Ready cache, for almost nothing', () => {
    const pod = { key: 'ns/reviews-v2-1', images: [PROXY, REVIEWS], annotations: {} };
    const cold = podStartMs(noJitter, pod, []);
    expect(cold.simulatedMs).toBe(8_000 + 25_000);
    expect(cold.realMs).toBe(Math.round(33_000 * 0.05));
    expect(cold.pulled).toEqual([PROXY, REVIEWS]);
    const warm = podStartMs(noJitter, pod, [
      ready('c', [PROXY, 'istio/examples-bookinfo-reviews-v2:1.20.3'])
    ]);
    expect(warm).toMatchObject({ simulatedMs: 8_500, cache: 'c', pulled: [] });
    // Half covered: the uncovered image is still pulled, and it is the slow one.
    const half = podStartMs(noJitter, pod, [ready('p', [PROXY])]);
    expect(half).toMatchObject({ simulatedMs: 33_000, cache: 'p', pulled: [REVIEWS] });
  });

  it('matches as ECI documents: the pinned id first, none when auto-match is off, else the most images', () => {
    const small = ready('small', [PROXY]);
    const big = ready('big', [PROXY, REVIEWS]);
    const notReady = { ...ready('building', [PROXY, REVIEWS]), ready: false };
    expect(matchCache([PROXY, REVIEWS], {}, [small, big, notReady])?.name).toBe('big');
    expect(
      matchCache([PROXY, REVIEWS], { 'k8s.aliyun.com/eci-imc-id': 'imc-small' }, [small, big])?.name
    ).toBe('small');
    expect(matchCache([PROXY], { 'k8s.aliyun.com/eci-imc-id': 'imc-building' }, [notReady])).toBeUndefined();
    expect(matchCache([PROXY], { 'k8s.aliyun.com/eci-auto-imc': 'false' }, [big])).toBeUndefined();
    expect(matchCache(['nginx'], {}, [big])).toBeUndefined();
  });

  it("spells out Docker Hub's implicit registry and tag, so short and long references match", () => {
    expect(normalizeImage('nginx')).toBe('docker.io/library/nginx:latest');
    expect(normalizeImage('istio/proxyv2:1.30.3')).toBe(PROXY);
    expect(normalizeImage('registry.example.com:5000/a/b@sha256:ab')).toBe(
      'registry.example.com:5000/a/b@sha256:ab'
    );
  });

  it('jitter is deterministic per key and seed and stays within its bounds', () => {
    const t = { ...DEFAULT_ECI_TIMING, jitter: 0.1 };
    const f = jitterFactor(t, 'ns/pod-a');
    expect(jitterFactor(t, 'ns/pod-a')).toBe(f);
    expect(jitterFactor({ ...t, seed: 2 }, 'ns/pod-a')).not.toBe(f);
    for (const k of ['a', 'b', 'c', 'd', 'e', 'f']) {
      const x = jitterFactor(t, k);
      expect(x).toBeGreaterThanOrEqual(0.9);
      expect(x).toBeLessThanOrEqual(1.1);
    }
    expect(cachePullMs(noJitter, 'c', [PROXY, REVIEWS])).toBe(33_000);
  });
});

// The ECI timing mode: how long an ASK pod takes to start, as a model. On ASK every pod is an Elastic
// Container Instance — a fresh sandbox with no image store of its own — so each pod pulls every image it
// names, unless an ECI ImageCache that holds them is Ready; then its images come from the cache's
// snapshot and the pod starts in little more than the sandbox's own start-up. Pure: the kubelet asks
// `podStartMs`, the ImageCache controller asks `cachePullMs`.
//
// The numbers are modelled, not measured (no ECI runs here): the defaults follow the magnitudes ECI's
// documentation and the issue that asked for this mode give — a sandbox start of a few seconds, small
// images in a few seconds, Istio's proxyv2-sized images in 15–30 s — and every one of them can be set in
// the behaviour ConfigMap's `eci.json` (test/README.md). `timeScale` maps simulated time to the
// test's real time, so a 40 s ECI start can take 2 s of a test.

/** k8s.aliyun.com annotations ECI reads on a pod when it is created (Alibaba Cloud's ECI docs). */
export const AUTO_MATCH_ANNOTATION = 'k8s.aliyun.com/eci-auto-imc';
export const PINNED_CACHE_ANNOTATION = 'k8s.aliyun.com/eci-imc-id';

export interface EciTiming {
  /** Real milliseconds per simulated millisecond (1 = real time). */
  timeScale: number;
  /** The sandbox's own start (simulated ms): ECI instance, network, volumes. */
  podOverheadMs: number;
  /** An image pulled from a registry, by the first pattern its reference contains (simulated ms). */
  pullMs: Array<{ match: string; ms: number }>;
  /** An image no pattern matches. */
  defaultPullMs: number;
  /** An image served from a Ready ImageCache's snapshot. */
  cachedPullMs: number;
  /** Each duration is scaled by a factor in [1 - jitter, 1 + jitter], drawn from `seed`. */
  jitter: number;
  seed: number;
}

export const DEFAULT_ECI_TIMING: EciTiming = {
  timeScale: 0.05,
  podOverheadMs: 8_000,
  pullMs: [
    { match: '/proxyv2:', ms: 22_000 },
    { match: '/pilot:', ms: 18_000 },
    { match: '/install-cni:', ms: 15_000 },
    { match: '/ztunnel:', ms: 15_000 },
    // Bookinfo's reviews images carry a Java application server: the largest of the sample.
    { match: 'examples-bookinfo-reviews', ms: 25_000 }
  ],
  defaultPullMs: 5_000,
  cachedPullMs: 500,
  jitter: 0.1,
  seed: 1
};

/** `eci.json` of the behaviour ConfigMap: `{"enabled": true, ...overrides}`; absent or disabled: undefined. */
export function parseEciTiming(json: string | undefined): EciTiming | undefined {
  if (!json?.trim()) return undefined;
  const raw = JSON.parse(json) as Record<string, unknown>;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new Error('eci.json must be a JSON object');
  if (raw.enabled !== true) return undefined;
  const out: EciTiming = { ...DEFAULT_ECI_TIMING, pullMs: [...DEFAULT_ECI_TIMING.pullMs] };
  for (const key of [
    'timeScale',
    'podOverheadMs',
    'defaultPullMs',
    'cachedPullMs',
    'jitter',
    'seed'
  ] as const) {
    const v = raw[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      throw new Error(`eci.json: ${key} must be a number >= 0`);
    out[key] = v;
  }
  if (out.jitter >= 1) throw new Error('eci.json: jitter must be below 1');
  if (raw.pullMs !== undefined) {
    if (!Array.isArray(raw.pullMs)) throw new Error('eci.json: pullMs must be an array of {match, ms}');
    out.pullMs = raw.pullMs.map((p: unknown, i) => {
      const e = (p ?? {}) as Record<string, unknown>;
      if (typeof e.match !== 'string' || typeof e.ms !== 'number' || e.ms < 0)
        throw new Error(`eci.json: pullMs[${i}] must be {"match": string, "ms": number >= 0}`);
      return { match: e.match, ms: e.ms };
    });
  }
  return out;
}

/** An ImageCache as the kubelet sees it: its id, whether it is Ready, and the images it holds. */
export interface CacheView {
  name: string;
  id?: string;
  ready: boolean;
  images: readonly string[];
}

/** Same reference, with Docker Hub's implicit registry and library/ prefix, and :latest, spelled out. */
export function normalizeImage(ref: string): string {
  let name = ref.trim();
  if (!/[:@][^/]*$/.test(name)) name += ':latest';
  const first = name.split('/')[0]!;
  const hasRegistry =
    name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasRegistry) name = `docker.io/${name.includes('/') ? '' : 'library/'}${name}`;
  return name;
}

/**
 * The cache ECI would use for a pod: the pinned one (eci-imc-id, when Ready), else — unless auto-match is
 * off — the Ready cache that holds most of the pod's images (ties: the larger cache, then the name).
 */
export function matchCache(
  images: readonly string[],
  annotations: Readonly<Record<string, string>>,
  caches: readonly CacheView[]
): CacheView | undefined {
  const ready = caches.filter((c) => c.ready);
  const pinned = annotations[PINNED_CACHE_ANNOTATION];
  if (pinned) return ready.find((c) => c.id === pinned);
  if (annotations[AUTO_MATCH_ANNOTATION] === 'false') return undefined;
  const wanted = new Set(images.map(normalizeImage));
  let best: { cache: CacheView; hits: number } | undefined;
  for (const cache of [...ready].sort(
    (a, b) => b.images.length - a.images.length || a.name.localeCompare(b.name)
  )) {
    const hits = new Set(cache.images.map(normalizeImage).filter((i) => wanted.has(i))).size;
    if (hits > 0 && (!best || hits > best.hits)) best = { cache, hits };
  }
  return best?.cache;
}

/** A deterministic factor in [1 - jitter, 1 + jitter] for `key` (FNV-1a of seed and key). */
export function jitterFactor(timing: EciTiming, key: string): number {
  let h = 0x811c9dc5 ^ Math.floor(timing.seed);
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  const unit = (h >>> 0) / 0xffffffff;
  return 1 + timing.jitter * (2 * unit - 1);
}

/** Simulated ms to pull one image from its registry. */
export function registryPullMs(timing: EciTiming, image: string): number {
  return timing.pullMs.find((p) => image.includes(p.match))?.ms ?? timing.defaultPullMs;
}

export interface PodStart {
  /** Real milliseconds until the pod's containers start. */
  realMs: number;
  /** The same, in simulated milliseconds. */
  simulatedMs: number;
  /** The ImageCache used, if any. */
  cache?: string;
  /** Images pulled from their registry (not in the cache). */
  pulled: string[];
}

/**
 * How long a pod takes to start: the sandbox, then its images — ECI pulls them in parallel, so the
 * slowest image counts — each from the matched cache if it holds it, else from its registry.
 */
export function podStartMs(
  timing: EciTiming,
  pod: { key: string; images: readonly string[]; annotations: Readonly<Record<string, string>> },
  caches: readonly CacheView[]
): PodStart {
  const cache = matchCache(pod.images, pod.annotations, caches);
  const held = new Set((cache?.images ?? []).map(normalizeImage));
  const pulled = pod.images.filter((i) => !held.has(normalizeImage(i)));
  const slowest = Math.max(
    0,
    ...pod.images.map((i) => (held.has(normalizeImage(i)) ? timing.cachedPullMs : registryPullMs(timing, i)))
  );
  const simulatedMs = Math.round((timing.podOverheadMs + slowest) * jitterFactor(timing, pod.key));
  return {
    realMs: Math.round(simulatedMs * timing.timeScale),
    simulatedMs,
    ...(cache ? { cache: cache.name } : {}),
    pulled: [...new Set(pulled)]
  };
}

/** Simulated ms for ECI to build a cache of these images: every image pulled once, in parallel. */
export function cachePullMs(timing: EciTiming, name: string, images: readonly string[]): number {
  const slowest = Math.max(0, ...images.map((i) => registryPullMs(timing, i)));
  return Math.round((timing.podOverheadMs + slowest) * jitterFactor(timing, `imagecache/${name}`));
}

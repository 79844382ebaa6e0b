// Getting istioctl (and the release's samples) onto the runner: tool cache first, otherwise download,
// verify against the published .sha256, extract and cache. Shaped like actions/setup-node's installer.
import { chmod, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as core from '@actions/core';
import * as tc from '@actions/tool-cache';
import { ActionError } from '../errors.js';
import { assertSafeArchive } from './archive.js';
import {
  describeNetworkError,
  downloadToFile,
  fetchText,
  HttpStatusError,
  type FetchFn,
  type DownloadPolicy
} from './download.js';
import { coreLogger, type Logger } from './log.js';
import {
  assetUrls,
  binaryName,
  parseSha256File,
  platformKey,
  type Asset,
  type PlatformKey
} from './platform.js';
import { listReleases } from './releases.js';
import { notFoundError, parseVersionSpec, resolveVersion } from './versions.js';

export interface DownloadContext {
  downloadUrl: string;
  githubToken?: string;
  /** API root serving istio/istio releases (default https://api.github.com; see releases.ts). */
  apiUrl?: string;
  log?: Logger;
  fetch?: FetchFn;
  retry?: Partial<DownloadPolicy>;
  signal?: AbortSignal;
  /** Runner OS/arch in Node's names; default: this process's. */
  os?: string;
  arch?: string;
}

export interface InstallIstioctlOptions extends DownloadContext {
  versionSpec: string;
  /** Put the binary's directory on PATH for later steps (default true). */
  addToPath?: boolean;
}

export interface InstallTimings {
  resolveMs: number;
  downloadMs: number;
  extractMs: number;
  totalMs: number;
}

export interface InstalledIstioctl {
  version: string;
  /** Directory that contains the binary (the tool-cache entry). */
  path: string;
  binary: string;
  cacheHit: boolean;
  downloadedBytes: number;
  timings: InstallTimings;
  platform: PlatformKey;
  /** Archive URL and verified digest; absent on a cache hit. */
  url?: string;
  sha256?: string;
}

export interface InstalledSamples {
  version: string;
  /** The release's `istio-<v>/` directory (manifests/, samples/; its bin/ is not kept). */
  path: string;
  cacheHit: boolean;
  downloadedBytes: number;
  timings: InstallTimings;
  url?: string;
  sha256?: string;
}

const ms = (start: number): number => Math.round(performance.now() - start);

export async function installIstioctl(opts: InstallIstioctlOptions): Promise<InstalledIstioctl> {
  const log = opts.log ?? coreLogger;
  const started = performance.now();
  requireRunnerDirs();
  const spec = parseVersionSpec(opts.versionSpec);
  // An exact version needs no release list: the tool cache or the download itself answers it.
  const version =
    spec.kind === 'exact'
      ? spec.version
      : resolveVersion(opts.versionSpec, await listReleases({ ...opts, log }));
  const resolveMs = ms(started);
  if (spec.kind !== 'exact') log.info(`istio-version ${opts.versionSpec} resolved to ${version}`);
  const arch = opts.arch ?? process.arch;
  const platform = platformKey(opts.os ?? process.platform, arch, version);
  const bin = binaryName(platform);

  const cached = await cachedDir('istioctl', version, arch, bin);
  if (cached) {
    log.info(`istioctl ${version} found in the tool cache: ${cached}`);
    if (opts.addToPath !== false) core.addPath(cached);
    return {
      version,
      path: cached,
      binary: join(cached, bin),
      cacheHit: true,
      downloadedBytes: 0,
      platform,
      timings: { resolveMs, downloadMs: 0, extractMs: 0, totalMs: ms(started) }
    };
  }

  const asset = assetUrls(opts.downloadUrl, version, platform).istioctl;
  const work = await mkdtemp(join(process.env['RUNNER_TEMP'] || tmpdir(), 'istioctl-'));
  try {
    log.info(`Downloading istioctl ${version} (${platform}) from ${asset.url}`);
    const got = await fetchVerified(asset, version, platform, work, { ...opts, log });
    const extractStart = performance.now();
    const dir = await extract(asset, got.file, join(work, 'x'));
    if (!(await exists(join(dir, bin)))) {
      throw new ActionError(`${asset.fileName} has no ${bin} at its root.`, {
        details: [`It contains: ${(await readdir(dir)).join(', ') || 'nothing'}`],
        hint: 'If istio-download-url points at a mirror, copy the release archives unchanged.'
      });
    }
    await chmod(join(dir, bin), 0o755);
    // Only the binary goes into the cache (and so onto PATH): anything else a tampered archive carries
    // (say a `kubectl` or `sh`) must not shadow the runner's tools.
    const path = await tc.cacheFile(join(dir, bin), bin, 'istioctl', version, arch);
    const extractMs = ms(extractStart);
    if (opts.addToPath !== false) core.addPath(path);
    log.info(`istioctl ${version} installed in ${path}`);
    return {
      version,
      path,
      binary: join(path, bin),
      cacheHit: false,
      downloadedBytes: got.bytes,
      platform,
      url: asset.url,
      sha256: got.sha256,
      timings: { resolveMs, downloadMs: got.downloadMs, extractMs, totalMs: ms(started) }
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The directory of the release's `istio-<v>/` (samples/bookinfo/..., manifests/), from the tool cache or downloaded. */
export async function installSamples(opts: DownloadContext & { version: string }): Promise<string> {
  return (await fetchSamples(opts)).path;
}

/** installSamples with the details: cache hit, bytes, timings, URL and digest. */
export async function fetchSamples(opts: DownloadContext & { version: string }): Promise<InstalledSamples> {
  const log = opts.log ?? coreLogger;
  const started = performance.now();
  requireRunnerDirs();
  const version = opts.version.replace(/^v/, '');
  const arch = opts.arch ?? process.arch;
  const cached = await cachedDir('istio', version, arch, 'samples');
  if (cached) {
    log.info(`Istio ${version} release files found in the tool cache: ${cached}`);
    return { version, path: cached, cacheHit: true, downloadedBytes: 0, timings: zeroTimings(ms(started)) };
  }
  const platform = platformKey(opts.os ?? process.platform, arch, version);
  const asset = assetUrls(opts.downloadUrl, version, platform).full;
  const work = await mkdtemp(join(process.env['RUNNER_TEMP'] || tmpdir(), 'istio-'));
  try {
    log.info(`Downloading the Istio ${version} release (for its samples) from ${asset.url}`);
    const got = await fetchVerified(asset, version, platform, work, { ...opts, log });
    const extractStart = performance.now();
    const top = join(await extract(asset, got.file, join(work, 'x')), `istio-${version}`);
    if (!(await exists(join(top, 'samples')))) {
      throw new ActionError(`${asset.fileName} has no istio-${version}/samples directory.`, {
        hint: 'If istio-download-url points at a mirror, copy the release archives unchanged.'
      });
    }
    // istioctl has its own tool-cache entry; a second copy here (about 100 MB) would only fill the runner.
    await rm(join(top, 'bin'), { recursive: true, force: true });
    const path = await tc.cacheDir(top, 'istio', version, arch);
    return {
      version,
      path,
      cacheHit: false,
      downloadedBytes: got.bytes,
      url: asset.url,
      sha256: got.sha256,
      timings: { resolveMs: 0, downloadMs: got.downloadMs, extractMs: ms(extractStart), totalMs: ms(started) }
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function zeroTimings(totalMs: number): InstallTimings {
  return { resolveMs: 0, downloadMs: 0, extractMs: 0, totalMs };
}

function requireRunnerDirs(): void {
  if (!process.env['RUNNER_TOOL_CACHE']) {
    throw new ActionError('RUNNER_TOOL_CACHE is not set, so there is nowhere to keep istioctl.', {
      hint: 'Run inside a GitHub Actions runner, or set RUNNER_TOOL_CACHE and RUNNER_TEMP to writable directories.'
    });
  }
}

/** A complete tool-cache entry that still holds `mustContain` (a half-deleted entry counts as a miss). */
async function cachedDir(
  tool: string,
  version: string,
  arch: string,
  mustContain: string
): Promise<string | undefined> {
  const dir = tc.find(tool, version, arch);
  return dir && (await exists(join(dir, mustContain))) ? dir : undefined;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false
  );
}

async function extract(asset: Asset, file: string, dest: string): Promise<string> {
  await assertSafeArchive(asset.fileName, file, asset.format);
  try {
    return asset.format === 'zip' ? await tc.extractZip(file, dest) : await tc.extractTar(file, dest);
  } catch (err) {
    throw new ActionError(`Could not unpack ${asset.fileName}: ${describeNetworkError(err)}`, { cause: err });
  }
}

/** Downloads `asset` and its `.sha256` side by side, and fails unless the digests match. */
async function fetchVerified(
  asset: Asset,
  version: string,
  platform: PlatformKey,
  work: string,
  ctx: DownloadContext & { log: Logger }
): Promise<{ file: string; bytes: number; sha256: string; downloadMs: number }> {
  const start = performance.now();
  const file = join(work, asset.fileName);
  const http = { fetch: ctx.fetch, retry: ctx.retry, signal: ctx.signal, log: ctx.log };
  const checksum = fetchText(asset.sha256Url, http);
  checksum.catch(() => undefined); // awaited below; a failure must not surface as unhandled first
  let got;
  try {
    got = await downloadToFile(asset.url, file, http);
  } catch (err) {
    if (err instanceof HttpStatusError && err.status === 404)
      throw await missingAsset(asset, version, platform, ctx);
    if (err instanceof ActionError) throw err;
    throw new ActionError(`Downloading ${asset.url} failed: ${describeNetworkError(err)}`, {
      hint: 'Check the runner can reach istio-download-url; for networks that cannot reach GitHub, point it at a mirror.',
      cause: err
    });
  }
  let expected: string;
  try {
    expected = parseSha256File((await checksum).text, asset.fileName);
  } catch (err) {
    if (err instanceof ActionError) throw err;
    const status = err instanceof HttpStatusError ? `HTTP ${err.status}` : describeNetworkError(err);
    throw new ActionError(
      `Could not get the checksum of ${asset.fileName} (${status} from ${asset.sha256Url}).`,
      {
        hint: 'Istio publishes a .sha256 next to every archive; a mirror must serve them too. Downloads are never used unverified.',
        cause: err
      }
    );
  }
  if (expected !== got.sha256) {
    throw new ActionError(`The sha256 of ${asset.fileName} does not match its published checksum.`, {
      details: [
        `Downloaded from: ${asset.url} (${got.bytes} bytes)`,
        `Published (${asset.sha256Url}): ${expected}`,
        `Downloaded file:  ${got.sha256}`
      ],
      hint: 'The file was corrupted or replaced on the way (a proxy, a stale mirror). Re-run the job; if it repeats, check the mirror.'
    });
  }
  ctx.log.info(
    `Verified sha256 ${got.sha256} of ${asset.fileName} (${(got.bytes / 1048576).toFixed(1)} MiB)`
  );
  return { file, bytes: got.bytes, sha256: got.sha256, downloadMs: ms(start) };
}

/** A 404 means either the version does not exist or this platform's asset does not; the release list tells which. */
async function missingAsset(
  asset: Asset,
  version: string,
  platform: PlatformKey,
  ctx: DownloadContext & { log: Logger }
): Promise<ActionError> {
  const seen = `HTTP 404 from ${asset.url}`;
  let releases;
  try {
    releases = await listReleases(ctx);
  } catch (err) {
    return new ActionError(`istio-version ${version} was not found (${seen}).`, {
      details: [`The release list could not be read to suggest other versions: ${describeNetworkError(err)}`],
      hint: 'Check istio-version and istio-download-url.'
    });
  }
  if (releases.some((r) => r.version === version && !r.draft)) {
    return new ActionError(`Istio ${version} exists but ${asset.fileName} is not published (${seen}).`, {
      hint: `If istio-download-url points at a mirror, copy the ${platform} archives and their .sha256 files to it.`
    });
  }
  const err = notFoundError(version, releases);
  return new ActionError(err.message, { details: [...err.details, seen], hint: err.hint });
}

// Pure naming rules for Istio release assets (release-builder's archive names) and their .sha256
// siblings. No network, no filesystem.
import { parse } from 'semver';
import { ActionError } from '../errors.js';

/** Istio's default release location; the GitHub API is used to list versions only for this one. */
export { DEFAULT_DOWNLOAD_URL } from '../inputs/spec.js';

/** The `<plat>` part of `istioctl-<ver>-<plat>.tar.gz`. */
export type PlatformKey =
  'linux' | 'linux-amd64' | 'linux-arm64' | 'linux-armv7' | 'osx' | 'osx-arm64' | 'win';

function versionParts(version: string): { major: number; minor: number } {
  const v = parse(version.replace(/^v/, ''));
  if (!v) throw new ActionError(`"${version}" is not an Istio version (expected e.g. 1.30.3).`);
  return { major: v.major, minor: v.minor };
}

function atLeast(version: string, major: number, minor: number): boolean {
  const v = versionParts(version);
  return v.major > major || (v.major === major && v.minor >= minor);
}

/**
 * Which asset fits a runner. `os`/`arch` are Node's names (`process.platform`, `process.arch`).
 * The names follow Istio's own download scripts: plain `osx` and `win` (the `-amd64` aliases only
 * exist from 1.19), `osx-arm64` from 1.10, per-arch Linux names from 1.6.
 */
export function platformKey(os: string, arch: string, version: string): PlatformKey {
  const unsupported = (why: string, hint: string): ActionError =>
    new ActionError(`Istio ${version} publishes no istioctl build for ${os}/${arch}: ${why}.`, { hint });
  if (os === 'linux') {
    if (!atLeast(version, 1, 6)) {
      if (arch === 'x64') return 'linux';
      throw unsupported(
        'releases before 1.6 were built for amd64 only',
        'Use istio-version 1.6 or later, or an x64 runner.'
      );
    }
    if (arch === 'x64') return 'linux-amd64';
    if (arch === 'arm64') return 'linux-arm64';
    if (arch === 'arm') return 'linux-armv7';
    throw unsupported(
      'Istio builds Linux binaries for amd64, arm64 and armv7 only',
      'Use an x64 or arm64 runner.'
    );
  }
  if (os === 'darwin') {
    if (arch === 'x64') return 'osx';
    if (arch === 'arm64') {
      if (atLeast(version, 1, 10)) return 'osx-arm64';
      throw unsupported(
        'Apple silicon builds start with Istio 1.10',
        'Use istio-version 1.10 or later, or an x64 macOS runner.'
      );
    }
    throw unsupported(
      'Istio builds macOS binaries for x64 and arm64 only',
      'Use an x64 or arm64 macOS runner.'
    );
  }
  if (os === 'win32') {
    if (arch === 'x64') return 'win';
    throw unsupported(
      'Istio builds Windows binaries for x64 only',
      'Use an x64 Windows runner, or a Linux runner.'
    );
  }
  throw unsupported('Istio builds istioctl for Linux, macOS and Windows only', 'Use a Linux runner.');
}

export interface Asset {
  fileName: string;
  url: string;
  sha256Url: string;
  format: 'tar.gz' | 'zip';
}

export interface ReleaseAssets {
  /** `istioctl-<v>-<plat>`: just the binary at the archive root. */
  istioctl: Asset;
  /** `istio-<v>-<plat>`: `istio-<v>/` with bin/, manifests/ and samples/. */
  full: Asset;
}

/** URLs of both archives of one release for one platform, and of their `.sha256` files. */
export function assetUrls(downloadUrl: string, version: string, platform: PlatformKey): ReleaseAssets {
  const base = downloadUrl.replace(/\/+$/, '');
  const v = version.replace(/^v/, '');
  const format = platform === 'win' ? 'zip' : 'tar.gz';
  const asset = (prefix: string): Asset => {
    const fileName = `${prefix}-${v}-${platform}.${format}`;
    const url = `${base}/${encodeURIComponent(v)}/${fileName}`;
    return { fileName, url, sha256Url: `${url}.sha256`, format };
  };
  return { istioctl: asset('istioctl'), full: asset('istio') };
}

/** The binary's file name inside the archives. */
export function binaryName(platform: PlatformKey): string {
  return platform === 'win' ? 'istioctl.exe' : 'istioctl';
}

/**
 * The digest from a `.sha256` file. Istio writes `<64 hex> <basename>\n`; the `sha256sum` forms
 * (two spaces, or ` *` for binary mode) and a bare digest are accepted too. A file that names another
 * file is rejected: it would verify the wrong thing.
 */
export function parseSha256File(text: string, expectedName: string): string {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const problems: string[] = [];
  for (const line of lines) {
    const m = /^([0-9a-fA-F]{64})(?:\s+\*?(.+))?$/.exec(line);
    if (!m?.[1]) {
      problems.push(`not a "<sha256> <file>" line: ${JSON.stringify(line.slice(0, 100))}`);
      continue;
    }
    const name = m[2]?.trim();
    if (name === undefined || name.split('/').pop() === expectedName) return m[1].toLowerCase();
    problems.push(`digest for another file: ${name}`);
  }
  throw new ActionError(`The checksum file for ${expectedName} has no digest for it.`, {
    details: lines.length ? problems : ['The checksum file is empty.'],
    hint: 'If istio-download-url points at a mirror, copy the .sha256 files from the Istio release unchanged.'
  });
}

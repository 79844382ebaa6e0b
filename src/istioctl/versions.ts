// Pure version logic: what a user's `istio-version` means, which release it picks, and what istioctl
// says its own version is. No network, no filesystem.
import { clean, parse, prerelease, rcompare } from 'semver';
import { ActionError } from '../errors.js';

/** One published Istio release, reduced to what version resolution needs. */
export interface ReleaseInfo {
  /** Tag without a leading `v`, e.g. `1.30.3` or `1.31.0-rc.0`. */
  version: string;
  prerelease: boolean;
  draft: boolean;
}

export type VersionSpec =
  { kind: 'latest' } | { kind: 'minor'; major: number; minor: number } | { kind: 'exact'; version: string };

const EXAMPLES = 'latest, 1.30 (newest 1.30 patch) or 1.30.3';

/** Reads `latest`, `1.30`, `v1.30`, `1.30.x`, `1.30.3`, `v1.30.3`, `1.31.0-rc.0`. */
export function parseVersionSpec(spec: string): VersionSpec {
  const s = spec.trim();
  if (/^latest$/i.test(s)) return { kind: 'latest' };
  const minor = /^v?(\d+)\.(\d+)(?:\.[x*])?$/i.exec(s);
  if (minor) return { kind: 'minor', major: Number(minor[1]), minor: Number(minor[2]) };
  const exact = clean(s);
  if (exact && /^v?\d+\.\d+\.\d+/.test(s)) return { kind: 'exact', version: exact };
  throw new ActionError(`istio-version "${spec}" is not a version.`, { hint: `Use ${EXAMPLES}.` });
}

/** A release `latest` may pick: published, not marked pre-release, and no -alpha/-beta/-rc suffix. */
export function isStable(r: ReleaseInfo): boolean {
  return !r.draft && !r.prerelease && prerelease(r.version) === null;
}

/** Releases whose tag is a valid version; drafts are dropped because their assets are not public. */
function usable(releases: readonly ReleaseInfo[]): ReleaseInfo[] {
  return releases.filter((r) => !r.draft && parse(r.version) !== null);
}

/**
 * Picks the release a spec means. `latest` is the highest stable version by semver (never GitHub's
 * "latest release", which follows publication date and has pointed at an older minor's patch).
 */
export function resolveVersion(spec: string, releases: readonly ReleaseInfo[]): string {
  const parsed = parseVersionSpec(spec);
  const all = usable(releases);
  if (parsed.kind === 'exact') {
    if (all.some((r) => r.version === parsed.version)) return parsed.version;
    throw notFoundError(parsed.version, releases);
  }
  const stable = all.filter(isStable).sort((a, b) => rcompare(a.version, b.version));
  if (parsed.kind === 'latest') {
    const newest = stable[0];
    if (!newest) {
      throw new ActionError('No stable Istio release was found to resolve istio-version "latest".', {
        details: [
          `The release list has ${releases.length} entries, none of them a published stable release.`
        ],
        hint: 'Set istio-version to an exact version such as 1.30.3.'
      });
    }
    return newest.version;
  }
  const match = stable.find((r) => {
    const v = parse(r.version);
    return v !== null && v.major === parsed.major && v.minor === parsed.minor;
  });
  if (match) return match.version;
  throw notFoundError(`${parsed.major}.${parsed.minor}`, releases);
}

/**
 * Up to `limit` existing versions nearest to `target` (`1.30.9` or a minor `1.30`), newest first.
 * For a minor target, each other minor is represented by its newest stable patch.
 */
export function closestVersions(target: string, releases: readonly ReleaseInfo[], limit = 4): string[] {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(target.trim());
  if (!m) return [];
  const want = {
    major: Number(m[1]),
    minor: Number(m[2]),
    patch: m[3] === undefined ? undefined : Number(m[3])
  };
  // Pre-releases are suggested only for the minor asked about; elsewhere a stable version is the better advice.
  const preOfMinor = usable(releases).filter((r) => {
    const v = parse(r.version);
    return v !== null && !isStable(r) && v.major === want.major && v.minor === want.minor;
  });
  const stable = usable(releases)
    .filter(isStable)
    .sort((a, b) => rcompare(a.version, b.version));
  let candidates = stable;
  if (want.patch === undefined) {
    const newestPerMinor = new Map<string, ReleaseInfo>();
    for (const r of stable) {
      const v = parse(r.version);
      if (v && !newestPerMinor.has(`${v.major}.${v.minor}`)) newestPerMinor.set(`${v.major}.${v.minor}`, r);
    }
    candidates = [...newestPerMinor.values()];
  }
  candidates = [...candidates, ...preOfMinor];
  const key = (version: string): number[] => {
    const v = parse(version);
    if (!v) return [Infinity];
    if (v.major === want.major)
      return [0, Math.abs(v.minor - want.minor), Math.abs(v.patch - (want.patch ?? v.patch))];
    // Another major: the versions nearest the boundary between the majors are the closest.
    const d = Math.abs(v.major - want.major);
    return v.major < want.major ? [d, 1e6 - v.minor, 1e6 - v.patch] : [d, v.minor, v.patch];
  };
  const byDistance = (a: string, b: string): number => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < Math.max(ka.length, kb.length); i++) {
      const d = (ka[i] ?? 0) - (kb[i] ?? 0);
      if (d !== 0) return d;
    }
    return rcompare(a, b);
  };
  const unique = [...new Set(candidates.map((r) => r.version))];
  return unique.sort(byDistance).slice(0, limit).sort(rcompare);
}

/** The user-facing error for a version (or minor) that no release matches. */
export function notFoundError(version: string, releases: readonly ReleaseInfo[]): ActionError {
  const close = closestVersions(version, releases);
  const isMinor = /^v?\d+\.\d+$/.test(version);
  const message = isMinor
    ? `istio-version ${version} matches no stable Istio release.`
    : `istio-version ${version} does not exist.`;
  const details = close.length
    ? [
        `Closest existing versions: ${close.map((v) => (prerelease(v) ? `${v} (pre-release)` : v)).join(', ')}`
      ]
    : [`The release list has no versions near ${version}.`];
  return new ActionError(message, { details, hint: `Set istio-version to one of those, or to ${EXAMPLES}.` });
}

const VERSION_TOKEN = /^v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)$/;

/**
 * The client version from `istioctl version --remote=false` in any of its forms:
 * `-o json` (`{"clientVersion":{"version":"1.30.3",...}}`), 1.23+ (`client version: 1.30.3`) and
 * 1.22 and older, which print only the bare version (`1.13.3`).
 */
export function parseIstioctlVersion(stdout: string): string {
  const text = stdout.trim();
  if (text.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw unparsable(stdout, `it looks like JSON but does not parse: ${(err as Error).message}`);
    }
    const client = (json as { clientVersion?: { version?: unknown } } | null)?.clientVersion;
    const v = typeof client?.version === 'string' ? VERSION_TOKEN.exec(client.version.trim()) : null;
    if (v?.[1]) return v[1];
    throw unparsable(stdout, 'the JSON has no clientVersion.version');
  }
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  for (const line of lines) {
    const m = /^client version:\s*(\S+)/i.exec(line);
    const v = m?.[1] ? VERSION_TOKEN.exec(m[1]) : null;
    if (v?.[1]) return v[1];
  }
  for (const line of lines) {
    const v = VERSION_TOKEN.exec(line);
    if (v?.[1]) return v[1];
  }
  throw unparsable(stdout, 'no "client version:" line and no bare version line');
}

function unparsable(stdout: string, why: string): ActionError {
  const shown = stdout.trim().split(/\r?\n/).slice(0, 5);
  return new ActionError(`Could not read the istioctl version: ${why}.`, {
    details:
      shown.length && shown[0]
        ? ['istioctl printed:', ...shown.map((l) => `  ${l}`)]
        : ['istioctl printed nothing.']
  });
}

// Release rules shared by the maintainer's script (scripts/release.mjs) and the release workflow
// (.github/workflows/release.yml), so both refuse the same things: what a version is, which tags a release
// creates or moves, and where its notes come from (CHANGELOG.md, Keep a Changelog format).
// Dependency-free on purpose: the workflow's preparing job runs it before `npm ci`.
//
// CLI (used by the workflow, run from the repository root):
//   node scripts/release-lib.mjs notes <version>               the version's CHANGELOG section, to stdout
//   node scripts/release-lib.mjs plan <version> [--tag-pushed] key=value lines for $GITHUB_OUTPUT;
//        exits 1 with the reasons when the release must not happen. --tag-pushed: v<version> exists
//        already (the workflow was started by pushing it) and must point at HEAD.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?$/;

/** `1.2.3`, `v1.2.3` or `1.2.3-rc.1` → its parts; throws on anything else (no build metadata, no ranges). */
export function parseVersion(input) {
  const text = String(input ?? '').trim();
  const m = SEMVER.exec(text.replace(/^v/, ''));
  if (!m) {
    throw new Error(
      `"${text}" is not a release version: expected MAJOR.MINOR.PATCH such as 1.2.0 (optionally -rc.1).`
    );
  }
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const prerelease = m[4] ?? '';
  const version = `${major}.${minor}.${patch}${prerelease ? `-${prerelease}` : ''}`;
  return { major, minor, patch, prerelease, version, tag: `v${version}`, majorTag: `v${major}` };
}

function compareIdentifiers(a, b) {
  const an = /^\d+$/.test(a);
  const bn = /^\d+$/.test(b);
  if (an && bn) return Number(a) - Number(b);
  if (an !== bn) return an ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Semantic Versioning precedence: <0, 0 or >0. */
export function compareVersions(a, b) {
  const x = typeof a === 'string' ? parseVersion(a) : a;
  const y = typeof b === 'string' ? parseVersion(b) : b;
  for (const k of ['major', 'minor', 'patch']) if (x[k] !== y[k]) return x[k] - y[k];
  if (x.prerelease === y.prerelease) return 0;
  if (!x.prerelease) return 1;
  if (!y.prerelease) return -1;
  const xs = x.prerelease.split('.');
  const ys = y.prerelease.split('.');
  for (let i = 0; i < Math.max(xs.length, ys.length); i++) {
    if (xs[i] === undefined) return -1;
    if (ys[i] === undefined) return 1;
    const c = compareIdentifiers(xs[i], ys[i]);
    if (c !== 0) return c;
  }
  return 0;
}

/** Release tags among `tags` (other tags, such as the moving `v1`, are ignored), parsed. */
export function releaseTags(tags) {
  const out = [];
  for (const t of tags) {
    if (!/^v\d+\.\d+\.\d+/.test(t)) continue;
    try {
      out.push(parseVersion(t));
    } catch {
      // not one of ours
    }
  }
  return out;
}

/**
 * Which tags a release of `version` creates and moves, given the tags that exist (not counting the one
 * being released). `problems` lists why it must not happen. The major tag (`v1`) moves only for a final
 * release that is the newest of its major line, so a backport (1.0.5 after 1.1.0) never drags it back.
 */
export function planTags(version, existingTags) {
  const v = typeof version === 'string' ? parseVersion(version) : version;
  const problems = [];
  const existing = releaseTags(existingTags).filter((t) => t.tag !== v.tag);
  if (existingTags.includes(v.tag)) problems.push(`tag ${v.tag} exists already.`);
  const sameLine = existing.filter((t) => t.major === v.major && t.minor === v.minor);
  const newestOfLine = sameLine.sort(compareVersions).at(-1);
  if (newestOfLine && compareVersions(v, newestOfLine) <= 0) {
    problems.push(
      `${v.tag} is not newer than ${newestOfLine.tag}, the newest release of ${v.major}.${v.minor}.`
    );
  }
  const finalsOfMajor = existing.filter((t) => t.major === v.major && !t.prerelease).sort(compareVersions);
  const newestOfMajor = finalsOfMajor.at(-1);
  let moveMajor = true;
  let majorReason = `${v.majorTag} moves to ${v.tag}`;
  if (v.prerelease) {
    moveMajor = false;
    majorReason = `${v.majorTag} stays: ${v.tag} is a prerelease`;
  } else if (newestOfMajor && compareVersions(v, newestOfMajor) < 0) {
    moveMajor = false;
    majorReason = `${v.majorTag} stays on ${newestOfMajor.tag}, which is newer than ${v.tag}`;
  }
  return { ...v, moveMajor, majorReason, problems };
}

const HEADING = /^## \[([^\]]+)\](?:\s+-\s+(\S+))?\s*$/;
const LINK_REF = /^\[[^\]]+\]:\s*\S+/;

/** The `## [version] - date` section of a Keep a Changelog file: its date and body, or undefined. */
export function changelogSection(text, version) {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => HEADING.exec(l)?.[1] === version);
  if (start < 0) return undefined;
  const date = HEADING.exec(lines[start])?.[2];
  let end = start + 1;
  while (end < lines.length && !HEADING.test(lines[end]) && !LINK_REF.test(lines[end])) end++;
  const body = lines
    .slice(start + 1, end)
    .join('\n')
    .trim();
  return { date, body };
}

/** Release notes for `version`; throws when CHANGELOG.md has no dated, non-empty section for it. */
export function releaseNotes(text, version) {
  const v = typeof version === 'string' ? parseVersion(version) : version;
  const section = changelogSection(text, v.version);
  if (!section) {
    throw new Error(
      `CHANGELOG.md has no "## [${v.version}] - YYYY-MM-DD" section: move the Unreleased entries under it first.`
    );
  }
  if (!section.date || !/^\d{4}-\d{2}-\d{2}$/.test(section.date)) {
    throw new Error(
      `CHANGELOG.md's section for ${v.version} has no release date ("## [${v.version}] - YYYY-MM-DD").`
    );
  }
  if (!section.body) throw new Error(`CHANGELOG.md's section for ${v.version} is empty.`);
  return section.body;
}

function git(args) {
  return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** The checks that need only the repository's files and tags (no build), as the workflow runs them. */
export function checkRelease(version, { tagPushed = false } = {}) {
  const problems = [];
  let v;
  try {
    v = parseVersion(version);
  } catch (err) {
    return { problems: [err.message] };
  }
  const tags = git(['tag', '--list']).split('\n').filter(Boolean);
  const plan = planTags(v, tagPushed ? tags.filter((t) => t !== v.tag) : tags);
  problems.push(...plan.problems);
  if (tagPushed) {
    const head = git(['rev-parse', 'HEAD']);
    let tagged = '';
    try {
      tagged = git(['rev-parse', `${v.tag}^{commit}`]);
    } catch {
      problems.push(`tag ${v.tag} does not exist.`);
    }
    if (tagged && tagged !== head) problems.push(`tag ${v.tag} points at ${tagged}, not at HEAD ${head}.`);
  }
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
  if (pkg.version !== v.version) {
    problems.push(
      `package.json says version ${pkg.version}; set it with \`npm version --no-git-tag-version ${v.version}\` and commit.`
    );
  }
  let notes = '';
  try {
    notes = releaseNotes(readFileSync('CHANGELOG.md', 'utf8'), v);
  } catch (err) {
    problems.push(err.message);
  }
  return { plan, notes, problems };
}

function main(argv) {
  const [command, version, ...rest] = argv;
  if (command === 'notes') {
    process.stdout.write(`${releaseNotes(readFileSync('CHANGELOG.md', 'utf8'), version)}\n`);
    return 0;
  }
  if (command === 'plan') {
    const { plan, problems } = checkRelease(version, { tagPushed: rest.includes('--tag-pushed') });
    if (problems.length > 0) {
      for (const p of problems) console.error(`::error::${p}`);
      return 1;
    }
    console.log(`version=${plan.version}`);
    console.log(`tag=${plan.tag}`);
    console.log(`major-tag=${plan.majorTag}`);
    console.log(`move-major=${plan.moveMajor}`);
    console.log(`prerelease=${plan.prerelease !== ''}`);
    console.error(plan.majorReason);
    return 0;
  }
  console.error('usage: node scripts/release-lib.mjs notes <version> | plan <version> [--tag-pushed]');
  return 2;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    console.error(`::error::${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}

// Cuts a release from the maintainer's machine: `npm run release -- 1.2.0` (or `-- --dry-run 1.2.0`).
//
// It refuses unless the checkout is releasable: a valid version, a clean work tree on main that is in step
// with its upstream, no such tag yet and nothing newer on the same minor line, package.json at that version,
// a dated CHANGELOG.md section for it, and a dist/ that equals a fresh build (`node scripts/package.mjs
// --check`, the same check as CI's check-dist; run last because it bundles everything, about a minute).
// Then it creates the annotated tag vX.Y.Z at HEAD and pushes it. Pushing the tag starts
// .github/workflows/release.yml, which runs the full checks on that commit, publishes the GitHub release
// with the CHANGELOG section as notes and only then moves the major tag (v1), so the major tag can never
// point at a commit that failed CI. --dry-run does every check and prints what would be tagged.
//
// It works on the repository in the current directory. ASK_ISTIO_RELEASE_DIST_CHECK replaces the dist check
// with another shell command (the unit tests use it to stay fast); a real release refuses to run with it.
import { execFileSync, spawnSync } from 'node:child_process';
import { checkRelease } from './release-lib.mjs';

const DIST_CHECK_OVERRIDE = 'ASK_ISTIO_RELEASE_DIST_CHECK';
const RELEASE_BRANCH = 'main';

const args = process.argv.slice(2);
const dryRun = args.includes('--dry-run');
const positional = args.filter((a) => !a.startsWith('--'));
const unknown = args.filter((a) => a.startsWith('--') && a !== '--dry-run');

function git(gitArgs, opts = {}) {
  return execFileSync('git', gitArgs, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    ...opts
  }).trim();
}

function tryGit(gitArgs) {
  try {
    return git(gitArgs);
  } catch {
    return undefined;
  }
}

function refuse(problems) {
  console.error(`Refusing to release:`);
  for (const p of problems) console.error(`  - ${p}`);
  process.exit(1);
}

if (unknown.length > 0 || positional.length !== 1) {
  console.error('usage: npm run release -- [--dry-run] <version>   e.g. npm run release -- --dry-run 1.2.0');
  process.exit(2);
}

const root = tryGit(['rev-parse', '--show-toplevel']);
if (!root) refuse(['not inside a git repository.']);
process.chdir(root);

// 1. Cheap checks first, all of them, so one run lists everything that is wrong.
const problems = [];
const dirty = git(['status', '--porcelain', '--untracked-files=normal']);
if (dirty) {
  const files = dirty
    .split('\n')
    .slice(0, 10)
    .map((l) => l.slice(3));
  problems.push(`the work tree is not clean (commit or stash first): ${files.join(', ')}.`);
}
const branch = tryGit(['symbolic-ref', '--short', 'HEAD']);
if (branch !== RELEASE_BRANCH) {
  problems.push(`releases are cut from ${RELEASE_BRANCH}, but HEAD is ${branch ?? 'detached'}.`);
}
const head = git(['rev-parse', 'HEAD']);
const upstream = tryGit(['rev-parse', '--abbrev-ref', '--symbolic-full-name', '@{upstream}']);
let upstreamNote = `${branch ?? 'HEAD'} has no upstream branch: the tag push also pushes its commit.`;
if (upstream) {
  const [behind, ahead] = git(['rev-list', '--left-right', '--count', `${upstream}...HEAD`]).split(/\s+/);
  if (behind !== '0' || ahead !== '0') {
    problems.push(
      `${branch} is ${ahead} commit(s) ahead of and ${behind} behind ${upstream}: push or pull first.`
    );
  }
  upstreamNote = `in step with ${upstream}.`;
}
const remotes = (tryGit(['remote']) ?? '').split('\n').filter(Boolean);
const remote =
  tryGit(['config', `branch.${branch}.remote`]) ?? (remotes.includes('origin') ? 'origin' : remotes[0]);

const { plan, notes, problems: releaseProblems } = checkRelease(positional[0]);
problems.push(...releaseProblems);

// A tag on the remote that was never fetched would make the push fail late; ask the remote too.
if (plan && remote) {
  const remoteTags = tryGit(['ls-remote', '--tags', remote, `refs/tags/${plan.tag}`]);
  if (remoteTags === undefined) {
    const msg = `could not list the tags of remote "${remote}".`;
    if (dryRun) console.warn(`warning: ${msg}`);
    else problems.push(msg);
  } else if (remoteTags !== '') {
    problems.push(`tag ${plan.tag} exists already on ${remote}.`);
  }
}
if (problems.length > 0) refuse(problems);

// 2. dist/ must be exactly what the sources build to.
const override = process.env[DIST_CHECK_OVERRIDE];
if (override && !dryRun)
  refuse([`${DIST_CHECK_OVERRIDE} is set: a real release always runs the real dist check.`]);
const distCommand = override || 'node scripts/package.mjs --check';
if (override) console.warn(`warning: dist check replaced by ${DIST_CHECK_OVERRIDE}: ${override}`);
console.log(`Checking dist/ against a fresh build (${distCommand}) ...`);
const dist = spawnSync(distCommand, { shell: true, stdio: 'inherit' });
if (dist.status !== 0) {
  refuse([
    `dist/ is stale: it differs from a fresh build of the sources. Run \`npm run package\` and commit dist/.`
  ]);
}

// 3. The plan.
const short = head.slice(0, 12);
const majorNow = tryGit(['rev-parse', '--verify', '--quiet', `refs/tags/${plan.majorTag}^{commit}`]);
const lines = [
  '',
  `Release ${plan.tag} of ${short} (${branch}; ${upstreamNote})`,
  `  tag ${plan.tag} -> ${head} (new, annotated)`,
  plan.moveMajor
    ? `  tag ${plan.majorTag} -> ${head} (${majorNow ? `moves from ${majorNow}` : 'new'}; moved by the release workflow once its checks pass)`
    : `  tag ${plan.majorTag}: not moved (${plan.majorReason})`,
  '',
  `Release notes (CHANGELOG.md, ${plan.version}):`,
  ...notes.split('\n').map((l) => `  ${l}`),
  ''
];
console.log(lines.join('\n'));

if (dryRun) {
  console.log(
    `Dry run: nothing was tagged or pushed. Without --dry-run this tags ${plan.tag} and pushes it to ${remote ?? 'origin'}.`
  );
  process.exit(0);
}

// 4. Tag and push; the workflow does the rest.
if (!remote) refuse(['no git remote to push the tag to.']);
git(['tag', '--annotate', plan.tag, '--message', `${plan.tag}\n\n${notes}`, head]);
try {
  execFileSync('git', ['push', remote, `refs/tags/${plan.tag}`], { stdio: 'inherit' });
} catch {
  console.error(
    `Pushing ${plan.tag} failed; the local tag stays. Retry with: git push ${remote} refs/tags/${plan.tag}`
  );
  process.exit(1);
}
console.log(
  `Pushed ${plan.tag}. The release workflow now runs the checks on ${short}, publishes the release and ` +
    (plan.moveMajor ? `moves ${plan.majorTag}.` : `leaves ${plan.majorTag} alone.`)
);

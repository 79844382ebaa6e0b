// `npm run release -- --dry-run X.Y.Z` (scripts/release.mjs) in a throw-away clone of this repository with
// its own bare "origin": what it prints on a releasable checkout, and each thing it refuses. The script under
// test is this working copy's; the repository it inspects is the clone (it works on the current directory).
//
// The first and the last test run the real `node scripts/package.mjs --check` (ncc bundles everything: about
// a minute cold on 2 busy cores; the second run reuses ncc's cache in the clone, much faster). The tests in
// between are about other checks and replace it through ASK_ISTIO_RELEASE_DIST_CHECK with a command that only
// records that it ran.
//
// node_modules is hard-linked into the clone (a copy of the tree, not a symlink): ncc names modules by their
// path relative to the project, so a node_modules outside the clone gives a different, "stale" bundle.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../../..');
const script = path.join(root, 'scripts/release.mjs');

let tmp = '';
let repo = '';
let marker = '';
let fakeCheck = '';

// A git environment that no outer repository or user configuration leaks into.
const gitEnv = (() => {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('GIT_')) env[k] = v;
  return {
    ...env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Release Test',
    GIT_AUTHOR_EMAIL: 'release-test@example.com',
    GIT_COMMITTER_NAME: 'Release Test',
    GIT_COMMITTER_EMAIL: 'release-test@example.com'
  };
})();

function git(...args: string[]): string {
  const r = spawnSync('git', args, { cwd: repo, env: gitEnv, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.trim();
}

function release(args: string[], opts: { distCheck?: 'fake' | 'real' } = {}) {
  // ncc's cache goes with the clone (it is keyed by directory; one in the home directory would pile up).
  const env: Record<string, string> = { ...gitEnv, XDG_CACHE_HOME: path.join(tmp, 'cache') };
  delete env.ASK_ISTIO_RELEASE_DIST_CHECK;
  if ((opts.distCheck ?? 'fake') === 'fake') env.ASK_ISTIO_RELEASE_DIST_CHECK = fakeCheck;
  rmSync(marker, { force: true });
  const r = spawnSync(process.execPath, [script, ...args], { cwd: repo, env, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, distCheckRan: existsSync(marker) };
}

/** Prepares version `v` the way a maintainer would: CHANGELOG section, package.json, lock file, commit. */
function prepareVersion(v: string, date: string) {
  const changelog = path.join(repo, 'CHANGELOG.md');
  writeFileSync(
    changelog,
    readFileSync(changelog, 'utf8').replace(
      '## [Unreleased]\n',
      `## [Unreleased]\n\n## [${v}] - ${date}\n\n### Fixed\n\n- Release test entry for ${v}.\n`
    )
  );
  for (const file of ['package.json', 'package-lock.json']) {
    const p = path.join(repo, file);
    const doc = JSON.parse(readFileSync(p, 'utf8')) as {
      version: string;
      packages?: Record<string, { version?: string }>;
    };
    doc.version = v;
    if (doc.packages?.['']) doc.packages[''].version = v;
    writeFileSync(p, `${JSON.stringify(doc, null, 2)}\n`);
  }
  git('commit', '--quiet', '-am', `Release ${v}`);
  git('push', '--quiet', 'origin', 'main');
}

beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'ask-istio-release-test-'));
  repo = path.join(tmp, 'repo');
  marker = path.join(tmp, 'dist-check-ran');
  fakeCheck = `"${process.execPath}" -e "require('node:fs').writeFileSync(process.argv[1], 'ran')" "${marker}"`;
  const clone = spawnSync('git', ['clone', '--quiet', '--no-local', root, repo], {
    env: gitEnv,
    encoding: 'utf8'
  });
  if (clone.status !== 0) throw new Error(`git clone failed: ${clone.stderr}`);
  // The clone's own remote, so tags elsewhere never matter; main tracks it.
  const bare = path.join(tmp, 'origin.git');
  const init = spawnSync('git', ['init', '--quiet', '--bare', bare], { env: gitEnv, encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`git init failed: ${init.stderr}`);
  git('remote', 'set-url', 'origin', bare);
  // main at this checkout's commit, whatever branch (or detached HEAD) the checkout is on.
  const source = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: root, env: gitEnv, encoding: 'utf8' });
  git('checkout', '--quiet', '-B', 'main', source.stdout.trim());
  git('push', '--quiet', '--set-upstream', 'origin', 'main');
  // ncc and the bundled packages for the real dist check: hard links where the file system allows, else a copy.
  const from = path.join(root, 'node_modules');
  const to = path.join(repo, 'node_modules');
  let cp = spawnSync('cp', ['-al', from, to], { encoding: 'utf8' });
  if (cp.status !== 0) {
    rmSync(to, { recursive: true, force: true });
    cp = spawnSync('cp', ['-a', from, to], { encoding: 'utf8' });
  }
  if (cp.status !== 0) throw new Error(`copying node_modules failed: ${cp.stderr}`);
  prepareVersion('1.0.1', '2026-12-02');
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('npm run release -- --dry-run', () => {
  it('on a releasable checkout prints the tag it would create and the major tag it would move (real dist check)', () => {
    const head = git('rev-parse', 'HEAD');
    const r = release(['--dry-run', '1.0.1'], { distCheck: 'real' });
    expect(r.stdout).toContain('dist/ matches a fresh build.'); // scripts/package.mjs's own verdict
    expect(r.stderr).not.toContain('dist check replaced');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`Release v1.0.1 of ${head.slice(0, 12)} (main; in step with origin/main.)`);
    expect(r.stdout).toContain(`tag v1.0.1 -> ${head} (new, annotated)`);
    expect(r.stdout).toContain(`tag v1 -> ${head} (new; moved by the release workflow once its checks pass)`);
    expect(r.stdout).toContain('- Release test entry for 1.0.1.');
    expect(r.stdout).toContain('Dry run: nothing was tagged or pushed.');
    expect(git('tag', '--list')).toBe('');
    expect(git('ls-remote', '--tags', 'origin')).toBe('');
  });

  it('shows where the major tag moves from when it exists', () => {
    const previous = git('rev-parse', 'HEAD~1');
    git('tag', 'v1', previous);
    try {
      const r = release(['--dry-run', 'v1.0.1']);
      expect(r.stderr).toContain('dist check replaced by ASK_ISTIO_RELEASE_DIST_CHECK');
      expect({ status: r.status, distCheckRan: r.distCheckRan }).toEqual({ status: 0, distCheckRan: true });
      expect(r.stdout).toContain(`(moves from ${previous};`);
    } finally {
      git('tag', '--delete', 'v1');
    }
  });

  it('refuses a dirty work tree before running the dist check', () => {
    const stray = path.join(repo, 'notes.txt');
    writeFileSync(stray, 'not committed');
    try {
      const r = release(['--dry-run', '1.0.1']);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('the work tree is not clean (commit or stash first): notes.txt.');
      expect(r.distCheckRan).toBe(false);
      expect(r.stdout).not.toContain('tag v1.0.1 ->');
    } finally {
      rmSync(stray);
    }
  });

  it('refuses a version without a CHANGELOG section or with another package.json version', () => {
    const r = release(['--dry-run', '1.0.2']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('CHANGELOG.md has no "## [1.0.2] - YYYY-MM-DD" section');
    expect(r.stderr).toContain('package.json says version 1.0.1');
    expect(r.distCheckRan).toBe(false);
  });

  it('refuses what is not a version, and a tag that exists on the remote', () => {
    expect(release(['--dry-run', '1.0']).stderr).toContain('"1.0" is not a release version');
    git('tag', 'v1.0.1');
    git('push', '--quiet', 'origin', 'refs/tags/v1.0.1');
    git('tag', '--delete', 'v1.0.1'); // only the remote has it now
    try {
      const r = release(['--dry-run', '1.0.1']);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('tag v1.0.1 exists already on origin.');
    } finally {
      git('push', '--quiet', 'origin', ':refs/tags/v1.0.1');
    }
  });

  it('refuses a branch other than main and a main that is not pushed', () => {
    git('checkout', '--quiet', '-b', 'feature');
    try {
      expect(release(['--dry-run', '1.0.1']).stderr).toContain(
        'releases are cut from main, but HEAD is feature.'
      );
    } finally {
      git('checkout', '--quiet', 'main');
    }
    git('commit', '--quiet', '--allow-empty', '-m', 'not pushed');
    try {
      expect(release(['--dry-run', '1.0.1']).stderr).toContain(
        'main is 1 commit(s) ahead of and 0 behind origin/main'
      );
    } finally {
      git('reset', '--quiet', '--hard', 'HEAD~1');
    }
  });

  it('never tags for real with a replaced dist check', () => {
    const r = release(['1.0.1']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('a real release always runs the real dist check');
    expect(git('tag', '--list')).toBe('');
  });

  it('refuses when dist/ is stale (the real check: a source changed, dist/ was not rebuilt)', () => {
    appendFileSync(path.join(repo, 'src/post.ts'), "core.info('Changed after the last npm run package.');\n");
    git('commit', '--quiet', '-am', 'Change the post step without rebuilding dist/');
    git('push', '--quiet', 'origin', 'main');
    const r = release(['--dry-run', '1.0.1'], { distCheck: 'real' });
    expect(r.stdout).toContain('(node scripts/package.mjs --check)');
    expect(r.stderr).toContain('dist/ differs from a fresh build'); // scripts/package.mjs's own verdict
    expect(r.stderr).toContain('dist/ is stale');
    expect(r.status).toBe(1);
    expect(r.stdout).not.toContain('tag v1.0.1 ->');
  });
});

// Builds the action's bundles into dist/ with @vercel/ncc, minified (cold start matters on every job):
//   dist/index.js (+ lazily loaded chunks dist/<n>.index.js) — the main step
//   dist/post.js — the post step (cleanup); kept chunk-free and tiny.
//   dist/runner-log.js — the local CLI's runner-style rendering of the log (bin/ask-istio-action.mjs).
// `--check` builds into a temporary directory and fails when the committed dist/ differs (the
// check-dist idea of actions/typescript-action), so a stale dist can never be released.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const check = process.argv.includes('--check');
const ncc = join('node_modules', '.bin', 'ncc');
const work = mkdtempSync(join(tmpdir(), 'ask-istio-dist-'));
const out = join(work, 'dist');

function build(entry, dir) {
  execFileSync(ncc, ['build', entry, '-m', '-q', '--target', 'es2022', '-o', dir], { stdio: 'inherit' });
}

build('src/index.ts', out);
/** A bundle that must be one file (no chunks), copied to dist/<name>. */
function single(entry, name) {
  const dir = join(work, name);
  build(entry, dir);
  const files = readdirSync(dir).filter((f) => f !== 'package.json');
  if (files.length !== 1)
    throw new Error(`${entry} must bundle into a single file, got: ${files.join(', ')}`);
  cpSync(join(dir, 'index.js'), join(out, name));
}
single('src/post.ts', 'post.js');
single('src/cli/runnerLog.ts', 'runner-log.js');

const files = readdirSync(out).sort();
if (check) {
  const committed = existsSync('dist') ? readdirSync('dist').sort() : [];
  const stale =
    JSON.stringify(files) !== JSON.stringify(committed) ||
    files.some((f) => !readFileSync(join(out, f)).equals(readFileSync(join('dist', f))));
  rmSync(work, { recursive: true, force: true });
  if (stale) {
    console.error('dist/ differs from a fresh build: run `npm run package` and commit dist/.');
    process.exit(1);
  }
  console.log('dist/ matches a fresh build.');
} else {
  rmSync('dist', { recursive: true, force: true });
  cpSync(out, 'dist', { recursive: true });
  rmSync(work, { recursive: true, force: true });
  let total = 0;
  for (const f of files) {
    const size = statSync(join('dist', f)).size;
    total += size;
    console.log(`dist/${f}  ${(size / 1024).toFixed(0)} KiB`);
  }
  console.log(`total ${(total / 1024 / 1024).toFixed(2)} MiB`);
}

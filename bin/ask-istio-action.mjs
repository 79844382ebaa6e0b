#!/usr/bin/env node
// Local CLI: runs the bundled action (dist/index.js) from a laptop. Flags map 1:1 to the action's inputs
// (`--namespace x` → input `namespace`; `--help` lists them), so the same validation and pipeline run as
// in a workflow. Without an auth flag it uses $KUBECONFIG or ~/.kube/config.
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// @kubernetes/client-node 2.x needs Node >= 22.19 and fails deep inside on older ones ("Cannot read
// properties of undefined (reading 'bind')"). Run under the project's own Node (the `node` devDependency)
// when this one is too old; without it, stop with the versions and the fix.
const NEEDED = [22, 19];
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < NEEDED[0] || (major === NEEDED[0] && minor < NEEDED[1])) {
  const own = join(root, 'node_modules', 'node', 'bin', 'node');
  if (existsSync(own) && process.env.ASK_ISTIO_CLI_REEXEC !== '1') {
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(own, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: { ...process.env, ASK_ISTIO_CLI_REEXEC: '1' }
    });
    process.exit(r.status ?? 1);
  }
  process.stderr.write(
    `ask-istio-action needs Node.js ${NEEDED.join('.')} or later, but this is ${process.versions.node}: ` +
      'install Node 24 (or run `npm ci` in the project, whose own Node 24 this command then uses).\n'
  );
  process.exit(1);
}

// Flags of the CLI itself, not inputs: `--debug` shows the action's debug lines, `--raw` prints the runner
// protocol as the bundle speaks it (what a workflow's runner reads) instead of rendering it.
const own = new Set(['--debug', '--raw']);
const args = process.argv.slice(2).filter((a) => !own.has(a));
const debug = process.argv.includes('--debug');
const raw = process.argv.includes('--raw');
const auth = ['--kubeconfig', '--kubeconfig-file', '--access-key-id', '--role-arn'];
if (!args.some((a) => auth.some((f) => a === f || a.startsWith(`${f}=`)))) {
  const file = process.env.KUBECONFIG?.split(':')[0] || join(homedir(), '.kube', 'config');
  if (existsSync(file)) args.push('--kubeconfig-file', file);
}
// Outside a runner: give the action the runner directories it expects. The kubeconfig the action
// writes lands in the scratch RUNNER_TEMP, removed on exit (what the post step does on a runner).
const scratch = mkdtempSync(join(tmpdir(), 'ask-istio-cli-'));
process.env.RUNNER_TEMP ??= scratch;
process.env.RUNNER_TOOL_CACHE ??= join(homedir(), '.cache', 'ask-istio-action', 'tool-cache');
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
if (!raw) {
  // Render the log as a runner shows it: workflow commands hidden (no credentials in add-mask lines),
  // masked values as ***, groups as headings, debug lines only with --debug, outputs as a table at the end.
  const { RunnerLog, outputsTable } = await import(pathToFileURL(join(root, 'dist', 'runner-log.js')).href);
  const write = process.stdout.write.bind(process.stdout);
  const log = new RunnerLog({ out: (line) => write(`${line}\n`), debug });
  process.stdout.write = (chunk, encoding, done) => {
    log.write(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
    (typeof encoding === 'function' ? encoding : done)?.();
    return true;
  };
  process.on('exit', () => {
    log.end();
    const table = outputsTable(log.outputs, (s) => log.mask(s));
    if (table.length > 0) write(['', 'Outputs:', ...table, ''].join('\n'));
  });
}
process.argv = [process.argv[0], join(root, 'dist', 'index.js'), ...args];
await import(pathToFileURL(join(root, 'dist', 'index.js')).href);

#!/usr/bin/env node
// Local CLI: runs the bundled action (dist/index.js) from a laptop. Flags map 1:1 to the action's inputs
// (`--namespace x` → input `namespace`; `--help` lists them), so the same validation and pipeline run as
// in a workflow. Without an auth flag it uses $KUBECONFIG or ~/.kube/config.
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
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
process.argv = [process.argv[0], join(root, 'dist', 'index.js'), ...args];
await import(pathToFileURL(join(root, 'dist', 'index.js')).href);

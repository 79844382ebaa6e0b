// The local CLI shows the action's log as a runner would: no workflow commands (an add-mask line would
// print the credential it hides), masked values as ***, and the raw protocol only when asked for.
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../../..');
const bin = join(root, 'bin', 'ask-istio-action.mjs');
const TOKEN = 's3cr3t-token-value-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'cli-render-'));
const kubeconfig = join(dir, 'config');
writeFileSync(
  kubeconfig,
  [
    'apiVersion: v1',
    'kind: Config',
    'clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]',
    'contexts: [{name: x, context: {cluster: c, user: u}}]',
    'current-context: x',
    `users: [{name: u, user: {token: ${TOKEN}}}]`
  ].join('\n')
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A bad namespace: the run stops at input validation, after the kubeconfig's token was masked.
const run = (...extra: string[]) =>
  spawnSync(
    process.execPath,
    [bin, '--kubeconfig-file', kubeconfig, '--namespace', 'kube-system', ...extra],
    {
      encoding: 'utf8',
      env: { ...process.env, GITHUB_OUTPUT: '', GITHUB_STATE: '', RUNNER_TEMP: dir }
    }
  );

describe('the CLI log', () => {
  it('renders workflow commands as a runner shows them, never printing a masked value', () => {
    const r = run();
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('Error: 1 input is invalid:');
    expect(r.stdout).toContain('namespace: kube-system is a system namespace');
    expect(r.stdout).not.toMatch(/^::/m);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });

  it('--raw prints the runner protocol unchanged (what a workflow runner reads)', () => {
    const r = run('--raw');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^::error::1 input is invalid:/m);
    expect(r.stdout).toContain(`::add-mask::${TOKEN}`);
  });
});

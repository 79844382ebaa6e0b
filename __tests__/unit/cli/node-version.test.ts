// The local CLI on the Node a machine has: this machine's system Node is 20 (the README's users may have
// it too), older than client-node 2.x needs. The bin either re-runs itself under the project's own Node 24
// or stops with one sentence; it never reaches the bundle's crash deep inside client-node.
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../../..');
const bin = join(root, 'bin', 'ask-istio-action.mjs');
// The first node on PATH that is not the project's own Node 24 (npm scripts put that one first).
const systemNode = (process.env.PATH ?? '')
  .split(delimiter)
  .filter((dir) => dir && !dir.includes('node_modules'))
  .map((dir) => join(dir, 'node'))
  .find((p) => existsSync(p));
const oldNode =
  systemNode &&
  Number(spawnSync(systemNode, ['-p', 'process.versions.node.split(".")[0]']).stdout.toString().trim()) < 22
    ? systemNode
    : undefined;

describe('the CLI on a Node older than 22.19', () => {
  const when = oldNode ? it : it.skip;

  when('re-runs itself under the project Node and works', () => {
    const r = spawnSync(oldNode!, [bin, '--help'], {
      encoding: 'utf8',
      env: { ...process.env, PATH: dirname(oldNode!) }
    });
    expect(r.stderr).not.toContain("reading 'bind'");
    expect([r.status, r.stdout]).toEqual([0, expect.stringContaining('Usage: ask-istio-action')]);
  });

  when('without the project Node, stops at once naming both versions and the fix', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-node-'));
    try {
      mkdirSync(join(dir, 'bin'));
      copyFileSync(bin, join(dir, 'bin', 'ask-istio-action.mjs'));
      const r = spawnSync(oldNode!, [join(dir, 'bin', 'ask-istio-action.mjs'), '--help'], {
        encoding: 'utf8'
      });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/needs Node\.js 22\.19 or later, but this is \d+\.\d+\.\d+: install Node 24/);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

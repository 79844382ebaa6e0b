// Downloaded archives are checked entry by entry before `tar`/unzip runs: absolute paths, `..` segments
// and links that point out of the archive are refused with a message naming the entry. Archives are made
// with the real `tar` and `zip` tools, so the parser reads what those write (GNU long names, pax, links).
import { afterAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActionError } from '../../../src/errors.js';
import { assertSafeArchive, tarEntries, unsafeEntry, zipEntries } from '../../../src/istioctl/archive.js';

const dir = mkdtempSync(join(tmpdir(), 'archive-security-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tarGz(name: string, args: string[]): Buffer {
  const out = join(dir, name);
  execFileSync('tar', ['-czf', out, ...args], { cwd: dir });
  return readFileSync(out);
}

function refusal(archive: Buffer, format: 'tar.gz' | 'zip' = 'tar.gz'): ActionError {
  try {
    assertSafeArchive('istioctl-1.13.3-linux-amd64.tar.gz', archive, format);
  } catch (err) {
    if (err instanceof ActionError) return err;
    throw err;
  }
  throw new Error('the archive was accepted');
}

writeFileSync(join(dir, 'istioctl'), '#!/bin/sh\necho istioctl\n');
mkdirSync(join(dir, 'sub'));
writeFileSync(join(dir, 'sub', 'f'), 'x');

describe('tar archives', () => {
  it('an ordinary release archive passes and its entries are listed', () => {
    const ok = tarGz('ok.tar.gz', ['istioctl', 'sub']);
    expect(tarEntries(ok).map((e) => e.name)).toEqual(['istioctl', 'sub/', 'sub/f']);
    expect(() => assertSafeArchive('ok.tar.gz', ok, 'tar.gz')).not.toThrow();
  });

  it('refuses an entry with a ".." segment', () => {
    const bad = tarGz('dotdot.tar.gz', ['-P', '--transform', 's,^istioctl$,../../bin/istioctl,', 'istioctl']);
    expect(tarEntries(bad).map((e) => e.name)).toEqual(['../../bin/istioctl']);
    const err = refusal(bad);
    expect(err.message).toBe(
      'Refusing to unpack istioctl-1.13.3-linux-amd64.tar.gz: it would write outside its directory.'
    );
    expect(err.details).toEqual(['entry "../../bin/istioctl" has an absolute path or a ".." segment']);
  });

  it('refuses an absolute path', () => {
    const bad = tarGz('abs.tar.gz', ['-P', join(dir, 'istioctl')]);
    expect(refusal(bad).details[0]).toBe(
      `entry "${join(dir, 'istioctl')}" has an absolute path or a ".." segment`
    );
  });

  it('refuses a symlink that points out of the archive', () => {
    symlinkSync('/etc/passwd', join(dir, 'link'));
    const bad = tarGz('link.tar.gz', ['istioctl', 'link']);
    expect(refusal(bad).details).toEqual(['entry "link" links to "/etc/passwd", outside the archive']);
  });

  it('reads GNU long names (over 100 characters) correctly', () => {
    const long = `${'d'.repeat(120)}/../../escape`;
    const bad = tarGz('long.tar.gz', ['-P', '--transform', `s,^istioctl$,${long},`, 'istioctl']);
    expect(tarEntries(bad).map((e) => e.name)).toEqual([long]);
    expect(refusal(bad).details[0]).toContain('has an absolute path or a ".." segment');
  });
});

describe('zip archives', () => {
  it('lists entries from the central directory and refuses "..", passes a clean one', () => {
    execFileSync('zip', ['-q', join(dir, 'ok.zip'), 'istioctl'], { cwd: dir });
    const ok = readFileSync(join(dir, 'ok.zip'));
    expect(zipEntries(ok).map((e) => e.name)).toEqual(['istioctl']);
    expect(() => assertSafeArchive('ok.zip', ok, 'zip')).not.toThrow();
    // zip stores names as given; rewrite the one name in place to a same-length traversal.
    const evil = Buffer.from(ok.toString('latin1').split('istioctl').join('../istio'), 'latin1');
    expect(zipEntries(evil).map((e) => e.name)).toEqual(['../istio']);
    expect(refusal(evil, 'zip').details).toEqual(['entry "../istio" has an absolute path or a ".." segment']);
  });

  it('a file that is not a zip fails clearly instead of being unpacked', () => {
    expect(refusal(Buffer.from('not a zip'), 'zip').message).toMatch(
      /^Could not read the entries of .*no central directory/
    );
  });
});

describe('unsafeEntry', () => {
  it.each([
    ['istio-1.13.3/bin/istioctl', undefined],
    ['a..b/c', undefined],
    ['C:\\Windows\\x', 'absolute'],
    ['a\\..\\..\\x', '..'],
    ['/abs', 'absolute']
  ])('%s', (name, problem) => {
    const result = unsafeEntry({ name });
    if (problem === undefined) expect(result).toBeUndefined();
    else expect(result).toContain('has an absolute path or a ".." segment');
  });
});

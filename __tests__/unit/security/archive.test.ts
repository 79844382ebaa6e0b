// Downloaded archives are checked entry by entry before `tar`/unzip runs: absolute paths, `..` segments
// and links that point out of the archive are refused with a message naming the entry. Archives are made
// with the real `tar` and `zip` tools, so the parser reads what those write (GNU long names, pax, links).
// Tar archives are read as a stream, so the reader is also fed the same bytes cut at awkward places.
import { afterAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActionError } from '../../../src/errors.js';
import {
  assertSafeArchive,
  TarEntryReader,
  tarFileEntries,
  unsafeEntry,
  zipEntries
} from '../../../src/istioctl/archive.js';

const dir = mkdtempSync(join(tmpdir(), 'archive-security-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Makes an archive with the real `tar` (gzip-compressed unless the name ends in .tar) and returns its path. */
function tarFile(name: string, args: string[]): string {
  const out = join(dir, name);
  execFileSync('tar', [name.endsWith('.tar') ? '-cf' : '-czf', out, ...args], { cwd: dir });
  return out;
}

const names = async (file: string): Promise<string[]> => (await tarFileEntries(file)).map((e) => e.name);

async function refusal(file: string, format: 'tar.gz' | 'zip' = 'tar.gz'): Promise<ActionError> {
  try {
    await assertSafeArchive('istioctl-1.13.3-linux-amd64.tar.gz', file, format);
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
  it('an ordinary release archive passes and its entries are listed', async () => {
    const ok = tarFile('ok.tar.gz', ['istioctl', 'sub']);
    expect(await names(ok)).toEqual(['istioctl', 'sub/', 'sub/f']);
    await expect(assertSafeArchive('ok.tar.gz', ok, 'tar.gz')).resolves.toBeUndefined();
  });

  it('refuses an entry with a ".." segment', async () => {
    const bad = tarFile('dotdot.tar.gz', [
      '-P',
      '--transform',
      's,^istioctl$,../../bin/istioctl,',
      'istioctl'
    ]);
    expect(await names(bad)).toEqual(['../../bin/istioctl']);
    const err = await refusal(bad);
    expect(err.message).toBe(
      'Refusing to unpack istioctl-1.13.3-linux-amd64.tar.gz: it would write outside its directory.'
    );
    expect(err.details).toEqual(['entry "../../bin/istioctl" has an absolute path or a ".." segment']);
  });

  it('refuses an absolute path', async () => {
    const bad = tarFile('abs.tar.gz', ['-P', join(dir, 'istioctl')]);
    expect((await refusal(bad)).details[0]).toBe(
      `entry "${join(dir, 'istioctl')}" has an absolute path or a ".." segment`
    );
  });

  it('refuses a symlink that points out of the archive', async () => {
    symlinkSync('/etc/passwd', join(dir, 'link'));
    const bad = tarFile('link.tar.gz', ['istioctl', 'link']);
    expect((await refusal(bad)).details).toEqual([
      'entry "link" links to "/etc/passwd", outside the archive'
    ]);
  });

  it('reads GNU long names (over 100 characters) correctly', async () => {
    const long = `${'d'.repeat(120)}/../../escape`;
    const bad = tarFile('long.tar.gz', ['-P', '--transform', `s,^istioctl$,${long},`, 'istioctl']);
    expect(await names(bad)).toEqual([long]);
    expect((await refusal(bad)).details[0]).toContain('has an absolute path or a ".." segment');
  });

  it('reads pax names and an uncompressed archive', async () => {
    const long = `${'p'.repeat(150)}/../x`;
    const pax = tarFile('pax.tar', [
      '--format=pax',
      '-P',
      '--transform',
      `s,^istioctl$,${long},`,
      'istioctl',
      'sub'
    ]);
    expect(await names(pax)).toEqual([long, 'sub/', 'sub/f']);
    expect((await refusal(pax)).details).toEqual([`entry "${long}" has an absolute path or a ".." segment`]);
  });

  it('gives the same entries however the stream is cut (1, 511, 513 and 4096-byte chunks)', () => {
    const long = `${'c'.repeat(130)}/f`;
    const file = tarFile('chunks.tar', [
      '-P',
      '--transform',
      `s,^sub/f$,${long},`,
      'istioctl',
      'sub',
      'link'
    ]);
    const bytes = readFileSync(file);
    const expected = ['istioctl', 'sub/', long, 'link'];
    for (const size of [1, 511, 513, 4096, bytes.length]) {
      const reader = new TarEntryReader();
      for (let off = 0; off < bytes.length; off += size) reader.push(bytes.subarray(off, off + size));
      expect({ size, names: reader.entries.map((e) => e.name), ended: reader.ended }).toEqual({
        size,
        names: expected,
        ended: true
      });
      expect(reader.entries[3]).toEqual({ name: 'link', link: '/etc/passwd' });
    }
  });

  it('skips file contents: an archive stored inside a file is not read as entries', async () => {
    // The inner archive's "../" entry sits in the outer archive's data, where a reader that scanned
    // contents for headers would find it.
    const inner = tarFile('inner.tar', ['-P', '--transform', 's,^istioctl$,../inner-escape,', 'istioctl']);
    writeFileSync(join(dir, 'big.bin'), Buffer.concat([readFileSync(inner), Buffer.alloc(3 << 20, 7)]));
    const outer = tarFile('outer.tar.gz', ['big.bin', 'istioctl']);
    expect(await names(outer)).toEqual(['big.bin', 'istioctl']);
    await expect(assertSafeArchive('outer.tar.gz', outer, 'tar.gz')).resolves.toBeUndefined();
  });

  it('a file that is not a tar, or a truncated download, fails clearly instead of being unpacked', async () => {
    writeFileSync(join(dir, 'text.tar.gz'), 'not an archive at all\n'.repeat(40));
    expect((await refusal(join(dir, 'text.tar.gz'))).message).toMatch(
      /^Could not read the entries of .*unreadable size/
    );
    const cut = tarFile('cut.tar.gz', ['big.bin']);
    truncateSync(cut, Math.floor(statSync(cut).size / 2));
    expect((await refusal(cut)).message).toMatch(/^Could not read the entries of .*unexpected end of file/);
    const cutTar = tarFile('cut.tar', ['istioctl', 'sub']);
    truncateSync(cutTar, 1024);
    expect((await refusal(cutTar)).message).toMatch(/^Could not read the entries of .*\(truncated\)$/);
  });
});

describe('zip archives', () => {
  it('lists entries from the central directory and refuses "..", passes a clean one', async () => {
    execFileSync('zip', ['-q', join(dir, 'ok.zip'), 'istioctl'], { cwd: dir });
    const ok = readFileSync(join(dir, 'ok.zip'));
    expect(zipEntries(ok).map((e) => e.name)).toEqual(['istioctl']);
    await expect(assertSafeArchive('ok.zip', join(dir, 'ok.zip'), 'zip')).resolves.toBeUndefined();
    // zip stores names as given; rewrite the one name in place to a same-length traversal.
    const evil = Buffer.from(ok.toString('latin1').split('istioctl').join('../istio'), 'latin1');
    expect(zipEntries(evil).map((e) => e.name)).toEqual(['../istio']);
    writeFileSync(join(dir, 'evil.zip'), evil);
    expect((await refusal(join(dir, 'evil.zip'), 'zip')).details).toEqual([
      'entry "../istio" has an absolute path or a ".." segment'
    ]);
  });

  it('a file that is not a zip fails clearly instead of being unpacked', async () => {
    writeFileSync(join(dir, 'not.zip'), 'not a zip');
    expect((await refusal(join(dir, 'not.zip'), 'zip')).message).toMatch(
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

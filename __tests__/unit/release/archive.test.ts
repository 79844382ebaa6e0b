// Archives must be what Istio publishes: extractable by the system tar, with the right layout,
// executable istioctl, and .sha256 files in release-builder's format — and byte-stable across builds.
import { describe, expect, it, beforeAll, afterAll } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReleases } from '../../../test/release/build.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'release-unit-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('buildReleases', () => {
  it('writes both archives per platform with matching .sha256 lines', async () => {
    const [rel] = await buildReleases({ dir, versions: ['1.13.3'] });
    expect(rel?.archives).toHaveLength(8);
    for (const a of rel?.archives ?? []) {
      const body = readFileSync(join(dir, '1.13.3', a));
      const line = readFileSync(join(dir, '1.13.3', `${a}.sha256`), 'utf8');
      expect(line).toBe(`${createHash('sha256').update(body).digest('hex')} ${a}\n`);
    }
  });

  it("lays the archives out like Istio's", async () => {
    await buildReleases({ dir, versions: ['1.13.3'] });
    const list = (f: string): string[] =>
      execFileSync('tar', ['tzf', join(dir, '1.13.3', f)], { encoding: 'utf8' })
        .trim()
        .split('\n');
    expect(list('istioctl-1.13.3-linux-amd64.tar.gz')).toEqual(['istioctl']);
    const full = list('istio-1.13.3-osx-arm64.tar.gz');
    for (const p of [
      'bin/istioctl',
      'manifest.yaml',
      'manifests/profiles/demo.yaml',
      'samples/bookinfo/platform/kube/bookinfo.yaml',
      'samples/bookinfo/networking/virtual-service-reviews-90-10.yaml',
      'samples/addons/kiali.yaml'
    ]) {
      expect(full).toContain(`istio-1.13.3/${p}`);
    }
    const out = join(dir, 'x');
    execFileSync('mkdir', ['-p', out]);
    execFileSync('tar', ['xzf', join(dir, '1.13.3', 'istioctl-1.13.3-linux-amd64.tar.gz'), '-C', out]);
    expect(statSync(join(out, 'istioctl')).mode & 0o111).toBe(0o111);
    expect(readFileSync(join(out, 'istioctl'), 'utf8')).toMatch(
      /^#!\/bin\/sh\n[\s\S]*ISTIOCTL_STANDIN_VERSION='1\.13\.3'/
    );
  });

  it('is deterministic, so checksums stay stable between builds', async () => {
    const before = readFileSync(join(dir, '1.13.3', 'istio-1.13.3-linux-amd64.tar.gz.sha256'), 'utf8');
    rmSync(join(dir, '1.13.3'), { recursive: true });
    await buildReleases({ dir, versions: ['1.13.3'] });
    expect(readFileSync(join(dir, '1.13.3', 'istio-1.13.3-linux-amd64.tar.gz.sha256'), 'utf8')).toBe(before);
  });
});

// Release archives of a REAL Istio build (test/cluster/gobuild/build.sh istio): the istioctl binary built
// from istio.io/istio and the release tree taken from the same module (samples/, manifests/, LICENSE,
// README.md), laid out like Istio's release-builder lays them out:
//   istioctl-<v>-linux-amd64.tar.gz  `istioctl` at the archive root
//   istio-<v>-linux-amd64.tar.gz     `istio-<v>/bin/istioctl`, `istio-<v>/samples/…`, `manifests/…`, manifest.yaml
// each with a `<file>.sha256` sibling (`<hex> <basename>\n`). Only linux-amd64: that is what was built.
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { sha256Line } from './build.js';

export const REAL_PLATFORMS = ['linux-amd64'] as const;

export interface RealBuild {
  /** The gobuild output directory: bin/istioctl, bin/pilot-discovery, tree/, module-version. */
  dir: string;
}

/** The module version (pseudo-version) the build came from, e.g. v0.0.0-20260826214018-9739e10eb9d7. */
export function moduleVersion(build: RealBuild): string {
  return readFileSync(join(build.dir, 'module-version'), 'utf8').trim();
}

// A fixed mtime keeps the archives byte-stable between harness runs (2026-07-13, the 1.30.3 tag date).
const MTIME = '@1783900800';

function tarGz(cwd: string, out: string, entries: string[]): void {
  execFileSync(
    'tar',
    [
      '--sort=name',
      `--mtime=${MTIME}`,
      '--owner=0',
      '--group=0',
      '--numeric-owner',
      '-I',
      'gzip -n -1',
      '-cf',
      out,
      ...entries
    ],
    { cwd, stdio: ['ignore', 'ignore', 'pipe'] }
  );
}

/**
 * Writes `<dir>/<version>/` with the real archives, unless a stamp shows they were made from the same
 * build already. Returns the archive basenames.
 */
export function buildRealRelease(dir: string, version: string, build: RealBuild): string[] {
  const out = join(dir, version);
  const istioctl = join(build.dir, 'bin', 'istioctl');
  if (!existsSync(istioctl)) throw new Error(`no real istioctl in ${build.dir}/bin`);
  const archives = REAL_PLATFORMS.flatMap((p) => [
    `istioctl-${version}-${p}.tar.gz`,
    `istio-${version}-${p}.tar.gz`
  ]);
  const stamp = `${moduleVersion(build)} ${statSync(istioctl).mtimeMs} ${statSync(istioctl).size}\n`;
  const stampFile = join(out, '.real-build');
  if (
    existsSync(stampFile) &&
    readFileSync(stampFile, 'utf8') === stamp &&
    archives.every((a) => existsSync(join(out, a)))
  )
    return archives;

  const staging = join(out, '.staging');
  rmSync(staging, { recursive: true, force: true });
  const root = join(staging, `istio-${version}`);
  mkdirSync(join(root, 'bin'), { recursive: true });
  cpSync(join(build.dir, 'tree'), root, { recursive: true });
  copyFileSync(istioctl, join(root, 'bin', 'istioctl'));
  copyFileSync(istioctl, join(staging, 'istioctl'));
  const commit = moduleVersion(build).split('-').pop() ?? '';
  // release-builder's manifest.yaml names the release and the commit of each repository it was built from.
  writeFileSync(
    join(root, 'manifest.yaml'),
    dump({
      version,
      docker: 'registry.istio.io/release',
      directory: 'work',
      dependencies: {
        istio: {
          git: 'https://github.com/istio/istio',
          branch: `release-${version.split('.').slice(0, 2).join('.')}`,
          sha: commit
        }
      }
    })
  );
  for (const p of REAL_PLATFORMS) {
    const small = join(out, `istioctl-${version}-${p}.tar.gz`);
    const full = join(out, `istio-${version}-${p}.tar.gz`);
    tarGz(staging, small, ['istioctl']);
    tarGz(staging, full, [`istio-${version}`]);
    for (const f of [small, full]) {
      const name = f.slice(out.length + 1);
      writeFileSync(`${f}.sha256`, sha256Line(readFileSync(f), name));
    }
  }
  rmSync(staging, { recursive: true, force: true });
  writeFileSync(stampFile, stamp);
  return archives;
}

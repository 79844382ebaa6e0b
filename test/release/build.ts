// Builds stand-in Istio release archives into a directory, laid out as `<dir>/<version>/<file>`:
// `istioctl-<ver>-<plat>.tar.gz` (a single `istioctl` at the root) and `istio-<ver>-<plat>.tar.gz`
// (`istio-<ver>/` with bin/, manifests/profiles/, samples/ and manifest.yaml), each with a
// `<file>.sha256` sibling in release-builder's `<hex> <basename>\n` format. Built at test time,
// never committed; a stamp of the content hash skips rebuilding unchanged versions.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dump } from 'js-yaml';
import { addons } from './model/addons.js';
import { bookinfoApp, bookinfoNetworking } from './model/bookinfo.js';
import { PROFILE_NAMES, profileDocument } from './model/profiles.js';
import { DEFAULT_VERSIONS, PLATFORMS, releaseModel, type ReleaseModel } from './model/version.js';
import { buildRealRelease, type RealBuild } from './real.js';
import { tarGz, withDirectories, type TarEntry } from './tar.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface BuiltRelease {
  version: string;
  /** Directory holding this version's archives and .sha256 files. */
  dir: string;
  /** Archive basenames (without the .sha256 siblings). */
  archives: string[];
}

/** Node 24 (type stripping): the project's own copy, else the running node. */
function nodeBinary(): string {
  const local = join(REPO_ROOT, 'node_modules', 'node', 'bin', 'node');
  return existsSync(local) ? local : process.execPath;
}

const shq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** The `istioctl` file: a shell script that runs the TypeScript stand-in for this version. */
export function istioctlScript(version: string): string {
  const register = new URL('test/register-ts.mjs', `file://${REPO_ROOT}`).href;
  const main = join(REPO_ROOT, 'test', 'release', 'istioctl', 'main.ts');
  return [
    '#!/bin/sh',
    `# Stand-in istioctl ${version} for the ask-istio-action tests, not the real binary: it runs the`,
    '# project TypeScript implementation with Node 24. Generated at test time for this machine.',
    `ISTIOCTL_STANDIN_VERSION=${shq(version)}`,
    'export ISTIOCTL_STANDIN_VERSION',
    `exec ${shq(nodeBinary())} --import ${shq(register)} ${shq(main)} "$@"`,
    ''
  ].join('\n');
}

export function yamlDocs(docs: unknown[], source: string): string {
  const header = `# ${source} (stand-in generated for tests)\n`;
  return header + docs.map((d) => dump(d, { noRefs: true, lineWidth: -1 })).join('---\n');
}

/** Every file of `istio-<ver>/`, relative to that directory. */
export function releaseTree(m: ReleaseModel): Record<string, string> {
  const files: Record<string, string> = {};
  const v = m.version;
  files['README.md'] = `# Istio ${v}\n\nStand-in release tree generated for the ask-istio-action tests.\n`;
  files['LICENSE'] = 'Apache License\nVersion 2.0, January 2004\nhttp://www.apache.org/licenses/\n';
  files['manifest.yaml'] = dump({
    version: v,
    docker: m.hub,
    directory: 'work',
    dependencies: {
      istio: { git: 'https://github.com/istio/istio', branch: `release-1.${m.minor}`, sha: m.revision }
    }
  });
  for (const p of PROFILE_NAMES)
    files[`manifests/profiles/${p}.yaml`] = yamlDocs([profileDocument(m, p)], `manifests/profiles/${p}.yaml`);
  files['samples/bookinfo/platform/kube/bookinfo.yaml'] = yamlDocs(
    bookinfoApp(m),
    'samples/bookinfo/platform/kube/bookinfo.yaml'
  );
  for (const [name, docs] of Object.entries(bookinfoNetworking(m))) {
    files[`samples/bookinfo/networking/${name}.yaml`] = yamlDocs(
      docs,
      `samples/bookinfo/networking/${name}.yaml`
    );
  }
  for (const [name, docs] of Object.entries(addons(m)))
    files[`samples/addons/${name}.yaml`] = yamlDocs(docs, `samples/addons/${name}.yaml`);
  // Istio's curl client: samples/sleep/sleep.yaml until 1.23, samples/curl/curl.yaml from 1.24 (its
  // Deployment only; the action reads the image for its in-mesh check under STRICT mTLS).
  const client = m.minor >= 24 ? 'curl' : 'sleep';
  files[`samples/${client}/${client}.yaml`] = yamlDocs(
    [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: client },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: client } },
          template: {
            metadata: { labels: { app: client } },
            spec: {
              containers: [{ name: client, image: 'curlimages/curl', command: ['/bin/sleep', 'infinity'] }]
            }
          }
        }
      }
    ],
    `samples/${client}/${client}.yaml`
  );
  return files;
}

export function sha256Line(content: Buffer, basename: string): string {
  return `${createHash('sha256').update(content).digest('hex')} ${basename}\n`;
}

async function buildVersion(dir: string, version: string): Promise<BuiltRelease> {
  const m = releaseModel(version);
  const out = join(dir, version);
  const script = istioctlScript(version);
  const tree = releaseTree(m);
  const stamp = createHash('sha256')
    .update(script)
    .update(JSON.stringify(tree))
    .update(PLATFORMS.join(','))
    .digest('hex');
  const stampFile = join(out, '.content-sha256');
  const archives = PLATFORMS.flatMap((p) => [
    `istioctl-${version}-${p}.tar.gz`,
    `istio-${version}-${p}.tar.gz`
  ]);
  const cached = existsSync(stampFile) && (await readFile(stampFile, 'utf8')) === stamp;
  if (!cached || !archives.every((a) => existsSync(join(out, a)))) {
    await mkdir(out, { recursive: true });
    const istioctlTar = tarGz([{ path: 'istioctl', content: script, mode: 0o755 }]);
    const fullEntries: TarEntry[] = [
      { path: `istio-${version}/bin/istioctl`, content: script, mode: 0o755 },
      ...Object.entries(tree).map(([p, content]) => ({ path: `istio-${version}/${p}`, content }))
    ];
    const fullTar = tarGz(withDirectories(fullEntries));
    // The script is the same on every platform: the stand-in runs wherever Node 24 does.
    for (const p of PLATFORMS) {
      for (const [name, body] of [
        [`istioctl-${version}-${p}.tar.gz`, istioctlTar],
        [`istio-${version}-${p}.tar.gz`, fullTar]
      ] as const) {
        await writeFile(join(out, name), body);
        await writeFile(join(out, `${name}.sha256`), sha256Line(body, name));
      }
    }
    await writeFile(stampFile, stamp);
  }
  return { version, dir: out, archives };
}

/**
 * Builds (or reuses) the releases: the stand-in model for each version, except those named in `real`,
 * whose archives hold the real istioctl and release tree (test/release/real.ts).
 * Default versions: 1.13.2, 1.13.3, 1.30.3.
 */
export async function buildReleases(opts: {
  dir: string;
  versions?: readonly string[];
  real?: Record<string, RealBuild>;
}): Promise<BuiltRelease[]> {
  const versions = opts.versions ?? DEFAULT_VERSIONS;
  const built: BuiltRelease[] = [];
  for (const v of versions) {
    const real = opts.real?.[v];
    if (real)
      built.push({ version: v, dir: join(opts.dir, v), archives: buildRealRelease(opts.dir, v, real) });
    else built.push(await buildVersion(opts.dir, v));
  }
  return built;
}

// installIstioctl / fetchSamples / listReleases against a loopback HTTP server serving real tar.gz
// archives, with the runner's tool cache and temp directory in fresh temp dirs per test.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tc from '@actions/tool-cache';
import { ActionError } from '../../../src/errors.js';
import { fetchSamples, installIstioctl, installSamples } from '../../../src/istioctl/install.js';
import { clearReleaseCache, listReleases } from '../../../src/istioctl/releases.js';
import { Istioctl } from '../../../src/istioctl/run.js';
import type { Logger } from '../../../src/istioctl/log.js';
import { buildRelease, releasesJson, ScriptedServer, sha256File } from './fixtures.js';

const V = '1.30.3';
const release = buildRelease(V);
const FAST = { attempts: 3, baseDelayMs: 5, maxDelayMs: 20, idleTimeoutMs: 1500 };
const RELEASES = releasesJson([
  ['1.31.0-rc.0', { prerelease: true }],
  ['1.30.3'],
  ['1.30.2'],
  ['1.29.6'],
  ['1.13.3']
]);

let server: ScriptedServer;
let logged: string[];
const log: Logger = {
  info: (m) => logged.push(`info: ${m}`),
  warning: (m) => logged.push(`warning: ${m}`),
  debug: (m) => logged.push(`debug: ${m}`)
};
const savedEnv = { ...process.env };
const dirs: string[] = [];

function opts(
  extra: Partial<Parameters<typeof installIstioctl>[0]> = {}
): Parameters<typeof installIstioctl>[0] {
  return {
    versionSpec: V,
    downloadUrl: `${server.url}/download`,
    log,
    retry: FAST,
    os: 'linux',
    arch: 'x64',
    ...extra
  };
}

async function failure(p: Promise<unknown>): Promise<ActionError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e
  );
  expect(err).toBeInstanceOf(ActionError);
  return err as ActionError;
}

beforeAll(async () => {
  server = await new ScriptedServer().start();
});
afterAll(async () => {
  await server.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
beforeEach(() => {
  server.reset();
  clearReleaseCache();
  logged = [];
  for (const name of ['RUNNER_TOOL_CACHE', 'RUNNER_TEMP']) {
    const d = mkdtempSync(join(tmpdir(), `${name.toLowerCase()}-`));
    dirs.push(d);
    process.env[name] = d;
  }
  delete process.env['GITHUB_PATH'];
});
afterEach(() => {
  process.env = { ...savedEnv };
});

describe('installIstioctl', () => {
  it('downloads and verifies an exact version without listing releases; the second install is a cache hit with zero requests', async () => {
    server.serveRelease(V, release);
    const first = await installIstioctl(opts());
    expect(first).toMatchObject({
      version: V,
      cacheHit: false,
      platform: 'linux-amd64',
      downloadedBytes: release.istioctl.bytes.length
    });
    expect(first.sha256).toBe(release.istioctl.sha256);
    expect(first.path).toBe(join(process.env['RUNNER_TOOL_CACHE'] ?? '', 'istioctl', V, 'x64'));
    expect(first.binary).toBe(join(first.path, 'istioctl'));
    expect(process.env['PATH']?.split(':')[0]).toBe(first.path);
    expect(server.paths().sort()).toEqual([
      `/download/${V}/${release.istioctl.name}`,
      `/download/${V}/${release.istioctl.name}.sha256`
    ]);
    // The cached binary is the one from the archive and runs.
    expect(await new Istioctl(first.binary, { log }).version()).toBe(V);
    // The temp download directory is cleaned up.
    expect(existsSync(join(process.env['RUNNER_TEMP'] ?? '', 'x'))).toBe(false);

    const before = server.requests.length;
    const second = await installIstioctl(opts({ versionSpec: `v${V}` }));
    expect(second).toMatchObject({
      version: V,
      cacheHit: true,
      downloadedBytes: 0,
      path: first.path,
      binary: first.binary
    });
    expect(server.requests.length - before).toBe(0);
  });

  it('resolves latest and 1.x through releases.json once per process, skipping pre-releases', async () => {
    server.serveRelease(V, release).on('/download/releases.json', { status: 200, body: RELEASES });
    const latest = await installIstioctl(opts({ versionSpec: 'latest' }));
    expect(latest.version).toBe(V);
    expect(logged).toContain(`info: istio-version latest resolved to ${V}`);
    const minor = await installIstioctl(opts({ versionSpec: '1.30' }));
    expect(minor).toMatchObject({ version: V, cacheHit: true });
    expect(server.paths().filter((p) => p.endsWith('releases.json'))).toHaveLength(1);
  });

  it('retries a 500 and then succeeds, logging the retry', async () => {
    server
      .serveRelease(V, release)
      .on(
        `/download/${V}/${release.istioctl.name}`,
        { status: 500, body: 'boom' },
        { status: 200, body: release.istioctl.bytes }
      );
    const got = await installIstioctl(opts());
    expect(got.cacheHit).toBe(false);
    expect(server.paths().filter((p) => p.endsWith('.tar.gz'))).toHaveLength(2);
    expect(
      logged.some((l) => /^warning: Downloading .*: HTTP 500 .*retrying in .*attempt 2 of 3/.test(l))
    ).toBe(true);
  });

  it('retries a transfer cut short and a server that stops sending', async () => {
    server
      .serveRelease(V, release)
      .on(
        `/download/${V}/${release.istioctl.name}`,
        { truncate: release.istioctl.bytes },
        { stall: true },
        { status: 200, body: release.istioctl.bytes }
      );
    const got = await installIstioctl(opts());
    expect(got.sha256).toBe(release.istioctl.sha256);
    const warnings = logged.filter((l) => l.startsWith('warning:'));
    expect(warnings).toHaveLength(2);
    expect(warnings[1]).toMatch(/no data from .* for 2s/);
  });

  it('gives up after the configured attempts on a persistent 503, naming the URL', async () => {
    server
      .serveRelease(V, release)
      .on(`/download/${V}/${release.istioctl.name}`, { status: 503, body: 'unavailable' });
    const err = await failure(installIstioctl(opts()));
    expect(err.message).toMatch(
      new RegExp(
        `Downloading ${server.url}/download/${V}/${release.istioctl.name} failed: HTTP 503 .*after 3 attempts`
      )
    );
    expect(err.hint).toMatch(/mirror/);
    expect(server.paths().filter((p) => p.endsWith('.tar.gz'))).toHaveLength(3);
  });

  it('does not retry a 403', async () => {
    server
      .serveRelease(V, release)
      .on(`/download/${V}/${release.istioctl.name}`, { status: 403, body: 'denied' });
    await failure(installIstioctl(opts()));
    expect(server.paths().filter((p) => p.endsWith('.tar.gz'))).toHaveLength(1);
  });

  it('refuses a download whose sha256 differs, showing both digests and the URL, and caches nothing', async () => {
    const wrong = 'ab'.repeat(32);
    server.serveRelease(V, release).on(`/download/${V}/${release.istioctl.name}.sha256`, {
      status: 200,
      body: `${wrong} ${release.istioctl.name}\n`
    });
    const err = await failure(installIstioctl(opts()));
    expect(err.message).toBe(`The sha256 of ${release.istioctl.name} does not match its published checksum.`);
    const text = err.describe();
    expect(text).toContain(wrong);
    expect(text).toContain(release.istioctl.sha256);
    expect(text).toContain(`${server.url}/download/${V}/${release.istioctl.name}`);
    expect(tc.findAllVersions('istioctl', 'x64')).toEqual([]);
  });

  it('refuses to use a download when no .sha256 is published', async () => {
    server.on(`/download/${V}/${release.istioctl.name}`, { status: 200, body: release.istioctl.bytes });
    const err = await failure(installIstioctl(opts()));
    expect(err.message).toContain(
      `Could not get the checksum of ${release.istioctl.name} (HTTP 404 from ${server.url}/download/${V}/${release.istioctl.name}.sha256)`
    );
    expect(tc.findAllVersions('istioctl', 'x64')).toEqual([]);
  });

  it('a 404 for an unknown version says it does not exist and lists the closest versions', async () => {
    server.on('/download/releases.json', { status: 200, body: RELEASES });
    const err = await failure(installIstioctl(opts({ versionSpec: '1.30.9' })));
    expect(err.message).toBe('istio-version 1.30.9 does not exist.');
    expect(err.details[0]).toBe('Closest existing versions: 1.30.3, 1.30.2, 1.29.6, 1.13.3');
    expect(err.details[1]).toBe(
      `HTTP 404 from ${server.url}/download/1.30.9/istioctl-1.30.9-linux-amd64.tar.gz`
    );
    expect(server.paths().filter((p) => p.endsWith('.tar.gz'))).toHaveLength(1); // 404 is not retried
  });

  it('a 404 for an existing version blames the missing platform asset instead', async () => {
    server.on('/download/releases.json', { status: 200, body: RELEASES });
    const err = await failure(installIstioctl(opts({ versionSpec: '1.29.6', arch: 'arm64' })));
    expect(err.message).toBe(
      `Istio 1.29.6 exists but istioctl-1.29.6-linux-arm64.tar.gz is not published (HTTP 404 from ${server.url}/download/1.29.6/istioctl-1.29.6-linux-arm64.tar.gz).`
    );
    expect(err.hint).toMatch(/linux-arm64 archives/);
  });

  it('a 404 still fails clearly when the release list cannot be read either', async () => {
    const err = await failure(installIstioctl(opts({ versionSpec: '1.30.9' })));
    expect(err.message).toBe(
      `istio-version 1.30.9 was not found (HTTP 404 from ${server.url}/download/1.30.9/istioctl-1.30.9-linux-amd64.tar.gz).`
    );
    expect(err.details[0]).toMatch(/release list could not be read/);
  });

  it('latest on a mirror without releases.json fails and suggests an exact version', async () => {
    const err = await failure(installIstioctl(opts({ versionSpec: 'latest' })));
    expect(err.message).toBe(
      `Could not list Istio releases from the mirror: HTTP 404 from ${server.url}/download/releases.json.`
    );
    expect(err.hint).toMatch(/exact version such as 1\.30\.3/);
  });

  it('needs RUNNER_TOOL_CACHE', async () => {
    delete process.env['RUNNER_TOOL_CACHE'];
    const err = await failure(installIstioctl(opts()));
    expect(err.message).toMatch(/RUNNER_TOOL_CACHE is not set/);
    expect(server.requests).toHaveLength(0);
  });

  it('an archive without istioctl at its root is refused', async () => {
    const other = buildRelease(V);
    // Serve the full archive (istio-<v>/bin/istioctl) under the istioctl-only name.
    const wrong = { ...other.full, name: release.istioctl.name };
    server
      .on(`/download/${V}/${wrong.name}`, { status: 200, body: wrong.bytes })
      .on(`/download/${V}/${wrong.name}.sha256`, { status: 200, body: sha256File(wrong) });
    const err = await failure(installIstioctl(opts()));
    expect(err.message).toBe(`${release.istioctl.name} has no istioctl at its root.`);
    expect(err.details[0]).toBe(`It contains: istio-${V}`);
  });
});

describe('installSamples', () => {
  it('unpacks istio-<v>/ from the full archive, verified, and reuses the tool cache next time', async () => {
    server.serveRelease(V, release);
    const first = await fetchSamples({
      version: V,
      downloadUrl: `${server.url}/download/`,
      log,
      retry: FAST,
      os: 'linux',
      arch: 'x64'
    });
    expect(first).toMatchObject({
      version: V,
      cacheHit: false,
      downloadedBytes: release.full.bytes.length,
      sha256: release.full.sha256
    });
    expect(readFileSync(join(first.path, 'samples/bookinfo/platform/kube/bookinfo.yaml'), 'utf8')).toBe(
      `# bookinfo for ${V}\n`
    );
    // The release's own istioctl is cached once, as the istioctl tool, not a second time here.
    expect(existsSync(join(first.path, 'bin'))).toBe(false);
    expect(server.paths().sort()).toEqual([
      `/download/${V}/${release.full.name}`,
      `/download/${V}/${release.full.name}.sha256`
    ]);
    const before = server.requests.length;
    const again = await installSamples({
      version: V,
      downloadUrl: `${server.url}/download`,
      log,
      retry: FAST,
      os: 'linux',
      arch: 'x64'
    });
    expect(again).toBe(first.path);
    expect(server.requests.length).toBe(before);
  });

  it('verifies the full archive too', async () => {
    server.serveRelease(V, release).on(`/download/${V}/${release.full.name}.sha256`, {
      status: 200,
      body: sha256File(release.istioctl).replace(release.istioctl.name, release.full.name)
    });
    const err = await failure(
      installSamples({
        version: V,
        downloadUrl: `${server.url}/download`,
        log,
        retry: FAST,
        os: 'linux',
        arch: 'x64'
      })
    );
    expect(err.message).toMatch(/does not match its published checksum/);
  });
});

describe('listReleases from the GitHub API', () => {
  const page = (tags: string[]) =>
    JSON.stringify(tags.map((t) => ({ tag_name: t, prerelease: t.includes('-'), draft: false })));
  const path = (n: number) => `/api/repos/istio/istio/releases?per_page=100&page=${n}`;
  const github = { downloadUrl: 'https://github.com/istio/istio/releases/download/', log, retry: FAST };

  it('follows Link pagination with the token, never asks for releases/latest, and remembers the answer', async () => {
    const link = (n: number, last: number) =>
      `<${server.url}${path(n)}>; rel="next", <${server.url}${path(last)}>; rel="last"`;
    server
      .on(path(1), {
        status: 200,
        body: page(['1.31.0-rc.0', '1.29.7', '1.30.3']),
        headers: { link: link(2, 3) }
      })
      .on(path(2), { status: 200, body: page(['1.30.2', '1.29.6']), headers: { link: link(3, 3) } })
      .on(path(3), {
        status: 200,
        body: page(['1.13.3']),
        headers: { link: `<${server.url}${path(1)}>; rel="first"` }
      });
    // The stand-in plays api.github.com and is the job's own API too, so the token goes along.
    const jobApiUrl = `${server.url}/api`;
    const got = await listReleases({
      ...github,
      apiUrl: `${server.url}/api/`,
      jobApiUrl,
      githubToken: 't0ken'
    });
    expect(got.map((r) => r.version)).toEqual([
      '1.31.0-rc.0',
      '1.29.7',
      '1.30.3',
      '1.30.2',
      '1.29.6',
      '1.13.3'
    ]);
    expect(got[0]).toEqual({ version: '1.31.0-rc.0', prerelease: true, draft: false });
    expect(server.paths()).toEqual([path(1), path(2), path(3)]);
    for (const r of server.requests) {
      expect(r.headers['authorization']).toBe('Bearer t0ken');
      expect(r.headers['accept']).toBe('application/vnd.github+json');
    }
    await listReleases({ ...github, apiUrl: `${server.url}/api`, jobApiUrl, githubToken: 't0ken' });
    expect(server.requests).toHaveLength(3);
  });

  it('sends no authorization without a token', async () => {
    server.on(path(1), { status: 200, body: page(['1.30.3']) });
    await listReleases({ ...github, apiUrl: `${server.url}/api` });
    expect(server.requests[0]?.headers['authorization']).toBeUndefined();
  });

  // On GitHub Enterprise Server / GHE.com the job's GITHUB_API_URL is the enterprise host, where
  // istio/istio does not exist and the job's token means nothing to github.com.
  describe('[R3-4] on GitHub Enterprise', () => {
    const requests: Array<{ url: string; authorization: string | null }> = [];
    const publicApi: typeof fetch = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      requests.push({ url, authorization: new Headers(init?.headers).get('authorization') });
      if (url.startsWith('https://api.github.com/repos/istio/istio/releases'))
        return new Response(page(['1.30.3', '1.30.2', '1.29.6']), { status: 200 });
      if (url.startsWith('https://github.com/istio/istio/releases/download/'))
        return new Response('Not Found', { status: 404 });
      return new Response('{"message":"Not Found"}', { status: 404 });
    };
    beforeEach(() => {
      requests.length = 0;
    });

    it.each(['https://ghe.example.com/api/v3', 'https://api.octocorp.ghe.com'])(
      '[R3-4] resolves 1.30 at api.github.com without the job token (GITHUB_API_URL=%s)',
      async (jobApi) => {
        process.env['GITHUB_API_URL'] = jobApi;
        const got = await listReleases({ ...github, githubToken: 'ghe-t0ken', fetch: publicApi });
        expect(got.map((r) => r.version)).toEqual(['1.30.3', '1.30.2', '1.29.6']);
        expect(requests).toEqual([
          {
            url: 'https://api.github.com/repos/istio/istio/releases?per_page=100&page=1',
            authorization: null
          }
        ]);
      }
    );

    it('[R3-4] a rate limit says the enterprise token was not sent instead of asking for one', async () => {
      process.env['GITHUB_API_URL'] = 'https://ghe.example.com/api/v3';
      const limited: typeof fetch = async () =>
        new Response(JSON.stringify({ message: 'API rate limit exceeded for 203.0.113.7.' }), {
          status: 403,
          headers: { 'x-ratelimit-remaining': '0' }
        });
      const err = await failure(listReleases({ ...github, githubToken: 'ghe-t0ken', fetch: limited }));
      expect(err.message).toBe('The GitHub API rate limit was hit while listing Istio releases.');
      expect(err.hint).toMatch(
        /^This job runs on GitHub Enterprise: its token is not sent to api\.github\.com/
      );
    });

    it('[R3-4] sends the token when the job itself runs on github.com', async () => {
      process.env['GITHUB_API_URL'] = 'https://api.github.com';
      await listReleases({ ...github, githubToken: 'gh-t0ken', fetch: publicApi });
      expect(requests[0]?.authorization).toBe('Bearer gh-t0ken');
    });

    it('[R3-4] the "closest versions" hint after a 404 also comes from api.github.com', async () => {
      process.env['GITHUB_API_URL'] = 'https://ghe.example.com/api/v3';
      const err = await failure(
        installIstioctl(
          opts({
            versionSpec: '1.30.9',
            downloadUrl: 'https://github.com/istio/istio/releases/download',
            githubToken: 'ghe-t0ken',
            fetch: publicApi
          })
        )
      );
      expect(err.message).toBe('istio-version 1.30.9 does not exist.');
      expect(err.details[0]).toBe('Closest existing versions: 1.30.3, 1.30.2, 1.29.6');
      const listing = requests.filter((r) => r.url.includes('/repos/istio/istio/releases'));
      expect(listing.map((r) => r.url)).toEqual([
        'https://api.github.com/repos/istio/istio/releases?per_page=100&page=1'
      ]);
      expect(listing[0]?.authorization).toBeNull();
      expect(requests.some((r) => r.url.includes('ghe.example.com'))).toBe(false);
    });
  });

  it('explains a rate limit and points at github-token', async () => {
    server.on(path(1), {
      status: 403,
      body: JSON.stringify({ message: 'API rate limit exceeded for 127.0.0.1.' }),
      headers: {
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': '1900000000',
        'content-type': 'application/json'
      }
    });
    const err = await failure(listReleases({ ...github, apiUrl: `${server.url}/api` }));
    expect(err.message).toBe('The GitHub API rate limit was hit while listing Istio releases.');
    expect(err.details).toEqual([
      'The server said: API rate limit exceeded for 127.0.0.1.',
      'The limit resets at 2030-03-17T17:46:40.000Z.'
    ]);
    expect(err.hint).toMatch(/Pass github-token/);
    expect(server.requests).toHaveLength(1); // a rate limit is not retried
  });

  it('retries a 502 from the API', async () => {
    server.on(path(1), { status: 502 }, { status: 200, body: page(['1.30.3']) });
    expect((await listReleases({ ...github, apiUrl: `${server.url}/api` })).map((r) => r.version)).toEqual([
      '1.30.3'
    ]);
    expect(server.requests).toHaveLength(2);
  });

  it('rejects a body that is not a release list', async () => {
    server.on(path(1), { status: 200, body: '{"message":"Not Found"}' });
    const err = await failure(listReleases({ ...github, apiUrl: `${server.url}/api` }));
    expect(err.message).toMatch(/is not a JSON array/);
  });
});

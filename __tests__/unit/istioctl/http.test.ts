// Pure parts of the HTTP layer: retry decisions, backoff, Link pagination, release list parsing.
import { describe, expect, it } from '@jest/globals';
import { ActionError } from '../../../src/errors.js';
import {
  HttpStatusError,
  IdleTimeoutError,
  isRetryable,
  TruncatedError
} from '../../../src/istioctl/download.js';
import {
  nextPageUrl,
  parseReleaseList,
  releaseListUrl,
  sendsTokenTo
} from '../../../src/istioctl/releases.js';

const status = (n: number, headers: Record<string, string> = {}) =>
  new HttpStatusError('http://127.0.0.1/x', n, '', '', new Headers(headers));
const withCode = (code: string) => Object.assign(new Error(code), { code });

describe('isRetryable', () => {
  it.each([
    ['HTTP 500', status(500), true],
    ['HTTP 503', status(503), true],
    ['HTTP 408', status(408), true],
    ['HTTP 429', status(429), true],
    ['HTTP 404', status(404), false],
    ['HTTP 403', status(403), false],
    ['HTTP 401', status(401), false],
    ['connection reset', new TypeError('fetch failed', { cause: withCode('ECONNRESET') }), true],
    ['idle timeout', new IdleTimeoutError('u', 1000), true],
    ['truncated', new TruncatedError('u', 1, 2), true],
    ['disk full', withCode('ENOSPC'), false],
    ['no permission', withCode('EACCES'), false],
    ['cancelled', Object.assign(new Error('aborted'), { name: 'AbortError' }), false],
    ['a user-facing error', new ActionError('bad checksum'), false],
    ['not an error', 'string', false]
  ])('%s → %s', (_name, err, expected) => {
    expect(isRetryable(err)).toBe(expected);
  });
});

describe('HttpStatusError', () => {
  it('reads Retry-After from a response', () => {
    expect(status(503, { 'retry-after': '3' }).retryAfterMs).toBe(3000);
    expect(status(503).retryAfterMs).toBeUndefined();
    expect(status(503, { 'retry-after': 'soon' }).retryAfterMs).toBeUndefined();
  });
});

describe('nextPageUrl', () => {
  const current = 'https://api.github.com/repos/istio/istio/releases?per_page=100&page=1';
  it.each([
    [null, undefined],
    ['', undefined],
    [
      '<https://api.github.com/repositories/74175805/releases?per_page=100&page=2>; rel="next", <https://api.github.com/repositories/74175805/releases?per_page=100&page=7>; rel="last"',
      'https://api.github.com/repositories/74175805/releases?per_page=100&page=2'
    ],
    ['<https://x/?page=1>; rel="prev", <https://x/?page=1>; rel="first"', undefined],
    ['<https://x/?page=3>; rel="last next"', 'https://x/?page=3'],
    [
      '</repos/istio/istio/releases?page=2>; rel=next',
      'https://api.github.com/repos/istio/istio/releases?page=2'
    ]
  ])('%j', (link, expected) => {
    expect(nextPageUrl(link, current)).toBe(expected);
  });
});

describe('parseReleaseList', () => {
  it('reads the GitHub shape and plain tags, dropping a leading v', () => {
    const text = JSON.stringify([
      { tag_name: '1.30.3', prerelease: false, draft: false, body: '...' },
      { tag_name: 'v1.31.0-rc.0', prerelease: true },
      '1.13.3'
    ]);
    expect(parseReleaseList(text, 'src')).toEqual([
      { version: '1.30.3', prerelease: false, draft: false },
      { version: '1.31.0-rc.0', prerelease: true, draft: false },
      { version: '1.13.3', prerelease: false, draft: false }
    ]);
  });

  it.each([
    ['<html>', /is not JSON/],
    ['{"message":"Not Found"}', /is not a JSON array/],
    ['[{"name":"1.30.3"}]', /Entry 0 .* has no tag_name/]
  ])('rejects %s', (text, message) => {
    expect(() => parseReleaseList(text, 'http://127.0.0.1/releases.json')).toThrow(message);
  });
});

describe('releaseListUrl', () => {
  it.each([
    [
      { downloadUrl: 'https://github.com/istio/istio/releases/download' },
      'https://api.github.com/repos/istio/istio/releases?per_page=100&page=1'
    ],
    [
      {
        downloadUrl: 'https://github.com/istio/istio/releases/download/',
        apiUrl: 'http://127.0.0.1:9/api/'
      },
      'http://127.0.0.1:9/api/repos/istio/istio/releases?per_page=100&page=1'
    ],
    [{ downloadUrl: 'https://mirror.example/istio/' }, 'https://mirror.example/istio/releases.json']
  ])('%j', (opts, expected) => {
    const saved = process.env['GITHUB_API_URL'];
    delete process.env['GITHUB_API_URL'];
    try {
      expect(releaseListUrl(opts)).toBe(expected);
    } finally {
      if (saved !== undefined) process.env['GITHUB_API_URL'] = saved;
    }
  });

  // istio/istio lives on github.com: an enterprise job's own API (GHES /api/v3, GHE.com api.<sub>.ghe.com)
  // has no such repository, so the default download location is always listed at api.github.com.
  it.each(['https://ghe.example.com/api/v3', 'https://api.octocorp.ghe.com'])(
    '[R3-4] lists github.com releases at api.github.com even when GITHUB_API_URL is %s',
    (jobApi) => {
      const saved = process.env['GITHUB_API_URL'];
      process.env['GITHUB_API_URL'] = jobApi;
      try {
        expect(releaseListUrl({ downloadUrl: 'https://github.com/istio/istio/releases/download' })).toBe(
          'https://api.github.com/repos/istio/istio/releases?per_page=100&page=1'
        );
      } finally {
        if (saved === undefined) delete process.env['GITHUB_API_URL'];
        else process.env['GITHUB_API_URL'] = saved;
      }
    }
  );
});

describe('sendsTokenTo', () => {
  it.each([
    ['https://api.github.com/repos/istio/istio/releases', undefined, true],
    ['https://api.github.com/repos/istio/istio/releases', 'https://api.github.com', true],
    ['https://api.github.com/repos/istio/istio/releases', 'https://api.github.com/', true],
    ['https://api.github.com/repos/istio/istio/releases', 'https://ghe.example.com/api/v3', false],
    ['https://api.github.com/repos/istio/istio/releases', 'https://api.octocorp.ghe.com', false],
    ['https://ghe.example.com/api/v3/repos/istio/istio/releases', 'https://ghe.example.com/api/v3', true]
  ])('[R3-4] a token for the job at %s goes to %s: %p', (url, jobApi, expected) => {
    expect(sendsTokenTo(url, jobApi)).toBe(expected);
  });
});

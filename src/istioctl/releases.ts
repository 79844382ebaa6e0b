// Listing Istio releases, needed only to resolve `latest` / `1.x` and to suggest versions after a 404.
// GitHub's releases API (every page) for the default location; `<download-url>/releases.json` for a
// mirror. Never `releases/latest` (it follows publication date), never a silent fallback.
// istio/istio lives on github.com, so its releases are listed at api.github.com even when the job runs
// on GitHub Enterprise Server or GHE.com (whose GITHUB_API_URL is the enterprise host, where istio/istio
// does not exist); the job's token goes along only when api.github.com is also the job's own API.
import { ActionError } from '../errors.js';
import {
  fetchText,
  HttpStatusError,
  describeNetworkError,
  type FetchFn,
  type DownloadPolicy
} from './download.js';
import { coreLogger, type Logger } from './log.js';
import { DEFAULT_DOWNLOAD_URL } from './platform.js';
import type { ReleaseInfo } from './versions.js';

export interface ListReleasesOptions {
  downloadUrl: string;
  /** The job's token (github-token); sent only to the job's own API host (see sendsTokenTo). */
  githubToken?: string;
  /** API root that serves istio/istio's releases; https://api.github.com (tests point it elsewhere). */
  apiUrl?: string;
  /** The job's own API root; default GITHUB_API_URL, then https://api.github.com. */
  jobApiUrl?: string;
  fetch?: FetchFn;
  retry?: Partial<DownloadPolicy>;
  log?: Logger;
  signal?: AbortSignal;
}

/** More pages than Istio has ever had at 100 a page; stops a server that links pages in a loop. */
const MAX_PAGES = 50;

const memo = new Map<string, Promise<ReleaseInfo[]>>();

/** Forgets remembered release lists (tests; a long-running CLI). */
export function clearReleaseCache(): void {
  memo.clear();
}

export function isDefaultDownloadUrl(downloadUrl: string): boolean {
  return downloadUrl.replace(/\/+$/, '') === DEFAULT_DOWNLOAD_URL;
}

export const PUBLIC_GITHUB_API = 'https://api.github.com';

/** Where the list comes from for a download location (never the job's GITHUB_API_URL: see above). */
export function releaseListUrl(opts: Pick<ListReleasesOptions, 'downloadUrl' | 'apiUrl'>): string {
  if (!isDefaultDownloadUrl(opts.downloadUrl)) return `${opts.downloadUrl.replace(/\/+$/, '')}/releases.json`;
  const api = (opts.apiUrl ?? PUBLIC_GITHUB_API).replace(/\/+$/, '');
  return `${api}/repos/istio/istio/releases?per_page=100&page=1`;
}

/**
 * Whether the job's token may go with a request to `url`: only to the job's own API host (its
 * GITHUB_API_URL, github.com when unset). An enterprise token means nothing to api.github.com, and
 * sending it there would hand an enterprise credential to another service.
 */
export function sendsTokenTo(
  url: string,
  jobApiUrl = process.env['GITHUB_API_URL'] || PUBLIC_GITHUB_API
): boolean {
  try {
    return new URL(url).origin === new URL(jobApiUrl).origin;
  } catch {
    return false;
  }
}

/** Every release, remembered per source for the life of the process (one job resolves once). */
export function listReleases(opts: ListReleasesOptions): Promise<ReleaseInfo[]> {
  const first = releaseListUrl(opts);
  const withToken =
    opts.githubToken !== undefined && opts.githubToken !== '' && sendsTokenTo(first, opts.jobApiUrl);
  const key = `${first}\n${withToken ? 'token' : 'anonymous'}`;
  let pending = memo.get(key);
  if (!pending) {
    pending = (
      isDefaultDownloadUrl(opts.downloadUrl)
        ? listFromGitHub(first, {
            ...opts,
            githubToken: withToken ? opts.githubToken : undefined,
            tokenWithheld: !withToken && !!opts.githubToken
          })
        : listFromMirror(first, opts)
    ).catch((err: unknown) => {
      memo.delete(key);
      throw err;
    });
    memo.set(key, pending);
  }
  return pending;
}

/** `tokenWithheld`: the job has a token, but for another GitHub (an enterprise job listing github.com). */
type GitHubListOptions = ListReleasesOptions & { tokenWithheld?: boolean };

async function listFromGitHub(firstUrl: string, opts: GitHubListOptions): Promise<ReleaseInfo[]> {
  const log = opts.log ?? coreLogger;
  const headers: Record<string, string> = {
    accept: 'application/vnd.github+json',
    'x-github-api-version': '2022-11-28'
  };
  if (opts.githubToken) headers['authorization'] = `Bearer ${opts.githubToken}`;
  const releases: ReleaseInfo[] = [];
  let url: string | undefined = firstUrl;
  for (let page = 1; url; page++) {
    if (page > MAX_PAGES) {
      throw new ActionError(
        `The GitHub releases API linked more than ${MAX_PAGES} pages of Istio releases.`,
        {
          details: [`Last page URL: ${url}`],
          hint: 'Set istio-version to an exact version such as 1.30.3; it needs no release list.'
        }
      );
    }
    const { text, headers: resHeaders } = await get(url, opts, headers, log);
    releases.push(...parseReleaseList(text, url));
    url = nextPageUrl(resHeaders.get('link'), url);
  }
  log.debug(`Listed ${releases.length} Istio releases from the GitHub API`);
  return releases;
}

async function listFromMirror(url: string, opts: ListReleasesOptions): Promise<ReleaseInfo[]> {
  const log = opts.log ?? coreLogger;
  const { text } = await get(url, opts, { accept: 'application/json' }, log);
  const releases = parseReleaseList(text, url);
  log.debug(`Listed ${releases.length} Istio releases from ${url}`);
  return releases;
}

async function get(
  url: string,
  opts: GitHubListOptions,
  headers: Record<string, string>,
  log: Logger
): Promise<{ text: string; headers: Headers }> {
  try {
    return await fetchText(url, { fetch: opts.fetch, retry: opts.retry, signal: opts.signal, headers, log });
  } catch (err) {
    throw listError(url, err, opts);
  }
}

function listError(url: string, err: unknown, opts: GitHubListOptions): ActionError {
  if (err instanceof ActionError) return err;
  const exact =
    'Or set istio-version to an exact version such as 1.30.3; an exact version needs no release list.';
  if (!(err instanceof HttpStatusError)) {
    return new ActionError(`Could not list Istio releases from ${url}: ${describeNetworkError(err)}`, {
      hint: exact,
      cause: err
    });
  }
  const apiMessage = messageFromBody(err.body);
  const details = apiMessage ? [`The server said: ${apiMessage}`] : [];
  if (!isDefaultDownloadUrl(opts.downloadUrl)) {
    const hint =
      err.status === 404
        ? `Publish the list at ${url} (a JSON array of {"tag_name", "prerelease", "draft"}, like GitHub's releases API). ${exact}`
        : exact;
    return new ActionError(`Could not list Istio releases from the mirror: HTTP ${err.status} from ${url}.`, {
      details,
      hint,
      cause: err
    });
  }
  const limited = err.headers.get('x-ratelimit-remaining') === '0' || /rate limit/i.test(err.body);
  if ((err.status === 403 || err.status === 429) && limited) {
    const reset = Number(err.headers.get('x-ratelimit-reset'));
    if (Number.isFinite(reset) && reset > 0)
      details.push(`The limit resets at ${new Date(reset * 1000).toISOString()}.`);
    return new ActionError('The GitHub API rate limit was hit while listing Istio releases.', {
      details,
      hint: opts.githubToken
        ? `The token's limit is used up too; wait for the reset. ${exact}`
        : opts.tokenWithheld
          ? `This job runs on GitHub Enterprise: its token is not sent to api.github.com, which allows 60 anonymous requests an hour. Use istio-download-url with a mirror that serves releases.json, or wait for the reset. ${exact}`
          : `Pass github-token (the workflow's GITHUB_TOKEN is enough) for a higher limit. ${exact}`,
      cause: err
    });
  }
  if (err.status === 401) {
    return new ActionError('GitHub rejected github-token while listing Istio releases (HTTP 401).', {
      details,
      hint: 'Check that github-token is a valid, unexpired token.',
      cause: err
    });
  }
  return new ActionError(`Could not list Istio releases: HTTP ${err.status} from ${url}.`, {
    details,
    hint: exact,
    cause: err
  });
}

function messageFromBody(body: string): string | undefined {
  try {
    const m = (JSON.parse(body) as { message?: unknown }).message;
    if (typeof m === 'string') return m;
  } catch {
    // not JSON: show the start of the text instead
  }
  const text = body.trim().slice(0, 200);
  return text || undefined;
}

/** The rel="next" target of a Link header, resolved against the current page. */
export function nextPageUrl(link: string | null, current: string): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const m = /<([^>]+)>\s*;(.*)$/.exec(part.trim());
    const rel = /\brel="?([^";]+)"?/.exec(m?.[2] ?? '')?.[1];
    if (m?.[1] && rel?.split(/\s+/).includes('next')) return new URL(m[1], current).href;
  }
  return undefined;
}

/**
 * A release list as GitHub's API shapes it (`[{tag_name, prerelease, draft}, ...]`); a mirror may
 * also serve plain tag strings. Tags lose a leading `v`.
 */
export function parseReleaseList(text: string, source: string): ReleaseInfo[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ActionError(`The Istio release list at ${source} is not JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(json)) {
    throw new ActionError(`The Istio release list at ${source} is not a JSON array.`, {
      details: [`It starts with: ${text.trim().slice(0, 120)}`]
    });
  }
  return json.map((entry: unknown, i): ReleaseInfo => {
    if (typeof entry === 'string')
      return { version: entry.replace(/^v/, ''), prerelease: false, draft: false };
    const e = entry as { tag_name?: unknown; prerelease?: unknown; draft?: unknown } | null;
    if (typeof e?.tag_name !== 'string') {
      throw new ActionError(`Entry ${i} of the Istio release list at ${source} has no tag_name.`);
    }
    return {
      version: e.tag_name.replace(/^v/, ''),
      prerelease: e.prerelease === true,
      draft: e.draft === true
    };
  });
}

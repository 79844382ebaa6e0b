// The PR comment: rendering (pure) and the create-or-update protocol against a local stand-in for the
// GitHub API (real Octokit, real HTTP on loopback).
import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../../src/inputs/config.js';
import { startGithubFake, type GithubFake } from '../../../test/fakes/github.js';
import { config as baseConfig, fullReport, SECRET_KEY, TOKEN } from './fixtures.js';

const warnings: string[] = [];
jest.unstable_mockModule('@actions/core', () => ({
  warning: (m: string) => warnings.push(m),
  info: () => undefined,
  debug: () => undefined,
  summary: {}
}));
const { commentMarker, commentOnPr, pullRequestNumber, renderComment, runUrlFromEnv } =
  await import('../../../src/report/comment.js');

const GH_TOKEN = 'ghs_fakeInstallationToken0123456789';
const READ_ONLY = 'ghs_forkTokenReadOnly';
const tmp = mkdtempSync(join(tmpdir(), 'comment-test-'));

function config(over: Partial<Config['lifecycle']> = {}): Config {
  const c = baseConfig();
  c.lifecycle = { ...c.lifecycle, commentOnPr: true, githubToken: GH_TOKEN, previewId: '42', ...over };
  return c;
}

function eventFile(payload: unknown): string {
  const path = join(tmp, `event-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(payload));
  return path;
}

describe('renderComment', () => {
  const body = renderComment(fullReport(), config(), 'https://github.com/o/r/actions/runs/7');

  it('starts with the hidden per-namespace marker', () => {
    expect(body.split('\n')[0]).toBe('<!-- ask-istio-action:bookinfo-pr-42 -->');
    expect(commentMarker('bookinfo-pr-42')).toBe('<!-- ask-istio-action:bookinfo-pr-42 -->');
  });

  it('gives the URL, the Host header with a ready curl line, the variant and the run link', () => {
    expect(body).toContain('| Productpage | http://192.0.2.7/productpage |');
    expect(body).toContain('| Host header | `pr-42.example.com` |');
    expect(body).toContain("curl -s -H 'Host: pr-42.example.com' http://192.0.2.7/productpage");
    expect(body).toContain('`reviews-80-20` — 80 % of traffic to reviews v1, 20 % to v2');
    expect(body).toContain('[Workflow run](https://github.com/o/r/actions/runs/7)');
  });

  it('includes the verification table of the job summary, one row per identity, and the verdict', () => {
    expect(body).toContain('| Identity | Expected | Observed | p-value | Result |');
    expect(body).toContain('| anonymous | {"v1":80,"v2":20} | {"v1":83,"v2":17} | 0.459 | ✅ pass |');
    expect(body).toContain('| jason | {"v2":100} | {"v1":10,"v2":90} | 0.00 | ❌ fail |');
    expect(body).toContain('❌ traffic split not as expected');
  });

  it('never contains credentials', () => {
    expect(body).not.toContain(SECRET_KEY);
    expect(body).not.toContain(TOKEN);
    expect(body).not.toContain(GH_TOKEN);
  });

  it('leaves out what the run did not produce', () => {
    const r = fullReport();
    delete r.gateway;
    delete r.verification;
    delete r.smokeStatus;
    r.warnings = [];
    const b = renderComment(r, config(), undefined);
    expect(b).not.toContain('curl');
    expect(b).not.toContain('Identity');
    expect(b).not.toContain('Workflow run');
    expect(b).toContain('`reviews-80-20`');
  });
});

describe('runUrlFromEnv and pullRequestNumber', () => {
  it('links the run, and the attempt when it is a re-run', () => {
    const env = { GITHUB_SERVER_URL: 'https://github.com/', GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '99' };
    expect(runUrlFromEnv({ ...env, GITHUB_RUN_ATTEMPT: '1' })).toBe('https://github.com/o/r/actions/runs/99');
    expect(runUrlFromEnv({ ...env, GITHUB_RUN_ATTEMPT: '3' })).toBe(
      'https://github.com/o/r/actions/runs/99/attempts/3'
    );
    expect(runUrlFromEnv({ GITHUB_REPOSITORY: 'o/r' })).toBeUndefined();
  });

  it('takes the PR from the event, an issue_comment on a PR, else a numeric preview-id', () => {
    const c = config({ previewId: '7' });
    expect(pullRequestNumber(c, { GITHUB_EVENT_PATH: eventFile({ pull_request: { number: 15 } }) })).toBe(15);
    expect(
      pullRequestNumber(c, { GITHUB_EVENT_PATH: eventFile({ issue: { number: 16, pull_request: {} } }) })
    ).toBe(16);
    // A comment on a plain issue is not a PR: fall back to the preview id.
    expect(pullRequestNumber(c, { GITHUB_EVENT_PATH: eventFile({ issue: { number: 17 } }) })).toBe(7);
    expect(pullRequestNumber(c, { GITHUB_EVENT_PATH: join(tmp, 'missing.json') })).toBe(7);
    expect(pullRequestNumber(config({ previewId: 'feature-x' }), {})).toBeUndefined();
    expect(pullRequestNumber(config({ previewId: '007' }), {})).toBeUndefined();
  });
});

describe('commentOnPr against the fake GitHub API', () => {
  let gh: GithubFake;
  const env = (over: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    GITHUB_API_URL: gh.apiUrl,
    GITHUB_REPOSITORY: 'octo-org/demo',
    GITHUB_SERVER_URL: 'https://github.invalid',
    GITHUB_RUN_ID: '5',
    ...over
  });

  beforeAll(async () => {
    // Small pages, so the marker search has to follow Link headers.
    gh = await startGithubFake({ tokens: [GH_TOKEN], readOnlyTokens: [READ_ONLY], maxPerPage: 2 });
  });
  afterAll(() => gh.stop());
  beforeEach(() => {
    warnings.length = 0;
  });

  it('creates the comment once, then updates the same comment', async () => {
    const first = await commentOnPr({ config: config(), report: fullReport(), env: env() });
    expect(first).toMatchObject({ outcome: 'created' });
    const report = fullReport();
    report.routing = { ...report.routing!, variant: 'reviews-v3', description: 'all traffic to reviews v3' };
    const second = await commentOnPr({ config: config(), report, env: env() });
    expect(second).toMatchObject({ outcome: 'updated', id: first.outcome === 'created' ? first.id : -1 });

    const comments = gh.comments('octo-org', 'demo', 42);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain('`reviews-v3` — all traffic to reviews v3');
    expect(comments[0]?.body).not.toContain('`reviews-80-20`');
    expect(gh.requests.every((r) => r.token === GH_TOKEN)).toBe(true);
    expect(warnings).toEqual([]);
  });

  it('finds its comment on a later page and leaves other comments (and other namespaces) alone', async () => {
    const issue = 43;
    gh.seed('octo-org', 'demo', issue, 'LGTM');
    gh.seed('octo-org', 'demo', issue, `${commentMarker('bookinfo-other')}\nanother namespace`);
    gh.seed('octo-org', 'demo', issue, 'nit: typo');
    const c = config({ previewId: String(issue) });
    await commentOnPr({ config: c, report: fullReport(), env: env() });
    gh.seed('octo-org', 'demo', issue, 'please re-run');
    const before = gh.requests.length;
    const again = await commentOnPr({ config: c, report: fullReport(), env: env() });
    expect(again.outcome).toBe('updated');
    // 5 comments at 2 per page: the list followed the Link header to page 3.
    expect(
      gh.requests
        .slice(before)
        .filter((r) => r.method === 'GET')
        .map((r) => r.query.page ?? '1')
    ).toEqual(['1', '2', '3']);
    const bodies = gh.comments('octo-org', 'demo', issue).map((x) => x.body);
    expect(bodies).toHaveLength(5);
    expect(bodies.filter((b) => b.includes(commentMarker('bookinfo-pr-42')))).toHaveLength(1);
    expect(bodies).toContain(`${commentMarker('bookinfo-other')}\nanother namespace`);
  });

  it('two runs commenting at once leave exactly one comment', async () => {
    const c = config({ previewId: '44' });
    const before = gh.requests.length;
    const results = await Promise.all([
      commentOnPr({ config: c, report: fullReport(), env: env() }),
      commentOnPr({ config: c, report: fullReport(), env: env() })
    ]);
    const left = gh.comments('octo-org', 'demo', 44);
    expect(left).toHaveLength(1);
    // Every comment created beyond the first was deleted again (both usually create: both list first).
    const sent = gh.requests.slice(before);
    const count = (m: string) => sent.filter((r) => r.method === m).length;
    expect(count('POST') - count('DELETE')).toBe(1);
    // Both runs report the surviving comment (the younger duplicate, if any, was deleted by its creator).
    for (const r of results) {
      expect(r.outcome === 'created' || r.outcome === 'updated').toBe(true);
      expect(r.outcome === 'created' || r.outcome === 'updated' ? r.id : -1).toBe(left[0]?.id);
    }
  });

  it('turns API errors into warnings, with a hint for a read-only token', async () => {
    const denied = await commentOnPr({
      config: config({ githubToken: READ_ONLY, previewId: '45' }),
      report: fullReport(),
      env: env()
    });
    expect(denied.outcome).toBe('failed');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^Could not comment on pull request #45: .*Resource not accessible by integration/
    );
    expect(warnings[0]).toContain('pull-requests: write');

    gh.failNext(502);
    const down = await commentOnPr({ config: config({ previewId: '45' }), report: fullReport(), env: env() });
    expect(down.outcome).toBe('failed');
    expect(warnings[1]).toContain('injected failure 502');
    expect(gh.comments('octo-org', 'demo', 45)).toHaveLength(0);
  });

  it('says why it skips when there is no pull request or no token', async () => {
    const before = gh.requests.length;
    const noPr = await commentOnPr({
      config: config({ previewId: 'feature-x' }),
      report: fullReport(),
      env: env()
    });
    const noToken = await commentOnPr({
      config: config({ githubToken: undefined }),
      report: fullReport(),
      env: env()
    });
    expect(noPr.outcome).toBe('skipped');
    expect(noToken.outcome).toBe('skipped');
    expect(warnings[0]).toContain('this run has no pull request');
    expect(warnings[1]).toContain('github-token is empty');
    expect(gh.requests.length).toBe(before);
  });
});

// The pull request comment (`comment-on-pr`). One comment per PR and namespace: a hidden marker finds the
// comment an earlier run left, which is updated in place, so re-runs and pushes never pile up duplicates.
// A comment is a courtesy: any failure to post it is a warning, never a failed deployment.
import * as core from '@actions/core';
import { readFileSync } from 'node:fs';
import type { Config } from '../inputs/config.js';
import { messageOf } from '../errors.js';
import type { RunReport } from './model.js';
import type { VerificationResult } from '../verify/http.js';
import { table, verificationTable } from './summary.js';
import { redact } from '../auth/errors.js';

/** The hidden marker identifying this action's comment for one namespace (a PR may deploy several). */
export function commentMarker(namespace: string): string {
  return `<!-- ask-istio-action:${namespace} -->`;
}

/** Link to the workflow run (and attempt) from the runner's environment; undefined outside a runner. */
export function runUrlFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: run } = env;
  if (!server || !repo || !run) return undefined;
  const attempt =
    env.GITHUB_RUN_ATTEMPT && env.GITHUB_RUN_ATTEMPT !== '1' ? `/attempts/${env.GITHUB_RUN_ATTEMPT}` : '';
  return `${server.replace(/\/+$/, '')}/${repo}/actions/runs/${run}${attempt}`;
}

function verificationVerdict(v: VerificationResult | undefined): string | undefined {
  if (!v) return undefined;
  return v.pass ? '✅ traffic split verified' : '❌ traffic split not as expected';
}

/** Pure: the comment body (Markdown) for a finished deploy. */
export function renderComment(report: RunReport, config: Config, runUrl: string | undefined): string {
  const namespace = report.namespace ?? config.namespace;
  const parts = [commentMarker(namespace), `### Bookinfo preview \`${namespace}\``];
  const facts: string[][] = [];
  const gw = report.gateway;
  if (gw) {
    facts.push(['Productpage', `${gw.url}/productpage`]);
    if (gw.hostHeader) facts.push(['Host header', `\`${gw.hostHeader}\``]);
  }
  if (report.gatewayApi?.gateway)
    facts.push(['Gateway', `Gateway API \`${report.gatewayApi.gateway}\` (its own load balancer)`]);
  const variant = report.routing?.variant ?? config.routing.variant;
  facts.push([
    'Routing',
    report.routing ? `\`${variant}\` — ${report.routing.description}` : `\`${variant}\``
  ]);
  if (report.istio) facts.push(['Istio', report.istio.version]);
  if (report.smokeStatus) facts.push(['Smoke test', report.smokeStatus]);
  const verdict = verificationVerdict(report.verification);
  if (verdict) facts.push(['Verification', verdict]);
  if (report.failure) facts.push(['Result', '❌ the deploy failed — see the workflow run']);
  parts.push(table(['', ''], facts));
  if (report.failure) parts.push('```\n' + report.failure + '\n```');
  if (gw) {
    // Ready to paste: with a preview host the gateway only routes requests carrying that Host header.
    const header = gw.hostHeader ? ` -H 'Host: ${gw.hostHeader}'` : '';
    parts.push('```sh\ncurl -s' + header + ` ${gw.url}/productpage\n` + '```');
  }
  if (report.verification !== undefined)
    parts.push('#### Verification', verificationTable(report.verification));
  if (report.warnings.length) parts.push(report.warnings.map((w) => `> [!WARNING]\n> ${w}`).join('\n\n'));
  if (runUrl) parts.push(`[Workflow run](${runUrl})`);
  return parts.join('\n\n') + '\n';
}

/**
 * The pull request to comment on: the event payload's PR (or an issue_comment on a PR), else a numeric
 * preview-id (a workflow_dispatch or push run that deploys "PR 42" by hand).
 */
export function pullRequestNumber(config: Config, env: NodeJS.ProcessEnv): number | undefined {
  if (env.GITHUB_EVENT_PATH) {
    try {
      const payload = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as {
        pull_request?: { number?: unknown };
        issue?: { number?: unknown; pull_request?: unknown };
      };
      const n =
        payload.pull_request?.number ?? (payload.issue?.pull_request ? payload.issue.number : undefined);
      if (typeof n === 'number' && Number.isInteger(n) && n > 0) return n;
    } catch {
      // No readable payload (e.g. a local run): fall back to the preview id.
    }
  }
  const id = config.lifecycle.previewId;
  return id && /^[1-9]\d*$/.test(id) ? Number(id) : undefined;
}

export type CommentResult =
  | { outcome: 'created' | 'updated'; id: number; url: string }
  | { outcome: 'skipped' | 'failed'; reason: string };

/** Creates or updates this namespace's comment on the pull request. Never throws: problems become warnings. */
export async function commentOnPr(args: {
  config: Config;
  report: RunReport;
  env?: NodeJS.ProcessEnv;
}): Promise<CommentResult> {
  const { config, report, env = process.env } = args;
  const skip = (reason: string): CommentResult => {
    core.warning(`Not commenting on the pull request: ${reason}.`);
    return { outcome: 'skipped', reason };
  };
  const token = config.lifecycle.githubToken;
  if (!token) return skip('github-token is empty');
  const issue = pullRequestNumber(config, env);
  if (issue === undefined)
    return skip('this run has no pull request (not a pull_request event, and preview-id is not a PR number)');
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  if (!owner || !repo) return skip('GITHUB_REPOSITORY is not set');

  const marker = commentMarker(report.namespace ?? config.namespace);
  // The runner masks logs, not API calls: redact anything secret before it leaves for GitHub.
  const body = redact(renderComment(report, config, runUrlFromEnv(env)), config.secrets);
  try {
    // Lazily loaded: Octokit is sizeable and most runs never comment.
    const { getOctokit } = await import('@actions/github');
    const octokit = getOctokit(token, env.GITHUB_API_URL ? { baseUrl: env.GITHUB_API_URL } : {});
    const list = async () =>
      (
        await octokit.paginate(octokit.rest.issues.listComments, {
          owner,
          repo,
          issue_number: issue,
          per_page: 100
        })
      ).filter((c) => c.body?.includes(marker));
    const update = async (id: number) =>
      (await octokit.rest.issues.updateComment({ owner, repo, comment_id: id, body })).data;
    const done = (outcome: 'created' | 'updated', c: { id: number; html_url: string }): CommentResult => {
      core.info(`Pull request #${issue}: ${outcome} comment ${c.id} (${c.html_url})`);
      return { outcome, id: c.id, url: c.html_url };
    };
    const existing = (await list())[0];
    if (existing) return done('updated', await update(existing.id));
    const created = (await octokit.rest.issues.createComment({ owner, repo, issue_number: issue, body }))
      .data;
    // Two runs for the same PR at once can both find nothing and both create. The oldest comment (lowest id)
    // wins: whoever created a younger one deletes it and updates the oldest, so one comment remains.
    const oldest = (await list()).reduce<{ id: number } | undefined>(
      (a, c) => (a && a.id < c.id ? a : c),
      undefined
    );
    if (oldest && oldest.id < created.id) {
      await octokit.rest.issues.deleteComment({ owner, repo, comment_id: created.id });
      return done('updated', await update(oldest.id));
    }
    return done('created', created);
  } catch (err) {
    const status = (err as { status?: unknown }).status;
    const hint =
      status === 403 || status === 404
        ? ' (does the token have `pull-requests: write`? Tokens of PRs from forks are read-only.)'
        : '';
    const reason = `${messageOf(err)}${hint}`;
    core.warning(`Could not comment on pull request #${issue}: ${reason}`);
    return { outcome: 'failed', reason };
  }
}

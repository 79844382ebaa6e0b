// A local stand-in for the slice of the GitHub REST API the PR comment uses (issue comments), speaking
// what Octokit expects: JSON bodies, `Authorization: token|Bearer <token>`, page-based pagination with
// RFC 8288 `Link` headers, and GitHub's error shape `{message, documentation_url, status}`.
//
//   GET    /repos/{o}/{r}/issues/{n}/comments?per_page=&page=   list (oldest first)
//   POST   /repos/{o}/{r}/issues/{n}/comments                    create  {body}
//   PATCH  /repos/{o}/{r}/issues/comments/{id}                   update  {body}
//   DELETE /repos/{o}/{r}/issues/comments/{id}                   delete
//
// Routes may be mounted under a prefix (e.g. `/api`, like GitHub Enterprise's `/api/v3`): `apiUrl` is what
// GITHUB_API_URL should be set to. Listens on 127.0.0.1 only.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeComment {
  id: number;
  owner: string;
  repo: string;
  issue: number;
  body: string;
  user: string;
  createdAt: string;
  updatedAt: string;
}

export interface GithubRequest {
  method: string;
  /** Path without the mount prefix and query, e.g. `/repos/o/r/issues/42/comments`. */
  path: string;
  query: Record<string, string>;
  status: number;
  /** The token the caller presented ('' when none). */
  token: string;
}

export interface GithubFakeOptions {
  /** Tokens accepted (anything else: 401 Bad credentials). */
  tokens: string[];
  /** Tokens that authenticate but may not write (403, like a fork PR's read-only GITHUB_TOKEN). */
  readOnlyTokens?: string[];
  /** Mount prefix of the API routes; default `/api`. */
  prefix?: string;
  /** Largest page the fake serves (GitHub caps per_page at 100); smaller values exercise pagination. */
  maxPerPage?: number;
}

export interface GithubFake {
  /** Value for GITHUB_API_URL. */
  apiUrl: string;
  /** Every request, in arrival order. */
  requests: GithubRequest[];
  /** Comments of one issue, oldest first. */
  comments(owner: string, repo: string, issue: number): FakeComment[];
  /** Adds a comment as if someone else had written it (e.g. to fill earlier pages). */
  seed(owner: string, repo: string, issue: number, body: string, user?: string): FakeComment;
  /** Answer the next `count` requests with this HTTP status (GitHub error body). */
  failNext(status: number, count?: number): void;
  stop(): Promise<void>;
}

const BOT = 'github-actions[bot]';

interface Answer {
  status: number;
  json?: unknown;
  headers?: Record<string, string>;
}

export async function startGithubFake(opts: GithubFakeOptions): Promise<GithubFake> {
  const prefix = (opts.prefix ?? '/api').replace(/\/+$/, '');
  const maxPerPage = Math.min(100, opts.maxPerPage ?? 100);
  const store: FakeComment[] = [];
  const requests: GithubRequest[] = [];
  let nextId = 1000;
  let failures: { status: number; left: number } | undefined;
  let base = '';

  const add = (owner: string, repo: string, issue: number, body: string, user: string): FakeComment => {
    const now = new Date().toISOString();
    const c = { id: nextId++, owner, repo, issue, body, user, createdAt: now, updatedAt: now };
    store.push(c);
    return c;
  };
  // GitHub's representation (the fields Octokit users read).
  const view = (c: FakeComment) => ({
    id: c.id,
    node_id: `IC_${c.id}`,
    url: `${base}${prefix}/repos/${c.owner}/${c.repo}/issues/comments/${c.id}`,
    html_url: `https://github.invalid/${c.owner}/${c.repo}/pull/${c.issue}#issuecomment-${c.id}`,
    issue_url: `${base}${prefix}/repos/${c.owner}/${c.repo}/issues/${c.issue}`,
    body: c.body,
    user: { login: c.user, type: 'Bot' },
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    author_association: 'NONE'
  });

  const readBody = async (req: IncomingMessage): Promise<Record<string, unknown>> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };

  const handle = async (req: IncomingMessage, log: GithubRequest): Promise<Answer> => {
    const notFound = { status: 404, json: { message: 'Not Found' } };
    if (!log.path.startsWith(`${prefix}/`)) return notFound;
    const path = log.path.slice(prefix.length);
    log.path = path;
    const auth = /^(?:token|bearer) (.+)$/i.exec(req.headers.authorization ?? '');
    log.token = auth?.[1] ?? '';
    if (!opts.tokens.includes(log.token) && !opts.readOnlyTokens?.includes(log.token))
      return { status: 401, json: { message: 'Bad credentials' } };
    if (failures && failures.left > 0) {
      failures.left--;
      return { status: failures.status, json: { message: `injected failure ${failures.status}` } };
    }
    const write = req.method !== 'GET';
    if (write && opts.readOnlyTokens?.includes(log.token))
      return { status: 403, json: { message: 'Resource not accessible by integration' } };

    const list = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(path);
    if (list) {
      const [, owner = '', repo = '', n = ''] = list;
      const issue = Number(n);
      if (req.method === 'POST') {
        const body = (await readBody(req)).body;
        if (typeof body !== 'string' || body === '')
          return {
            status: 422,
            json: { message: 'Validation Failed', errors: [{ field: 'body', code: 'missing_field' }] }
          };
        return { status: 201, json: view(add(owner, repo, issue, body, BOT)) };
      }
      if (req.method !== 'GET') return notFound;
      const all = store.filter((c) => c.owner === owner && c.repo === repo && c.issue === issue);
      const perPage = Math.max(1, Math.min(maxPerPage, Number(log.query.per_page ?? 30) || 30));
      const page = Math.max(1, Number(log.query.page ?? 1) || 1);
      const last = Math.max(1, Math.ceil(all.length / perPage));
      const link = (p: number, rel: string) =>
        `<${base}${prefix}${path}?per_page=${perPage}&page=${p}>; rel="${rel}"`;
      const links = page < last ? [link(page + 1, 'next'), link(last, 'last')] : [];
      return {
        status: 200,
        json: all.slice((page - 1) * perPage, page * perPage).map(view),
        headers: links.length ? { link: links.join(', ') } : {}
      };
    }
    const one = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(path);
    if (one) {
      const [, owner = '', repo = '', id = ''] = one;
      const i = store.findIndex((c) => c.owner === owner && c.repo === repo && c.id === Number(id));
      const c = store[i];
      if (!c) return notFound;
      if (req.method === 'PATCH') {
        const body = (await readBody(req)).body;
        if (typeof body !== 'string' || body === '')
          return {
            status: 422,
            json: { message: 'Validation Failed', errors: [{ field: 'body', code: 'missing_field' }] }
          };
        c.body = body;
        c.updatedAt = new Date().toISOString();
        return { status: 200, json: view(c) };
      }
      if (req.method === 'DELETE') {
        store.splice(i, 1);
        return { status: 204 };
      }
      if (req.method === 'GET') return { status: 200, json: view(c) };
    }
    return notFound;
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const log: GithubRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: 0,
      token: ''
    };
    requests.push(log);
    handle(req, log)
      .catch((err: unknown): Answer => ({
        status: 400,
        json: { message: `Problems parsing JSON: ${String(err)}` }
      }))
      .then(({ status, json, headers }) => {
        log.status = status;
        const body =
          json === undefined
            ? ''
            : JSON.stringify(
                status >= 400
                  ? {
                      ...(json as object),
                      documentation_url: 'https://docs.github.com/rest',
                      status: String(status)
                    }
                  : json
              );
        res.writeHead(status, {
          ...(body ? { 'content-type': 'application/json; charset=utf-8' } : {}),
          ...headers
        });
        res.end(body);
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    apiUrl: `${base}${prefix}`,
    requests,
    comments: (owner, repo, issue) =>
      store.filter((c) => c.owner === owner && c.repo === repo && c.issue === issue).map((c) => ({ ...c })),
    seed: (owner, repo, issue, body, user = 'octocat') => ({ ...add(owner, repo, issue, body, user) }),
    failNext: (status, count = 1) => {
      failures = { status, left: count };
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      })
  };
}

// Stand-in for GitHub's release downloads and releases API, on loopback, with switchable faults.
//   GET  /download/<ver>/<file>                       archives and .sha256 files built by buildReleases
//   GET  /download/releases.json                      version index for a mirror (GitHub releases shape)
//   GET  /api/repos/istio/istio/releases?per_page&page  paginated, with GitHub-style Link headers
//   GET  /istio/istio/releases/download/<ver>/<file>  302 to /download/... (github.com's redirect)
//   POST /_control/faults {path?, kind, count?, delayMs?}  kind: 404 | 500 | truncate | bad-checksum | slow
//   POST /_control/reset   GET /_control/requests
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join } from 'node:path';
import { sha256Line } from './build.js';

export type FaultKind = '404' | '500' | 'truncate' | 'bad-checksum' | 'slow';

export interface Fault {
  /** Regular expression matched against the request path (with query); all paths when absent. */
  path?: string;
  kind: FaultKind;
  /** How many matching requests fail; unlimited until reset when absent. */
  count?: number;
  /** For `slow`: delay before the response starts (default 2000 ms). */
  delayMs?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  status: number;
}

export interface ReleaseServer {
  baseUrl: string;
  /** The value for the action's `istio-download-url` input. */
  downloadUrl: string;
  stop(): Promise<void>;
}

interface IndexEntry {
  tag: string;
  prerelease: boolean;
  publishedAt: string;
}

/** Newest first, as GitHub lists releases. Only versions built into the directory have files. */
export const RELEASE_INDEX: IndexEntry[] = [
  { tag: '1.31.0-rc.0', prerelease: true, publishedAt: '2026-08-19T10:00:00Z' },
  { tag: '1.30.3', prerelease: false, publishedAt: '2026-07-13T10:00:00Z' },
  { tag: '1.29.6', prerelease: false, publishedAt: '2026-07-13T09:00:00Z' },
  { tag: '1.29.4', prerelease: false, publishedAt: '2026-06-02T10:00:00Z' },
  { tag: '1.30.2', prerelease: false, publishedAt: '2026-06-01T10:00:00Z' },
  { tag: '1.13.3', prerelease: false, publishedAt: '2022-04-13T10:00:00Z' },
  { tag: '1.13.2', prerelease: false, publishedAt: '2022-03-08T10:00:00Z' }
];

interface ActiveFault extends Fault {
  re: RegExp;
  remaining: number;
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {}
): void {
  const text = JSON.stringify(body, null, 2);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...headers
  });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startReleaseServer(opts: {
  dir: string;
  host?: string;
  port?: number;
}): Promise<ReleaseServer> {
  const host = opts.host ?? '127.0.0.1';
  let faults: ActiveFault[] = [];
  let requests: RecordedRequest[] = [];
  let baseUrl = '';

  const releasesJson = (): unknown[] =>
    RELEASE_INDEX.map((r, i) => {
      const dir = join(opts.dir, r.tag);
      const assets = existsSync(dir) ? (statSync(dir).isDirectory() ? listAssets(dir) : []) : [];
      return {
        id: 1000 - i,
        tag_name: r.tag,
        name: `Istio ${r.tag}`,
        draft: false,
        prerelease: r.prerelease,
        published_at: r.publishedAt,
        html_url: `${baseUrl}/istio/istio/releases/tag/${r.tag}`,
        assets: assets.map((a) => ({
          name: a,
          browser_download_url: `${baseUrl}/istio/istio/releases/download/${r.tag}/${a}`
        }))
      };
    });

  const takeFault = (path: string): ActiveFault | undefined => {
    const f = faults.find((x) => x.remaining > 0 && x.re.test(path));
    if (f) f.remaining--;
    return f;
  };

  async function serveFile(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    file: string,
    fault: ActiveFault | undefined
  ): Promise<number> {
    if (!existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('Not Found');
      return 404;
    }
    const name = basename(file);
    const type = name.endsWith('.sha256') ? 'text/plain' : 'application/octet-stream';
    if (fault?.kind === 'bad-checksum') {
      // A .sha256 that does not match its archive (or an archive whose bytes were altered).
      const body = name.endsWith('.sha256')
        ? Buffer.from(sha256Line(Buffer.from(`corrupted ${path}`), name.slice(0, -'.sha256'.length)))
        : Buffer.from((await readFile(file)).map((b, i) => (i === 100 ? b ^ 0xff : b)));
      res.writeHead(200, { 'Content-Type': type, 'Content-Length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
      return 200;
    }
    const size = statSync(file).size;
    if (fault?.kind === 'truncate') {
      // Promise the full length, send half, then drop the connection: a premature close.
      const body = await readFile(file);
      res.writeHead(200, { 'Content-Type': type, 'Content-Length': size });
      res.write(body.subarray(0, Math.floor(size / 2)), () => res.socket?.destroy());
      return 200;
    }
    res.writeHead(200, { 'Content-Type': type, 'Content-Length': size });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
    return 200;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<number | undefined> {
    const url = new URL(req.url ?? '/', baseUrl);
    const path = url.pathname + url.search;
    if (url.pathname.startsWith('/_control/')) {
      if (req.method === 'POST' && url.pathname === '/_control/faults') {
        const raw = JSON.parse((await readBody(req)) || '{}') as Fault | Fault[];
        for (const f of Array.isArray(raw) ? raw : [raw]) {
          if (!['404', '500', 'truncate', 'bad-checksum', 'slow'].includes(String(f.kind))) {
            sendJson(res, 400, { error: `unknown fault kind ${String(f.kind)}` });
            return undefined;
          }
          faults.push({
            ...f,
            kind: String(f.kind) as FaultKind,
            re: new RegExp(f.path ?? ''),
            remaining: f.count ?? Number.POSITIVE_INFINITY
          });
        }
        sendJson(res, 200, { faults: faults.length });
      } else if (req.method === 'POST' && url.pathname === '/_control/reset') {
        faults = [];
        requests = [];
        sendJson(res, 200, { ok: true });
      } else if (req.method === 'GET' && url.pathname === '/_control/requests') {
        sendJson(res, 200, requests);
      } else {
        sendJson(res, 404, { error: 'unknown control endpoint' });
      }
      return undefined;
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' });
      res.end();
      return 405;
    }
    const fault = takeFault(path);
    if (fault?.kind === 'slow') await new Promise((r) => setTimeout(r, fault.delayMs ?? 2000));
    if (fault?.kind === '404' || fault?.kind === '500') {
      const status = Number(fault.kind);
      res.writeHead(status, { 'Content-Type': 'text/plain' });
      res.end(status === 404 ? 'Not Found' : 'Internal Server Error (injected fault)');
      return status;
    }

    let m: RegExpMatchArray | null;
    if (url.pathname === '/download/releases.json') {
      sendJson(res, 200, releasesJson());
      return 200;
    }
    if ((m = url.pathname.match(/^\/download\/([^/]+)\/([^/]+)$/))) {
      return serveFile(req, res, path, join(opts.dir, m[1] as string, m[2] as string), fault);
    }
    if ((m = url.pathname.match(/^\/istio\/istio\/releases\/download\/([^/]+)\/([^/]+)$/))) {
      res.writeHead(302, { Location: `${baseUrl}/download/${m[1]}/${m[2]}` });
      res.end();
      return 302;
    }
    if (url.pathname === '/api/repos/istio/istio/releases') {
      const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 30) || 30));
      const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
      const all = releasesJson();
      const last = Math.max(1, Math.ceil(all.length / perPage));
      const link = (p: number, rel: string): string =>
        `<${baseUrl}/api/repos/istio/istio/releases?per_page=${perPage}&page=${p}>; rel="${rel}"`;
      const links: string[] = [];
      if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
      if (page > 1) links.push(link(1, 'first'), link(page - 1, 'prev'));
      sendJson(
        res,
        200,
        all.slice((page - 1) * perPage, page * perPage),
        links.length ? { Link: links.join(', ') } : {}
      );
      return 200;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('Not Found');
    return 404;
  }

  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    handle(req, res).then(
      (status) => {
        if (status !== undefined) requests.push({ method: req.method ?? 'GET', path, status });
      },
      (err: unknown) => {
        requests.push({ method: req.method ?? 'GET', path, status: 500 });
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(`release server error: ${err instanceof Error ? err.message : String(err)}`);
      }
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${host}:${port}`;
  return {
    baseUrl,
    downloadUrl: `${baseUrl}/download`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      })
  };
}

/** The release's uploaded files: everything whose name starts with `istio` (archives + .sha256). */
function listAssets(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => n.startsWith('istio'))
    .sort();
}

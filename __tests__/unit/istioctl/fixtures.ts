// Test fixtures for the istioctl installer: real release archives built with `tar`, and a tiny
// loopback HTTP server with scripted responses per path and a request log.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Archive {
  name: string;
  bytes: Buffer;
  sha256: string;
}

/** A stand-in istioctl: answers `version` the way the real one does for its release line. */
function fakeIstioctl(version: string): string {
  return [
    '#!/bin/sh',
    'if [ "$1" = version ]; then',
    `  case "$*" in *"-o json"*) printf '{"clientVersion":{"version":"${version}","status":"Clean"}}\\n' ;; *) echo "client version: ${version}" ;; esac`,
    '  exit 0',
    'fi',
    'echo "unexpected: $*" >&2',
    'exit 3',
    ''
  ].join('\n');
}

function tarball(dir: string, name: string, entries: string[]): Archive {
  const out = join(dir, name);
  execFileSync('tar', ['-czf', out, '-C', dir, ...entries]);
  const bytes = readFileSync(out);
  return { name, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** `istioctl-<v>-<plat>.tar.gz` (the binary at the root) and `istio-<v>-<plat>.tar.gz` (istio-<v>/...). */
export function buildRelease(
  version: string,
  platform = 'linux-amd64'
): { istioctl: Archive; full: Archive } {
  const dir = mkdtempSync(join(tmpdir(), 'istioctl-fixture-'));
  writeFileSync(join(dir, 'istioctl'), fakeIstioctl(version));
  chmodSync(join(dir, 'istioctl'), 0o755);
  const top = join(dir, `istio-${version}`);
  mkdirSync(join(top, 'bin'), { recursive: true });
  mkdirSync(join(top, 'samples', 'bookinfo', 'platform', 'kube'), { recursive: true });
  writeFileSync(join(top, 'bin', 'istioctl'), fakeIstioctl(version), { mode: 0o755 });
  writeFileSync(
    join(top, 'samples', 'bookinfo', 'platform', 'kube', 'bookinfo.yaml'),
    `# bookinfo for ${version}\n`
  );
  writeFileSync(join(top, 'manifest.yaml'), `version: ${version}\n`);
  return {
    istioctl: tarball(dir, `istioctl-${version}-${platform}.tar.gz`, ['istioctl']),
    full: tarball(dir, `istio-${version}-${platform}.tar.gz`, [`istio-${version}`])
  };
}

export function sha256File(a: Archive): string {
  return `${a.sha256} ${a.name}\n`;
}

/** One scripted answer. `truncate` sends half the body under a full Content-Length; `stall` sends headers only. */
export type Reply =
  | { status: number; body?: string | Buffer; headers?: Record<string, string> }
  | { truncate: Buffer }
  | { stall: true };

export interface LoggedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
}

export class ScriptedServer {
  readonly requests: LoggedRequest[] = [];
  private readonly routes = new Map<string, Reply[]>();
  private readonly server: Server;
  private readonly sockets = new Set<import('node:net').Socket>();
  url = '';

  constructor() {
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Answers `path` with `replies` in order; the last one repeats. */
  on(path: string, ...replies: Reply[]): this {
    this.routes.set(path, replies);
    return this;
  }

  /** Serves a release's archives and their checksum files under /download/<v>/. */
  serveRelease(version: string, release: { istioctl: Archive; full: Archive }): this {
    for (const a of [release.istioctl, release.full]) {
      this.on(`/download/${version}/${a.name}`, { status: 200, body: a.bytes });
      this.on(`/download/${version}/${a.name}.sha256`, { status: 200, body: sha256File(a) });
    }
    return this;
  }

  reset(): void {
    this.routes.clear();
    this.requests.length = 0;
  }

  paths(): string[] {
    return this.requests.map((r) => r.path);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = req.url ?? '/';
    this.requests.push({ method: req.method ?? 'GET', path, headers: req.headers });
    const queue = this.routes.get(path) ?? this.routes.get(path.split('?')[0] ?? path);
    const reply: Reply = (queue && queue.length > 1 ? queue.shift() : queue?.[0]) ?? {
      status: 404,
      body: 'Not Found'
    };
    if ('stall' in reply) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.flushHeaders();
      return; // never finishes; the client's idle timeout must give up
    }
    if ('truncate' in reply) {
      res.writeHead(200, { 'content-length': String(reply.truncate.length) });
      res.write(reply.truncate.subarray(0, Math.floor(reply.truncate.length / 2)), () =>
        res.socket?.destroy()
      );
      return;
    }
    res.writeHead(reply.status, reply.headers);
    res.end(reply.body ?? '');
  }
}

export function releasesJson(entries: Array<[string, { prerelease?: boolean; draft?: boolean }?]>): string {
  return JSON.stringify(
    entries.map(([tag, f]) => ({
      tag_name: tag,
      prerelease: f?.prerelease ?? false,
      draft: f?.draft ?? false
    }))
  );
}

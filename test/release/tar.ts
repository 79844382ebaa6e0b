// Minimal deterministic ustar + gzip writer for the stand-in release archives. Same inputs give the
// same bytes (fixed mtime, owner and order), so the .sha256 files and the content cache are stable.
import { gzipSync } from 'node:zlib';

export interface TarEntry {
  /** Path inside the archive; a trailing `/` marks a directory. */
  path: string;
  content?: string | Buffer;
  mode?: number;
}

// 2022-04-13 00:00:00 UTC, the 1.13.3 release date; any fixed value keeps the output stable.
const MTIME = 1649808000;

function writeField(buf: Buffer, offset: number, length: number, value: string): void {
  buf.write(value, offset, Math.min(length, Buffer.byteLength(value)), 'utf8');
}

function octal(value: number, length: number): string {
  return value.toString(8).padStart(length - 1, '0') + '\0';
}

/** Splits a long path into ustar's prefix (≤155) and name (≤100) fields. */
function splitName(path: string): [prefix: string, name: string] {
  if (Buffer.byteLength(path) <= 100) return ['', path];
  const cut = path.lastIndexOf('/', path.length - 2);
  const prefix = path.slice(0, cut);
  const name = path.slice(cut + 1);
  if (cut < 0 || Buffer.byteLength(prefix) > 155 || Buffer.byteLength(name) > 100) {
    throw new Error(`tar: path too long for ustar: ${path}`);
  }
  return [prefix, name];
}

function header(entry: TarEntry, size: number): Buffer {
  const h = Buffer.alloc(512, 0);
  const dir = entry.path.endsWith('/');
  const [prefix, name] = splitName(entry.path);
  writeField(h, 0, 100, name);
  writeField(h, 100, 8, octal(entry.mode ?? (dir ? 0o755 : 0o644), 8));
  writeField(h, 108, 8, octal(0, 8));
  writeField(h, 116, 8, octal(0, 8));
  writeField(h, 124, 12, octal(size, 12));
  writeField(h, 136, 12, octal(MTIME, 12));
  h.fill(' ', 148, 156); // checksum is computed with its own field as spaces
  writeField(h, 156, 1, dir ? '5' : '0');
  writeField(h, 257, 6, 'ustar\0');
  writeField(h, 263, 2, '00');
  writeField(h, 265, 32, 'root');
  writeField(h, 297, 32, 'root');
  writeField(h, 345, 155, prefix);
  let sum = 0;
  for (const b of h) sum += b;
  writeField(h, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return h;
}

/** Builds a .tar (uncompressed) from entries in the given order. */
export function tar(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const body = e.path.endsWith('/') ? Buffer.alloc(0) : Buffer.from(e.content ?? '');
    parts.push(header(e, body.length), body);
    const pad = (512 - (body.length % 512)) % 512;
    if (pad) parts.push(Buffer.alloc(pad, 0));
  }
  parts.push(Buffer.alloc(1024, 0)); // two zero blocks end the archive
  return Buffer.concat(parts);
}

export function tarGz(entries: TarEntry[]): Buffer {
  // gzip's header has an mtime field; zlib writes 0 there, so output is deterministic.
  return gzipSync(tar(entries), { level: 9 });
}

/** Adds the parent directory entries of every file, sorted, as release tarballs list them. */
export function withDirectories(entries: TarEntry[]): TarEntry[] {
  const dirs = new Set<string>();
  for (const e of entries) {
    const parts = e.path.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/') + '/');
  }
  const all = [
    ...[...dirs].map((d) => ({ path: d }) as TarEntry),
    ...entries.filter((e) => !dirs.has(e.path))
  ];
  return all.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

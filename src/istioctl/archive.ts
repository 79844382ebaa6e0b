// Checks a downloaded archive's entry names BEFORE anything is unpacked: an entry with an absolute path or
// a `..` segment (or a link pointing out of the archive) could write outside the extraction directory.
// `tar` would silently rewrite such names, so a tampered mirror would go unnoticed; we refuse instead.
// The archive is read as a stream and only its headers are kept: the full Istio release unpacks to a few
// hundred MB, and holding it in memory made the action's first run peak at about 460 MB of RSS.
import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { ActionError } from '../errors.js';

export interface ArchiveEntry {
  name: string;
  /** Target of a symbolic or hard link. */
  link?: string;
}

const BLOCK = 512;
/** Long-name and pax records name entries; a bigger one is not what `tar` writes for a release. */
const MAX_NAME_RECORD = 1 << 20;

function cString(buf: Buffer, start: number, length: number): string {
  const slice = buf.subarray(start, start + length);
  const nul = slice.indexOf(0);
  return slice.subarray(0, nul < 0 ? slice.length : nul).toString('utf8');
}

/**
 * Reads the entries of an (uncompressed) ustar/GNU/pax tar stream chunk by chunk, however the chunks are
 * cut. It keeps a header block and the small records that name entries (GNU long names, pax), and skips
 * file contents without holding them.
 */
export class TarEntryReader {
  readonly entries: ArchiveEntry[] = [];
  /** True once the end-of-archive block was read; later bytes are ignored. */
  ended = false;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Content bytes (with padding) still to skip. */
  private skip = 0;
  /** The name record whose data is being collected. */
  private record: { type: string; size: number; padded: number } | undefined;
  private longName: string | undefined;
  private longLink: string | undefined;

  push(chunk: Buffer): void {
    let rest = chunk;
    while (rest.length > 0 && !this.ended) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, rest.length);
        this.skip -= n;
        rest = rest.subarray(n);
        continue;
      }
      const need = this.record ? this.record.padded : BLOCK;
      const take = Math.min(need - this.pendingBytes, rest.length);
      this.pending.push(rest.subarray(0, take));
      this.pendingBytes += take;
      rest = rest.subarray(take);
      if (this.pendingBytes < need) return;
      const block = Buffer.concat(this.pending, this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
      const record = this.record;
      this.record = undefined;
      if (record) this.nameRecord(record.type, block.subarray(0, record.size));
      else this.header(block);
    }
  }

  private header(header: Buffer): void {
    if (header.every((b) => b === 0)) {
      this.ended = true;
      return;
    }
    const sizeField = cString(header, 124, 12).trim();
    const size = sizeField === '' ? 0 : parseInt(sizeField, 8);
    // GNU base-256 sizes (first byte 0x80) are for entries over 8 GiB; no Istio archive has one.
    if (!Number.isSafeInteger(size) || size < 0 || !/^[0-7]*$/.test(sizeField))
      throw new Error(
        `an entry header has an unreadable size "${sizeField}" (not a tar archive, or damaged)`
      );
    const type = String.fromCharCode(header[156] ?? 0x30);
    const padded = Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'L' || type === 'K' || type === 'x') {
      if (size > MAX_NAME_RECORD) throw new Error(`a name record of ${size} bytes is too large`);
      if (padded === 0) this.nameRecord(type, Buffer.alloc(0));
      else this.record = { type, size, padded };
      return;
    }
    if (type !== 'g') {
      const prefix = cString(header, 345, 155);
      const name =
        this.longName ?? (prefix ? `${prefix}/${cString(header, 0, 100)}` : cString(header, 0, 100));
      const link = this.longLink ?? cString(header, 157, 100);
      this.entries.push(type === '1' || type === '2' ? { name, link } : { name });
      this.longName = undefined;
      this.longLink = undefined;
    }
    this.skip = padded;
  }

  private nameRecord(type: string, data: Buffer): void {
    if (type === 'L') this.longName = cString(data, 0, data.length);
    else if (type === 'K') this.longLink = cString(data, 0, data.length);
    else {
      // pax records: "<len> key=value\n"
      for (const rec of data.toString('utf8').split('\n')) {
        const m = /^\d+ (path|linkpath)=(.*)$/.exec(rec);
        if (m?.[1] === 'path') this.longName = m[2];
        if (m?.[1] === 'linkpath') this.longLink = m[2];
      }
    }
  }
}

/** Entries of a tar archive file, gzip-compressed or not, read as a stream. */
export async function tarFileEntries(file: string): Promise<ArchiveEntry[]> {
  const magic = Buffer.alloc(2);
  const handle = await open(file, 'r');
  try {
    await handle.read(magic, 0, 2, 0);
  } finally {
    await handle.close();
  }
  const reader = new TarEntryReader();
  const collect = async (source: AsyncIterable<Buffer>): Promise<void> => {
    // Read to the end even after the end-of-archive block: gzip checks its length and CRC there.
    for await (const chunk of source) reader.push(chunk);
  };
  if (magic[0] === 0x1f && magic[1] === 0x8b) await pipeline(createReadStream(file), createGunzip(), collect);
  else await pipeline(createReadStream(file), collect);
  if (!reader.ended) throw new Error('the archive ends before its end-of-archive block (truncated)');
  return reader.entries;
}

/** Entry names of a zip archive, from its central directory. */
export function zipEntries(archive: Buffer): ArchiveEntry[] {
  const eocd = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new ActionError('the zip archive has no central directory (truncated or not a zip)');
  const count = archive.readUInt16LE(eocd + 10);
  const entries: ArchiveEntry[] = [];
  for (let off = archive.readUInt32LE(eocd + 16), i = 0; i < count; i++) {
    if (archive.readUInt32LE(off) !== 0x02014b50)
      throw new ActionError('the zip archive has a damaged central directory');
    const nameLen = archive.readUInt16LE(off + 28);
    const extraLen = archive.readUInt16LE(off + 30);
    const commentLen = archive.readUInt16LE(off + 32);
    entries.push({ name: archive.subarray(off + 46, off + 46 + nameLen).toString('utf8') });
    off += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** Why an entry name is unsafe, or undefined when it stays inside the extraction directory. */
export function unsafeEntry(entry: ArchiveEntry): string | undefined {
  const bad = (p: string): boolean => {
    const s = p.replace(/\\/g, '/');
    return s.startsWith('/') || /^[A-Za-z]:/.test(s) || s.split('/').includes('..');
  };
  if (bad(entry.name)) return `entry "${entry.name}" has an absolute path or a ".." segment`;
  if (entry.link !== undefined && bad(entry.link))
    return `entry "${entry.name}" links to "${entry.link}", outside the archive`;
  return undefined;
}

/**
 * Throws an ActionError naming every unsafe entry of the archive file. A zip is read whole: its names are
 * in the central directory at its end, and the compressed file (Windows' istioctl, about 30 MB) is small.
 */
export async function assertSafeArchive(
  fileName: string,
  file: string,
  format: 'tar.gz' | 'zip'
): Promise<void> {
  let entries: ArchiveEntry[];
  try {
    entries = format === 'zip' ? zipEntries(await readFile(file)) : await tarFileEntries(file);
  } catch (err) {
    throw new ActionError(
      `Could not read the entries of ${fileName}: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err }
    );
  }
  const problems = entries.map(unsafeEntry).filter((p): p is string => p !== undefined);
  if (problems.length > 0) {
    throw new ActionError(`Refusing to unpack ${fileName}: it would write outside its directory.`, {
      details: problems.slice(0, 10),
      hint: 'The archive is not an unmodified Istio release. Check istio-download-url (a mirror must serve the release files unchanged).'
    });
  }
}

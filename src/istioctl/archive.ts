// Checks a downloaded archive's entry names BEFORE anything is unpacked: an entry with an absolute path or
// a `..` segment (or a link pointing out of the archive) could write outside the extraction directory.
// `tar` would silently rewrite such names, so a tampered mirror would go unnoticed; we refuse instead.
import { gunzipSync } from 'node:zlib';
import { ActionError } from '../errors.js';

export interface ArchiveEntry {
  name: string;
  /** Target of a symbolic or hard link. */
  link?: string;
}

function cString(buf: Buffer, start: number, length: number): string {
  const slice = buf.subarray(start, start + length);
  const nul = slice.indexOf(0);
  return slice.subarray(0, nul < 0 ? slice.length : nul).toString('utf8');
}

/** Entries of a (gzip-compressed) ustar/GNU/pax tar archive. */
export function tarEntries(archive: Buffer): ArchiveEntry[] {
  const tar = archive[0] === 0x1f && archive[1] === 0x8b ? gunzipSync(archive) : archive;
  const entries: ArchiveEntry[] = [];
  let longName: string | undefined;
  let longLink: string | undefined;
  for (let off = 0; off + 512 <= tar.length;) {
    const header = tar.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const size = parseInt(cString(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] ?? 0x30);
    const data = tar.subarray(off + 512, off + 512 + size);
    off += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') longName = cString(data, 0, data.length);
    else if (type === 'K') longLink = cString(data, 0, data.length);
    else if (type === 'x') {
      // pax records: "<len> key=value\n"
      for (const rec of data.toString('utf8').split('\n')) {
        const m = /^\d+ (path|linkpath)=(.*)$/.exec(rec);
        if (m?.[1] === 'path') longName = m[2];
        if (m?.[1] === 'linkpath') longLink = m[2];
      }
    } else if (type !== 'g') {
      const prefix = cString(header, 345, 155);
      const name = longName ?? (prefix ? `${prefix}/${cString(header, 0, 100)}` : cString(header, 0, 100));
      const link = longLink ?? cString(header, 157, 100);
      entries.push(type === '1' || type === '2' ? { name, link } : { name });
      longName = undefined;
      longLink = undefined;
    }
  }
  return entries;
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

/** Throws an ActionError naming every unsafe entry of the archive. */
export function assertSafeArchive(fileName: string, archive: Buffer, format: 'tar.gz' | 'zip'): void {
  let entries: ArchiveEntry[];
  try {
    entries = format === 'zip' ? zipEntries(archive) : tarEntries(archive);
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

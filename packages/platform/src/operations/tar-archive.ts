import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { OperationError } from './operation-error.ts';

/**
 * A plain POSIX (ustar) tar, written and read here rather than through a dependency: a backup holds
 * a handful of regular files, and `tar tf` / `tar xf` on any machine can open it. Files are streamed
 * in and out, so a dump of any size never sits in memory.
 */
export interface TarSource {
  /** Path inside the archive (`database/lab.dump`, `certificates/<name>`). */
  name: string;
  /** The file to copy in. */
  path: string;
}

export interface TarEntry {
  name: string;
  size: number;
  /** Where its content starts in the archive. */
  offset: number;
}

const block = 512;

function header(name: string, size: number, mtime: Date): Buffer {
  const buffer = Buffer.alloc(block);
  let base = name;
  let prefix = '';
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 155);
    if (cut <= 0 || Buffer.byteLength(name.slice(cut + 1)) > 100) {
      throw new OperationError(
        'ARCHIVE_NAME_TOO_LONG',
        `cannot store ${name} in a tar archive (name too long)`,
      );
    }
    prefix = name.slice(0, cut);
    base = name.slice(cut + 1);
  }
  const octal = (value: number, length: number) => value.toString(8).padStart(length - 1, '0');
  buffer.write(base, 0, 100, 'utf8');
  buffer.write(octal(0o600, 8), 100);
  buffer.write(octal(0, 8), 108);
  buffer.write(octal(0, 8), 116);
  buffer.write(octal(size, 12), 124);
  buffer.write(octal(Math.floor(mtime.getTime() / 1000), 12), 136);
  buffer.write('        ', 148); // checksum counted as spaces
  buffer.write('0', 156);
  buffer.write('ustar\u000000', 257, 'binary');
  buffer.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of buffer) sum += byte;
  buffer.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 'binary');
  return buffer;
}

/** Writes `sources` into a new tar at `file` (mode 0600: a backup is as secret as the database). */
export async function writeTar(file: string, sources: readonly TarSource[]): Promise<void> {
  const out = createWriteStream(file, { mode: 0o600, flags: 'wx' });
  try {
    for (const source of sources) {
      const info = await stat(source.path);
      if (!out.write(header(source.name, info.size, info.mtime))) await once(out, 'drain');
      // Chunk by chunk rather than pipeline(..., { end: false }): that leaves listeners on `out` per file.
      for await (const chunk of createReadStream(source.path)) {
        if (!out.write(chunk)) await once(out, 'drain');
      }
      const padding = (block - (info.size % block)) % block;
      if (padding > 0 && !out.write(Buffer.alloc(padding))) await once(out, 'drain');
    }
    out.end(Buffer.alloc(block * 2));
    await once(out, 'finish');
  } catch (error) {
    out.destroy();
    throw error;
  }
}

/** Lists a tar's regular files with where each starts; anything malformed is refused. */
export async function readTarIndex(file: string): Promise<TarEntry[]> {
  const handle = await open(file, 'r');
  try {
    const { size: total } = await handle.stat();
    const entries: TarEntry[] = [];
    const buffer = Buffer.alloc(block);
    let position = 0;
    while (position + block <= total) {
      await handle.read(buffer, 0, block, position);
      if (buffer.every((byte) => byte === 0)) return entries;
      const field = (start: number, length: number) =>
        buffer.toString('utf8', start, start + length).replace(/\0.*$/s, '');
      const stored = Number.parseInt(field(148, 8).trim(), 8);
      let sum = 0;
      for (let index = 0; index < block; index += 1)
        sum += index >= 148 && index < 156 ? 32 : (buffer[index] ?? 0);
      if (stored !== sum) {
        throw new OperationError(
          'ARCHIVE_CORRUPT',
          `${file} is not a readable backup archive (bad tar header at byte ${position})`,
        );
      }
      const size = Number.parseInt(field(124, 12).trim() || '0', 8);
      const prefix = field(345, 155);
      const name = prefix ? `${prefix}/${field(0, 100)}` : field(0, 100);
      const type = field(156, 1);
      if ((type === '0' || type === '') && size >= 0) entries.push({ name, size, offset: position + block });
      position += block + Math.ceil(size / block) * block;
      if (position > total) {
        throw new OperationError('ARCHIVE_CORRUPT', `${file} is truncated (${name} runs past the end)`);
      }
    }
    throw new OperationError('ARCHIVE_CORRUPT', `${file} is truncated (no end-of-archive marker)`);
  } finally {
    await handle.close();
  }
}

/** Streams one entry's content (to hash it, or to copy it out). */
export function readTarEntry(file: string, entry: TarEntry): NodeJS.ReadableStream {
  if (entry.size === 0) return Readable.from([]);
  return createReadStream(file, { start: entry.offset, end: entry.offset + entry.size - 1 });
}

/** Copies one entry to `destination` (created, owner-only). */
export async function extractTarEntry(file: string, entry: TarEntry, destination: string): Promise<void> {
  await pipeline(readTarEntry(file, entry), createWriteStream(destination, { mode: 0o600, flags: 'wx' }));
}

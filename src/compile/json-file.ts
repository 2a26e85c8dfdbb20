import { randomBytes } from 'node:crypto';
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

/** Bytes gathered before they go to the file. */
const BUFFER_BYTES = 1 << 20;

/**
 * Writes a JSON document to a file piece by piece through one reused buffer, so a large manifest never exists as
 * one string or one buffer (on a 10,000-model project those were 22 MB each, and fresh memory is slow to touch).
 * Each piece is encoded straight into the buffer: no string is concatenated or measured twice.
 * Writes to a temporary file of its own next to `path` (see tempPathFor) and renames it over `path` on commit(),
 * so a reader never sees half a file and two processes writing the same file never write into each other's.
 * A failed write carries the path of the file being written (`err.path`), for the user's message.
 */
export class JsonFileWriter {
  private readonly fd: number;
  private readonly temp: string;
  private readonly buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  /** Bytes in the buffer, not yet written. */
  private used = 0;
  /** Bytes written to the file so far. */
  private written = 0;

  constructor(private readonly path: string) {
    this.temp = tempPathFor(path);
    this.fd = withPath(path, () => openSync(this.temp, 'w'));
  }

  /** Bytes of everything given so far. */
  get bytes(): number {
    return this.written + this.used;
  }

  write(text: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    if (this.used + text.length * 3 > BUFFER_BYTES) {
      this.flush();
      if (text.length * 3 > BUFFER_BYTES) {
        this.written += withPath(this.path, () => writeAll(this.fd, Buffer.from(text)));
        return;
      }
    }
    this.used += this.buffer.write(text, this.used);
  }

  /** Writes `value` as JSON.stringify would, with each entry of a large object stringified on its own. */
  writeValue(value: unknown): void {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || typeof (value as { toJSON?: unknown }).toJSON === 'function') {
      this.write(JSON.stringify(value));
      return;
    }
    this.write('{');
    let first = true;
    for (const [key, entry] of Object.entries(value)) {
      const text = JSON.stringify(entry) as string | undefined;
      if (text === undefined) continue;
      this.write(`${first ? '' : ','}${JSON.stringify(key)}:`);
      this.write(text);
      first = false;
    }
    this.write('}');
  }

  /** Finishes the file and puts it in place. */
  commit(): void {
    withPath(this.path, () => {
      this.flush();
      closeSync(this.fd);
      renameSync(this.temp, this.path);
    });
  }

  /** Closes and removes the unfinished file. */
  abandon(): void {
    try {
      closeSync(this.fd);
    } finally {
      rmSync(this.temp, { force: true });
    }
  }

  private flush(): void {
    if (!this.used) return;
    this.written += withPath(this.path, () => writeAll(this.fd, this.buffer.subarray(0, this.used)));
    this.used = 0;
  }
}

function writeAll(fd: number, bytes: Uint8Array): number {
  for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
  return bytes.length;
}

let temps = 0;

/** A temporary name next to `path`, unique to this process and call: `<path>.<pid>-<n>-<random>.tmp`. */
export function tempPathFor(path: string): string {
  return `${path}.${process.pid}-${++temps}-${randomBytes(4).toString('hex')}.tmp`;
}

/**
 * Writes `text` to `path` atomically: a reader sees the old file or the new one, never a part (a full disk
 * leaves the old file, not 0 bytes). The temporary file is removed when anything fails.
 */
export function writeFileAtomic(path: string, text: string): void {
  const temp = tempPathFor(path);
  withPath(path, () => {
    const fd = openSync(temp, 'w');
    try {
      writeAll(fd, Buffer.from(text));
    } catch (e) {
      closeSync(fd);
      rmSync(temp, { force: true });
      throw e;
    }
    closeSync(fd);
    try {
      renameSync(temp, path);
    } catch (e) {
      rmSync(temp, { force: true });
      throw e;
    }
  });
}

/** Runs `work`; an errno error it throws is given `path` (the file meant, not a temporary one) when it names none. */
function withPath<T>(path: string, work: () => T): T {
  try {
    return work();
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err && typeof err === 'object' && err.code) err.path = path;
    throw e;
  }
}

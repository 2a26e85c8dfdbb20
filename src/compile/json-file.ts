import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

/** Bytes gathered before they go to the file. */
const BUFFER_BYTES = 1 << 20;

/**
 * Writes a JSON document to a file piece by piece through one reused buffer, so a large manifest never exists as
 * one string or one buffer (on a 10,000-model project those were 22 MB each, and fresh memory is slow to touch).
 * Each piece is encoded straight into the buffer: no string is concatenated or measured twice.
 * Writes to `<path>.tmp` and renames it over `path` on commit(), so a reader never sees half a file.
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
    this.temp = `${path}.tmp`;
    this.fd = openSync(this.temp, 'w');
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
        this.written += writeAll(this.fd, Buffer.from(text));
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
    this.flush();
    closeSync(this.fd);
    renameSync(this.temp, this.path);
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
    this.written += writeAll(this.fd, this.buffer.subarray(0, this.used));
    this.used = 0;
  }
}

function writeAll(fd: number, bytes: Uint8Array): number {
  for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
  return bytes.length;
}

import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

/** Characters collected before they are encoded and written. */
const CHUNK = 1 << 18;

/**
 * Writes a JSON document to a file piece by piece through one reused buffer, so a large manifest never exists as
 * one string or one buffer (on a 10,000-model project those were 22 MB each, and fresh memory is slow to touch).
 * Writes to `<path>.tmp` and renames it over `path` on commit(), so a reader never sees half a file.
 */
export class JsonFileWriter {
  private readonly fd: number;
  private readonly temp: string;
  private pending = '';
  private readonly buffer = Buffer.allocUnsafe(CHUNK * 3);
  /** Bytes written so far (not counting what is still pending). */
  private written = 0;

  constructor(private readonly path: string) {
    this.temp = `${path}.tmp`;
    this.fd = openSync(this.temp, 'w');
  }

  /** Bytes of everything given so far. */
  get bytes(): number {
    return this.written + Buffer.byteLength(this.pending);
  }

  write(text: string): void {
    this.pending += text;
    if (this.pending.length >= CHUNK) this.flush();
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
      this.write(`${first ? '' : ','}${JSON.stringify(key)}:${text}`);
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
    if (!this.pending) return;
    const text = this.pending;
    this.pending = '';
    // UTF-8 takes at most 3 bytes per UTF-16 unit; one piece longer than that gets a buffer of its own.
    const buffer = text.length * 3 <= this.buffer.length ? this.buffer : Buffer.allocUnsafe(Buffer.byteLength(text));
    const length = buffer.write(text, 0);
    for (let at = 0; at < length; ) at += writeSync(this.fd, buffer, at, length - at);
    this.written += length;
  }
}

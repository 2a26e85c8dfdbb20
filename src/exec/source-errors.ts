import { closeSync, openSync, readSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';

/** DuckDB's default `max_line_size` for read_csv. */
const DEFAULT_MAX_LINE_SIZE = 2_000_000;
/** Longest piece of DuckDB's `Original Line:` quoted back (the line may be megabytes). */
const QUOTED_LINE_CHARS = 120;

export interface SourceFile {
  /** As written in the project (`data/reviews.csv`). */
  path: string;
  absolutePath: string;
  /** `shop.reviews (models/sources.yml)`, to say which source reads it. */
  describe: string;
  options: Record<string, unknown>;
}

/**
 * DuckDB's reader error for a source file, whole but readable: the file and source named first, DuckDB's own
 * explanation kept (its first line alone said only "CSV Error on Line: 2"), its dump of reader options and SQL
 * dropped, the line number corrected where DuckDB's is wrong, and the fix written as the source's `options:`.
 */
export function explainSourceError(error: unknown, file: SourceFile): string {
  const full = ((error as Error)?.message ?? String(error)).trim();
  const hint = loomHint(full);
  const body = full.split(/\n\s*file = |\nLINE \d+:/)[0];
  const lines = body
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .filter((l) => !/^Possible Solution:/.test(l) || !hint.length)
    .map((l) => (l.startsWith('Original Line:') && l.length > QUOTED_LINE_CHARS ? `${l.slice(0, QUOTED_LINE_CHARS)}… (${l.length - 15} characters)` : l));
  const corrected = correctLine(full, file);
  const head = corrected ? lines[0].replace(/on Line: \d+/, `on line ${corrected}`) : lines[0];
  // DuckDB's quoted line is of its own (wrong) number: with the line corrected, it would mislead.
  const rest = lines.slice(1).filter((l) => !(corrected && l.startsWith('Original Line:')));
  return [`cannot read ${file.path} (source ${file.describe}): ${head}.`, ...rest, ...hint].join(' ');
}

function loomHint(message: string): string[] {
  if (/not utf-8 encoded/i.test(message)) {
    return ["Fix: the file is not UTF-8; name its encoding in the source's options, e.g. options: { encoding: latin-1 } (also utf-16)"];
  }
  const size = /Maximum line size of (\d+) bytes exceeded\. Actual Size:\s*(\d+)/i.exec(message);
  if (size) {
    const needed = Math.ceil((Number(size[2]) + 1) / 1_000_000) * 1_000_000;
    return [`Fix: a line is longer than max_line_size (${size[1]} bytes); raise it in the source's options, e.g. options: { max_line_size: ${needed} }`];
  }
  return [];
}

/** The real 1-based line of the fault DuckDB reports, for the two faults it misnumbers; null otherwise. */
function correctLine(message: string, file: SourceFile): number | null {
  if (/not utf-8 encoded/i.test(message)) return firstLine(file.absolutePath, (line) => !isUtf8(line));
  if (/Maximum line size/i.test(message)) {
    const limit = Number(file.options.max_line_size ?? DEFAULT_MAX_LINE_SIZE);
    return firstLine(file.absolutePath, (line) => line.length > limit);
  }
  return null;
}

/** The first line (split at \n, without it) of a file that `bad` flags, reading it in 1 MiB chunks. */
function firstLine(path: string, bad: (line: Buffer) => boolean): number | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    const chunk = Buffer.alloc(1 << 20);
    let pending: Buffer[] = [];
    let line = 1;
    for (;;) {
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      let start = 0;
      for (let i = start; i < read; i++) {
        if (chunk[i] !== 0x0a) continue;
        if (bad(Buffer.concat([...pending, chunk.subarray(start, i)]))) return line;
        pending = [];
        line++;
        start = i + 1;
      }
      pending.push(Buffer.from(chunk.subarray(start, read)));
    }
    return pending.length && bad(Buffer.concat(pending)) ? line : null;
  } finally {
    closeSync(fd);
  }
}

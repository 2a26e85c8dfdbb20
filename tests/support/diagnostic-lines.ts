import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { formatDiagnostic } from '../../src/diagnostics/format.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';

/**
 * Broken fixtures say where their errors must land in two ways:
 * - `expected.txt`: every header line the CLI must print, `path:line:col: error LOOMnnn: message`, exactly;
 * - marks in the files themselves: `# error: LOOMnnn` (YAML), `-- error: LOOMnnn` (SQL inside YAML) or
 *   `{# error: LOOMnnn #}` (templates) at the end of the offending line.
 */
export interface Mark {
  file: string;
  line: number;
  code: string;
}

const HEADER = /^(\S[^:]*):(\d+):(\d+): (error|warning) (LOOM\d{3}): (.*)$/;
const MARK = /(?:#|--|\{#)\s*(error|warning): (LOOM\d{3})/g;

/** The `path:line:col: error CODE: message` lines of CLI output (code frames and notes left out). */
export function headerLines(output: string): string[] {
  return output.split('\n').filter((line) => HEADER.test(line));
}

/** The same header lines for diagnostics from the API, as the CLI prints them. */
export function headersOf(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) => formatDiagnostic(d).split('\n')[0]);
}

/** `path:line: CODE` for each header line (the granularity marks in files can express). */
export function lineKeys(headers: readonly string[]): string[] {
  return headers.map((h) => {
    const m = HEADER.exec(h);
    if (!m) throw new Error(`not a diagnostic header: ${h}`);
    return `${m[1]}:${m[2]}: ${m[5]}`;
  });
}

/** The lines of a fixture's expected.txt (blank lines and `//` comments skipped). */
export function expectedHeaders(fixtureDir: string): string[] {
  const path = join(fixtureDir, 'expected.txt');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.length > 0 && !l.startsWith('//'));
}

/** Every `error: LOOMnnn` mark written in the fixture's project files, as `path:line: CODE`. */
export function marksIn(fixtureDir: string): string[] {
  const out: string[] = [];
  for (const file of filesUnder(fixtureDir)) {
    if (file === 'expected.txt') continue;
    readFileSync(join(fixtureDir, file), 'utf8')
      .split('\n')
      .forEach((text, i) => {
        for (const m of text.matchAll(MARK)) out.push(`${file}:${i + 1}: ${m[2]}`);
      });
  }
  return out.sort();
}

function filesUnder(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((entry) => statSync(join(dir, entry)).isFile())
    .map((entry) => entry.split(sep).join('/'))
    .sort();
}

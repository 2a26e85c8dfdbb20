import pc from 'picocolors';
import type { Diagnostic } from './diagnostic.js';

export interface FormatOptions {
  /** Returns a file's text (path relative to the project), or undefined when it cannot be read. */
  readSource?: (file: string) => string | undefined;
  color?: boolean;
  /** Lines of context shown above the offending line. */
  contextLines?: number;
}

/** `path:line:col: error LOOMnnn: message`, then a code frame and notes. */
export function formatDiagnostic(d: Diagnostic, options: FormatOptions = {}): string {
  const c = pc.createColors(options.color ?? false);
  const where = d.location ? `${d.location.file}:${d.location.line}:${d.location.col}: ` : '';
  const label = d.severity === 'error' ? c.red(c.bold('error')) : c.yellow(c.bold('warning'));
  const lines = [`${c.bold(where)}${label} ${c.dim(d.code)}: ${d.message}`];
  if (d.location && options.readSource) {
    const text = options.readSource(d.location.file);
    if (text !== undefined) lines.push(...codeFrame(text, d, options.contextLines ?? 1, c));
  }
  for (const note of d.notes ?? []) lines.push(`  ${c.cyan('=')} ${note}`);
  return lines.join('\n');
}

function codeFrame(text: string, d: Diagnostic, contextLines: number, c: ReturnType<typeof pc.createColors>): string[] {
  const loc = d.location!;
  const sourceLines = text.split(/\r?\n/);
  if (loc.line < 1 || loc.line > sourceLines.length) return [];
  const first = Math.max(1, loc.line - contextLines);
  const gutterWidth = String(loc.line).length;
  const out: string[] = [];
  for (let n = first; n <= loc.line; n++) {
    const content = sourceLines[n - 1].replace(/\t/g, ' ');
    const marker = n === loc.line ? c.red('>') : ' ';
    out.push(`${marker} ${c.dim(String(n).padStart(gutterWidth))} | ${content}`);
  }
  const lineText = sourceLines[loc.line - 1];
  const start = Math.max(1, loc.col);
  const sameLineEnd = loc.endLine === undefined || loc.endLine === loc.line;
  let width = 1;
  if (sameLineEnd && loc.endCol !== undefined && loc.endCol > start) width = loc.endCol - start;
  else if (!sameLineEnd) width = Math.max(1, lineText.length - start + 1);
  width = Math.max(1, Math.min(width, Math.max(1, lineText.length - start + 1)));
  out.push(`  ${' '.repeat(gutterWidth)} | ${' '.repeat(start - 1)}${c.red('^'.repeat(width))}`);
  return out;
}

export function summarize(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const parts: string[] = [];
  if (errors) parts.push(`${errors} error${errors === 1 ? '' : 's'}`);
  if (warnings) parts.push(`${warnings} warning${warnings === 1 ? '' : 's'}`);
  return parts.join(', ');
}

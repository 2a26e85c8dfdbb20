import pc from 'picocolors';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { formatDiagnostic, summarize } from '../diagnostics/format.js';

export const useColor = (stream: NodeJS.WriteStream = process.stdout): boolean => pc.isColorSupported && !!stream.isTTY;

/** Prints diagnostics with code frames to stderr, then a one-line count. */
export function printDiagnostics(diagnostics: readonly Diagnostic[], readSource: (file: string) => string | undefined): void {
  if (!diagnostics.length) return;
  const color = useColor(process.stderr);
  const blocks = diagnostics.map((d) => formatDiagnostic(d, { readSource, color }));
  process.stderr.write(`${blocks.join('\n\n')}\n\n`);
  const errors = diagnostics.some((d) => d.severity === 'error');
  const line = `${errors ? 'Found' : 'Found'} ${summarize(diagnostics)}.`;
  process.stderr.write(`${color ? (errors ? pc.red(line) : pc.yellow(line)) : line}\n`);
}

export function out(line = ''): void {
  process.stdout.write(`${line}\n`);
}

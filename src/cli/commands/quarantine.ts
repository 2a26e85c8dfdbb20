import pc from 'picocolors';
import { listQuarantined, retryQuarantined } from '../../api/quarantine.js';
import { UsageError } from '../../diagnostics/diagnostic.js';
import { didYouMean } from '../../diagnostics/suggest.js';
import { displayName } from '../../graph/ids.js';
import { terminalReporter } from '../build-reporter.js';
import { compileOptionsOf, list, type CommonFlags } from '../flags.js';
import { dollars } from '../format-numbers.js';
import { out, printDiagnostics, useColor } from '../print.js';

export interface QuarantineFlags extends CommonFlags {
  run?: string;
  ids?: string | string[];
  output?: string;
}

const ACTIONS = ['list', 'retry'];

/** `loom quarantine list` and `loom quarantine retry <model>`. */
export async function quarantineCommand(action: string, model: string | undefined, flags: QuarantineFlags): Promise<number> {
  if (action === 'list') return listCommand(flags);
  if (action === 'retry') {
    if (!model) throw new UsageError('loom quarantine retry needs a model: loom quarantine retry review_issues [--ids r0001,r0002]');
    return retryCommand(model, flags);
  }
  throw new UsageError(`unknown quarantine action \`${action}\`${didYouMean(action, ACTIONS)}; use \`loom quarantine list\` or \`loom quarantine retry <model>\``);
}

async function listCommand(flags: QuarantineFlags): Promise<number> {
  const format = flags.output ?? 'table';
  if (format !== 'table' && format !== 'json') throw new UsageError(`--output must be table or json; got \`${format}\``);
  const { compiled, rows } = await listQuarantined({ ...compileOptionsOf(flags), runId: flags.run });
  printDiagnostics(compiled.diagnostics, compiled.readSource);
  if (!compiled.ok) return 1;
  if (format === 'json') {
    for (const r of rows) out(JSON.stringify({ ...r, scores: parse(r.scores), output: parse(r.output), input: parse(r.input) }));
    return 0;
  }
  if (!rows.length) {
    out('No quarantined rows.');
    return 0;
  }
  const c = pc.createColors(useColor());
  // Reasons are cut to the terminal's width only on a terminal: a pipe or a file gets them whole.
  const width = process.stdout.isTTY ? Math.max(60, process.stdout.columns ?? 120) : Infinity;
  const header = ['model', 'row', 'status', 'run', 'reason'];
  const table = rows.map((r) => [displayName(r.node_id), r.row_key, r.disposition, r.run_id.slice(0, 8), r.reason ?? '']);
  const widths = header.slice(0, 4).map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
  const fixed = widths.reduce((a, w) => a + w + 2, 0);
  const fmt = (row: string[]) => [...row.slice(0, 4).map((cell, i) => cell.padEnd(widths[i])), truncate(row[4], Math.max(20, width - fixed))].join('  ');
  out(c.bold(fmt(header)));
  for (const row of table) out(fmt(row));
  out('');
  out(`${rows.length} row(s). Retry with: loom quarantine retry <model> [--ids key1,key2]`);
  return 0;
}

async function retryCommand(model: string, flags: QuarantineFlags): Promise<number> {
  const ids = list(flags.ids)?.flatMap((s) => s.split(',').map((x) => x.trim()).filter(Boolean));
  const reporter = terminalReporter({ color: useColor(), bars: !!process.stderr.isTTY && !process.env.CI });
  try {
    const outcome = await retryQuarantined({ ...compileOptionsOf(flags), model, ids, reporter, args: { command: 'quarantine retry', model, ids } });
    reporter.stop();
    printDiagnostics(outcome.compiled.diagnostics, outcome.compiled.readSource);
    if (!outcome.compiled.ok) return 1;
    if (!outcome.session) {
      out(`\`${model}\` has no quarantined rows to retry.`);
      return 0;
    }
    const r = outcome.session.runResults.results[0];
    out('');
    out(
      `Retried ${outcome.retried.length} row(s) of ${model}: ${r.rows_passed} now pass and moved into its table, ${r.rows_quarantined} still quarantined` +
        `${r.rows_skipped ? `, ${r.rows_skipped} skipped` : ''} (${r.llm_calls} calls, ${dollars(r.cost_usd)}).`,
    );
    if (r.rows_passed) out(`Run \`loom build -s ${model}+\` to carry them downstream.`);
    return r.status === 'success' ? 0 : 1;
  } finally {
    reporter.stop();
  }
}

function truncate(text: string, max: number): string {
  const one = text.replace(/\s+/g, ' ');
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

function parse(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

import { createRequire } from 'node:module';
import type * as CliProgress from 'cli-progress';
import pc from 'picocolors';
import type { ManifestNode } from '../contracts/manifest.js';
import type { NodeResult, Reporter } from '../exec/types.js';
import { clock, compact, dollars, seconds } from './format-numbers.js';

const WIDTH = 64;

/**
 * dbt-style lines (`1 of 9 START ...`, `1 of 9 OK ...`) and, on a terminal, a progress bar per llm node while
 * its rows are answered. Bars are drawn on stderr so piped stdout stays a clean log.
 */
export function terminalReporter(options: { color: boolean; bars: boolean }): Reporter & { stop(): void; line(text: string): void } {
  const c = pc.createColors(options.color);
  // The progress bar library is loaded only on a terminal.
  const cliProgress = options.bars ? (createRequire(import.meta.url)('cli-progress') as typeof CliProgress) : null;
  const multi = cliProgress
    ? new cliProgress.MultiBar(
        {
          // Our own estimate: the library's is garbage (`NULL` cut to `LLs`) before the first answer.
          format: `  {name} ${c.cyan('{bar}')} {value}/{total} rows{left}`,
          hideCursor: true,
          clearOnComplete: true,
          stopOnComplete: false,
          stream: process.stderr,
          barsize: 24,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      )
    : null;
  const bars = new Map<string, CliProgress.SingleBar>();
  const barStarted = new Map<string, number>();
  const line = (text: string) => {
    const out = `${c.dim(clock())}  ${text}`;
    if (multi && bars.size) multi.log(`${out}\n`);
    else process.stdout.write(`${out}\n`);
  };
  const dots = (left: string, right: string) => {
    const visible = left.replace(/\x1b\[[0-9;]*m/g, '');
    return `${left} ${c.dim('.'.repeat(Math.max(3, WIDTH - visible.length)))} ${right}`;
  };
  const what = (node: ManifestNode) => {
    if (node.kind === 'source') return `source ${node.fqn.slice(1).join('.')}`;
    if (node.kind === 'load') return `load ${node.name} → ${node.location?.path}`;
    if (node.kind === 'sql') return `sql ${node.config.materialized === 'view' ? 'view' : 'table'} model ${node.name}`;
    return `llm model ${node.name}`;
  };
  return {
    line,
    nodeStart(node, index, total) {
      line(dots(`${index} of ${total} START ${what(node)}`, '[RUN]'));
    },
    nodeProgress(node, done, pending) {
      if (!multi || pending === 0) return;
      let bar = bars.get(node.unique_id);
      if (!bar) {
        bar = multi.create(pending, 0, { name: node.name, left: '' });
        bars.set(node.unique_id, bar);
        barStarted.set(node.unique_id, Date.now());
      }
      bar.update(done, { left: timeLeft(Date.now() - barStarted.get(node.unique_id)!, done, pending) });
    },
    nodeEnd(node, result, index, total) {
      const bar = bars.get(node.unique_id);
      if (bar && multi) {
        multi.remove(bar);
        bars.delete(node.unique_id);
        barStarted.delete(node.unique_id);
      }
      const status = {
        success: c.green('OK'),
        partial: c.yellow('PARTIAL'),
        error: c.red('ERROR'),
        skipped: c.yellow('SKIP'),
        interrupted: c.yellow('INTERRUPTED'),
      }[result.status];
      line(dots(`${index} of ${total} ${status} ${what(node)}`, `[${details(node, result)}]`));
      if (result.message && result.status !== 'success') line(`  ${c.dim('↳')} ${result.message}`);
      else if (result.message && node.kind === 'llm') line(`  ${c.dim('↳')} ${result.message}`);
      if (result.evaluation && result.evaluation.evaluators.length) {
        for (const e of result.evaluation.evaluators) {
          if (!e.count) continue;
          const stat = e.mean === null ? 'no scores' : `mean ${e.mean.toFixed(2)} ± ${(e.std ?? 0).toFixed(2)}, min ${(e.min ?? 0).toFixed(2)}, max ${(e.max ?? 0).toFixed(2)}`;
          line(`  ${c.dim('↳')} ${e.evaluator}: pass ${(e.pass_rate * 100).toFixed(1)}% of ${e.count} (${stat}${e.errors ? `, ${e.errors} errors` : ''})`);
        }
      }
    },
    warn(message) {
      line(`${c.yellow('warning')}: ${message}`);
    },
    stop() {
      multi?.stop();
    },
  };
}

/** ` | 12s left` once rows have finished (nothing to go by before the first one). */
export function timeLeft(elapsedMs: number, done: number, pending: number): string {
  if (done <= 0 || done >= pending) return '';
  const left = Math.ceil(((elapsedMs / done) * (pending - done)) / 1000);
  return ` | ${left >= 60 ? `${Math.floor(left / 60)}m ${left % 60}s` : `${left}s`} left`;
}

function details(node: ManifestNode, r: NodeResult): string {
  if (r.status === 'skipped') return 'SKIP';
  const deleted = r.rows_deleted ? `, ${compact(r.rows_deleted)} deleted` : '';
  if (node.kind !== 'llm') return `${compact(r.rows)} rows${deleted} in ${seconds(r.execution_time)}`;
  const parts = [`${compact(r.rows)} rows${deleted}`];
  const answered = r.rows_passed + r.rows_quarantined + r.rows_skipped;
  if (answered) parts.push(`${answered} new`);
  if (r.rows_quarantined) parts.push(`${r.rows_quarantined} quarantined`);
  if (r.rows_skipped) parts.push(`${r.rows_skipped} skipped`);
  parts.push(`${r.llm_calls} calls`, `${r.cache_hits} cached`, `${compact(r.tokens_in + r.tokens_out)} tok`);
  const cost = r.evaluation ? `${dollars(r.cost_usd)} (transform ${dollars(r.cost_transform_usd)} + evaluate ${dollars(r.cost_evaluate_usd)})` : dollars(r.cost_usd);
  parts.push(r.unpriced_models.length ? `${cost}+?` : cost);
  return `${parts.join(', ')} in ${seconds(r.execution_time)}`;
}

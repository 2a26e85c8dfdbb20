import pc from 'picocolors';
import { build } from '../../api/build.js';
import { INTERRUPT_DRAIN_MS } from '../../api/session.js';
import { loomVersion } from '../../api/version.js';
import { UsageError } from '../../diagnostics/diagnostic.js';
import { terminalReporter } from '../build-reporter.js';
import { compileOptionsOf, type CommonFlags } from '../flags.js';
import { dollars, seconds } from '../format-numbers.js';
import { printDiagnostics, useColor } from '../print.js';

/** 128 + SIGINT, as shells report a process stopped by Ctrl-C. */
const EXIT_INTERRUPTED = 130;

export interface BuildFlags extends CommonFlags {
  fullRefresh?: boolean;
  cache?: boolean;
  failFast?: boolean;
  runName?: string;
}

/** `loom build` (and `loom run NAME`): compile, run the selection, print dbt-style lines and a summary. */
export async function buildCommand(flags: BuildFlags, command: string): Promise<number> {
  const color = useColor();
  const c = pc.createColors(color);
  const reporter = terminalReporter({ color, bars: !!process.stderr.isTTY && !process.env.CI });
  const controller = new AbortController();
  const abortNow = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    if (interrupts > 2) process.exit(EXIT_INTERRUPTED);
    if (interrupts === 2) {
      reporter.line(c.yellow('Interrupted again: cutting off the requests in flight; the answers already in are saved (Ctrl-C once more quits without saving)'));
      abortNow.abort();
      return;
    }
    reporter.line(c.yellow(`Interrupted: no new rows are sent; finishing the rows in flight (up to ${INTERRUPT_DRAIN_MS / 1000}s) and saving them (press Ctrl-C again to stop them now)`));
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const options = compileOptionsOf(flags);
    if (options.threads !== undefined && options.threads < 1) throw new UsageError('--threads must be at least 1');
    const outcome = await build({
      ...options,
      fullRefresh: flags.fullRefresh,
      cache: flags.cache,
      failFast: flags.failFast,
      reporter,
      command,
      args: { command, ...flags },
      signal: controller.signal,
      abortSignal: abortNow.signal,
      runName: flags.runName,
    });
    reporter.stop();
    printDiagnostics(outcome.compiled.diagnostics, outcome.compiled.readSource);
    if (!outcome.runResults) return 1;
    const run = outcome.runResults;
    const config = outcome.compiled.config!;
    if (outcome.offline) {
      reporter.line(
        c.yellow(`Target \`${config.target.name}\` uses the offline provider: every LLM answer above is a deterministic placeholder, not model output.`),
      );
      reporter.line(c.yellow('Run with --target openai (OPENAI_API_KEY, optionally OPENAI_BASE_URL) for real answers.'));
    }
    for (const model of outcome.unpricedModels) {
      reporter.warn(`no price is known for model \`${model}\`: its calls are counted at an unknown cost, not $0. Add it under \`pricing:\` in loom_project.yml.`);
    }
    if (outcome.journalRecovered) reporter.line(`Recovered ${outcome.journalRecovered} answer(s) from an interrupted run's journal (no request re-sent).`);
    const count = (s: string) => run.results.filter((r) => r.status === s).length;
    const t = run.totals;
    const transform = run.results.reduce((a, r) => a + r.cost_transform_usd, 0);
    const evaluate = run.results.reduce((a, r) => a + r.cost_evaluate_usd, 0);
    reporter.line('');
    reporter.line(`Finished running ${run.results.length} node${run.results.length === 1 ? '' : 's'} in ${seconds(run.elapsed_time)} (loom ${loomVersion()}, target ${config.target.name}).`);
    const verdict = {
      success: c.green('Completed successfully'),
      partial: c.yellow('Completed with warnings'),
      error: c.red('Completed with errors'),
      interrupted: c.yellow('Interrupted: the answers received are saved; the next build sends only the rows without one'),
    }[run.status];
    reporter.line(verdict);
    reporter.line(
      `Done. PASS=${count('success')} PARTIAL=${count('partial')} ERROR=${count('error')}${count('interrupted') ? ` INTERRUPTED=${count('interrupted')}` : ''} SKIP=${count('skipped')} TOTAL=${run.results.length}` +
        ` | LLM calls ${t.llm_calls}, cache hits ${t.cache_hits}, tokens ${t.tokens_in}+${t.tokens_out}, cost ${dollars(t.cost_usd)}${outcome.unpricedModels.length ? '+?' : ''} (transform ${dollars(transform)}, evaluate ${dollars(evaluate)})`,
    );
    if (run.status === 'interrupted') return EXIT_INTERRUPTED;
    return run.status === 'success' ? 0 : 1;
  } finally {
    reporter.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

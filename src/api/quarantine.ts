import { UsageError } from '../diagnostics/diagnostic.js';
import { didYouMean, listOf } from '../diagnostics/suggest.js';
import { runLlm } from '../exec/llm-node.js';
import type { Reporter } from '../exec/types.js';
import { listQuarantine, quarantinedKeys, type QuarantinedRow } from '../warehouse/quarantine.js';
import { Warehouse } from '../warehouse/warehouse.js';
import { compile, type CompileOptions, type CompileOutcome } from './compile.js';
import { runSession, warehousePathOf, type SessionOutcome } from './session.js';

export interface QuarantineListOptions extends CompileOptions {
  runId?: string;
}

/** `loom quarantine list`: the rows held back by quality gates, for the selected models (all without --select). */
export async function listQuarantined(options: QuarantineListOptions = {}): Promise<{ compiled: CompileOutcome; rows: QuarantinedRow[] }> {
  const compiled = await compile({ ...options, write: false });
  if (!compiled.ok) return { compiled, rows: [] };
  const warehouse = await Warehouse.open(warehousePathOf(compiled.config!), { memoryLimit: compiled.config!.warehouseMemoryLimit });
  try {
    const nodes = options.select || options.exclude ? compiled.selected.filter((id) => compiled.manifest!.nodes[id].kind === 'llm') : undefined;
    return { compiled, rows: await listQuarantine(warehouse.meta, { nodes, runId: options.runId }) };
  } finally {
    await warehouse.close();
  }
}

export interface QuarantineRetryOptions extends CompileOptions {
  model: string;
  /** Row keys to retry; all of the model's quarantined rows when absent. */
  ids?: string[];
  reporter?: Reporter;
  signal?: AbortSignal;
  args?: Record<string, unknown>;
}

export interface QuarantineRetryOutcome {
  compiled: CompileOutcome;
  session: SessionOutcome | null;
  /** Keys that were retried. */
  retried: string[];
}

/**
 * `loom quarantine retry <model>`: asks again for just those rows — the cache is not read, so the model and the
 * judges answer afresh — evaluates them, and moves the rows that now pass into the model's table.
 */
export async function retryQuarantined(options: QuarantineRetryOptions): Promise<QuarantineRetryOutcome> {
  const compiled = await compile(options);
  if (!compiled.ok) return { compiled, session: null, retried: [] };
  const manifest = compiled.manifest!;
  const node = Object.values(manifest.nodes).find((n) => n.resource_type === 'model' && n.name === options.model);
  if (!node || node.kind !== 'llm') {
    const llmModels = Object.values(manifest.nodes)
      .filter((n) => n.kind === 'llm')
      .map((n) => n.name);
    const why = node ? `\`${options.model}\` is a ${node.kind} model; only llm models quarantine rows` : `no llm model is named \`${options.model}\`${didYouMean(options.model, llmModels)}`;
    throw new UsageError(`${why}; llm models: ${listOf(llmModels, 'and')}`);
  }
  const warehouse = await Warehouse.open(warehousePathOf(compiled.config!), { memoryLimit: compiled.config!.warehouseMemoryLimit });
  let keys: string[];
  try {
    keys = await quarantinedKeys(warehouse.meta, node.unique_id);
  } finally {
    await warehouse.close();
  }
  if (options.ids) {
    const known = new Set(keys);
    const unknown = options.ids.filter((id) => !known.has(id));
    if (unknown.length) {
      throw new UsageError(
        `${unknown.length === 1 ? 'row' : 'rows'} ${listOf(unknown.slice(0, 5), 'and')} of \`${node.name}\` ${unknown.length === 1 ? 'is' : 'are'} not in quarantine` +
          (keys.length
            ? `; quarantined rows: ${keys.slice(0, 10).map((k) => `\`${k}\``).join(', ')}${keys.length > 10 ? ` and ${keys.length - 10} more (loom quarantine list -s ${node.name})` : ''}`
            : '; it has no quarantined rows'),
      );
    }
    keys = [...new Set(options.ids)];
  }
  if (!keys.length) return { compiled, session: null, retried: [] };
  const session = await runSession(
    compiled,
    [node.unique_id],
    {
      flags: { fullRefresh: false, readCache: false, failFast: false, threads: 1 },
      reporter: options.reporter,
      command: 'quarantine retry',
      args: options.args,
      signal: options.signal,
    },
    (n, ctx) => runLlm(n, ctx, keys),
  );
  return { compiled, session, retried: keys };
}

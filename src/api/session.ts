import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { isAbsolute, join } from 'node:path';
import type { ManifestNode } from '../contracts/manifest.js';
import type { ResolvedConfig } from '../config/types.js';
import { runStatus, totalsOf, writeRunResults, RUN_RESULTS_SCHEMA_VERSION, type RunResults } from '../exec/run-results.js';
import { schedule } from '../exec/scheduler.js';
import { emptyResult, INTERRUPTED, type BuildFlags, type NodeResult, type Reporter, type RunContext } from '../exec/types.js';
import { error, UserError } from '../diagnostics/diagnostic.js';
import { explainWarehouseError, isOutOfMemory, outOfMemoryAdvice } from '../exec/warehouse-errors.js';
import { createBudget } from '../llm/budget.js';
import { createProvider, preloadDirectTransport } from '../llm/index.js';
import { replayJournals, tornJournalWarning } from '../llm/journal.js';
import { storeFailureError } from '../llm/write-buffer.js';
import { createPricing } from '../llm/pricing.js';
import { createLlmService, type LoomLlmService } from '../llm/service.js';
import type { LlmService } from '../llm/service-types.js';
import { warehouseCacheStore, warehouseCallRecorder, warehouseJournalSink } from '../warehouse/llm-store.js';
import { closeInterruptedRuns, recordNodeRun, recordRunEnd, recordRunStart } from '../warehouse/runs.js';
import { lostWalWarning, Warehouse } from '../warehouse/warehouse.js';
import type { CompileOutcome } from './compile.js';
import { targetRedactor } from './target-redactor.js';
import { loomVersion } from './version.js';

/** How long the rows in flight may take to finish after an interrupt before their requests are cut off. */
export const INTERRUPT_DRAIN_MS = 10_000;

export const quietReporter: Reporter = { nodeStart() {}, nodeProgress() {}, nodeEnd() {}, warn() {} };

export interface SessionOptions {
  flags: BuildFlags;
  reporter?: Reporter;
  command: string;
  args?: Record<string, unknown>;
  /** An interrupt (Ctrl-C): no new row or node starts; the rows in flight finish within INTERRUPT_DRAIN_MS. */
  signal?: AbortSignal;
  /** A second interrupt: the requests in flight are cut off at once. */
  abortSignal?: AbortSignal;
}

export interface SessionOutcome {
  runResults: RunResults;
  offline: boolean;
  unpricedModels: string[];
  journalRecovered: number;
}

/** Where the warehouse file of a resolved config lives. */
export function warehousePathOf(config: ResolvedConfig): string {
  return isAbsolute(config.warehouse) ? config.warehouse : join(config.projectDir, config.warehouse);
}

/** The LlmService a node talks to: its provider's, shared by every node of the run. */
export type NodeRunner = (node: ManifestNode, ctx: RunContext) => Promise<NodeResult>;

/**
 * One run against the warehouse: opens it (one writer at a time), recovers answers journaled by an interrupted
 * run, records the run and each node, schedules `selected` in DAG order with `runNode`, and writes
 * target/run_results.json. Used by `build`, `run` and `quarantine retry`.
 */
export async function runSession(compiled: CompileOutcome, selected: readonly string[], options: SessionOptions, runNode: NodeRunner): Promise<SessionOutcome> {
  const started = performance.now();
  const config = compiled.config!;
  const manifest = compiled.manifest!;
  const redact = targetRedactor(config, process.env);
  const reporter = redactingReporter(options.reporter ?? quietReporter, redact);
  const runId = randomUUID();
  const warehousePath = warehousePathOf(config);
  const usesOpenAI = selected.some((id) => manifest.nodes[id].kind === 'llm' && manifest.nodes[id].config.llm?.provider === 'openai');
  if (usesOpenAI && config.target.providerSettings.transport !== 'sdk') preloadDirectTransport();
  const warehouse = await Warehouse.open(warehousePath, { memoryLimit: config.warehouseMemoryLimit });
  if (warehouse.recreatedTables.length) reporter.warn(recreatedWarning(warehouse.recreatedTables));
  const stopping = new AbortController();
  const aborting = new AbortController();
  if (warehouse.lostWal) reporter.warn(lostWalWarning(warehousePath));
  // Every in-flight request listens to this signal; dozens at once is expected, not a leak.
  setMaxListeners(0, aborting.signal);
  let drainDeadline: NodeJS.Timeout | undefined;
  const interrupt = () => {
    if (stopping.signal.aborted) return;
    stopping.abort(INTERRUPTED);
    drainDeadline = setTimeout(() => aborting.abort(), INTERRUPT_DRAIN_MS);
  };
  const abortNow = () => {
    interrupt();
    aborting.abort();
  };
  options.signal?.addEventListener('abort', interrupt, { once: true });
  options.abortSignal?.addEventListener('abort', abortNow, { once: true });
  if (options.signal?.aborted) interrupt();
  if (options.abortSignal?.aborted) abortNow();
  const services = new Map<string, LoomLlmService>();
  try {
    const cache = warehouseCacheStore(warehouse.meta);
    const recorder = warehouseCallRecorder(warehouse.meta);
    const journalDir = join(warehousePath, '..', 'journal');
    const journalSink = warehouseJournalSink(warehouse.meta);
    const replayed = await replayJournals(journalDir, cache, recorder, journalSink);
    const journalRecovered = replayed.entries;
    if (replayed.skipped_lines) reporter.warn(tornJournalWarning(replayed.skipped_lines, replayed.skipped_files));
    // A failed background store or journal write stops the build (see storeFailureError).
    let storeFailure: UserError | null = null;
    const stopOnStoreFailure = (e: unknown) => {
      storeFailure ??= storeFailureError(e, journalDir);
      stopping.abort('store-failure');
      aborting.abort();
    };
    await closeInterruptedRuns(warehouse.meta);
    const pricing = createPricing(config.pricing);
    const serviceFor = (provider: string): LoomLlmService => {
      let service = services.get(provider);
      if (!service) {
        const settings = { provider, ...config.target.providerSettings, headers: expandHeaders(config.target.providerSettings.headers, process.env) };
        service = createLlmService({
          provider: createProvider(settings, { redact }),
          settings,
          cache,
          recorder,
          pricing,
          journalDir,
          journalSink,
          signal: aborting.signal,
          onFlushError: stopOnStoreFailure,
        });
        services.set(provider, service);
      }
      return service;
    };
    const offline = selected.some((id) => manifest.nodes[id].kind === 'llm' && manifest.nodes[id].config.llm?.provider === 'offline');
    await recordRunStart(warehouse.meta, {
      runId,
      invocationId: manifest.metadata.invocation_id,
      command: options.command,
      target: config.target.name,
      loomVersion: loomVersion(),
      git: manifest.metadata.git,
      args: options.args ?? {},
      offline,
    });
    const base: RunContext = {
      runId,
      manifest,
      config,
      warehouse,
      llm: NO_LLM,
      git: manifest.metadata.git,
      flags: options.flags,
      reporter,
      runBudget: createBudget('run', config.budget_usd ?? null),
      signal: stopping.signal,
    };
    // Nodes inside run() before their relief: the scheduler's own count still holds a node until run() returns.
    let running = 0;
    const results = await schedule(manifest, selected, {
      threads: options.flags.threads,
      failFast: options.flags.failFast,
      abort: () => {
        stopping.abort('fail-fast');
        aborting.abort();
      },
      stopping: stopping.signal,
      skipped: (node, result, index) => {
        reporter.nodeEnd(node, result, index, selected.length);
        void recordNodeRun(warehouse.meta, runId, node.kind, node.fingerprint.data, new Date(), result).catch(() => undefined);
      },
      run: async (node, index) => {
        running++;
        reporter.nodeStart(node, index, selected.length);
        const t0 = performance.now();
        const startedAt = new Date();
        let result: NodeResult;
        try {
          const llm = node.kind === 'llm' && node.config.llm ? serviceFor(node.config.llm.provider) : NO_LLM;
          result = await runNode(node, { ...base, llm });
        } catch (e) {
          // A user's mistake found while running (an unset ${VAR} in a header: LOOM204) fails this node like any error.
          const message = e instanceof UserError ? e.message : explainWarehouseError(e, node, manifest, config.warehouseMemoryLimit);
          result = emptyResult(node.unique_id, 'error', message);
        }
        if (result.message) result.message = redact(result.message);
        result.execution_time = Math.round(performance.now() - t0) / 1000;
        await recordNodeRun(warehouse.meta, runId, node.kind, node.fingerprint.data, startedAt, result);
        running--;
        await warehouse.relieveMemory({ alone: running === 0 });
        reporter.nodeEnd(node, result, index, selected.length);
        return result;
      },
    });
    if (storeFailure) throw storeFailure;
    for (const service of services.values()) {
      try {
        await service.close();
      } catch (e) {
        if (storeFailure) throw storeFailure;
        if (isOutOfMemory(e)) throw new UserError(error('LOOM205', `${(e as Error).message.split('\n')[0]}: ${outOfMemoryAdvice(config.warehouseMemoryLimit)}`));
        throw e;
      }
    }
    const status = runStatus(results);
    await recordRunEnd(warehouse.meta, runId, status, results);
    const runResults: RunResults = {
      metadata: {
        loom_schema_version: RUN_RESULTS_SCHEMA_VERSION,
        loom_version: loomVersion(),
        generated_at: new Date().toISOString(),
        invocation_id: manifest.metadata.invocation_id,
        run_id: runId,
        target_name: config.target.name,
        offline,
        git: manifest.metadata.git,
      },
      elapsed_time: Math.round(performance.now() - started) / 1000,
      args: options.args ?? {},
      status,
      totals: totalsOf(results),
      results,
    };
    writeRunResults(config.projectDir, config.targetPath, runResults);
    const unpricedModels = [...new Set(results.flatMap((r) => r.unpriced_models))].sort();
    return { runResults, offline, unpricedModels, journalRecovered };
  } finally {
    clearTimeout(drainDeadline);
    for (const service of services.values()) await service.close().catch(() => undefined);
    await warehouse.close();
  }
}

/**
 * Header values may name environment variables, `${AZURE_OPENAI_KEY}`, so keys never have to be committed.
 * A variable that is not set is a user error naming it.
 */
export function expandHeaders(headers: Record<string, string> | undefined, env: Readonly<Record<string, string | undefined>>): Record<string, string> | undefined {
  if (!headers) return undefined;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, variable: string) => {
      const found = env[variable];
      if (found === undefined) throw new UserError(error('LOOM204', `header \`${name}\` of target uses \${${variable}}, but the environment variable ${variable} is not set`));
      return found;
    });
    // Not sent as it is: the HTTP client would refuse it and print the value in its message.
    if (/[\r\n\0]/.test(out[name])) {
      throw new UserError(error('LOOM207', `header \`${name}\` of target has a line break in its value${/\$\{/.test(value) ? ' (from the environment variable it names)' : ''}; a header value is one line: remove the line break (e.g. a trailing newline from \`echo\` or a file)`));
    }
  }
  return out;
}

/** Every message the console shows goes through the run's redactor (node results are redacted before they are stored). */
function redactingReporter(reporter: Reporter, redact: (text: string) => string): Reporter {
  return {
    nodeStart: (...args) => reporter.nodeStart(...args),
    nodeProgress: (...args) => reporter.nodeProgress(...args),
    nodeEnd: (node, result, index, total) => reporter.nodeEnd(node, result.message ? { ...result, message: redact(result.message) } : result, index, total),
    warn: (message) => reporter.warn(redact(message)),
  };
}

function recreatedWarning(tables: readonly string[]): string {
  return `the warehouse was missing Loom's own ${tables.join(', ')} (changed from outside); re-created empty: what they held is lost (a missing loom.llm_cache means earlier answers are paid again)`;
}

/** The LlmService handed to nodes that make no LLM calls. */
const NO_LLM: LlmService = {
  offline: false,
  complete: () => Promise.reject(new Error('this node makes no LLM calls')),
  embed: () => Promise.reject(new Error('this node makes no LLM calls')),
  prefetch: async () => undefined,
  flush: async () => undefined,
  stats: () => ({ requests: 0, cache_hits: 0, retries: 0, failures: 0, tokens_in: 0, tokens_out: 0, tokens_cached: 0, cost_usd: 0, unpriced_models: [] }),
};

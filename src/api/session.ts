import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { isAbsolute, join } from 'node:path';
import type { ManifestNode } from '../contracts/manifest.js';
import type { ResolvedConfig } from '../config/types.js';
import { runStatus, totalsOf, writeRunResults, RUN_RESULTS_SCHEMA_VERSION, type RunResults } from '../exec/run-results.js';
import { schedule } from '../exec/scheduler.js';
import { emptyResult, type BuildFlags, type NodeResult, type Reporter, type RunContext } from '../exec/types.js';
import { error, UserError } from '../diagnostics/diagnostic.js';
import { explainWarehouseError, isOutOfMemory, outOfMemoryAdvice } from '../exec/warehouse-errors.js';
import { createBudget } from '../llm/budget.js';
import { createProvider, preloadDirectTransport } from '../llm/index.js';
import { replayJournals } from '../llm/journal.js';
import { createPricing } from '../llm/pricing.js';
import { createLlmService, type LoomLlmService } from '../llm/service.js';
import type { LlmService } from '../llm/service-types.js';
import { warehouseCacheStore, warehouseCallRecorder, warehouseJournalSink } from '../warehouse/llm-store.js';
import { closeInterruptedRuns, recordNodeRun, recordRunEnd, recordRunStart } from '../warehouse/runs.js';
import { Warehouse } from '../warehouse/warehouse.js';
import type { CompileOutcome } from './compile.js';
import { loomVersion } from './version.js';

export const quietReporter: Reporter = { nodeStart() {}, nodeProgress() {}, nodeEnd() {}, warn() {} };

export interface SessionOptions {
  flags: BuildFlags;
  reporter?: Reporter;
  command: string;
  args?: Record<string, unknown>;
  signal?: AbortSignal;
  /** Called before the first node runs. */
  onRunStart?: () => void;
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
  const reporter = options.reporter ?? quietReporter;
  const runId = randomUUID();
  const warehousePath = warehousePathOf(config);
  const usesOpenAI = selected.some((id) => manifest.nodes[id].kind === 'llm' && manifest.nodes[id].config.llm?.provider === 'openai');
  if (usesOpenAI && config.target.providerSettings.transport !== 'sdk') preloadDirectTransport();
  const warehouse = await Warehouse.open(warehousePath, { memoryLimit: config.warehouseMemoryLimit });
  if (warehouse.recreatedTables.length) reporter.warn(recreatedWarning(warehouse.recreatedTables));
  const controller = new AbortController();
  // Every in-flight request listens to this signal; dozens at once is expected, not a leak.
  setMaxListeners(0, controller.signal);
  options.signal?.addEventListener('abort', () => controller.abort(), { once: true });
  if (options.signal?.aborted) controller.abort();
  const services = new Map<string, LoomLlmService>();
  try {
    const cache = warehouseCacheStore(warehouse.meta);
    const recorder = warehouseCallRecorder(warehouse.meta);
    const journalDir = join(warehousePath, '..', 'journal');
    const journalSink = warehouseJournalSink(warehouse.meta);
    const journalRecovered = (await replayJournals(journalDir, cache, recorder, journalSink)).entries;
    await closeInterruptedRuns(warehouse.meta);
    const pricing = createPricing(config.pricing);
    const serviceFor = (provider: string): LoomLlmService => {
      let service = services.get(provider);
      if (!service) {
        const settings = { provider, ...config.target.providerSettings, headers: expandHeaders(config.target.providerSettings.headers, process.env) };
        service = createLlmService({
          provider: createProvider(settings),
          settings,
          cache,
          recorder,
          pricing,
          journalDir,
          journalSink,
          signal: controller.signal,
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
      signal: controller.signal,
    };
    options.onRunStart?.();
    // Nodes inside run() before their relief: the scheduler's own count still holds a node until run() returns.
    let running = 0;
    const results = await schedule(manifest, selected, {
      threads: options.flags.threads,
      failFast: options.flags.failFast,
      abort: () => controller.abort(),
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
          if (e instanceof UserError) throw e;
          result = emptyResult(node.unique_id, 'error', explainWarehouseError(e, node, manifest, config.warehouseMemoryLimit));
        }
        result.execution_time = Math.round(performance.now() - t0) / 1000;
        await recordNodeRun(warehouse.meta, runId, node.kind, node.fingerprint.data, startedAt, result);
        running--;
        await warehouse.relieveMemory({ alone: running === 0 });
        reporter.nodeEnd(node, result, index, selected.length);
        return result;
      },
    });
    for (const service of services.values()) {
      try {
        await service.close();
      } catch (e) {
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
  }
  return out;
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

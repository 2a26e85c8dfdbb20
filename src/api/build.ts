import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { isAbsolute, join } from 'node:path';
import type { ManifestNode } from '../compile/manifest-types.js';
import { UsageError, UserError } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/suggest.js';
import { runLlm } from '../exec/llm-node.js';
import { runLoad, runSource, runSql } from '../exec/run-relational.js';
import { runStatus, totalsOf, writeRunResults, RUN_RESULTS_SCHEMA_VERSION, type RunResults } from '../exec/run-results.js';
import { schedule } from '../exec/scheduler.js';
import { emptyResult, type BuildFlags, type NodeResult, type Reporter, type RunContext } from '../exec/types.js';
import { createBudget } from '../llm/budget.js';
import { createProvider } from '../llm/index.js';
import { replayJournals } from '../llm/journal.js';
import { createPricing } from '../llm/pricing.js';
import { createLlmService, type LoomLlmService } from '../llm/service.js';
import type { CompletionRequest, EmbeddingRequest } from '../llm/types.js';
import type { CallContext, CompleteOptions, LlmService } from '../llm/service-types.js';
import { warehouseCacheStore, warehouseCallRecorder } from '../warehouse/llm-store.js';
import { closeInterruptedRuns, recordNodeRun, recordRunEnd, recordRunStart } from '../warehouse/runs.js';
import { Warehouse } from '../warehouse/warehouse.js';
import { compile, type CompileOptions, type CompileOutcome } from './compile.js';
import { loomVersion } from './version.js';

export interface BuildOptions extends CompileOptions {
  fullRefresh?: boolean;
  /** false = --no-cache. */
  cache?: boolean;
  failFast?: boolean;
  reporter?: Reporter;
  /** Recorded in loom.runs (e.g. the CLI's argv). */
  command?: string;
  args?: Record<string, unknown>;
  /** Aborts the build (the CLI wires SIGINT to it). */
  signal?: AbortSignal;
  /** `loom run NAME`: run the nodes of the pipeline NAME, or the model NAME, instead of a selection. */
  runName?: string;
}

export interface BuildOutcome {
  compiled: CompileOutcome;
  runResults: RunResults | null;
  /** True when any selected llm model used the offline provider. */
  offline: boolean;
  /** Models answered without a known price (their cost is unknown, not zero). */
  unpricedModels: string[];
  journalRecovered: number;
}

export const quietReporter: Reporter = { nodeStart() {}, nodeProgress() {}, nodeEnd() {}, warn() {} };

/** compile, then run the selected nodes against the warehouse: the whole of `loom build`. */
export async function build(options: BuildOptions = {}): Promise<BuildOutcome> {
  const started = performance.now();
  const compiled = await compile(options);
  if (!compiled.ok) return { compiled, runResults: null, offline: false, unpricedModels: [], journalRecovered: 0 };
  const config = compiled.config!;
  const manifest = compiled.manifest!;
  if (options.runName !== undefined) compiled.selected = nodesNamed(options.runName, compiled);
  const reporter = options.reporter ?? quietReporter;
  const flags: BuildFlags = {
    fullRefresh: options.fullRefresh ?? false,
    readCache: options.cache !== false,
    failFast: options.failFast ?? false,
    threads: config.threads,
  };
  const runId = randomUUID();
  const projectDir = config.projectDir;
  const warehousePath = isAbsolute(config.warehouse) ? config.warehouse : join(projectDir, config.warehouse);
  const warehouse = await Warehouse.open(warehousePath);
  const controller = new AbortController();
  // Every in-flight request listens to this signal; dozens at once is expected, not a leak.
  setMaxListeners(0, controller.signal);
  options.signal?.addEventListener('abort', () => controller.abort(), { once: true });
  const services = new Map<string, LoomLlmService>();
  let journalRecovered = 0;
  try {
    const cache = warehouseCacheStore(warehouse.meta);
    const recorder = warehouseCallRecorder(warehouse.meta);
    const journalDir = join(warehousePath, '..', 'journal');
    journalRecovered = (await replayJournals(journalDir, cache, recorder)).entries;
    await closeInterruptedRuns(warehouse.meta);
    const pricing = createPricing(config.pricing);
    const serviceFor = (provider: string): LoomLlmService => {
      let service = services.get(provider);
      if (!service) {
        const settings = { provider, ...config.target.providerSettings };
        service = createLlmService({ provider: createProvider(settings), settings, cache, recorder, pricing, journalDir, signal: controller.signal });
        services.set(provider, service);
      }
      return service;
    };
    const selected = compiled.selected;
    const llmNodes = selected.map((id) => manifest.nodes[id]).filter((n) => n.kind === 'llm');
    const offline = llmNodes.some((n) => n.config.llm?.provider === 'offline');

    await recordRunStart(warehouse.meta, {
      runId,
      invocationId: manifest.metadata.invocation_id,
      command: options.command ?? 'build',
      target: config.target.name,
      loomVersion: loomVersion(),
      git: manifest.metadata.git,
      args: options.args ?? {},
      offline,
    });
    const runBudget = createBudget('run', config.budget_usd ?? null);
    const llmByProvider: LlmService = routedLlm(serviceFor);
    const ctx: RunContext = {
      runId,
      manifest,
      config,
      warehouse,
      llm: llmByProvider,
      git: manifest.metadata.git,
      flags,
      reporter,
      runBudget,
      signal: controller.signal,
    };
    const results = await schedule(manifest, selected, {
      threads: flags.threads,
      failFast: flags.failFast,
      abort: () => controller.abort(),
      skipped: (node, result, index) => {
        reporter.nodeEnd(node, result, index, selected.length);
        void recordNodeRun(warehouse.meta, runId, node.kind, node.fingerprint.data, new Date(), result);
      },
      run: async (node, index) => {
        reporter.nodeStart(node, index, selected.length);
        const t0 = performance.now();
        const startedAt = new Date();
        let result: NodeResult;
        try {
          result = await runNode(node, { ...ctx, llm: llmFor(node, serviceFor) });
        } catch (e) {
          if (e instanceof UserError) throw e;
          result = emptyResult(node.unique_id, 'error', (e as Error).message?.split('\n')[0] ?? String(e));
        }
        result.execution_time = Math.round((performance.now() - t0)) / 1000;
        await recordNodeRun(warehouse.meta, runId, node.kind, node.fingerprint.data, startedAt, result);
        reporter.nodeEnd(node, result, index, selected.length);
        return result;
      },
    });
    for (const service of services.values()) await service.close();
    const status = runStatus(results);
    await recordRunEnd(warehouse.meta, runId, status, results);
    const unpricedModels = [...new Set(results.flatMap((r) => r.unpriced_models))].sort();
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
    writeRunResults(projectDir, config.targetPath, runResults);
    return { compiled, runResults, offline, unpricedModels, journalRecovered };
  } finally {
    for (const service of services.values()) await service.close().catch(() => undefined);
    warehouse.close();
  }
}

/** The nodes of pipeline `name`, or the model `name`, in DAG order. */
function nodesNamed(name: string, compiled: CompileOutcome): string[] {
  const manifest = compiled.manifest!;
  const all = compiled.selected;
  const pipeline = all.filter((id) => manifest.nodes[id].pipeline === name);
  if (pipeline.length) return pipeline;
  const model = all.filter((id) => manifest.nodes[id].resource_type === 'model' && manifest.nodes[id].name === name);
  if (model.length) return model;
  const names = [...new Set(Object.values(manifest.nodes).flatMap((n) => [n.pipeline, n.resource_type === 'model' ? n.name : null]))].filter((n): n is string => !!n);
  throw new UsageError(`no pipeline or model is named \`${name}\`${didYouMean(name, names)}; \`loom ls\` lists them`);
}

async function runNode(node: ManifestNode, ctx: RunContext): Promise<NodeResult> {
  switch (node.kind) {
    case 'source':
      return runSource(node, ctx);
    case 'sql':
      return runSql(node, ctx);
    case 'llm':
      return runLlm(node, ctx);
    case 'load':
      return runLoad(node, ctx);
  }
}

function llmFor(node: ManifestNode, serviceFor: (provider: string) => LoomLlmService): LlmService {
  return node.kind === 'llm' && node.config.llm ? serviceFor(node.config.llm.provider) : routedLlm(serviceFor);
}

/** An LlmService for nodes that make no calls of their own; never used for llm nodes. */
function routedLlm(serviceFor: (provider: string) => LoomLlmService): LlmService {
  const fallback = () => serviceFor('offline');
  return {
    get offline() {
      return true;
    },
    complete: (request: CompletionRequest, context: CallContext, options?: CompleteOptions) => fallback().complete(request, context, options),
    embed: (request: EmbeddingRequest, context: CallContext, options?: CompleteOptions) => fallback().embed(request, context, options),
    flush: async () => undefined,
    stats: () => fallback().stats(),
  };
}

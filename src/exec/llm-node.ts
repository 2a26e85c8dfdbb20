import type { ManifestNode } from '../compile/manifest-types.js';
import { didYouMean, listOf } from '../diagnostics/suggest.js';
import { normalizeEvaluateBlock } from '../evaluate/normalize-block.js';
import { batchDecision } from '../evaluate/gates.js';
import { summarizeScores } from '../evaluate/summarize-scores.js';
import type { EvaluatorResult } from '../evaluate/types.js';
import { targetModel } from '../graph/llm-config.js';
import { createBudget } from '../llm/budget.js';
import { LlmError, type LlmParams } from '../llm/types.js';
import {
  countRows,
  deleteVanishedRows,
  describeRelation,
  duplicateKeys,
  inputProfile,
  ensureLlmTable,
  isLoomColumn,
  outputColumns,
  pendingRowsSql,
  recordNodeState,
  writeBatch,
  type Column,
  type FinishedRow,
  type LlmTableSpec,
} from '../warehouse/llm-table.js';
import type { Connection } from '../warehouse/database.js';
import { splitRelation } from '../warehouse/materialize.js';
import { outputValidator } from './answer.js';
import { prepareRow, processRow, type PreparedRow, type RowFailure, type RowPlan } from './llm-row.js';
import { meteredLlm } from './metered-llm.js';
import { promptRenderer } from './prompt-renderer.js';
import { emptyResult, type NodeResult, type RunContext } from './types.js';
import { explainWarehouseError } from './warehouse-errors.js';

/** Largest number of finished rows held before they are written, whatever batch_size says. */
const MAX_BUFFERED_ROWS = 5000;
/** Rows rendered between two yields to the event loop. */
const PREPARE_SLICE = 128;
/** A batch is written once it has batch_size rows and this long has passed since the last write. */
const MIN_FLUSH_INTERVAL_MS = 200;

export class NodeFailure extends Error {}

/**
 * An llm model: send every input row that has no answer yet for its current content and this node's data
 * fingerprint through the model, judge it, and write it — streaming, so the input is never held in memory.
 */
export async function runLlm(node: ManifestNode, ctx: RunContext, rowFilter?: readonly string[]): Promise<NodeResult> {
  // Its own connection: a streaming read holds its connection until the last row, and llm nodes run side by side.
  const reader = await ctx.warehouse.connect();
  try {
    return await runLlmOn(reader, node, ctx, rowFilter);
  } finally {
    reader.close();
  }
}

async function runLlmOn(reader: Connection, node: ManifestNode, ctx: RunContext, rowFilter?: readonly string[]): Promise<NodeResult> {
  const result = emptyResult(node.unique_id);
  const fromNode = ctx.manifest.nodes[node.config.from as string];
  if (!fromNode) return emptyResult(node.unique_id, 'error', 'the model this one reads `from` is missing from the manifest');
  const writer = ctx.warehouse.writer;
  let spec: LlmTableSpec;
  try {
    spec = await tableSpec(reader, node, fromNode.relation_name, fromNode.name, ctx);
  } catch (e) {
    if (e instanceof NodeFailure) return emptyResult(node.unique_id, 'error', e.message);
    throw e;
  }

  if (ctx.flags.fullRefresh && !rowFilter) {
    await writer.run(`drop table if exists ${spec.relation}`);
    await writer.run('delete from loom.quarantine where node_id = ?', [node.unique_id]);
  }
  await ensureLlmTable(writer, spec);
  const profile = await inputProfile(reader, spec);
  if (profile.nullKeys) {
    return emptyResult(node.unique_id, 'error', `unique_key \`${spec.keyColumn}\` is null in ${profile.nullKeys} row(s) of ${fromNode.name}; each input row needs a key`);
  }
  if (profile.distinctKeys < profile.rows) {
    const shown = (await duplicateKeys(reader, spec)).map((d) => `'${d.key}' (${d.n} rows)`).join(', ');
    return emptyResult(node.unique_id, 'error', `unique_key \`${spec.keyColumn}\` is not unique in ${fromNode.name}: ${shown}; each input row needs its own key`);
  }
  if (!rowFilter) result.rows_deleted = await deleteVanishedRows(writer, spec);

  const fingerprint = node.fingerprint.data;
  const pendingSql = pendingRowsSql(spec, fingerprint, rowFilter);
  const pendingCount = await countRows(reader, `(${pendingSql})`);
  const inputCount = profile.rows;
  result.rows_reused = rowFilter ? 0 : inputCount - pendingCount;

  const evaluate = node.config.evaluate ? normalizeEvaluateBlock(node.config.evaluate) : null;
  if (evaluate?.fallback_model) evaluate.fallback_model = targetModel(ctx.config, evaluate.fallback_model);
  const llmConfig = node.config.llm!;
  const params: LlmParams = { model: llmConfig.model };
  for (const key of ['temperature', 'max_tokens', 'top_p', 'seed', 'extra'] as const) {
    if (llmConfig[key] !== undefined) (params as unknown as Record<string, unknown>)[key] = llmConfig[key];
  }
  const judgeRaw = { ...ctx.config.defaults.judge, ...((node.config.evaluate?.judge as object | undefined) ?? {}) } as Partial<LlmParams> & Record<string, unknown>;
  const metered = meteredLlm(ctx.llm);
  const nodeBudget = createBudget(`model ${node.name}`, node.config.budget_usd ?? null);
  const plan: RowPlan = {
    runId: ctx.runId,
    nodeId: node.unique_id,
    llm: metered.llm,
    renderer: promptRenderer(node, ctx.manifest, ctx.config, process.env),
    params,
    fallbackModels: llmConfig.fallback_models,
    outputSchema: node.output_schema,
    schemaName: node.name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64),
    validate: outputValidator(node.output_schema),
    evaluate,
    judge: judgeParams(judgeRaw, llmConfig.model, ctx.config),
    embeddingModel: targetModel(ctx.config, ctx.config.defaults.embedding_model),
    projectDir: ctx.config.projectDir,
    budgets: [nodeBudget, ctx.runBudget],
    readCache: ctx.flags.readCache,
    ...(llmConfig.timeout_ms !== undefined ? { timeoutMs: llmConfig.timeout_ms } : {}),
  };
  const batchContext = {
    runId: ctx.runId,
    commit: ctx.git?.commit ?? null,
    fingerprint,
    promptVersion: node.checksums.prompt,
    contextVersions: JSON.stringify(Object.fromEntries(node.contexts.map((c) => [c.name, c.checksum]))),
    inputNode: fromNode.unique_id,
  };

  // Rows in flight at once: enough to keep the provider's concurrency busy while answers are parsed and judged.
  const maxInFlight = Math.max(16, ctx.config.target.providerSettings.concurrency * 2);
  const batchSize = node.config.batch_size ?? 100;
  const scores: EvaluatorResult[][] = [];
  const failures: { key: string; error: Error }[] = [];
  let buffer: FinishedRow[] = [];
  let writing: Promise<void> = Promise.resolve();
  let writeError: Error | null = null;
  let lastFlush = Date.now();
  let done = 0;
  let streamed = 0;
  let stopReason: string | null = null;
  let budgetStop = false;
  let failOnRow: string | null = null;

  const flush = (force: boolean) => {
    if (!buffer.length) return;
    const due = buffer.length >= MAX_BUFFERED_ROWS || (buffer.length >= batchSize && Date.now() - lastFlush >= MIN_FLUSH_INTERVAL_MS);
    if (!force && !due) return;
    const batch = buffer;
    buffer = [];
    lastFlush = Date.now();
    writing = writing
      .then(() => (writeError ? undefined : writeBatch(writer, spec, batch, batchContext)))
      .catch((e: Error) => {
        writeError ??= e;
      });
  };

  const inFlight = new Set<Promise<void>>();
  const handle = async (prepared: PreparedRow | { failed: RowFailure }) => {
    const outcome = 'failed' in prepared ? prepared : await processRow(plan, prepared);
    done++;
    if ('failed' in outcome) {
      const error = outcome.failed.error;
      if (error instanceof LlmError && error.kind === 'budget') {
        stopReason ??= `budget exhausted: ${error.message.replace(/\.$/, '')}`;
        budgetStop = true;
      }
      else if (error instanceof LlmError && (error.kind === 'auth' || error.kind === 'aborted')) stopReason ??= error.message;
      else failures.push({ key: outcome.failed.key, error });
    } else {
      const f = outcome.finished;
      if (f.disposition === 'passed') result.rows_passed++;
      else if (f.disposition === 'skipped') result.rows_skipped++;
      else result.rows_quarantined++;
      if (outcome.results) scores.push(outcome.results);
      if (f.disposition !== 'passed' && evaluate?.on_failure === 'fail' && f.reason) failOnRow ??= `row ${f.key} failed its quality gate (on_failure: fail): ${f.reason}`;
      if (f.disposition === 'passed') {
        // Only quarantine keeps prompts and whole input rows; passed rows need the input only for copied columns.
        f.prompt = null;
        if (spec.copied.length === 0) f.row = null;
      }
      buffer.push(f);
      flush(false);
    }
    if (done % 25 === 0 || done === pendingCount) ctx.reporter.nodeProgress(node, done, pendingCount);
  };

  if (pendingCount > 0) {
    ctx.reporter.nodeProgress(node, 0, pendingCount);
    const prepareChunk = async (chunk: Record<string, unknown>[]) => {
      streamed += chunk.length;
      const rows: (PreparedRow | { failed: RowFailure })[] = [];
      for (let i = 0; i < chunk.length; i++) {
        const r = chunk[i];
        rows.push(prepareRow(plan, { key: String(r._loom_key), inputHash: String(r._loom_input_hash), row: String(r._loom_row), replaces: r._loom_present !== false }));
        // Rendering 2,048 prompts at once would hold the event loop for tens of ms, delaying every answer in flight.
        if (i % PREPARE_SLICE === PREPARE_SLICE - 1) await new Promise<void>((resolve) => setImmediate(resolve));
      }
      // One cache query for the whole chunk instead of one per row.
      const requests = rows.filter((r): r is PreparedRow => !('failed' in r)).map((r) => r.request);
      await plan.llm.prefetch(requests, { fallback_models: plan.fallbackModels, read_cache: plan.readCache });
      return rows;
    };
    outer: for await (const rows of readAhead(reader.stream(pendingSql), prepareChunk)) {
      if (stopReason || failOnRow || writeError || ctx.signal.aborted) break;
      for (const prepared of rows) {
        if (stopReason || failOnRow || writeError || ctx.signal.aborted) break outer;
        const task = handle(prepared).finally(() => inFlight.delete(task));
        inFlight.add(task);
        if (inFlight.size >= maxInFlight) await Promise.race(inFlight);
        flush(false);
      }
    }
    await Promise.all(inFlight);
  }
  const stoppedEarly = stopReason !== null || failOnRow !== null || writeError !== null || ctx.signal.aborted;
  if (!stoppedEarly && streamed !== pendingCount) {
    // Never report success for rows that were silently not read.
    failures.push({ key: '(stream)', error: new Error(`read ${streamed} of ${pendingCount} pending input rows; the rest were not sent`) });
  }
  flush(true);
  await writing;
  await ctx.llm.flush();
  if (writeError) throw new Error(`writing the answers of ${node.name} to the warehouse failed: ${(writeError as Error).message}`);

  if (!stopReason && !failOnRow && !ctx.signal.aborted && failures.length === 0 && !rowFilter) {
    await recordNodeState(writer, node.unique_id, fingerprint, ctx.runId);
  }
  result.rows = await countRows(reader, spec.relation);
  result.llm_calls = metered.stats.requests;
  result.cache_hits = metered.stats.cache_hits;
  result.tokens_in = metered.stats.tokens_in;
  result.tokens_out = metered.stats.tokens_out;
  result.cost_transform_usd = metered.stats.cost.transform + metered.stats.cost.repair;
  result.cost_evaluate_usd = metered.stats.cost.evaluate;
  result.cost_usd = result.cost_transform_usd + result.cost_evaluate_usd;
  result.unpriced_models = [...metered.stats.unpriced];
  if (evaluate && evaluate.specs.length) {
    const judged = result.rows_passed + result.rows_quarantined + result.rows_skipped;
    result.evaluation = {
      pass_rate: judged ? result.rows_passed / judged : 1,
      evaluators: summarizeScores(scores),
    };
  }

  const messages: string[] = [];
  const answered = result.rows_passed + result.rows_quarantined + result.rows_skipped;
  if (failOnRow) {
    result.status = 'error';
    messages.push(failOnRow);
  } else if (stopReason) {
    // A budget stop keeps what was answered and ends partial (exit code 1); an auth failure or abort is an error.
    result.status = budgetStop ? 'partial' : 'error';
    messages.push(pendingCount > done ? `${stopReason}; ${pendingCount - done} row(s) not sent` : stopReason);
  } else if (ctx.signal.aborted) {
    result.status = 'error';
    messages.push(`stopped before every row was sent: ${pendingCount - done} row(s) not sent`);
  }
  if (failures.length) {
    if (result.status === 'success') result.status = answered > 0 ? 'partial' : 'error';
    messages.push(`${failures.length} row(s) got no answer (they are retried next build); first: row ${failures[0].key}: ${failures[0].error.message}`);
  }
  if (evaluate?.on_failure === 'fail' && !failOnRow) {
    // A failed row blocks the node until it is fixed, not just in the build that answered it.
    const held = await countRows(reader, 'loom.quarantine', `where node_id = '${node.unique_id.replace(/'/g, "''")}' and disposition = 'quarantined' and data_fingerprint = '${fingerprint}'`);
    if (held > 0) {
      result.status = 'error';
      messages.push(`${held} row(s) failed the quality gate (on_failure: fail) and are still in quarantine; fix the prompt or the evaluators, or run \`loom quarantine retry ${node.name}\``);
    }
  }
  const gate = evaluate?.gate.batch_threshold;
  if (gate !== undefined && answered > 0) {
    const decision = batchDecision(result.rows_passed, answered, gate);
    if (decision.partial) {
      if (result.status === 'success') result.status = 'partial';
      messages.push(decision.message);
    }
  }
  result.message = messages.length ? messages.join('; ') : null;
  return result;
}

/**
 * The chunks of `source`, each passed through `prepare`, with the next one read and prepared while the caller
 * works on the current one — so the rows in flight never drain while the warehouse is queried.
 */
async function* readAhead<T, R>(source: AsyncGenerator<T>, prepare: (item: T) => Promise<R>): AsyncGenerator<R> {
  const next = async (): Promise<{ value: R } | null> => {
    const item = await source.next();
    return item.done ? null : { value: await prepare(item.value) };
  };
  let pending = next();
  try {
    for (;;) {
      const current = await pending;
      if (!current) return;
      pending = next();
      yield current.value;
    }
  } finally {
    await pending.catch(() => undefined);
    await source.return(undefined);
  }
}

/** The judge's parameters: every LLM setting of defaults.judge / evaluate.judge, else the model's own model at temperature 0. */
function judgeParams(raw: Partial<LlmParams> & Record<string, unknown>, model: string, config: RunContext['config']): LlmParams {
  const params: LlmParams = { model: typeof raw.model === 'string' ? targetModel(config, raw.model) : model, temperature: raw.temperature ?? 0 };
  for (const key of ['max_tokens', 'top_p', 'seed', 'extra'] as const) {
    if (raw[key] !== undefined) (params as unknown as Record<string, unknown>)[key] = raw[key];
  }
  return params;
}

/** Columns of the input and of the table to write, checked against unique_key and passthrough. */
async function tableSpec(reader: Connection, node: ManifestNode, input: string, inputName: string, ctx: RunContext): Promise<LlmTableSpec> {
  const all = await describeRelation(reader, input).catch((e: Error) => {
    throw new NodeFailure(`cannot read the input ${inputName}: ${explainWarehouseError(e, node, ctx.manifest)}`);
  });
  const inputColumns = all.filter((c) => !isLoomColumn(c.name));
  const names = inputColumns.map((c) => c.name);
  const key = (node.config.unique_key as string | undefined) ?? null;
  if (key && !names.includes(key)) {
    throw new NodeFailure(`unique_key \`${key}\` is not a column of ${inputName}${didYouMean(key, names)}; its columns: ${listOf(names, 'and')}`);
  }
  const outputs = outputColumns(node.output_schema);
  const outputNames = new Set(outputs.map((c) => c.name));
  const passthrough = node.config.passthrough ?? true;
  let copied: Column[];
  if (passthrough === true) copied = inputColumns.filter((c) => !outputNames.has(c.name) || c.name === key);
  else if (passthrough === false) copied = [];
  else {
    const missing = passthrough.filter((p) => !names.includes(p));
    if (missing.length) {
      throw new NodeFailure(`passthrough column \`${missing[0]}\` is not a column of ${inputName}${didYouMean(missing[0], names)}; its columns: ${listOf(names, 'and')}`);
    }
    const clash = passthrough.find((p) => outputNames.has(p));
    if (clash) throw new NodeFailure(`passthrough column \`${clash}\` has the same name as an output field; remove it from passthrough or rename the field`);
    copied = inputColumns.filter((c) => passthrough.includes(c.name));
  }
  if (key) {
    if (outputNames.has(key)) outputs.splice(outputs.findIndex((c) => c.name === key), 1);
    copied = [inputColumns.find((c) => c.name === key)!, ...copied.filter((c) => c.name !== key)];
  }
  const [schema, table] = splitRelation(node.relation_name);
  return { nodeId: node.unique_id, relation: node.relation_name, schema, table, input, inputColumns, keyColumn: key, copied, outputs };
}


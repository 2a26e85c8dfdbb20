import { DEFAULT_BATCH_SIZE } from '../contracts/defaults.js';
import type { ManifestNode } from '../contracts/manifest.js';
import { quoteString } from '../sql/quote.js';
import type { EvaluatorResult } from '../evaluate/types.js';
import { createBudget } from '../llm/budget.js';
import { LlmError } from '../llm/types.js';
import type { Connection } from '../warehouse/database.js';
import {
  countRows,
  deleteVanishedRows,
  duplicateKeys,
  ensureLlmTable,
  inputProfile,
  pendingRowsSql,
  recordNodeState,
  type LlmTableSpec,
} from '../warehouse/llm-table.js';
import { relationKind } from '../warehouse/catalog.js';
import { writeBatch, type FinishedRow } from '../warehouse/llm-rows.js';
import { evaluateBlock, rowPlan, warmUpRowPlan } from './llm-plan.js';
import { summarizeRun } from './llm-result.js';
import { prepareRow, processRow, type PreparedRow, type RowFailure } from './llm-row.js';
import { NodeFailure, tableSpec } from './llm-table-spec.js';
import { meteredLlm } from './metered-llm.js';
import { readAhead, startSmall } from './read-ahead.js';
import { TaskWindow } from './task-window.js';
import { emptyResult, INTERRUPTED, type NodeResult, type RunContext } from './types.js';

/** Largest number of finished rows held before they are written, whatever batch_size says. */
const MAX_BUFFERED_ROWS = 5000;
/** Rows rendered between two yields to the event loop. */
const PREPARE_SLICE = 128;
/** A batch is written once it has batch_size rows and this long has passed since the last write. */
const MIN_FLUSH_INTERVAL_MS = 200;

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
    const existing = await relationKind(writer, spec.schema, spec.table);
    if (existing) await writer.run(`drop ${existing} ${spec.relation}`);
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

  const evaluate = evaluateBlock(node, ctx);
  const metered = meteredLlm(ctx.llm);
  const nodeBudget = createBudget(`model ${node.name}`, node.config.budget_usd ?? null);
  const plan = rowPlan(node, ctx, { llm: metered.llm, evaluate, budgets: [nodeBudget, ctx.runBudget] });
  // Built here when rows wait, so a prompt that cannot compile fails the node once, not each row.
  if (pendingCount > 0) void plan.renderer;
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
  const batchSize = node.config.batch_size ?? DEFAULT_BATCH_SIZE;
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
  // Rows whose requests an interrupt's deadline (or a second Ctrl-C) cut off: not answered, sent next build.
  let cutOff = 0;
  const interrupted = () => ctx.signal.aborted && ctx.signal.reason === INTERRUPTED;

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

  const inFlight = new TaskWindow(maxInFlight);
  const handle = async (prepared: PreparedRow | { failed: RowFailure }) => {
    const outcome = 'failed' in prepared ? prepared : await processRow(plan, prepared);
    done++;
    if ('failed' in outcome) {
      const error = outcome.failed.error;
      if (error instanceof LlmError && error.kind === 'budget') {
        stopReason ??= `budget exhausted: ${error.message.replace(/\.$/, '')}`;
        budgetStop = true;
      }
      else if (error instanceof LlmError && error.kind === 'aborted' && interrupted()) cutOff++;
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
    const chunks = startSmall(reader.stream(pendingSql), ctx.config.target.providerSettings.concurrency);
    let warmed = false;
    outer: for await (const rows of readAhead(chunks, prepareChunk)) {
      if (stopReason || failOnRow || writeError || ctx.signal.aborted) break;
      for (const prepared of rows) {
        if (stopReason || failOnRow || writeError || ctx.signal.aborted) break outer;
        await inFlight.add(handle(prepared));
        flush(false);
      }
      if (!warmed) {
        // The first requests are out: compile the validator while they wait for their answers, not after.
        warmed = true;
        setImmediate(() => warmUpRowPlan(node));
      }
    }
    await inFlight.drain();
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
  // A retry is no batch of its own: its gate is the model's rows as the retry leaves them.
  const retryBatch = rowFilter
    ? {
        passing: result.rows,
        failing: await countRows(reader, 'loom.quarantine', `where node_id = ${quoteString(node.unique_id)} and disposition in ('quarantined', 'skipped') and data_fingerprint = ${quoteString(fingerprint)}`),
      }
    : null;
  // A failed row blocks a node with on_failure: fail until it is fixed, not just in the build that answered it.
  const held =
    evaluate?.on_failure === 'fail' && !failOnRow
      ? await countRows(reader, 'loom.quarantine', `where node_id = ${quoteString(node.unique_id)} and disposition = 'quarantined' and data_fingerprint = ${quoteString(fingerprint)}`)
      : 0;
  summarizeRun(result, node, {
    pendingCount,
    done,
    stopReason,
    budgetStop,
    failOnRow,
    failures,
    aborted: ctx.signal.aborted,
    interrupted: interrupted(),
    cutOff,
    heldFailures: held,
    retryBatch,
    evaluate,
    scores,
    llm: metered.stats,
  });
  return result;
}


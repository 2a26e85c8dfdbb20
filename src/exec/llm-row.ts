import type { ValidateFunction } from 'ajv';
import type { EvaluateBlock, EvaluatorResult, EvaluatorRuntime } from '../evaluate/types.js';
import type { BudgetScope, CallContext, LlmService } from '../llm/service-types.js';
import { LlmError, type ChatMessage, type CompletionRequest, type JsonSchema, type LlmParams } from '../llm/types.js';
import type { EvaluationRow, FinishedRow } from '../warehouse/llm-rows.js';
import { parseAnswer, repairInstruction, type ParsedAnswer } from './answer.js';
import { overInputLimit } from './context-window.js';
import type { PromptRenderer } from './prompt-renderer.js';

/** Everything fixed for one node while its rows are processed. */
export interface RowPlan {
  runId: string;
  nodeId: string;
  llm: LlmService;
  renderer: PromptRenderer;
  params: LlmParams;
  fallbackModels: string[];
  outputSchema: JsonSchema | null;
  schemaName: string;
  validate: ValidateFunction | null;
  evaluate: EvaluateBlock | null;
  judge: LlmParams;
  embeddingModel: string;
  projectDir: string;
  budgets: BudgetScope[];
  readCache: boolean;
  /** The model's own `llm.timeout_ms`, when it sets one. */
  timeoutMs?: number;
  /** The most prompt tokens a row may send, and where the limit comes from; null when none is known. */
  inputLimit: { tokens: number; from: string } | null;
}

export interface PendingRow {
  key: string;
  inputHash: string;
  /** An older output or quarantine record of this key exists and is replaced. */
  replaces: boolean;
  /** The input row as JSON text, as read from the warehouse. */
  row: string;
}

/** A row that could not be answered (provider error after retries): not recorded, so the next build tries it again. */
export interface RowFailure {
  key: string;
  error: LlmError | Error;
}

export type RowOutcome = { finished: FinishedRow; results: EvaluatorResult[] | null } | { failed: RowFailure };

/**
 * A pending row with its prompt rendered, ready to be sent. Rows are prepared a chunk ahead, so they outlive a
 * few scavenges: the input is kept once, as `pending.row`'s text, and parsed again only for evaluators.
 */
export interface PreparedRow {
  pending: PendingRow;
  messages: ChatMessage[];
  /** The transform request, built once: its cache key is computed for the prefetch and reused by the call. */
  request: CompletionRequest;
}

/** Parses the row and renders its messages; a row the template cannot render is a failure, not a crash. */
export function prepareRow(plan: RowPlan, pending: PendingRow): PreparedRow | { failed: RowFailure } {
  const row = JSON.parse(pending.row) as Record<string, unknown>;
  try {
    const messages = plan.renderer.messages(row);
    return { pending, messages, request: transformRequest(plan, messages) };
  } catch (e) {
    return { failed: { key: pending.key, error: new Error(`cannot render the prompt for row ${pending.key}: ${(e as Error).message}`) } };
  }
}

/** The transform request for a row's messages with `model`. */
export function transformRequest(plan: RowPlan, messages: ChatMessage[], params: LlmParams = plan.params): CompletionRequest {
  // Two literals, not a spread: V8 gives each object made by a spread its own hidden class, and this runs per row.
  return plan.outputSchema ? { params, messages, output_schema: plan.outputSchema, schema_name: plan.schemaName } : { params, messages };
}

/**
 * One input row through the transform: render the prompt, ask (cache first), parse and validate the answer —
 * with one repair request when it is not valid — then run the evaluators and the gate, and retry with the
 * fallback model when the gate says so. Quality problems end in quarantine; provider failures are returned as
 * failures (the row is retried next build).
 */
export async function processRow(plan: RowPlan, prepared: PreparedRow): Promise<RowOutcome> {
  const { pending, messages, request } = prepared;
  let row: Record<string, unknown> | undefined;
  const input = () => (row ??= JSON.parse(pending.row) as Record<string, unknown>);
  const prompt = messages[messages.length - 1].content;
  const base = (model: string) => ({ ...plan.params, model });
  const context = (stage: CallContext['stage']): CallContext => ({ run_id: plan.runId, node_id: plan.nodeId, row_key: pending.key, stage, budgets: plan.budgets });

  try {
    // Checked before anything is paid: the endpoint would refuse it, or bill a truncated one.
    const tooLong = await overInputLimit(messages, plan.params.model, plan.inputLimit);
    if (tooLong) return { finished: unsent(pending, prompt, plan.params.model, tooLong), results: null };
    let attempt = await answer(plan, messages, request, plan.fallbackModels, context);
    let evaluation = await judge(plan, attempt.parsed, input, prompt, pending.key);
    const failing = () => !attempt.parsed.ok || (evaluation !== null && !evaluation.decision.passed);
    const fallbackModel = plan.evaluate?.on_failure === 'fallback' ? plan.evaluate.fallback_model : undefined;
    if (fallbackModel && failing()) {
      const first = attempt.parsed.ok ? evaluation!.decision.reason : attempt.parsed.error;
      attempt = await answer(plan, messages, transformRequest(plan, messages, base(fallbackModel)), [], context);
      evaluation = await judge(plan, attempt.parsed, input, prompt, pending.key);
      const note = ` (after fallback to ${fallbackModel}; first answer: ${first})`;
      if (!attempt.parsed.ok) attempt.parsed = { ok: false, error: attempt.parsed.error + note };
      else if (evaluation && !evaluation.decision.passed) evaluation.decision.reason += note;
    }
    const finished: FinishedRow = {
      key: pending.key,
      inputHash: pending.inputHash,
      replaces: pending.replaces,
      row: pending.row,
      disposition: 'passed',
      output: attempt.parsed.ok ? JSON.stringify(attempt.parsed.value) : null,
      model: attempt.model,
      reason: null,
      scores: null,
      prompt,
      evaluations: [],
    };
    if (!attempt.parsed.ok) {
      finished.disposition = 'quarantined';
      finished.reason = attempt.parsed.error;
      finished.output = JSON.stringify(attempt.content);
    } else if (evaluation) {
      finished.evaluations = evaluation.results.map(toEvaluationRow);
      finished.scores = JSON.stringify(Object.fromEntries(evaluation.results.map((r) => [r.evaluator, r.score])));
      if (!evaluation.decision.passed) {
        finished.disposition = plan.evaluate!.on_failure === 'skip' ? 'skipped' : 'quarantined';
        finished.reason = evaluation.decision.reason;
      }
    }
    return { finished, results: evaluation?.results ?? null };
  } catch (e) {
    return { failed: { key: pending.key, error: e as Error } };
  }
}

/** A quarantined row that was never sent, with the reason. */
function unsent(pending: PendingRow, prompt: string, model: string, reason: string): FinishedRow {
  return {
    key: pending.key,
    inputHash: pending.inputHash,
    replaces: pending.replaces,
    row: pending.row,
    disposition: 'quarantined',
    output: null,
    model,
    reason,
    scores: null,
    prompt,
    evaluations: [],
  };
}

interface Attempt {
  content: string;
  parsed: ParsedAnswer;
  model: string;
}

async function answer(
  plan: RowPlan,
  messages: ChatMessage[],
  request: CompletionRequest,
  fallbacks: string[],
  context: (stage: CallContext['stage']) => CallContext,
): Promise<Attempt> {
  const params = request.params;
  const first = await plan.llm.complete(request, context('transform'), { fallback_models: fallbacks, read_cache: plan.readCache, timeout_ms: plan.timeoutMs });
  // Parsed in a later turn of the event loop: the answers of one burst first free their slots and send the next
  // requests, which would otherwise wait behind every answer of the burst being parsed and judged (requests of a
  // 10,000-row build at 50 ms: 8.57 -> 8.42 s, 8 interleaved pairs).
  await new Promise<void>((resolve) => setImmediate(resolve));
  const parsed = parseAnswer(first.response.content, plan.validate);
  if (parsed.ok) return { content: first.response.content, parsed, model: first.model };
  const repair: CompletionRequest = {
    ...request,
    params: { ...params, model: first.model },
    messages: [...messages, { role: 'assistant', content: first.response.content }, { role: 'user', content: repairInstruction(parsed.error) }],
  };
  const second = await plan.llm.complete(repair, context('repair'), { read_cache: plan.readCache, timeout_ms: plan.timeoutMs });
  const reparsed = parseAnswer(second.response.content, plan.validate);
  if (reparsed.ok) return { content: second.response.content, parsed: reparsed, model: second.model };
  return { content: second.response.content, parsed: { ok: false, error: `${reparsed.error} (after one repair request)` }, model: second.model };
}

/** The evaluators' modules (23 of them), loaded by the first row with evaluators to run: ~10 ms of start-up otherwise. */
let evaluatorsLoading: Promise<typeof import('../evaluate/evaluate-row.js')> | undefined;

async function judge(plan: RowPlan, parsed: ParsedAnswer, input: () => Record<string, unknown>, prompt: string, key: string) {
  if (!plan.evaluate || plan.evaluate.specs.length === 0 || !parsed.ok) return null;
  const { evaluateRow } = await (evaluatorsLoading ??= import('../evaluate/evaluate-row.js'));
  const runtime: EvaluatorRuntime = {
    llm: plan.llm,
    call: { run_id: plan.runId, node_id: plan.nodeId, row_key: key, stage: 'evaluate', budgets: plan.budgets },
    judge_params: plan.judge,
    embedding_model: plan.embeddingModel,
    project_dir: plan.projectDir,
    read_cache: plan.readCache,
  };
  return evaluateRow(plan.evaluate.specs, plan.evaluate.gate, { output: parsed.value, input: input(), prompt, row_key: key }, runtime);
}

function toEvaluationRow(r: EvaluatorResult): EvaluationRow {
  return {
    evaluator: r.evaluator,
    type: r.type,
    score: r.score,
    passed: r.passed,
    threshold: r.threshold,
    weight: r.weight,
    explanation: r.explanation,
    cost_usd: r.cost_usd,
    error: r.error ?? null,
    details: r.details ? JSON.stringify(r.details) : null,
  };
}

export { LlmError };

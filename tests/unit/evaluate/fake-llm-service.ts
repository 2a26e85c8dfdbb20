/** A scripted LlmService for evaluator tests: records every call and answers from the test's script. */
import type { CallContext, CompleteOptions, CompletionOutcome, EmbeddingOutcome, LlmService, LlmStats } from '../../../src/llm/service-types.js';
import type { CompletionRequest, EmbeddingRequest } from '../../../src/llm/types.js';
import type { EvaluationInput, EvaluatorInputName, EvaluatorRuntime, EvaluatorSpec, EvaluatorType, InputBinding } from '../../../src/evaluate/types.js';
import { EVALUATOR_DEFINITIONS } from '../../../src/evaluate-spec/registry.js';

export interface ScriptedAnswer {
  content: string;
  cost_usd?: number | null;
  cached?: boolean;
  finish_reason?: string | null;
}

export interface CompleteCall {
  request: CompletionRequest;
  context: CallContext;
  options: CompleteOptions | undefined;
}

export interface EmbedCall {
  request: EmbeddingRequest;
  context: CallContext;
  options: CompleteOptions | undefined;
}

export interface FakeLlm extends LlmService {
  completeCalls: CompleteCall[];
  embedCalls: EmbedCall[];
}

type CompleteScript = (request: CompletionRequest, index: number) => ScriptedAnswer | string | Error;
type EmbedScript = (request: EmbeddingRequest) => { vectors: number[][]; cost_usd?: number | null } | Error;

/** `complete` answers from a list (in call order) or a function; `embed` from a function. */
export function fakeLlm(script: { complete?: CompleteScript | (ScriptedAnswer | string)[]; embed?: EmbedScript } = {}): FakeLlm {
  const completeCalls: CompleteCall[] = [];
  const embedCalls: EmbedCall[] = [];
  const stats: LlmStats = { requests: 0, cache_hits: 0, retries: 0, failures: 0, tokens_in: 0, tokens_out: 0, tokens_cached: 0, cost_usd: 0, unpriced_models: [] };
  return {
    offline: false,
    completeCalls,
    embedCalls,
    async complete(request, context, options): Promise<CompletionOutcome> {
      const index = completeCalls.length;
      completeCalls.push({ request, context, options });
      const source = script.complete;
      if (!source) throw new Error('fake LlmService: no completion scripted');
      const scripted = Array.isArray(source) ? source[index] : source(request, index);
      if (scripted === undefined) throw new Error(`fake LlmService: no answer scripted for call ${index}`);
      if (scripted instanceof Error) throw scripted;
      const answer = typeof scripted === 'string' ? { content: scripted } : scripted;
      return {
        response: { content: answer.content, model: request.params.model, usage: { input: 10, output: 5, cached_input: 0 }, finish_reason: answer.finish_reason ?? 'stop' },
        cache_key: `key-${index}`,
        cached: answer.cached ?? false,
        cost_usd: answer.cost_usd === undefined ? 0.001 : answer.cost_usd,
        model: request.params.model,
        latency_ms: 1,
        attempts: 1,
      };
    },
    async embed(request, context, options): Promise<EmbeddingOutcome> {
      embedCalls.push({ request, context, options });
      if (!script.embed) throw new Error('fake LlmService: no embedding scripted');
      const scripted = script.embed(request);
      if (scripted instanceof Error) throw scripted;
      return {
        response: { vectors: scripted.vectors, model: request.model, usage: { input: 4, output: 0, cached_input: 0 } },
        cache_key: 'embed-key',
        cached: false,
        cost_usd: scripted.cost_usd === undefined ? 0.0001 : scripted.cost_usd,
        latency_ms: 1,
        attempts: 1,
      };
    },
    async prefetch() {},
    async flush() {},
    stats: () => stats,
  };
}

export function runtimeWith(llm: LlmService, overrides: Partial<EvaluatorRuntime> = {}): EvaluatorRuntime {
  return {
    llm,
    call: { run_id: 'run-1', node_id: 'model.demo.reviews', row_key: null, stage: 'transform', evaluator: null, budgets: [] },
    judge_params: { model: 'judge-model', temperature: 0 },
    embedding_model: 'embed-model',
    project_dir: '/nonexistent',
    read_cache: true,
    ...overrides,
  };
}

/** A spec with the registry's defaults for everything not given. */
export function specOf(
  type: EvaluatorType,
  fields: { name?: string; threshold?: number; weight?: number; inputs?: Partial<Record<EvaluatorInputName, InputBinding>>; options?: Record<string, unknown> } = {},
): EvaluatorSpec {
  const def = EVALUATOR_DEFINITIONS[type];
  return {
    name: fields.name ?? type,
    type,
    threshold: fields.threshold ?? def.default_threshold,
    weight: fields.weight ?? 1,
    inputs: { ...def.default_inputs, ...fields.inputs },
    options: fields.options ?? {},
  };
}

export function rowOf(output: unknown, input: Record<string, unknown> = {}, prompt = 'the prompt'): EvaluationInput {
  return { output, input, prompt, row_key: 'row-1' };
}

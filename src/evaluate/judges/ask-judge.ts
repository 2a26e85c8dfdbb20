/**
 * One judge call: send the prompt through LlmService (stage `evaluate`, the evaluator's name), then parse the
 * answer as JSON and check it against the judge's list schema. The score is always computed by the caller
 * from the lists; anything else in the answer (a self-reported "score") is dropped.
 */
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { newAjv } from '../../schemas/ajv.js';
import type { JsonSchema } from '../../llm/types.js';
import { describeCallError, evaluatorCallContext, evaluatorCallOptions, isFatalLlmError } from '../llm-calls.js';
import { failed } from '../result.js';
import type { EvaluationInput, EvaluatorResult, EvaluatorRuntime, EvaluatorSpec } from '../types.js';

export interface JudgeRequest {
  system: string;
  user: string;
  /** Strict JSON Schema of the answer (every property required, no extra properties). */
  schema: JsonSchema;
  /** `response_format.json_schema.name`. */
  schema_name: string;
}

export type JudgeAnswer =
  | { ok: true; value: Record<string, unknown>; cost_usd: number | null; cached: boolean; model: string }
  | { ok: false; kind: 'malformed' | 'call_failed'; detail: string; cost_usd: number | null; model: string | null };

let answerAjv: Ajv | undefined;
const validators = new WeakMap<JsonSchema, ValidateFunction>();

function validatorFor(schema: JsonSchema): ValidateFunction {
  let validate = validators.get(schema);
  if (!validate) {
    // Loaded with the first judge answer. Extra properties are removed rather than rejected: a model that adds
    // `"score": 1` has still answered.
    answerAjv ??= newAjv({ allErrors: false, strict: false, removeAdditional: 'all' });
    validate = answerAjv.compile(schema);
    validators.set(schema, validate);
  }
  return validate;
}

export async function askJudge(spec: EvaluatorSpec, input: EvaluationInput, runtime: EvaluatorRuntime, request: JudgeRequest): Promise<JudgeAnswer> {
  const model = typeof spec.options.model === 'string' ? spec.options.model : runtime.judge_params.model;
  let outcome;
  try {
    outcome = await runtime.llm.complete(
      {
        params: { ...runtime.judge_params, model },
        messages: [
          { role: 'system', content: request.system },
          { role: 'user', content: request.user },
        ],
        output_schema: request.schema,
        schema_name: request.schema_name,
      },
      evaluatorCallContext(spec, input, runtime),
      evaluatorCallOptions(runtime),
    );
  } catch (err) {
    if (isFatalLlmError(err)) throw err;
    return { ok: false, kind: 'call_failed', detail: describeCallError(err), cost_usd: 0, model: null };
  }
  const { response } = outcome;
  const base = { cost_usd: outcome.cost_usd, model: outcome.model };
  const parsed = parseJudgeJson(response.content);
  if (typeof parsed === 'string') {
    const cut = response.finish_reason === 'length' ? ' (the answer was cut off at max_tokens)' : '';
    return { ok: false, kind: 'malformed', detail: parsed + cut, ...base };
  }
  const validate = validatorFor(request.schema);
  if (!validate(parsed)) return { ok: false, kind: 'malformed', detail: describeAnswerErrors(validate.errors), ...base };
  return { ok: true, value: parsed as Record<string, unknown>, cached: outcome.cached, ...base };
}

/** The answer as a JSON object, tolerating a ```json fence; a string saying what is wrong otherwise. */
export function parseJudgeJson(content: string): Record<string, unknown> | string {
  const trimmed = content.trim();
  const fenced = /^```[a-zA-Z]*\s*([\s\S]*?)\s*```$/.exec(trimmed);
  const text = fenced ? fenced[1]! : trimmed;
  if (text === '') return 'empty answer';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const shown = text.length > 60 ? `${text.slice(0, 60)}…` : text;
    return `not JSON: ${JSON.stringify(shown)}`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  return value as Record<string, unknown>;
}

function describeAnswerErrors(errors: readonly ErrorObject[] | null | undefined): string {
  const first = errors?.[0];
  if (!first) return 'does not match the expected shape';
  const where = first.instancePath === '' ? 'the answer' : `\`${first.instancePath.slice(1).replace(/\//g, '.')}\``;
  if (first.keyword === 'minItems') return `${where} is an empty list`;
  if (first.keyword === 'required') return `${where} lacks \`${String(first.params.missingProperty)}\``;
  if (first.keyword === 'enum') return `${where} ${first.message} ${JSON.stringify(first.params.allowedValues)}`;
  return `${where} ${first.message ?? first.keyword}`;
}

/** The result for an answer that could not be used: score 0, error set, so the row is quarantined with the reason. */
export function unusableAnswer(spec: EvaluatorSpec, answer: Extract<JudgeAnswer, { ok: false }>): EvaluatorResult {
  const error = answer.kind === 'malformed' ? `judge answer malformed: ${answer.detail}` : `judge call failed (${answer.detail})`;
  return failed(spec, error, { cost_usd: answer.cost_usd, details: answer.model ? { model: answer.model } : undefined });
}

/** The first few items of a list for an explanation: `"a"; "b" (+3 more)`. */
export function listFew(items: readonly string[], limit = 3): string {
  const shown = items.slice(0, limit).map((s) => JSON.stringify(s)).join('; ');
  return items.length > limit ? `${shown} (+${items.length - limit} more)` : shown;
}

/** Judges never pay to read an empty answer: it fails every judge with this explanation. */
export const EMPTY_OUTPUT_EXPLANATION = 'output is empty; nothing to judge';

import type { ValidateFunction } from 'ajv';
import type { JsonSchema } from '../llm/types.js';
import { SchemaCompiler } from '../schemas/ajv.js';

export type ParsedAnswer = { ok: true; value: unknown } | { ok: false; error: string };

// Output schemas were checked against their meta-schema at link (graph/link-model.ts): not again here, where
// ajv's own check would first compile the whole draft-07 meta-schema (~40 ms).
const compiler = new SchemaCompiler({ allErrors: true, strict: false, validateSchema: false });

/**
 * The validator of an output schema, compiled once per distinct schema (ajv loads with the first: a build with
 * nothing to send never needs it).
 */
export function outputValidator(schema: JsonSchema | null): ValidateFunction | null {
  return schema ? compiler.compile(schema) : null;
}

/**
 * An answer as the row to load: JSON validated against the output schema, or the text itself for models
 * without one. Tolerates a Markdown code fence around the JSON, which many models add even when told not to.
 */
export function parseAnswer(content: string, validate: ValidateFunction | null): ParsedAnswer {
  if (!validate) return { ok: true, value: content };
  const text = unfence(content.trim());
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const shown = text.length > 80 ? `${text.slice(0, 80)}…` : text;
    return { ok: false, error: `answer is not valid JSON (${(e as Error).message}): ${JSON.stringify(shown)}` };
  }
  if (!validate(value)) {
    const problems = (validate.errors ?? []).slice(0, 3).map((e) => `${e.instancePath || '(root)'} ${e.message}${e.params && 'allowedValues' in e.params ? ` (${(e.params.allowedValues as unknown[]).join(', ')})` : ''}`);
    return { ok: false, error: `answer does not match the output schema: ${problems.join('; ')}` };
  }
  return { ok: true, value };
}

function unfence(text: string): string {
  const m = /^```(?:json|JSON)?\s*\n([\s\S]*?)\n?```$/.exec(text);
  return m ? m[1].trim() : text;
}

/** The follow-up sent once when an answer is not valid: the model sees its answer and what was wrong with it. */
export function repairInstruction(error: string): string {
  return `Your previous answer cannot be used: ${error}. Reply again with only a JSON object that matches the required schema — no code fences, no commentary.`;
}

import { createRequire } from 'node:module';
import type { Ajv, ValidateFunction } from 'ajv';
import type { JsonSchema } from '../llm/types.js';

export type ParsedAnswer = { ok: true; value: unknown } | { ok: false; error: string };

let ajv: Ajv | undefined;

/** ajv and ajv-formats load with the first answer to check (~80 ms): a build with nothing to send never needs them. */
function instance(): Ajv {
  if (!ajv) {
    const require = createRequire(import.meta.url);
    const { Ajv: AjvClass } = require('ajv') as typeof import('ajv');
    ajv = new AjvClass({ allErrors: true, strict: false });
    (require('ajv-formats') as { default: (a: Ajv) => void }).default(ajv);
  }
  return ajv;
}

/** Compiles an output schema once per node. */
export function outputValidator(schema: JsonSchema | null): ValidateFunction | null {
  return schema ? instance().compile(schema) : null;
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

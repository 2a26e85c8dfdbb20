import { isAbsolute, resolve } from 'node:path';
import { importEvaluatorModule } from './load-module.js';
import { moduleFile } from '../../evaluate-spec/option-rules.js';
import { readInputs } from '../read-inputs.js';
import { failed, scored } from '../result.js';
import { isPlainObject } from '../../evaluate-spec/text.js';
import type { Evaluator } from '../types.js';

/** What a custom evaluator function receives. */
export interface CustomEvaluatorArgs {
  output: unknown;
  reference: unknown;
  context: unknown;
  query: unknown;
  /** The whole input row. */
  input: Record<string, unknown>;
  prompt: string;
  row_key: string;
  /** The evaluator's options as written in YAML (for parameterised evaluators). */
  options: Record<string, unknown>;
}

/** A number, a boolean (true = 1) or `{ score, explanation? }`, sync or async. */
type CustomAnswer = number | boolean | { score: number | boolean; explanation?: string };

/**
 * Calls `options.export` (default `default`) of the JavaScript module `options.module` (relative to the project
 * directory). Node's module cache keeps one copy per process. Anything the function throws, or an answer
 * that is not a score in [0, 1], becomes an error result.
 */
export const customEvaluator: Evaluator = async (spec, input, runtime) => {
  const read = readInputs(spec, input);
  if ('result' in read) return read.result;
  const modulePath = spec.options.module;
  const fileProblem = moduleFile(modulePath);
  if (fileProblem) return failed(spec, `module ${fileProblem}`);
  const exportName = typeof spec.options.export === 'string' ? spec.options.export : 'default';
  const file = isAbsolute(modulePath as string) ? (modulePath as string) : resolve(runtime.project_dir, modulePath as string);

  let loaded: Record<string, unknown>;
  try {
    loaded = await importEvaluatorModule(file, runtime.project_dir);
  } catch (err) {
    return failed(spec, `cannot load module ${String(modulePath)}: ${(err as Error).message}`);
  }
  // A CommonJS module's `module.exports = fn` arrives as the default export.
  const fn = loaded[exportName];
  if (typeof fn !== 'function') {
    const found = Object.keys(loaded).filter((k) => typeof loaded[k] === 'function');
    return failed(spec, `module ${String(modulePath)} has no function export \`${exportName}\` (function exports: ${found.join(', ') || 'none'})`);
  }

  const args: CustomEvaluatorArgs = {
    output: read.values.output,
    reference: read.values.reference,
    context: read.values.context,
    query: read.values.query,
    input: input.input,
    prompt: input.prompt,
    row_key: input.row_key,
    options: spec.options,
  };
  let answer: unknown;
  try {
    answer = await (fn as (a: CustomEvaluatorArgs) => CustomAnswer | Promise<CustomAnswer>)(args);
  } catch (err) {
    return failed(spec, `${exportName}() in ${String(modulePath)} threw: ${err instanceof Error ? err.message : String(err)}`);
  }

  const explained = isPlainObject(answer) ? answer : undefined;
  const raw = explained ? explained.score : answer;
  const score = typeof raw === 'boolean' ? (raw ? 1 : 0) : raw;
  if (typeof score !== 'number' || !Number.isFinite(score) || score < 0 || score > 1) {
    return failed(spec, `${exportName}() in ${String(modulePath)} returned ${JSON.stringify(raw) ?? String(raw)}; expected a score in [0, 1], a boolean, or { score, explanation }`);
  }
  const explanation = typeof explained?.explanation === 'string' ? explained.explanation : `${exportName}() returned ${score}`;
  return scored(spec, score, explanation);
};

/** Compile-time checks of one evaluator spec against the registry: inputs, options, threshold, weight. */
import { didYouMean } from '../diagnostics/suggest.js';
import { checkInputBindingShape } from './input-binding.js';
import { acceptedInputs, EVALUATOR_DEFINITIONS, EVALUATOR_INPUT_NAMES, EVALUATOR_TYPES, isEvaluatorType } from './registry.js';
import type { EvaluateProblem, EvaluatorInputName, EvaluatorSpec } from '../contracts/evaluate.js';

/** Every problem in `spec`, each with a path relative to the spec (`['inputs', 'context']`, `['options', 'pattern']`). */
export function checkEvaluatorSpec(spec: EvaluatorSpec): EvaluateProblem[] {
  const problems: EvaluateProblem[] = [];
  const name = typeof spec.name === 'string' && spec.name !== '' ? spec.name : '(unnamed)';
  if (!isEvaluatorType(spec.type)) {
    problems.push({
      path: ['type'],
      message: `evaluator "${name}" has unknown type \`${String(spec.type)}\`${didYouMean(String(spec.type), EVALUATOR_TYPES)}; accepted types: ${EVALUATOR_TYPES.join(', ')}`,
    });
    return problems;
  }
  const def = EVALUATOR_DEFINITIONS[spec.type];
  const label = `${spec.type} evaluator "${name}"`;

  if (typeof spec.name !== 'string' || spec.name === '') problems.push({ path: ['name'], message: `${label} needs a name` });
  if (typeof spec.threshold !== 'number' || !(spec.threshold >= 0 && spec.threshold <= 1)) {
    problems.push({ path: ['threshold'], message: `${label} has threshold ${String(spec.threshold)}; a threshold is a score in [0, 1]` });
  }
  if (typeof spec.weight !== 'number' || !Number.isFinite(spec.weight) || spec.weight <= 0) {
    problems.push({ path: ['weight'], message: `${label} has weight ${String(spec.weight)}; a weight is a number above 0` });
  }

  const accepted = acceptedInputs(spec.type);
  const inputs = spec.inputs ?? {};
  for (const [input, binding] of Object.entries(inputs)) {
    if (binding === undefined) continue;
    if (!(EVALUATOR_INPUT_NAMES as readonly string[]).includes(input)) {
      problems.push({
        path: ['inputs', input],
        message: `${label} has unknown input \`${input}\`${didYouMean(input, accepted)}; accepted inputs: ${accepted.join(', ')}`,
      });
      continue;
    }
    if (!accepted.includes(input as EvaluatorInputName)) {
      problems.push({ path: ['inputs', input], message: `${label} does not read a \`${input}\` input; accepted inputs: ${accepted.join(', ')}` });
      continue;
    }
    const shape = checkInputBindingShape(binding);
    if (shape) problems.push({ path: ['inputs', input], message: `${label}: input \`${input}\` ${shape}` });
  }
  for (const required of def.required_inputs) {
    if (inputs[required] === undefined) {
      problems.push({ path: ['inputs'], message: `${label} needs a \`${required}\` input; accepted inputs: ${accepted.join(', ')}` });
    }
  }

  const options = spec.options ?? {};
  const before = problems.length;
  const known = Object.keys(def.options);
  for (const [option, value] of Object.entries(options)) {
    const rule = def.options[option];
    // A custom evaluator's own options go to its function untouched.
    if (!rule && spec.type === 'custom') continue;
    if (!rule) {
      const accepts = known.length ? `accepted options: ${known.join(', ')}` : 'it takes no options';
      problems.push({ path: ['options', option], message: `${label} has unknown option \`${option}\`${didYouMean(option, known)}; ${accepts}` });
      continue;
    }
    if (value === undefined) continue;
    const problem = rule.check(value);
    if (problem) problems.push({ path: ['options', option], message: `${label}: \`${option}\` ${problem}` });
  }
  for (const [option, rule] of Object.entries(def.options)) {
    if (rule.required && options[option] === undefined) {
      problems.push({ path: ['options'], message: `${label} needs a \`${option}\` option (${rule.describe})` });
    }
  }
  // Cross-field rules only make sense once each option has the right type.
  if (problems.length === before && def.check) problems.push(...def.check(spec));
  return problems;
}

/** Human-readable problems of `spec`; empty when the compiler may accept it. */
export function validateEvaluatorSpec(spec: EvaluatorSpec): string[] {
  return checkEvaluatorSpec(spec).map((p) => p.message);
}

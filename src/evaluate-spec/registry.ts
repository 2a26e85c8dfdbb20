/**
 * What each evaluator type reads and accepts: required and optional inputs, default inputs, options and
 * default threshold. The compiler checks specs against this table, so a missing input is a compile error
 * and never a paid call.
 */
import { userSchemaProblem } from './json-schema-validator.js';
import {
  anyValue,
  boolean,
  finiteNumber,
  moduleFile,
  nonEmptyString,
  nonNegativeInteger,
  oneOf,
  plainObject,
  scalar,
  scalarList,
  textOrTextList,
  type OptionRule,
} from './option-rules.js';
import type { EvaluateProblem, EvaluatorInputName, EvaluatorKind, EvaluatorSpec, EvaluatorType, InputBinding } from '../contracts/evaluate.js';

export interface EvaluatorDefinition {
  type: EvaluatorType;
  kind: EvaluatorKind;
  summary: string;
  required_inputs: readonly EvaluatorInputName[];
  optional_inputs: readonly EvaluatorInputName[];
  /** Filled in by `normalizeEvaluateBlock` when the YAML does not bind the input. */
  default_inputs: Partial<Record<EvaluatorInputName, InputBinding>>;
  options: Readonly<Record<string, OptionRule>>;
  default_threshold: number;
  /** Rules that involve more than one option or input; paths relative to the spec. */
  check?: (spec: EvaluatorSpec) => EvaluateProblem[];
}

export const EVALUATOR_INPUT_NAMES: readonly EvaluatorInputName[] = ['output', 'reference', 'context', 'query'];

const WHOLE_OUTPUT: InputBinding = { from: 'output' };
const PROMPT: InputBinding = { from: 'prompt' };

const caseSensitive: OptionRule = { check: boolean, describe: 'case_sensitive: true | false (default true)' };
const judgeModel: OptionRule = { check: nonEmptyString, describe: 'model: the judge model (default: the project judge model)' };

function label(spec: EvaluatorSpec): string {
  return `${spec.type} evaluator "${spec.name}"`;
}

function has(spec: EvaluatorSpec, option: string): boolean {
  return spec.options[option] !== undefined;
}

/** `equals` and `similarity`: compare with the `reference` input or the `value` option, exactly one of them. */
function referenceOrValue(spec: EvaluatorSpec): EvaluateProblem[] {
  const hasReference = spec.inputs.reference !== undefined;
  if (!hasReference && !has(spec, 'value')) {
    return [{ path: ['inputs'], message: `${label(spec)} needs a \`reference\` input or a \`value\` option to compare the output with` }];
  }
  if (hasReference && has(spec, 'value')) {
    return [{ path: ['options', 'value'], message: `${label(spec)} has both a \`reference\` input and a \`value\` option; keep one` }];
  }
  return [];
}

function minNotAboveMax(spec: EvaluatorSpec): EvaluateProblem[] {
  const { min, max } = spec.options;
  if (min === undefined && max === undefined) {
    return [{ path: ['options'], message: `${label(spec)} needs a \`min\`, a \`max\` or both` }];
  }
  if (typeof min === 'number' && typeof max === 'number' && min > max) {
    return [{ path: ['options', 'min'], message: `${label(spec)} has \`min\` (${min}) above \`max\` (${max})` }];
  }
  return [];
}

export const EVALUATOR_DEFINITIONS: Readonly<Record<EvaluatorType, EvaluatorDefinition>> = {
  equals: {
    type: 'equals',
    kind: 'deterministic',
    summary: 'output equals the reference (or `value`) after trimming whitespace',
    required_inputs: ['output'],
    optional_inputs: ['reference'],
    default_inputs: { output: WHOLE_OUTPUT },
    options: { value: { check: anyValue, describe: 'value: the expected value' }, case_sensitive: caseSensitive },
    default_threshold: 1,
    check: referenceOrValue,
  },
  contains: {
    type: 'contains',
    kind: 'deterministic',
    summary: 'output contains `value`, or each of `values` (score = share found)',
    required_inputs: ['output'],
    optional_inputs: [],
    default_inputs: { output: WHOLE_OUTPUT },
    options: {
      value: { check: scalar, describe: 'value: text the output must contain' },
      values: { check: scalarList, describe: 'values: texts the output must each contain' },
      case_sensitive: caseSensitive,
    },
    default_threshold: 1,
    check: (spec) => {
      if (has(spec, 'value') === has(spec, 'values')) {
        return [{ path: ['options'], message: `${label(spec)} needs exactly one of \`value\` or \`values\`` }];
      }
      return [];
    },
  },
  regex: {
    type: 'regex',
    kind: 'deterministic',
    summary: 'output matches the regular expression `pattern` (score 1 or 0)',
    required_inputs: ['output'],
    optional_inputs: [],
    default_inputs: { output: WHOLE_OUTPUT },
    options: {
      pattern: { check: nonEmptyString, required: true, describe: 'pattern: a JavaScript regular expression' },
      flags: { check: (v) => (typeof v === 'string' ? null : 'must be a string of regular-expression flags such as "i"'), describe: 'flags: e.g. "i", "m", "s"' },
    },
    default_threshold: 1,
    check: (spec) => {
      const { pattern, flags } = spec.options;
      if (typeof pattern !== 'string' || (flags !== undefined && typeof flags !== 'string')) return [];
      try {
        new RegExp(pattern, flags);
        return [];
      } catch (err) {
        const path = flags !== undefined && /flag/i.test(String(err)) ? ['options', 'flags'] : ['options', 'pattern'];
        return [{ path, message: `${label(spec)} has an invalid regular expression: ${(err as Error).message}` }];
      }
    },
  },
  accepted_values: {
    type: 'accepted_values',
    kind: 'deterministic',
    summary: 'output is one of `values` (score 1 or 0)',
    required_inputs: ['output'],
    optional_inputs: [],
    default_inputs: { output: WHOLE_OUTPUT },
    options: { values: { check: scalarList, required: true, describe: 'values: the accepted values' }, case_sensitive: caseSensitive },
    default_threshold: 1,
  },
  json_schema: {
    type: 'json_schema',
    kind: 'deterministic',
    summary: 'output is valid against the JSON Schema `schema` (score 1 or 0)',
    required_inputs: ['output'],
    optional_inputs: [],
    default_inputs: { output: WHOLE_OUTPUT },
    options: { schema: { check: plainObject, required: true, describe: 'schema: a JSON Schema (draft-07)' } },
    default_threshold: 1,
    check: (spec) => {
      const schema = spec.options.schema;
      if (plainObject(schema) !== null) return [];
      const problem = userSchemaProblem(schema as Record<string, unknown>);
      return problem ? [{ path: ['options', 'schema'], message: `${label(spec)} has an invalid JSON Schema: ${problem}` }] : [];
    },
  },
  length: {
    type: 'length',
    kind: 'deterministic',
    summary: 'output length is within `min`..`max` characters (or words with `unit: words`)',
    required_inputs: ['output'],
    optional_inputs: [],
    default_inputs: { output: WHOLE_OUTPUT },
    options: {
      min: { check: nonNegativeInteger, describe: 'min: shortest accepted length' },
      max: { check: nonNegativeInteger, describe: 'max: longest accepted length' },
      unit: { check: oneOf(['characters', 'words']), describe: 'unit: characters (default) | words' },
    },
    default_threshold: 1,
    check: minNotAboveMax,
  },
  range: {
    type: 'range',
    kind: 'deterministic',
    summary: 'output is a number within `min`..`max` (inclusive)',
    required_inputs: ['output'],
    optional_inputs: [],
    default_inputs: { output: WHOLE_OUTPUT },
    options: {
      min: { check: finiteNumber, describe: 'min: lowest accepted number' },
      max: { check: finiteNumber, describe: 'max: highest accepted number' },
    },
    default_threshold: 1,
    check: minNotAboveMax,
  },
  similarity: {
    type: 'similarity',
    kind: 'deterministic',
    summary: '1 - normalized Levenshtein distance between output and reference (or `value`)',
    required_inputs: ['output'],
    optional_inputs: ['reference'],
    default_inputs: { output: WHOLE_OUTPUT },
    options: { value: { check: scalar, describe: 'value: the text to compare with' }, case_sensitive: caseSensitive },
    default_threshold: 0.8,
    check: referenceOrValue,
  },
  custom: {
    type: 'custom',
    kind: 'deterministic',
    summary: 'a JavaScript function of yours returns the score',
    required_inputs: ['output'],
    optional_inputs: ['reference', 'context', 'query'],
    default_inputs: { output: WHOLE_OUTPUT },
    options: {
      module: { check: moduleFile, required: true, describe: 'module: path of a .js/.mjs/.cjs file, relative to the project' },
      export: { check: nonEmptyString, describe: 'export: the function to call (default `default`)' },
    },
    default_threshold: 0.5,
  },
  semantic: {
    type: 'semantic',
    kind: 'embedding',
    summary: 'cosine similarity of the embeddings of output and reference (negative counts as 0)',
    required_inputs: ['output', 'reference'],
    optional_inputs: [],
    default_inputs: { output: WHOLE_OUTPUT, reference: { from: 'input_row' } },
    options: { model: { check: nonEmptyString, describe: 'model: the embedding model (default: the project embedding model)' } },
    default_threshold: 0.5,
  },
  custom_criteria: {
    type: 'custom_criteria',
    kind: 'judge',
    summary: 'an LLM judge checks each atomic criterion; score = criteria met / criteria',
    required_inputs: ['output'],
    optional_inputs: ['query', 'context'],
    default_inputs: { output: WHOLE_OUTPUT, query: PROMPT },
    options: {
      criteria: { check: textOrTextList, required: true, describe: 'criteria: a sentence, or a list of criteria' },
      model: judgeModel,
    },
    default_threshold: 0.5,
  },
  factuality: {
    type: 'factuality',
    kind: 'judge',
    summary: 'an LLM judge lists the claims of the output; score = claims the reference supports / claims',
    required_inputs: ['output', 'reference'],
    optional_inputs: ['query'],
    default_inputs: { output: WHOLE_OUTPUT },
    options: { model: judgeModel },
    default_threshold: 0.5,
  },
  groundedness: {
    type: 'groundedness',
    kind: 'judge',
    summary: 'an LLM judge lists the statements of the output; score = statements the context supports / statements',
    required_inputs: ['output', 'context'],
    optional_inputs: ['query'],
    default_inputs: { output: WHOLE_OUTPUT },
    options: { model: judgeModel },
    default_threshold: 0.5,
  },
  relevance: {
    type: 'relevance',
    kind: 'judge',
    summary: 'an LLM judge lists what the query asks; score = asks the output addresses / asks',
    required_inputs: ['output', 'query'],
    optional_inputs: [],
    default_inputs: { output: WHOLE_OUTPUT, query: PROMPT },
    options: { model: judgeModel },
    default_threshold: 0.5,
  },
  pairwise: {
    type: 'pairwise',
    kind: 'judge',
    summary: 'an LLM judge compares output with the reference answer in both orders; 1 = wins both, 0.5 = split or tie, 0 = loses both',
    required_inputs: ['output', 'reference'],
    optional_inputs: ['query'],
    default_inputs: { output: WHOLE_OUTPUT, query: PROMPT },
    options: { criteria: { check: textOrTextList, describe: 'criteria: what "better" means (default: overall quality for the task)' }, model: judgeModel },
    default_threshold: 0.5,
  },
};

export const EVALUATOR_TYPES = Object.keys(EVALUATOR_DEFINITIONS) as EvaluatorType[];

export function isEvaluatorType(value: unknown): value is EvaluatorType {
  return typeof value === 'string' && Object.hasOwn(EVALUATOR_DEFINITIONS, value);
}

export function evaluatorDefinition(type: EvaluatorType): EvaluatorDefinition {
  return EVALUATOR_DEFINITIONS[type];
}

/** Inputs the type cannot score without. */
export function requiredInputs(type: EvaluatorType): EvaluatorInputName[] {
  return [...EVALUATOR_DEFINITIONS[type].required_inputs];
}

/** Every input the type reads, required first. */
export function acceptedInputs(type: EvaluatorType): EvaluatorInputName[] {
  const def = EVALUATOR_DEFINITIONS[type];
  return [...def.required_inputs, ...def.optional_inputs];
}

/** `inputs` with the type's defaults filled in where the YAML left an input out. */
export function withDefaultInputs(
  type: EvaluatorType,
  inputs: Partial<Record<EvaluatorInputName, InputBinding>>,
): Partial<Record<EvaluatorInputName, InputBinding>> {
  return { ...EVALUATOR_DEFINITIONS[type].default_inputs, ...inputs };
}

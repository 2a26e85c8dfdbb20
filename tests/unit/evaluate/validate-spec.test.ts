import { describe, expect, it } from 'vitest';
import { acceptedInputs, EVALUATOR_TYPES, requiredInputs } from '../../../src/evaluate-spec/registry.js';
import type { EvaluatorSpec } from '../../../src/evaluate/types.js';
import { checkEvaluatorSpec, validateEvaluatorSpec } from '../../../src/evaluate-spec/validate-spec.js';
import { specOf } from './fake-llm-service.js';

function bare(type: EvaluatorSpec['type'], name: string, fields: Partial<EvaluatorSpec> = {}): EvaluatorSpec {
  return { name, type, threshold: 0.5, weight: 1, inputs: { output: { from: 'output' } }, options: {}, ...fields };
}

describe('requiredInputs', () => {
  it('names what each judge cannot work without', () => {
    expect(requiredInputs('groundedness')).toEqual(['output', 'context']);
    expect(requiredInputs('factuality')).toEqual(['output', 'reference']);
    expect(requiredInputs('relevance')).toEqual(['output', 'query']);
    expect(requiredInputs('semantic')).toEqual(['output', 'reference']);
    expect(requiredInputs('pairwise')).toEqual(['output', 'reference']);
    expect(requiredInputs('equals')).toEqual(['output']);
    expect(acceptedInputs('groundedness')).toEqual(['output', 'context', 'query']);
  });

  it('covers every type', () => {
    expect(EVALUATOR_TYPES).toHaveLength(15);
    for (const type of EVALUATOR_TYPES) expect(requiredInputs(type)).toContain('output');
  });
});

describe('validateEvaluatorSpec: inputs', () => {
  it('makes a missing context a compile-time problem with the accepted inputs', () => {
    expect(validateEvaluatorSpec(bare('groundedness', 'grounded'))).toEqual([
      'groundedness evaluator "grounded" needs a `context` input; accepted inputs: output, context, query',
    ]);
  });

  it('flags missing references for factuality, semantic and pairwise', () => {
    expect(validateEvaluatorSpec(bare('factuality', 'facts'))).toEqual(['factuality evaluator "facts" needs a `reference` input; accepted inputs: output, reference, query']);
    expect(validateEvaluatorSpec(bare('semantic', 'sem'))).toEqual(['semantic evaluator "sem" needs a `reference` input; accepted inputs: output, reference']);
    expect(validateEvaluatorSpec(bare('pairwise', 'pw'))).toEqual(['pairwise evaluator "pw" needs a `reference` input; accepted inputs: output, reference, query']);
    expect(validateEvaluatorSpec(bare('relevance', 'rel'))).toEqual(['relevance evaluator "rel" needs a `query` input; accepted inputs: output, query']);
  });

  it('needs a reference or a value for equals and similarity, not both', () => {
    expect(validateEvaluatorSpec(bare('equals', 'eq', { threshold: 1 }))).toEqual([
      'equals evaluator "eq" needs a `reference` input or a `value` option to compare the output with',
    ]);
    expect(validateEvaluatorSpec(bare('similarity', 'sim', { options: { value: 'x' } }))).toEqual([]);
    expect(
      validateEvaluatorSpec(bare('equals', 'eq', { inputs: { output: { from: 'output' }, reference: { from: 'input', column: 'gold' } }, options: { value: 'x' } })),
    ).toEqual(['equals evaluator "eq" has both a `reference` input and a `value` option; keep one']);
  });

  it('rejects inputs the type does not read and unknown input names', () => {
    const spec = bare('factuality', 'facts', {
      inputs: { output: { from: 'output' }, reference: { from: 'input', column: 'truth' }, context: { from: 'input', column: 'docs' } },
    });
    expect(validateEvaluatorSpec(spec)).toEqual(['factuality evaluator "facts" does not read a `context` input; accepted inputs: output, reference, query']);
    const typo = bare('groundedness', 'g', { inputs: { output: { from: 'output' }, contxt: { from: 'prompt' } } as EvaluatorSpec['inputs'] });
    expect(checkEvaluatorSpec(typo)).toEqual([
      { path: ['inputs', 'contxt'], message: 'groundedness evaluator "g" has unknown input `contxt` (did you mean `context`?); accepted inputs: output, context, query' },
      { path: ['inputs'], message: 'groundedness evaluator "g" needs a `context` input; accepted inputs: output, context, query' },
    ]);
  });

  it('rejects a malformed binding built in code', () => {
    const spec = bare('semantic', 's', { inputs: { output: { from: 'output' }, reference: { from: 'input', column: '' } } });
    expect(validateEvaluatorSpec(spec)).toEqual(['semantic evaluator "s": input `reference` names no input column']);
  });

  it('accepts the registry defaults for every type that needs only defaults', () => {
    for (const type of ['semantic', 'relevance'] as const) expect(validateEvaluatorSpec(specOf(type))).toEqual([]);
    expect(validateEvaluatorSpec(specOf('custom_criteria', { options: { criteria: 'Accurate' } }))).toEqual([]);
  });
});

describe('validateEvaluatorSpec: options', () => {
  it('catches an invalid regular expression at compile time', () => {
    expect(checkEvaluatorSpec(specOf('regex', { name: 'id', options: { pattern: '([a-z]+' } }))).toEqual([
      { path: ['options', 'pattern'], message: 'regex evaluator "id" has an invalid regular expression: Invalid regular expression: /([a-z]+/: Unterminated group' },
    ]);
    expect(checkEvaluatorSpec(specOf('regex', { name: 'id', options: { pattern: 'a', flags: 'q' } }))[0]!.path).toEqual(['options', 'flags']);
  });

  it('catches an invalid JSON Schema at compile time', () => {
    const problems = validateEvaluatorSpec(specOf('json_schema', { name: 'shape', options: { schema: { type: 'nonsense' } } }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^json_schema evaluator "shape" has an invalid JSON Schema: schema is invalid/);
  });

  it('requires required options and names them', () => {
    expect(validateEvaluatorSpec(specOf('custom_criteria', { name: 'criteria' }))).toEqual([
      'custom_criteria evaluator "criteria" needs a `criteria` option (criteria: a sentence, or a list of criteria)',
    ]);
    expect(validateEvaluatorSpec(specOf('accepted_values', { name: 'av' }))).toEqual(['accepted_values evaluator "av" needs a `values` option (values: the accepted values)']);
    expect(validateEvaluatorSpec(specOf('contains', { name: 'c' }))).toEqual(['contains evaluator "c" needs exactly one of `value` or `values`']);
    expect(validateEvaluatorSpec(specOf('length', { name: 'len' }))).toEqual(['length evaluator "len" needs a `min`, a `max` or both']);
  });

  it('rejects unknown options with a suggestion and badly typed ones', () => {
    expect(validateEvaluatorSpec(specOf('custom_criteria', { name: 'c', options: { criterias: 'x', criteria: 'y' } }))).toEqual([
      'custom_criteria evaluator "c" has unknown option `criterias` (did you mean `criteria`?); accepted options: criteria, model',
    ]);
    expect(validateEvaluatorSpec(specOf('factuality', { name: 'f', inputs: { reference: { from: 'prompt' } }, options: { strict: true } }))).toEqual([
      'factuality evaluator "f" has unknown option `strict`; accepted options: model',
    ]);
    expect(validateEvaluatorSpec(specOf('length', { name: 'len', options: { min: -1 } }))).toEqual(['length evaluator "len": `min` must be a whole number >= 0']);
    expect(validateEvaluatorSpec(specOf('length', { name: 'len', options: { min: 10, max: 5 } }))).toEqual(['length evaluator "len" has `min` (10) above `max` (5)']);
    expect(validateEvaluatorSpec(specOf('length', { name: 'len', options: { max: 5, unit: 'tokens' } }))).toEqual([
      'length evaluator "len": `unit` must be one of `characters`, `words`',
    ]);
    expect(validateEvaluatorSpec(specOf('accepted_values', { name: 'av', options: { values: [] } }))).toEqual([
      'accepted_values evaluator "av": `values` must be a non-empty list of strings or numbers',
    ]);
  });

  it('checks custom module paths', () => {
    expect(validateEvaluatorSpec(specOf('custom', { name: 'mine', options: { module: 'evals/score.py' } }))).toEqual([
      'custom evaluator "mine": `module` `evals/score.py` must end in .js, .mjs, .cjs, .ts or .mts',
    ]);
    expect(validateEvaluatorSpec(specOf('custom', { name: 'mine', options: { module: 'evals/score.mjs', export: 'score' } }))).toEqual([]);
  });
});

describe('validateEvaluatorSpec: threshold, weight, type', () => {
  it('keeps thresholds in [0, 1] and weights above 0', () => {
    expect(validateEvaluatorSpec(specOf('semantic', { name: 's', threshold: 80 }))).toEqual(['semantic evaluator "s" has threshold 80; a threshold is a score in [0, 1]']);
    expect(validateEvaluatorSpec(specOf('semantic', { name: 's', weight: 0 }))).toEqual(['semantic evaluator "s" has weight 0; a weight is a number above 0']);
    expect(validateEvaluatorSpec(specOf('semantic', { threshold: 0 }))).toEqual([]);
    expect(validateEvaluatorSpec(specOf('semantic', { threshold: 1 }))).toEqual([]);
  });

  it('rejects an unknown type with a suggestion', () => {
    const spec = { ...bare('equals', 'x'), type: 'groundness' } as unknown as EvaluatorSpec;
    expect(validateEvaluatorSpec(spec)[0]).toMatch(/^evaluator "x" has unknown type `groundness` \(did you mean `groundedness`\?\); accepted types: equals, contains/);
  });
});

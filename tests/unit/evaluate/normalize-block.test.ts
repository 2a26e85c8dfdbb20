import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { normalizeEvaluateBlock } from '../../../src/evaluate-spec/normalize-block.js';

const parse = (text: string) => normalizeEvaluateBlock((YAML.parse(text) as { evaluate: unknown }).evaluate);

describe('normalizeEvaluateBlock: the seed document', () => {
  const block = parse(`
evaluate:
  evaluators:
    - type: semantic
      threshold: 0.8
    - type: custom_criteria
      criteria: "Accurate, no hallucination"
      threshold: 0.75
  quality_gate: all_pass
`);

  it('accepts it without problems', () => {
    expect(block.problems).toEqual([]);
    expect(block.warnings).toEqual([]);
  });

  it('fills the default inputs: whole output, input row as the semantic reference, prompt as the criteria query', () => {
    expect(block.specs).toEqual([
      { name: 'semantic', type: 'semantic', threshold: 0.8, weight: 1, inputs: { output: { from: 'output' }, reference: { from: 'input_row' } }, options: {} },
      {
        name: 'custom_criteria',
        type: 'custom_criteria',
        threshold: 0.75,
        weight: 1,
        inputs: { output: { from: 'output' }, query: { from: 'prompt' } },
        options: { criteria: 'Accurate, no hallucination' },
      },
    ]);
    expect(block.gate).toEqual({ quality_gate: 'all_pass' });
    expect(block.on_failure).toBe('quarantine');
    expect(block.fallback_model).toBeUndefined();
  });
});

describe('normalizeEvaluateBlock: the full shape', () => {
  const block = parse(`
evaluate:
  evaluators:
    - name: allowed_sentiment
      type: accepted_values
      inputs: { output: output.sentiment }
      values: [positive, negative, neutral]
      threshold: 1.0
    - type: semantic
      threshold: 0.8
      inputs: { output: output.summary, reference: input.review_text }
    - type: custom_criteria
      criteria: "Accurate, no hallucination"
      threshold: 0.75
      weight: 2
  quality_gate: weighted
  threshold: 0.75
  batch_threshold: 0.95
  on_failure: fallback
  fallback_model: gpt-4o
`);

  it('parses bindings, options beside the common keys, weights and the gate', () => {
    expect(block.problems).toEqual([]);
    expect(block.specs[0]).toEqual({
      name: 'allowed_sentiment',
      type: 'accepted_values',
      threshold: 1,
      weight: 1,
      inputs: { output: { from: 'output', field: 'sentiment' } },
      options: { values: ['positive', 'negative', 'neutral'] },
    });
    expect(block.specs[1]!.inputs).toEqual({ output: { from: 'output', field: 'summary' }, reference: { from: 'input', column: 'review_text' } });
    expect(block.specs[2]!.weight).toBe(2);
    expect(block.gate).toEqual({ quality_gate: 'weighted', threshold: 0.75, batch_threshold: 0.95 });
    expect(block.on_failure).toBe('fallback');
    expect(block.fallback_model).toBe('gpt-4o');
  });
});

describe('normalizeEvaluateBlock: defaults', () => {
  it('returns an empty all_pass block for no evaluate section', () => {
    expect(normalizeEvaluateBlock(undefined)).toEqual({ specs: [], gate: { quality_gate: 'all_pass' }, on_failure: 'quarantine', problems: [], warnings: [] });
    expect(normalizeEvaluateBlock(null).problems).toEqual([]);
  });

  it('defaults thresholds: 1.0 for exact deterministic checks, 0.8 for similarity, 0.5 for judges, semantic and custom', () => {
    const block = normalizeEvaluateBlock({
      evaluators: [
        { type: 'regex', pattern: 'x' },
        { type: 'similarity', value: 'x' },
        { type: 'relevance' },
        { type: 'semantic' },
        { type: 'custom', module: 'm.mjs' },
      ],
    });
    expect(block.problems).toEqual([]);
    expect(block.specs.map((s) => s.threshold)).toEqual([1, 0.8, 0.5, 0.5, 0.5]);
    expect(block.specs.every((s) => s.weight === 1)).toBe(true);
  });

  it('names evaluators after their type, with numeric suffixes that avoid names written in YAML', () => {
    const block = normalizeEvaluateBlock({
      evaluators: [{ type: 'semantic' }, { type: 'semantic' }, { name: 'semantic_3', type: 'relevance' }, { type: 'semantic' }],
    });
    expect(block.specs.map((s) => s.name)).toEqual(['semantic', 'semantic_2', 'semantic_3', 'semantic_4']);
  });

  it('accepts a bare type name as an evaluator and an explicit options mapping', () => {
    const block = normalizeEvaluateBlock({ evaluators: ['relevance', { type: 'regex', options: { pattern: '^a', flags: 'i' } }] });
    expect(block.problems).toEqual([]);
    expect(block.specs.map((s) => s.type)).toEqual(['relevance', 'regex']);
    expect(block.specs[1]!.options).toEqual({ pattern: '^a', flags: 'i' });
  });

  it('parses every binding form', () => {
    const block = normalizeEvaluateBlock({
      evaluators: [
        { type: 'custom', module: 'm.mjs', inputs: { output: 'output', reference: 'input', context: 'input.docs', query: 'prompt' } },
        { type: 'equals', inputs: { output: 'output.a.b', reference: { value: 'yes' } } },
      ],
    });
    expect(block.problems).toEqual([]);
    expect(block.specs[0]!.inputs).toEqual({ output: { from: 'output' }, reference: { from: 'input_row' }, context: { from: 'input', column: 'docs' }, query: { from: 'prompt' } });
    expect(block.specs[1]!.inputs).toEqual({ output: { from: 'output', field: 'a.b' }, reference: { from: 'literal', value: 'yes' } });
  });
});

describe('normalizeEvaluateBlock: problems carry YAML paths', () => {
  it('points a missing context at the evaluator and a bad binding at the input', () => {
    const block = normalizeEvaluateBlock({
      evaluators: [
        { type: 'semantic' },
        { name: 'grounded', type: 'groundedness' },
        { name: 'grounded2', type: 'groundedness', inputs: { context: 'outputs.docs' } },
        { name: 'grounded3', type: 'groundedness', inputs: { output: 'output.answer' } },
      ],
    });
    expect(block.problems).toEqual([
      { path: ['evaluators', 1], message: 'groundedness evaluator "grounded" needs a `context` input; accepted inputs: output, context, query' },
      {
        path: ['evaluators', 2, 'inputs', 'context'],
        message:
          'groundedness evaluator "grounded2": input `context`: `outputs.docs` is not an input binding (did you mean `output`?); use `output`, `output.<field>`, `input`, `input.<column>`, `prompt` or `{ value: <literal> }`',
      },
      { path: ['evaluators', 2, 'inputs'], message: 'groundedness evaluator "grounded2" needs a `context` input; accepted inputs: output, context, query' },
      { path: ['evaluators', 3, 'inputs'], message: 'groundedness evaluator "grounded3" needs a `context` input; accepted inputs: output, context, query' },
    ]);
  });

  it('points option problems where the option is written', () => {
    const block = normalizeEvaluateBlock({
      evaluators: [
        { type: 'regex', pattern: '(' },
        { type: 'regex', options: { pattern: '[' } },
        { type: 'custom_criteria', criterias: 'Accurate' },
      ],
    });
    expect(block.problems.map((p) => p.path)).toEqual([
      ['evaluators', 0, 'pattern'],
      ['evaluators', 1, 'options', 'pattern'],
      ['evaluators', 2, 'criterias'],
      ['evaluators', 2],
    ]);
    expect(block.problems[2]!.message).toBe(
      'custom_criteria evaluator "custom_criteria" has unknown option `criterias` (did you mean `criteria`?); accepted options: criteria, model',
    );
    expect(block.problems[3]!.message).toBe('custom_criteria evaluator "custom_criteria" needs a `criteria` option (criteria: a sentence, or a list of criteria)');
  });

  it('reports unknown types, missing types and non-mapping evaluators', () => {
    const block = normalizeEvaluateBlock({ evaluators: [{ type: 'groundness' }, { threshold: 0.5 }, 42] });
    expect(block.specs).toEqual([]);
    expect(block.problems.map((p) => p.path)).toEqual([['evaluators', 0, 'type'], ['evaluators', 1], ['evaluators', 2]]);
    expect(block.problems[0]!.message).toMatch(/^unknown evaluator type `groundness` \(did you mean `groundedness`\?\); accepted types: /);
    expect(block.problems[1]!.message).toMatch(/^evaluator needs a `type`; accepted types: equals, contains/);
  });

  it('reports bad thresholds and weights, and keeps the spec usable', () => {
    const block = normalizeEvaluateBlock({ evaluators: [{ type: 'semantic', threshold: 80, weight: -1 }] });
    expect(block.problems).toEqual([
      { path: ['evaluators', 0, 'threshold'], message: 'semantic evaluator "semantic" has threshold 80; a threshold is a score in [0, 1]' },
      { path: ['evaluators', 0, 'weight'], message: 'semantic evaluator "semantic" has weight -1; a weight is a number above 0' },
    ]);
    expect(block.specs[0]).toMatchObject({ threshold: 0.5, weight: 1 });
  });

  it('reports duplicate and invalid names', () => {
    const block = normalizeEvaluateBlock({ evaluators: [{ name: 'q', type: 'semantic' }, { name: 'q', type: 'relevance' }, { name: 'has space', type: 'semantic' }] });
    expect(block.problems).toEqual([
      { path: ['evaluators', 1, 'name'], message: 'evaluator name "q" is used twice; names must be unique within a model' },
      { path: ['evaluators', 2, 'name'], message: 'evaluator name "has space" must start with a letter or _ and contain only letters, digits, _ and -' },
    ]);
  });

  it('reports gate problems', () => {
    expect(normalizeEvaluateBlock({ quality_gate: 'all-pass' }).problems).toEqual([
      { path: ['quality_gate'], message: 'unknown quality_gate "all-pass" (did you mean `all_pass`?); accepted: all_pass, any_pass, majority_pass, weighted' },
    ]);
    expect(normalizeEvaluateBlock({ quality_gate: 'weighted' }).problems).toEqual([
      { path: ['quality_gate'], message: 'quality_gate `weighted` needs a `threshold` in [0, 1] for the weighted average' },
    ]);
    expect(normalizeEvaluateBlock({ quality_gate: 'weighted', threshold: 75 }).problems).toEqual([
      { path: ['threshold'], message: "`threshold` is 75; the weighted gate's threshold is a score in [0, 1]" },
    ]);
    expect(normalizeEvaluateBlock({ batch_threshold: 95 }).problems).toEqual([
      { path: ['batch_threshold'], message: '`batch_threshold` is 95; it is a share of rows in [0, 1] (e.g. 0.95 for 95%)' },
    ]);
  });

  it('warns about a gate threshold that no gate reads', () => {
    const block = normalizeEvaluateBlock({ quality_gate: 'all_pass', threshold: 0.8 });
    expect(block.problems).toEqual([]);
    expect(block.gate).toEqual({ quality_gate: 'all_pass' });
    expect(block.warnings).toEqual([
      { path: ['threshold'], message: "`threshold` is only used by quality_gate `weighted`; under `all_pass` each evaluator's own `threshold` applies" },
    ]);
  });

  it('reports on_failure problems', () => {
    expect(normalizeEvaluateBlock({ on_failure: 'retry' }).problems[0]!.path).toEqual(['on_failure']);
    expect(normalizeEvaluateBlock({ on_failure: 'fallback' }).problems).toEqual([
      { path: ['on_failure'], message: 'on_failure `fallback` needs a `fallback_model` to retry failed rows with' },
    ]);
    expect(normalizeEvaluateBlock({ on_failure: 'skip', fallback_model: 'gpt-4o' }).warnings).toEqual([
      { path: ['fallback_model'], message: '`fallback_model` is only used with on_failure `fallback`; on_failure is `skip`' },
    ]);
  });

  it('reports unknown keys and wrong shapes', () => {
    expect(normalizeEvaluateBlock({ evaluator: [] }).problems).toEqual([
      { path: ['evaluator'], message: 'unknown key `evaluator` in `evaluate` (did you mean `evaluators`?); accepted keys: evaluators, quality_gate, threshold, batch_threshold, on_failure, fallback_model, judge' },
    ]);
    expect(normalizeEvaluateBlock('all_pass').problems[0]!.path).toEqual([]);
    expect(normalizeEvaluateBlock({ evaluators: { type: 'semantic' } }).problems[0]).toEqual({
      path: ['evaluators'],
      message: '`evaluators` must be a list of evaluators, each with a `type`',
    });
    expect(normalizeEvaluateBlock({ evaluators: [{ type: 'semantic', inputs: 'output' }] }).problems[0]!.path).toEqual(['evaluators', 0, 'inputs']);
  });

  it('collects every problem in one pass', () => {
    const block = normalizeEvaluateBlock({
      evaluators: [{ type: 'groundedness' }, { type: 'regex', pattern: '(' }],
      quality_gate: 'weighted',
      on_failure: 'explode',
    });
    expect(block.problems.map((p) => p.path)).toEqual([['evaluators', 0], ['evaluators', 1, 'pattern'], ['quality_gate'], ['on_failure']]);
  });
});

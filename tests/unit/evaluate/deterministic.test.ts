import { describe, expect, it } from 'vitest';
import { runEvaluator } from '../../../src/evaluate/run-evaluator.js';
import { levenshteinSimilarity } from '../../../src/evaluate/evaluators/similarity.js';
import { measureLength } from '../../../src/evaluate/evaluators/length.js';
import type { EvaluationInput, EvaluatorSpec } from '../../../src/evaluate/types.js';
import { fakeLlm, rowOf, runtimeWith, specOf } from './fake-llm-service.js';

const llm = fakeLlm();
const runtime = runtimeWith(llm);
const run = (spec: EvaluatorSpec, row: EvaluationInput) => runEvaluator(spec, row, runtime);

describe('equals', () => {
  it('compares with options.value, trimming whitespace, case-sensitive by default', async () => {
    const spec = specOf('equals', { options: { value: 'positive' } });
    const good = await run(spec, rowOf('  positive\n'));
    expect(good).toMatchObject({ score: 1, passed: true, cost_usd: 0, evaluator: 'equals', type: 'equals', threshold: 1, weight: 1 });
    expect(good.explanation).toBe('output equals "positive"');
    const bad = await run(spec, rowOf('Positive'));
    expect(bad).toMatchObject({ score: 0, passed: false });
    expect(bad.explanation).toBe('output "Positive" does not equal "positive"');
    expect(bad.error).toBeUndefined();
  });

  it('ignores case with case_sensitive: false', async () => {
    const spec = specOf('equals', { options: { value: 'positive', case_sensitive: false } });
    expect((await run(spec, rowOf('POSITIVE'))).score).toBe(1);
  });

  it('compares a field of the output with a column of the input', async () => {
    const spec = specOf('equals', { inputs: { output: { from: 'output', field: 'label' }, reference: { from: 'input', column: 'gold' } } });
    expect((await run(spec, rowOf({ label: 'neg', confidence: 0.9 }, { gold: 'neg' }))).score).toBe(1);
    expect((await run(spec, rowOf({ label: 'pos', confidence: 0.9 }, { gold: 'neg' }))).score).toBe(0);
  });

  it('compares objects through stable JSON (key order does not matter)', async () => {
    const spec = specOf('equals', { options: { value: { b: 2, a: 1, c: 'x' } } });
    expect((await run(spec, rowOf({ a: 1, c: 'x', b: 2 }))).score).toBe(1);
    expect((await run(spec, rowOf({ a: 1, c: 'y', b: 2 }))).score).toBe(0);
  });

  it('fails with an error (no score) when the reference column is null for this row', async () => {
    const spec = specOf('equals', { inputs: { reference: { from: 'input', column: 'gold' } } });
    const result = await run(spec, rowOf('x', { gold: null }));
    expect(result).toMatchObject({ score: 0, passed: false, error: 'input `reference` (input.gold) has no value for this row' });
  });
});

describe('contains', () => {
  it('scores the share of values found and names the missing ones', async () => {
    const spec = specOf('contains', { options: { values: ['refund', 'apology', 'ticket'] } });
    const result = await run(spec, rowOf('We issued a refund and opened a Ticket.'));
    expect(result.score).toBeCloseTo(1 / 3, 10);
    expect(result.passed).toBe(false);
    expect(result.explanation).toBe('output contains 1 of 3 values; missing: "apology", "ticket"');
  });

  it('honours case_sensitive: false', async () => {
    const spec = specOf('contains', { options: { values: ['refund', 'ticket'], case_sensitive: false } });
    expect((await run(spec, rowOf('REFUND via TICKET'))).score).toBe(1);
  });

  it('accepts a single value', async () => {
    const spec = specOf('contains', { options: { value: 'thanks' } });
    expect((await run(spec, rowOf('many thanks'))).score).toBe(1);
    expect((await run(spec, rowOf('no gratitude'))).score).toBe(0);
  });
});

describe('regex', () => {
  it('scores 1 on a match and 0 otherwise', async () => {
    const spec = specOf('regex', { options: { pattern: '^[A-Z]{3}-\\d{4}$' } });
    expect((await run(spec, rowOf('ABC-1234'))).score).toBe(1);
    const bad = await run(spec, rowOf('abc-1234'));
    expect(bad.score).toBe(0);
    expect(bad.explanation).toBe('output "abc-1234" does not match /^[A-Z]{3}-\\d{4}$/');
  });

  it('applies flags', async () => {
    const spec = specOf('regex', { options: { pattern: '^abc', flags: 'i' } });
    expect((await run(spec, rowOf('ABCdef'))).score).toBe(1);
  });

  it('gives the same answer on every row even with the g flag', async () => {
    const spec = specOf('regex', { options: { pattern: 'a', flags: 'g' } });
    expect((await run(spec, rowOf('a'))).score).toBe(1);
    expect((await run(spec, rowOf('a'))).score).toBe(1);
  });

  it('turns an invalid pattern that slipped past compile into an error, not a throw', async () => {
    const result = await run(specOf('regex', { options: { pattern: '(' } }), rowOf('x'));
    expect(result.passed).toBe(false);
    expect(result.error).toMatch(/^invalid regular expression: /);
  });
});

describe('accepted_values', () => {
  const spec = specOf('accepted_values', { inputs: { output: { from: 'output', field: 'sentiment' } }, options: { values: ['positive', 'negative', 'neutral'] } });

  it('accepts a listed value', async () => {
    expect((await run(spec, rowOf({ sentiment: 'neutral ' }))).score).toBe(1);
  });

  it('rejects an unlisted value and lists the accepted ones', async () => {
    const result = await run(spec, rowOf({ sentiment: 'mixed' }));
    expect(result.score).toBe(0);
    expect(result.explanation).toBe('output "mixed" is not one of positive, negative, neutral');
  });

  it('matches numbers by their text', async () => {
    const stars = specOf('accepted_values', { options: { values: [1, 2, 3] } });
    expect((await run(stars, rowOf(2))).score).toBe(1);
    expect((await run(stars, rowOf(4))).score).toBe(0);
  });

  it('errors when the output field is missing from the answer', async () => {
    const result = await run(spec, rowOf({ label: 'positive' }));
    expect(result.error).toBe('input `output` (output.sentiment) has no value for this row');
  });
});

describe('json_schema', () => {
  const schema = { type: 'object', properties: { score: { type: 'number', maximum: 5 }, email: { type: 'string', format: 'email' } }, required: ['score'] };

  it('validates the parsed output value', async () => {
    expect((await run(specOf('json_schema', { options: { schema } }), rowOf({ score: 3, email: 'a@b.io' }))).score).toBe(1);
  });

  it('explains the first errors', async () => {
    const result = await run(specOf('json_schema', { options: { schema } }), rowOf({ score: 9, email: 'nope' }));
    expect(result.score).toBe(0);
    expect(result.explanation).toBe('output is not valid against the schema: /score must be <= 5; /email must match format "email"');
  });

  it('reports a missing required property', async () => {
    const result = await run(specOf('json_schema', { options: { schema } }), rowOf({}));
    expect(result.explanation).toBe("output is not valid against the schema: (root) must have required property 'score'");
  });
});

describe('length', () => {
  it('counts characters as code points and checks min and max inclusively', async () => {
    const spec = specOf('length', { options: { min: 2, max: 5 } });
    expect((await run(spec, rowOf('héllo'))).score).toBe(1);
    expect((await run(spec, rowOf('ab'))).score).toBe(1);
    const long = await run(spec, rowOf('too long'));
    expect(long.score).toBe(0);
    expect(long.explanation).toBe('output is 8 characters, above the maximum of 5');
    expect((await run(spec, rowOf('a'))).explanation).toBe('output is 1 characters, below the minimum of 2');
  });

  it('counts words with unit: words', async () => {
    const spec = specOf('length', { options: { max: 3, unit: 'words' } });
    expect((await run(spec, rowOf('  one two   three '))).score).toBe(1);
    expect((await run(spec, rowOf('one two three four'))).score).toBe(0);
  });

  it('measureLength counts an emoji once', () => {
    expect(measureLength('a👍b', 'characters')).toBe(3);
    expect(measureLength('', 'words')).toBe(0);
  });
});

describe('range', () => {
  const spec = specOf('range', { inputs: { output: { from: 'output', field: 'confidence' } }, options: { min: 0, max: 1 } });

  it('accepts numbers and numeric strings within the bounds', async () => {
    expect((await run(spec, rowOf({ confidence: 1 }))).score).toBe(1);
    expect((await run(spec, rowOf({ confidence: '0.25' }))).score).toBe(1);
  });

  it('rejects numbers outside the bounds', async () => {
    const result = await run(spec, rowOf({ confidence: 1.5 }));
    expect(result.score).toBe(0);
    expect(result.explanation).toBe('output 1.5 is above the maximum of 1');
  });

  it('rejects non-numbers without an error', async () => {
    const result = await run(spec, rowOf({ confidence: 'high' }));
    expect(result).toMatchObject({ score: 0, explanation: 'output "high" is not a number' });
    expect(result.error).toBeUndefined();
    expect((await run(spec, rowOf({ confidence: true }))).score).toBe(0);
  });
});

describe('similarity', () => {
  it('is 1 - normalized Levenshtein distance', () => {
    expect(levenshteinSimilarity('kitten', 'sitting')).toBeCloseTo(1 - 3 / 7, 12);
    expect(levenshteinSimilarity('', '')).toBe(1);
    expect(levenshteinSimilarity('abc', '')).toBe(0);
  });

  it('scores output against the reference input', async () => {
    const spec = specOf('similarity', { inputs: { reference: { from: 'input', column: 'expected' } } });
    const close = await run(spec, rowOf('kitten', { expected: 'sitting' }));
    expect(close.score).toBeCloseTo(4 / 7, 12);
    expect(close.passed).toBe(false); // default threshold 0.8
    expect(close.explanation).toBe('edit-distance similarity 0.571 (3 edits over 7 characters)');
    expect((await run(spec, rowOf('sitting ', { expected: 'sitting' }))).score).toBe(1);
  });

  it('uses options.value when given', async () => {
    const spec = specOf('similarity', { options: { value: 'Hello', case_sensitive: false }, threshold: 0.8 });
    const result = await run(spec, rowOf('hello!'));
    expect(result.score).toBeCloseTo(5 / 6, 12);
    expect(result.passed).toBe(true);
  });
});

describe('deterministic evaluators never touch the LLM', () => {
  it('made no calls', () => {
    expect(llm.completeCalls).toHaveLength(0);
    expect(llm.embedCalls).toHaveLength(0);
  });
});

import { describe, expect, it } from 'vitest';
import { formatInputBinding, parseInputBinding, resolveInput } from '../../../src/evaluate-spec/input-binding.js';
import { documentsText, inputRowText, quote, stableJson, toText } from '../../../src/evaluate-spec/text.js';
import { rowOf } from './fake-llm-service.js';

const row = rowOf({ sentiment: 'positive', details: { reason: 'fast', tags: ['a', 'b'] }, 'weird.key': 1 }, { review_id: 7, review_text: 'Great', meta: null }, 'PROMPT');

describe('resolveInput', () => {
  it('reads the whole output, fields, nested paths and dotted keys', () => {
    expect(resolveInput({ from: 'output' }, row)).toBe(row.output);
    expect(resolveInput({ from: 'output', field: 'sentiment' }, row)).toBe('positive');
    expect(resolveInput({ from: 'output', field: 'details.reason' }, row)).toBe('fast');
    expect(resolveInput({ from: 'output', field: 'details.tags.1' }, row)).toBe('b');
    expect(resolveInput({ from: 'output', field: 'weird.key' }, row)).toBe(1);
    expect(resolveInput({ from: 'output', field: 'missing' }, row)).toBeUndefined();
    expect(resolveInput({ from: 'output', field: 'x' }, rowOf('free text'))).toBeUndefined();
  });

  it('reads input columns, the whole row, the prompt and literals', () => {
    expect(resolveInput({ from: 'input', column: 'review_text' }, row)).toBe('Great');
    expect(resolveInput({ from: 'input', column: 'meta' }, row)).toBeNull();
    expect(resolveInput({ from: 'input_row' }, row)).toBe('review_id: 7\nreview_text: Great\nmeta: ');
    expect(resolveInput({ from: 'prompt' }, row)).toBe('PROMPT');
    expect(resolveInput({ from: 'literal', value: [1, 2] }, row)).toEqual([1, 2]);
  });
});

describe('parseInputBinding', () => {
  it('parses each form', () => {
    expect(parseInputBinding('output')).toEqual({ binding: { from: 'output' } });
    expect(parseInputBinding(' output.summary ')).toEqual({ binding: { from: 'output', field: 'summary' } });
    expect(parseInputBinding('input.review_text')).toEqual({ binding: { from: 'input', column: 'review_text' } });
    expect(parseInputBinding('input')).toEqual({ binding: { from: 'input_row' } });
    expect(parseInputBinding('prompt')).toEqual({ binding: { from: 'prompt' } });
    expect(parseInputBinding({ value: 'gold' })).toEqual({ binding: { from: 'literal', value: 'gold' } });
  });

  it('explains what is wrong', () => {
    expect(parseInputBinding('output.')).toEqual({ problem: '`output.` names no field; write `output.<name>` or `output`' });
    expect(parseInputBinding('inputs.text')).toEqual({
      problem: '`inputs.text` is not an input binding (did you mean `input`?); use `output`, `output.<field>`, `input`, `input.<column>`, `prompt` or `{ value: <literal> }`',
    });
    expect(parseInputBinding({ column: 'x' })).toEqual({ problem: 'an input given as a mapping must be `{ value: <literal> }`; got keys `column`' });
    expect(parseInputBinding(3)).toEqual({ problem: 'an input must be `output`, `output.<field>`, `input`, `input.<column>`, `prompt` or `{ value: <literal> }`; got a number' });
  });

  it('formats bindings back to their YAML form', () => {
    for (const text of ['output', 'output.summary', 'input', 'input.review_text', 'prompt']) {
      const parsed = parseInputBinding(text);
      expect('binding' in parsed && formatInputBinding(parsed.binding)).toBe(text);
    }
  });
});

describe('text conversion', () => {
  it('toText: strings as is, single text field unwrapped, other objects as stable JSON', () => {
    expect(toText('hi')).toBe('hi');
    expect(toText(null)).toBe('');
    expect(toText(undefined)).toBe('');
    expect(toText(0.5)).toBe('0.5');
    expect(toText(false)).toBe('false');
    expect(toText({ summary: 'short' })).toBe('short');
    expect(toText({ score: 3 })).toBe('{"score":3}');
    expect(toText({ b: 1, a: { d: 2, c: 3 } })).toBe('{"a":{"c":3,"d":2},"b":1}');
    expect(toText(['x', 'y'])).toBe('["x","y"]');
  });

  it('stableJson ignores key order', () => {
    expect(stableJson({ a: 1, b: [{ y: 1, x: 2 }] })).toBe(stableJson({ b: [{ x: 2, y: 1 }], a: 1 }));
  });

  it('inputRowText and documentsText', () => {
    expect(inputRowText({ id: 1, tags: ['a'] })).toBe('id: 1\ntags: ["a"]');
    expect(documentsText(['one', 'two'])).toBe('[1] one\n\n[2] two');
    expect(documentsText('single')).toBe('single');
  });

  it('quote shortens long text', () => {
    expect(quote('a\n b')).toBe('"a b"');
    expect(quote('x'.repeat(100), 10)).toBe(`"${'x'.repeat(9)}…"`);
  });
});

import { describe, expect, it } from 'vitest';
import { outputValidator, parseAnswer } from '../../../src/exec/answer.js';

const schema = () => ({
  type: 'object',
  properties: { sentiment: { enum: ['positive', 'negative'] }, confidence: { type: 'number', minimum: 0, maximum: 1 } },
  required: ['sentiment', 'confidence'],
});

describe('outputValidator', () => {
  it('compiles each distinct schema once and hands the same validator to every node that has it', () => {
    const a = outputValidator(schema());
    const b = outputValidator(schema());
    expect(a).not.toBeNull();
    expect(b).toBe(a);
    expect(outputValidator({ ...schema(), required: ['sentiment'] })).not.toBe(a);
    expect(outputValidator(null)).toBeNull();
  });

  it('compiles two nodes whose equal schemas carry the same $id (ajv refuses to add one $id twice)', () => {
    const withId = () => ({ $id: 'https://example.com/answer.json', ...schema() });
    expect(() => {
      outputValidator(withId());
      outputValidator(withId());
    }).not.toThrow();
  });

  it('compiles two different schemas that carry the same $id, each judging by its own', () => {
    const first = outputValidator({ $id: 'https://example.com/row.json', type: 'object', required: ['a'] });
    const second = outputValidator({ $id: 'https://example.com/row.json', type: 'object', required: ['b'] });
    expect(first!({ a: 1 })).toBe(true);
    expect(first!({ b: 1 })).toBe(false);
    expect(second!({ b: 1 })).toBe(true);
    expect(second!({ a: 1 })).toBe(false);
  });

  it('still judges answers by the schema, formats included', () => {
    const validate = outputValidator(schema());
    expect(parseAnswer('{"sentiment":"positive","confidence":0.5}', validate)).toEqual({ ok: true, value: { sentiment: 'positive', confidence: 0.5 } });
    const wrong = parseAnswer('{"sentiment":"meh","confidence":2}', validate);
    expect(wrong.ok).toBe(false);
    expect(!wrong.ok && wrong.error).toMatch(/\/sentiment must be equal to one of the allowed values \(positive, negative\)/);
    expect(!wrong.ok && wrong.error).toMatch(/\/confidence must be <= 1/);
    const dated = outputValidator({ type: 'object', properties: { day: { type: 'string', format: 'date' } } });
    expect(parseAnswer('{"day":"2026-11-25"}', dated).ok).toBe(true);
    expect(parseAnswer('{"day":"yesterday"}', dated).ok).toBe(false);
  });
});

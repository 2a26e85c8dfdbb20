import jsyaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { normalizeEvaluateBlock } from '../../../src/evaluate-spec/normalize-block.js';
import { EVALUATOR_TYPES } from '../../../src/evaluate-spec/registry.js';
import { EVALUATE_BLOCK_EXAMPLE, EVALUATOR_EXAMPLES, evaluateExampleNotes } from '../../../src/schemas/evaluate-examples.js';
import { validator } from '../../../src/schemas/registry.js';

describe('the accepted shapes shown under evaluate errors', () => {
  it('there is one two-line example for every evaluator type, and no other', () => {
    expect(Object.keys(EVALUATOR_EXAMPLES).sort()).toEqual([...EVALUATOR_TYPES].sort());
    for (const lines of Object.values(EVALUATOR_EXAMPLES)) expect(lines).toHaveLength(2);
  });

  it.each(EVALUATOR_TYPES)('the %s example is accepted as written, by the schema and by the evaluate checks', (type) => {
    const evaluators = jsyaml.load(EVALUATOR_EXAMPLES[type].join('\n')) as Record<string, unknown>[];
    expect(evaluators[0].type).toBe(type);
    const block = { evaluators };
    expect(validator('evaluate')(block)).toBe(true);
    expect(normalizeEvaluateBlock(block).problems).toEqual([]);
  });

  it('the block example is accepted as written', () => {
    const { evaluate } = jsyaml.load(EVALUATE_BLOCK_EXAMPLE.join('\n')) as { evaluate: unknown };
    expect(validator('evaluate')(evaluate)).toBe(true);
    expect(normalizeEvaluateBlock(evaluate).problems).toEqual([]);
  });

  it('a problem in an evaluator shows its type, the nearest type when misspelt, the block otherwise', () => {
    const block = { evaluators: [{ type: 'regex' }, { type: 'groundednes' }, { type: 'zzz' }], quality_gate: 'x' };
    expect(evaluateExampleNotes(block, ['evaluators', 0, 'pattern']).slice(1)).toEqual([...EVALUATOR_EXAMPLES.regex]);
    expect(evaluateExampleNotes(block, ['evaluators', 1, 'type']).slice(1)).toEqual([...EVALUATOR_EXAMPLES.groundedness]);
    expect(evaluateExampleNotes(block, ['evaluators', 2, 'type']).slice(1)).toEqual([...EVALUATOR_EXAMPLES.accepted_values]);
    expect(evaluateExampleNotes(block, ['quality_gate']).slice(1)).toEqual([...EVALUATE_BLOCK_EXAMPLE]);
  });
});

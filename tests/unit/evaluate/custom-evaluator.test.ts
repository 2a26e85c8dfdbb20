import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEvaluator } from '../../../src/evaluate/run-evaluator.js';
import { validateEvaluatorSpec } from '../../../src/evaluate-spec/validate-spec.js';
import { fakeLlm, rowOf, runtimeWith, specOf } from './fake-llm-service.js';

let projectDir: string;

beforeAll(() => {
  projectDir = mkdtempSync(join(tmpdir(), 'loom-custom-eval-'));
  mkdirSync(join(projectDir, 'evaluators'));
  const files: Record<string, string> = {
    'evaluators/word_overlap.mjs': `
      export default function ({ output, reference }) {
        const a = new Set(String(output).toLowerCase().split(/\\s+/));
        const b = String(reference).toLowerCase().split(/\\s+/);
        return b.filter((w) => a.has(w)).length / b.length;
      }`,
    'evaluators/explained.mjs': `
      export async function check({ output, input, row_key, options, prompt }) {
        await new Promise((r) => setTimeout(r, 1));
        return { score: output.stars === input.expected_stars ? 1 : 0.25, explanation: row_key + ':' + options.label + ':' + prompt };
      }`,
    'evaluators/boolean.cjs': `module.exports = ({ output }) => output.length > 3;`,
    'evaluators/throws.mjs': `export default () => { throw new Error('lookup table missing'); };`,
    'evaluators/out_of_range.mjs': `export default () => 1.5;`,
    'evaluators/not_a_number.mjs': `export default () => 'great';`,
    'evaluators/syntax_error.mjs': `export default ( => 1;`,
    'evaluators/typed.ts': `
      interface Args { output: string; options: { min_words: number } }
      type Score = { score: number; explanation: string };
      export default function score({ output, options }: Args): Score {
        const words: number = String(output).split(/\\s+/).length;
        return { score: words >= options.min_words ? 1 : 0, explanation: words + ' words' };
      }`,
  };
  for (const [path, text] of Object.entries(files)) writeFileSync(join(projectDir, path), text);
});

afterAll(() => rmSync(projectDir, { recursive: true, force: true }));

const runtime = () => runtimeWith(fakeLlm(), { project_dir: projectDir });

describe('custom evaluator', () => {
  it('calls the default export with output and reference and uses the number it returns', async () => {
    const spec = specOf('custom', { inputs: { reference: { from: 'input', column: 'gold' } }, options: { module: 'evaluators/word_overlap.mjs' } });
    const result = await runEvaluator(spec, rowOf('the cat sat', { gold: 'the cat ran away' }), runtime());
    expect(result.score).toBe(0.5);
    expect(result.passed).toBe(true); // default threshold 0.5
    expect(result.explanation).toBe('default() returned 0.5');
  });

  it('calls a named async export and keeps its explanation; passes input, row_key, prompt and options', async () => {
    const spec = specOf('custom', { options: { module: 'evaluators/explained.mjs', export: 'check', label: 'L' } });
    const result = await runEvaluator(spec, { output: { stars: 4 }, input: { expected_stars: 5 }, prompt: 'P', row_key: 'r9' }, runtime());
    expect(result.score).toBe(0.25);
    expect(result.explanation).toBe('r9:L:P');
  });

  it('loads CommonJS and maps a boolean answer to 1 or 0', async () => {
    const spec = specOf('custom', { options: { module: 'evaluators/boolean.cjs' } });
    expect((await runEvaluator(spec, rowOf('long enough'), runtime())).score).toBe(1);
    expect((await runEvaluator(spec, rowOf('no'), runtime())).score).toBe(0);
  });

  it('turns a throwing function into an error result', async () => {
    const spec = specOf('custom', { options: { module: 'evaluators/throws.mjs' } });
    const result = await runEvaluator(spec, rowOf('x'), runtime());
    expect(result).toMatchObject({ score: 0, passed: false, error: 'default() in evaluators/throws.mjs threw: lookup table missing' });
  });

  it('refuses scores outside [0, 1] and non-numbers', async () => {
    const high = await runEvaluator(specOf('custom', { options: { module: 'evaluators/out_of_range.mjs' } }), rowOf('x'), runtime());
    expect(high.error).toBe('default() in evaluators/out_of_range.mjs returned 1.5; expected a score in [0, 1], a boolean, or { score, explanation }');
    const text = await runEvaluator(specOf('custom', { options: { module: 'evaluators/not_a_number.mjs' } }), rowOf('x'), runtime());
    expect(text.error).toMatch(/returned "great"; expected a score in \[0, 1\]/);
  });

  it('reports a missing export with the function exports it found', async () => {
    const spec = specOf('custom', { options: { module: 'evaluators/explained.mjs', export: 'score' } });
    const result = await runEvaluator(spec, rowOf('x'), runtime());
    expect(result.error).toBe('module evaluators/explained.mjs has no function export `score` (function exports: check)');
  });

  it('reports a module that does not exist or does not parse', async () => {
    const missing = await runEvaluator(specOf('custom', { options: { module: 'evaluators/nope.mjs' } }), rowOf('x'), runtime());
    expect(missing.error).toMatch(/^cannot load module evaluators\/nope\.mjs: /);
    const broken = await runEvaluator(specOf('custom', { options: { module: 'evaluators/syntax_error.mjs' } }), rowOf('x'), runtime());
    expect(broken.error).toMatch(/^cannot load module evaluators\/syntax_error\.mjs: /);
  });

  it('loads a TypeScript module (types stripped) and passes it its own options', async () => {
    const spec = specOf('custom', { options: { module: 'evaluators/typed.ts', min_words: 3 } });
    expect(validateEvaluatorSpec(spec)).toEqual([]);
    const long = await runEvaluator(spec, rowOf('three whole words'), runtime());
    expect(long).toMatchObject({ score: 1, passed: true, explanation: '3 words' });
    const short = await runEvaluator(spec, rowOf('two words'), runtime());
    expect(short).toMatchObject({ score: 0, passed: false, explanation: '2 words' });
  });
});

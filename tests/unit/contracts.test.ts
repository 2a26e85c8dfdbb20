import { afterAll, describe, expect, expectTypeOf, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import type { LlmConfigInput } from '../../src/config/types.js';
import { DEFAULT_BATCH_SIZE, DEFAULT_WAREHOUSE_MEMORY_LIMIT } from '../../src/contracts/defaults.js';
import type { LlmParams } from '../../src/contracts/llm.js';
import type { ResolvedLlmConfig } from '../../src/contracts/manifest.js';
import type { EvaluatorStats } from '../../src/contracts/run-results.js';
import type { EvaluatorType } from '../../src/contracts/evaluate.js';
import type { ScoreSummary } from '../../src/evaluate/types.js';
import { DEFAULT_MEMORY_LIMIT } from '../../src/warehouse/warehouse.js';
import { projectFrom, removeTempProjects } from '../support/fixture-projects.js';

afterAll(removeTempProjects);

describe('shared defaults', () => {
  it('the config and the warehouse read one memory limit and one batch size', () => {
    const { config } = loadConfig(projectFrom({ 'loom_project.yml': 'name: minimal\n' }));
    expect(config!.warehouseMemoryLimit).toBe(DEFAULT_WAREHOUSE_MEMORY_LIMIT);
    expect(DEFAULT_MEMORY_LIMIT).toBe(DEFAULT_WAREHOUSE_MEMORY_LIMIT);
    expect(config!.defaults.batch_size).toBe(DEFAULT_BATCH_SIZE);
  });
});

// Checked by `npm run typecheck`: each concept is one type, the others derived from it.
describe('one type per concept', () => {
  it('LLM parameters: the resolved config extends the request parameters; the YAML input is its Partial', () => {
    expectTypeOf<ResolvedLlmConfig>().toExtend<LlmParams>();
    expectTypeOf<LlmConfigInput>().toEqualTypeOf<Partial<ResolvedLlmConfig>>();
  });

  it('evaluator statistics: a score summary is the run-result statistics plus the evaluator type', () => {
    expectTypeOf<ScoreSummary>().toExtend<EvaluatorStats>();
    expectTypeOf<keyof ScoreSummary>().toEqualTypeOf<keyof EvaluatorStats | 'type'>();
    expectTypeOf<ScoreSummary['type']>().toEqualTypeOf<EvaluatorType>();
  });
});

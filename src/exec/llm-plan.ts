import type { ManifestNode } from '../contracts/manifest.js';
import { normalizeEvaluateBlock } from '../evaluate-spec/normalize-block.js';
import type { EvaluateBlock } from '../evaluate/types.js';
import { targetModel } from '../graph/llm-config.js';
import type { BudgetScope, LlmService } from '../llm/service-types.js';
import type { LlmParams } from '../llm/types.js';
import { outputValidator } from './answer.js';
import { inputTokenLimit } from './context-window.js';
import type { RowPlan } from './llm-row.js';
import { promptRenderer, type PromptRenderer } from './prompt-renderer.js';
import type { RunContext } from './types.js';

/** The node's evaluate block with defaults, its fallback model as the target serves it; null without one. */
export function evaluateBlock(node: ManifestNode, ctx: RunContext): EvaluateBlock | null {
  const evaluate = node.config.evaluate ? normalizeEvaluateBlock(node.config.evaluate) : null;
  if (evaluate?.fallback_model) evaluate.fallback_model = targetModel(ctx.config, evaluate.fallback_model);
  return evaluate;
}

/**
 * Loads ajv and compiles the node's output validator (~80 ms of CPU): called once the first requests are out,
 * it runs while they wait for their answers instead of holding the first answers back. Never throws;
 * the plan's `validate` meets any problem itself.
 */
export function warmUpRowPlan(node: ManifestNode): void {
  try {
    outputValidator(node.output_schema);
  } catch {
    // reported where the validator is used
  }
}

/** Everything fixed while one llm node's rows are processed: the request parameters, renderer, validator, judges. */
export function rowPlan(
  node: ManifestNode,
  ctx: RunContext,
  parts: { llm: LlmService; evaluate: EvaluateBlock | null; budgets: BudgetScope[] },
): RowPlan {
  const llmConfig = node.config.llm!;
  const params: LlmParams = { model: llmConfig.model };
  for (const key of ['temperature', 'max_tokens', 'top_p', 'seed', 'extra'] as const) {
    if (llmConfig[key] !== undefined) (params as unknown as Record<string, unknown>)[key] = llmConfig[key];
  }
  const judgeRaw = { ...ctx.config.defaults.judge, ...((node.config.evaluate?.judge as object | undefined) ?? {}) } as Partial<LlmParams> &
    Record<string, unknown>;
  // Compiled once rows are sent (warmUpRowPlan), else on the first answer: an unchanged re-run, which asks
  // nothing, never pays for ajv.
  let validator: ReturnType<typeof outputValidator> | undefined;
  // Built with the first row: a node with nothing to send never loads nunjucks or compiles its prompt.
  let renderer: PromptRenderer | undefined;
  return {
    runId: ctx.runId,
    nodeId: node.unique_id,
    llm: parts.llm,
    get renderer() {
      return (renderer ??= promptRenderer(node, ctx.manifest, ctx.config, process.env));
    },
    params,
    fallbackModels: llmConfig.fallback_models,
    outputSchema: node.output_schema,
    schemaName: node.name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64),
    get validate() {
      return (validator ??= outputValidator(node.output_schema));
    },
    evaluate: parts.evaluate,
    judge: judgeParams(judgeRaw, llmConfig.model, ctx.config),
    embeddingModel: targetModel(ctx.config, ctx.config.defaults.embedding_model),
    projectDir: ctx.config.projectDir,
    budgets: parts.budgets,
    readCache: ctx.flags.readCache,
    ...(llmConfig.timeout_ms !== undefined ? { timeoutMs: llmConfig.timeout_ms } : {}),
    inputLimit: inputTokenLimit(llmConfig.model, llmConfig.max_input_tokens),
  };
}

/** The judge's parameters: every LLM setting of defaults.judge / evaluate.judge, else the model's own model at temperature 0. */
function judgeParams(raw: Partial<LlmParams> & Record<string, unknown>, model: string, config: RunContext['config']): LlmParams {
  const params: LlmParams = { model: typeof raw.model === 'string' ? targetModel(config, raw.model) : model, temperature: raw.temperature ?? 0 };
  for (const key of ['max_tokens', 'top_p', 'seed', 'extra'] as const) {
    if (raw[key] !== undefined) (params as unknown as Record<string, unknown>)[key] = raw[key];
  }
  return params;
}

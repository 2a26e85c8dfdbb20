import type { ResolvedLlmConfig } from '../contracts/manifest.js';
import type { LlmConfigInput, ResolvedConfig } from '../config/types.js';

/** The model the current target serves for `model` (its `model_map`), else `model` itself. */
export function targetModel(config: ResolvedConfig, model: string): string {
  return config.target.modelMap[model] ?? model;
}

/**
 * A model's LLM settings: defaults.llm, then the target's llm, then the model's own `llm:`; the target's
 * `provider` (e.g. dev → offline) overrides them all, because a target decides whether the network is used.
 * Returns null when no layer names a model.
 */
export function resolveLlmConfig(config: ResolvedConfig, own: LlmConfigInput | undefined): ResolvedLlmConfig | null {
  const merged: LlmConfigInput = { ...config.defaults.llm, ...config.target.llm, ...(own ?? {}) };
  if (!merged.model) return null;
  const out: ResolvedLlmConfig = {
    provider: config.target.provider ?? merged.provider ?? 'openai',
    model: targetModel(config, merged.model),
    fallback_models: (merged.fallback_models ?? []).map((m) => targetModel(config, m)),
  };
  if (merged.temperature !== undefined) out.temperature = merged.temperature;
  if (merged.max_tokens !== undefined) out.max_tokens = merged.max_tokens;
  if (merged.top_p !== undefined) out.top_p = merged.top_p;
  if (merged.seed !== undefined) out.seed = merged.seed;
  if (merged.extra !== undefined) out.extra = { ...merged.extra };
  if (merged.timeout_ms !== undefined) out.timeout_ms = merged.timeout_ms;
  if (merged.max_input_tokens !== undefined) out.max_input_tokens = merged.max_input_tokens;
  return out;
}

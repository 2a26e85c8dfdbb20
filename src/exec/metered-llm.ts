import type { CallContext, CompleteOptions, LlmService } from '../llm/service-types.js';
import { LlmError, type CompletionRequest, type EmbeddingRequest, type Stage } from '../llm/types.js';

/** What one node's calls cost, split by stage. */
export interface NodeLlmStats {
  requests: number;
  cache_hits: number;
  tokens_in: number;
  tokens_out: number;
  cost: Record<Stage, number>;
  unpriced: Set<string>;
}

/**
 * The run's LlmService seen through one node: every outcome (transform, repair, judges, embeddings) is counted
 * against that node, so per-node figures stay right when several nodes run at once.
 */
export function meteredLlm(llm: LlmService): { llm: LlmService; stats: NodeLlmStats } {
  const stats: NodeLlmStats = { requests: 0, cache_hits: 0, tokens_in: 0, tokens_out: 0, cost: { transform: 0, evaluate: 0, repair: 0 }, unpriced: new Set() };
  const count = (stage: Stage, o: { cached: boolean; attempts: number; cost_usd: number | null; response: { usage: { input: number; output: number } } }, model: string) => {
    if (o.cached) {
      stats.cache_hits++;
      return;
    }
    stats.requests += o.attempts;
    stats.tokens_in += o.response.usage.input;
    stats.tokens_out += o.response.usage.output;
    if (o.cost_usd === null) stats.unpriced.add(model);
    else stats.cost[stage] += o.cost_usd;
  };
  // A call that failed still sent its attempts: they are requests (and in loom.llm_calls) like any other.
  const countFailed = (error: unknown): never => {
    if (error instanceof LlmError && error.attempts) stats.requests += error.attempts;
    throw error;
  };
  const metered: LlmService = {
    get offline() {
      return llm.offline;
    },
    async complete(request: CompletionRequest, context: CallContext, options?: CompleteOptions) {
      const outcome = await llm.complete(request, context, options).catch(countFailed);
      count(context.stage, outcome, outcome.model);
      return outcome;
    },
    async embed(request: EmbeddingRequest, context: CallContext, options?: CompleteOptions) {
      const outcome = await llm.embed(request, context, options).catch(countFailed);
      count(context.stage, outcome, outcome.response.model);
      return outcome;
    },
    prefetch: (requests, options) => llm.prefetch(requests, options),
    flush: () => llm.flush(),
    stats: () => llm.stats(),
  };
  return { llm: metered, stats };
}

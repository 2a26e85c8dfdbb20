/** The LLM layer: providers, the caching/limiting/retrying `LlmService`, pricing, budgets, journals. */
import { OfflineProvider } from './offline-provider.js';
import { OpenAIProvider, type OpenAIProviderOptions } from './openai-provider.js';
import type { Provider, ProviderSettings } from './types.js';

export const PROVIDER_NAMES = ['openai', 'offline'] as const;

/** The provider named by `settings.provider`; throws for unknown names, listing the accepted ones. */
export function createProvider(settings: ProviderSettings, options: OpenAIProviderOptions = {}): Provider {
  switch (settings.provider) {
    case 'openai':
      return new OpenAIProvider(settings, options);
    case 'offline':
      return new OfflineProvider();
    default:
      throw new Error(
        `Unknown LLM provider "${settings.provider}". Accepted: ${PROVIDER_NAMES.join(', ')} ` +
          `(use "openai" with base_url for any OpenAI-compatible server: Azure, OpenRouter, Ollama, vLLM, llama.cpp, LM Studio).`,
      );
  }
}

export * from './types.js';
export type * from './service-types.js';
export { createLlmService, type LlmServiceOptions, type LoomLlmService } from './service.js';
export { OpenAIProvider, createOpenAIProvider, resolveOpenAICredentials, PLACEHOLDER_API_KEY, type OpenAIProviderOptions } from './openai-provider.js';
export { OfflineProvider, createOfflineProvider } from './offline-provider.js';
export { Budget, createBudget } from './budget.js';
export { Limiter, type LimiterSettings } from './limiter.js';
export { withRetry, backoffDelayMs, type RetryPolicy, type AttemptReport } from './retry.js';
export { createPricing, loadShippedPrices, parsePriceTable, costFromPrice, priceLookupNames, type Pricing, type PriceTable } from './pricing.js';
export { completionCacheKey, embeddingCacheKey, canonicalJson } from './cache-key.js';
export { replayJournals, type ReplayResult } from './journal.js';
export { preloadDirectTransport } from './openai-direct.js';
export { countTokens, countChatTokens, estimateTokensCheap, estimateChatTokensCheap } from './tokens.js';
export { answerForSchema, answerText } from './schema-answer.js';
export { seedFromMessages } from './answer-seed.js';
export { embedText, cosineSimilarity } from './text-embedding.js';
export { parseRetryAfterMs } from './retry-after.js';

/**
 * The provider that needs no key and no network: deterministic placeholder answers (schema-valid when a
 * schema is given) derived from a hash of the messages, bag-of-words embeddings, zero cost.
 */
import { seedFromMessages } from './answer-seed.js';
import { answerForSchema, answerText } from './schema-answer.js';
import { embedText } from './text-embedding.js';
import { estimateTokensCheap } from './tokens.js';
import {
  type CallOptions,
  type CompletionRequest,
  type CompletionResponse,
  type EmbeddingRequest,
  type EmbeddingResponse,
  LlmError,
  type Provider,
} from './types.js';

export interface OfflineProviderOptions {
  /** Vector size of offline embeddings (default 64). */
  embeddingDims?: number;
}

export class OfflineProvider implements Provider {
  readonly name = 'offline';
  readonly offline = true;
  private readonly dims: number;

  constructor(options: OfflineProviderOptions = {}) {
    this.dims = options.embeddingDims ?? 64;
  }

  async complete(request: CompletionRequest, options: CallOptions): Promise<CompletionResponse> {
    if (options.signal?.aborted) throw new LlmError('aborted', 'The request was aborted.');
    const seed = seedFromMessages(request.messages);
    const content = request.output_schema
      ? JSON.stringify(answerForSchema(request.output_schema, seed))
      : answerText(seed);
    let input = 0;
    for (const m of request.messages) input += estimateTokensCheap(m.content) + 3;
    return {
      content,
      model: request.params.model,
      usage: { input, output: estimateTokensCheap(content), cached_input: 0 },
      finish_reason: 'stop',
    };
  }

  async embed(request: EmbeddingRequest, options: CallOptions): Promise<EmbeddingResponse> {
    if (options.signal?.aborted) throw new LlmError('aborted', 'The request was aborted.');
    let input = 0;
    const vectors = request.input.map((text) => {
      input += estimateTokensCheap(text);
      return embedText(text, this.dims);
    });
    return { vectors, model: request.model, usage: { input, output: 0, cached_input: 0 } };
  }
}

export function createOfflineProvider(options?: OfflineProviderOptions): OfflineProvider {
  return new OfflineProvider(options);
}

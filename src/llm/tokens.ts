/**
 * Token counts for rate limits (TPM) and budget estimates. The real tokenizer (gpt-tokenizer, ~30 MB) is
 * loaded only when something needs precise counts; everything else uses a chars/4 estimate.
 */
import type { ChatMessage } from './types.js';

export type TokenCounter = (text: string) => number;

/** Tokens the chat format adds per message and per reply (OpenAI's documented overhead). */
const PER_MESSAGE = 3;
const PER_REPLY = 3;

/** ~4 characters per token for English text; never 0 for non-empty text. */
export function estimateTokensCheap(text: string): number {
  return text.length === 0 ? 0 : Math.ceil(text.length / 4);
}

export function estimateChatTokensCheap(messages: readonly ChatMessage[]): number {
  let total = PER_REPLY;
  for (const m of messages) total += PER_MESSAGE + estimateTokensCheap(m.content);
  return total;
}

type Encoding = 'o200k_base' | 'cl100k_base';
const loaded = new Map<Encoding, Promise<TokenCounter>>();
const ready = new Map<Encoding, TokenCounter>();

/** Which BPE a model uses: cl100k for GPT-4/3.5-era and embedding models, o200k for the rest. */
export function encodingForModel(model: string): Encoding {
  const m = model.toLowerCase().replace(/^.*\//, '');
  if (m.startsWith('gpt-4o') || m.startsWith('gpt-4.1') || m.startsWith('gpt-4.5')) return 'o200k_base';
  if (m.startsWith('gpt-4') || m.startsWith('gpt-3.5') || m.startsWith('text-embedding') || m.includes('ada-002')) return 'cl100k_base';
  return 'o200k_base';
}

/** Loads the tokenizer for `model` (once) and returns an exact counter. */
export function loadTokenCounter(model: string): Promise<TokenCounter> {
  const encoding = encodingForModel(model);
  let promise = loaded.get(encoding);
  if (!promise) {
    promise = (encoding === 'cl100k_base'
      ? import('gpt-tokenizer/encoding/cl100k_base')
      : import('gpt-tokenizer/encoding/o200k_base')
    ).then((mod) => {
      const counter: TokenCounter = (text) => mod.countTokens(text);
      ready.set(encoding, counter);
      return counter;
    });
    loaded.set(encoding, promise);
  }
  return promise;
}

/** The exact counter when it is already loaded, otherwise null (callers fall back to the estimate). */
export function loadedTokenCounter(model: string): TokenCounter | null {
  return ready.get(encodingForModel(model)) ?? null;
}

export async function countTokens(text: string, model = 'gpt-4o'): Promise<number> {
  return (await loadTokenCounter(model))(text);
}

export function countChatTokensWith(counter: TokenCounter, messages: readonly ChatMessage[]): number {
  let total = PER_REPLY;
  for (const m of messages) total += PER_MESSAGE + counter(m.content);
  return total;
}

export async function countChatTokens(messages: readonly ChatMessage[], model = 'gpt-4o'): Promise<number> {
  return countChatTokensWith(await loadTokenCounter(model), messages);
}

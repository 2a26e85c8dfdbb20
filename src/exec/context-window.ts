import { contextWindowOf } from '../llm/context-windows.js';
import { countChatTokensWith, loadTokenCounter } from '../llm/tokens.js';
import type { ChatMessage } from '../llm/types.js';

/** The input-token limit of an llm model's requests: its own `max_input_tokens`, else its model's context window. */
export function inputTokenLimit(model: string, maxInputTokens: number | undefined): { tokens: number; from: string } | null {
  if (maxInputTokens !== undefined) return { tokens: maxInputTokens, from: 'max_input_tokens' };
  const window = contextWindowOf(model);
  return window === null ? null : { tokens: window, from: `the context window of ${model}` };
}

/**
 * Why `messages` cannot be sent within `limit`, or null when they fit. A token is at least one UTF-8 byte, so
 * prompts with fewer bytes than the limit are never counted; longer ones are counted with the model's tokenizer.
 */
export async function overInputLimit(messages: readonly ChatMessage[], model: string, limit: { tokens: number; from: string } | null): Promise<string | null> {
  if (!limit) return null;
  let bound = 3;
  for (const m of messages) bound += 3 + Buffer.byteLength(m.content, 'utf8');
  if (bound <= limit.tokens) return null;
  const tokens = countChatTokensWith(await loadTokenCounter(model), messages);
  if (tokens <= limit.tokens) return null;
  return `the prompt is ${tokens.toLocaleString('en-US')} tokens, over the ${limit.tokens.toLocaleString('en-US')} tokens of ${limit.from}; not sent (shorten the input or the template, or set max_input_tokens)`;
}

import { describe, expect, it } from 'vitest';
import { countChatTokens, countTokens, encodingForModel, estimateChatTokensCheap, estimateTokensCheap, loadedTokenCounter } from '../../../src/llm/tokens.js';

describe('token counting', () => {
  it('estimates cheaply at about four characters a token', () => {
    expect(estimateTokensCheap('')).toBe(0);
    expect(estimateTokensCheap('abc')).toBe(1);
    expect(estimateTokensCheap('a'.repeat(400))).toBe(100);
    expect(estimateChatTokensCheap([{ role: 'user', content: 'a'.repeat(40) }])).toBe(3 + 3 + 10);
  });

  it('picks the encoding the model uses', () => {
    expect(encodingForModel('gpt-4o-mini')).toBe('o200k_base');
    expect(encodingForModel('openai/gpt-4.1')).toBe('o200k_base');
    expect(encodingForModel('gpt-4-turbo')).toBe('cl100k_base');
    expect(encodingForModel('gpt-3.5-turbo')).toBe('cl100k_base');
    expect(encodingForModel('text-embedding-3-small')).toBe('cl100k_base');
    expect(encodingForModel('o3-mini')).toBe('o200k_base');
  });

  it('counts exactly with the real tokenizer once loaded', async () => {
    expect(await countTokens('hello world')).toBe(2);
    expect(loadedTokenCounter('gpt-4o')).not.toBeNull();
    expect(await countTokens('hello world', 'gpt-4')).toBe(2);
    expect(await countChatTokens([{ role: 'user', content: 'hello world' }])).toBe(2 + 3 + 3);
  });
});

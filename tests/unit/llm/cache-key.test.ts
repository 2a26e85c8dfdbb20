import { describe, expect, it } from 'vitest';
import { canonicalJson, completionCacheKey, completionKeyer, embeddingCacheKey } from '../../../src/llm/cache-key.js';
import type { CompletionRequest } from '../../../src/llm/types.js';

const base: CompletionRequest = {
  params: { model: 'gpt-4o-mini', temperature: 0, max_tokens: 100, top_p: 1, seed: 1, extra: { reasoning_effort: 'low' } },
  messages: [
    { role: 'system', content: 'be brief' },
    { role: 'user', content: 'hello' },
  ],
  output_schema: { type: 'object', properties: { a: { type: 'string' } } },
  schema_name: 'out',
};
const key = (r: CompletionRequest, provider = 'openai') => completionCacheKey(provider, r);

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: undefined, x: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"x":2,"z":1}]},"b":1}');
  });
});

describe('completion cache keys', () => {
  it('is a stable sha256 that ignores key order', () => {
    const reordered: CompletionRequest = {
      schema_name: 'out',
      output_schema: { properties: { a: { type: 'string' } }, type: 'object' },
      messages: [
        { content: 'be brief', role: 'system' },
        { content: 'hello', role: 'user' },
      ],
      params: { extra: { reasoning_effort: 'low' }, seed: 1, top_p: 1, max_tokens: 100, temperature: 0, model: 'gpt-4o-mini' },
    };
    expect(key(base)).toMatch(/^[0-9a-f]{64}$/);
    expect(key(reordered)).toBe(key(base));
  });

  const variants: Array<[string, CompletionRequest | string]> = [
    ['model', { ...base, params: { ...base.params, model: 'gpt-4o' } }],
    ['temperature', { ...base, params: { ...base.params, temperature: 0.1 } }],
    ['max_tokens', { ...base, params: { ...base.params, max_tokens: 101 } }],
    ['top_p', { ...base, params: { ...base.params, top_p: 0.9 } }],
    ['seed', { ...base, params: { ...base.params, seed: 2 } }],
    ['extra', { ...base, params: { ...base.params, extra: { reasoning_effort: 'high' } } }],
    ['no extra', { ...base, params: { ...base.params, extra: undefined } }],
    ['unset temperature', { ...base, params: { ...base.params, temperature: undefined } }],
    ['a message', { ...base, messages: [base.messages[0]!, { role: 'user', content: 'hello!' }] }],
    ['a role', { ...base, messages: [{ role: 'user', content: 'be brief' }, base.messages[1]!] }],
    ['message order', { ...base, messages: [base.messages[1]!, base.messages[0]!] }],
    ['the schema', { ...base, output_schema: { type: 'object', properties: { a: { type: 'number' } } } }],
    ['no schema', { ...base, output_schema: undefined }],
    ['the schema name', { ...base, schema_name: 'other' }],
    ['the provider', 'offline'],
  ];
  it.each(variants)('changes when %s changes', (_what, variant) => {
    const changed = typeof variant === 'string' ? key(base, variant) : key(variant);
    expect(changed).not.toBe(key(base));
  });

  it('gives fallback models their own keys from the same body', () => {
    const keyer = completionKeyer('openai', base);
    expect(keyer('gpt-4o-mini')).toBe(key(base));
    expect(keyer('gpt-4o')).toBe(key({ ...base, params: { ...base.params, model: 'gpt-4o' } }));
  });

  it('never collides between completions and embeddings', () => {
    const e = embeddingCacheKey('openai', { model: 'gpt-4o-mini', input: ['hello'] });
    expect(e).not.toBe(key(base));
    expect(embeddingCacheKey('openai', { model: 'm', input: ['a', 'b'] })).not.toBe(embeddingCacheKey('openai', { model: 'm', input: ['b', 'a'] }));
    expect(embeddingCacheKey('openai', { model: 'm', input: ['a'] })).not.toBe(embeddingCacheKey('openai', { model: 'n', input: ['a'] }));
  });
});

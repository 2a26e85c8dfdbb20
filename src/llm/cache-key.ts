/**
 * Cache keys: sha256 over a canonical JSON (sorted keys, no undefined) of everything that shapes an
 * answer: kind, provider, model, every parameter, the messages and the output schema.
 */
import { hash } from 'node:crypto';
import type { CompletionRequest, EmbeddingRequest } from './types.js';

/** Bump to invalidate every cached answer when the key recipe changes. */
const KEY_VERSION = 'loom-llm-v1';

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return 'null';
    if (typeof value === 'bigint') return JSON.stringify(value.toString());
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + canonicalJson(value[i]);
    return out + ']';
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return canonicalJson((value as { toJSON(): unknown }).toJSON());
  const keys = Object.keys(value).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined) continue;
    out += (first ? '' : ',') + JSON.stringify(key) + ':' + canonicalJson(v);
    first = false;
  }
  return out + '}';
}

/** Schemas and `extra` objects are shared by every row of a node: canonicalize each object once. */
const canonicalMemo = new WeakMap<object, string>();
function memoCanonical(value: object): string {
  let s = canonicalMemo.get(value);
  if (s === undefined) {
    s = canonicalJson(value);
    canonicalMemo.set(value, s);
  }
  return s;
}

function sha256(text: string): string {
  return hash('sha256', text, 'hex');
}

function messagesJson(messages: CompletionRequest['messages']): string {
  let out = '[';
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    const keys = Object.keys(m);
    out += (i ? ',' : '') + (keys.length === 2 && 'role' in m && 'content' in m ? `{"content":${JSON.stringify(m.content)},"role":${JSON.stringify(m.role)}}` : canonicalJson(m));
  }
  return out + ']';
}

function paramsJson(params: CompletionRequest['params']): string {
  let out = '{';
  let first = true;
  for (const key of Object.keys(params).sort()) {
    const value = (params as unknown as Record<string, unknown>)[key];
    if (key === 'model' || value === undefined) continue;
    const json = key === 'extra' && value !== null && typeof value === 'object' ? memoCanonical(value) : canonicalJson(value);
    out += (first ? '' : ',') + JSON.stringify(key) + ':' + json;
    first = false;
  }
  return out + '}';
}

/** Returns a function from model name to cache key, so fallback models reuse the canonical body. */
/** Keys already computed for a request object (a row's request is keyed by its prefetch, then by its call). */
const keyMemo = new WeakMap<CompletionRequest, Map<string, string>>();

/** Like completionKeyer, memoized per request object and model. Requests must not be mutated once keyed. */
export function memoCompletionKeyer(provider: string, request: CompletionRequest): (model: string) => string {
  let memo = keyMemo.get(request);
  if (!memo) {
    memo = new Map();
    keyMemo.set(request, memo);
  }
  let keyer: ((model: string) => string) | undefined;
  return (model) => {
    const id = `${provider}\0${model}`;
    let key = memo!.get(id);
    if (key === undefined) {
      keyer ??= completionKeyer(provider, request);
      key = keyer(model);
      memo!.set(id, key);
    }
    return key;
  };
}

export function completionKeyer(provider: string, request: CompletionRequest): (model: string) => string {
  const schema = request.output_schema === undefined ? 'null' : memoCanonical(request.output_schema);
  const rest =
    `{"messages":${messagesJson(request.messages)},"output_schema":${schema}` +
    `,"params":${paramsJson(request.params)},"schema_name":${canonicalJson(request.schema_name ?? null)}}`;
  const prefix = `${KEY_VERSION}\ncompletion\n${JSON.stringify(provider)}\n`;
  return (model) => sha256(`${prefix}${JSON.stringify(model)}\n${rest}`);
}

export function completionCacheKey(provider: string, request: CompletionRequest): string {
  return completionKeyer(provider, request)(request.params.model);
}

export function embeddingKeyer(provider: string, request: EmbeddingRequest): (model: string) => string {
  const rest = canonicalJson(request.input);
  const prefix = `${KEY_VERSION}\nembedding\n${JSON.stringify(provider)}\n`;
  return (model) => sha256(`${prefix}${JSON.stringify(model)}\n${rest}`);
}

export function embeddingCacheKey(provider: string, request: EmbeddingRequest): string {
  return embeddingKeyer(provider, request)(request.model);
}

/**
 * Deterministic, schema-valid placeholder answers: the offline provider and the fake OpenAI server both
 * answer with these, so the same messages always get the same answer and every answer passes the schema.
 */
import { type AnswerSeed, seededRandom } from './answer-seed.js';
import type { JsonSchema } from './types.js';

type Random = () => number;
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Walk {
  root: JsonSchema;
  random: Random;
  words: readonly string[];
  depth: number;
}

/** Below this depth objects get only required properties and arrays their minimum length (recursive schemas end). */
const SHALLOW_DEPTH = 5;
const MAX_DEPTH = 12;
/** Share of `true` booleans: judge verdicts (supported, met, addressed) mostly hold, as they would for decent answers. */
const TRUE_SHARE = 0.92;
const SENTENCE_NAME = /(summary|reason|explanation|rationale|justification|description|comment|feedback|analysis|critique|note|statement|claim|answer|response|text|content|message|evidence|quote|sentence|question)/i;
const TITLE_NAME = /(title|headline|subject)/i;
const WORD_NAME = /(^|_)(name|label|category|topic|tag|keyword|entity|word|aspect|theme|product|brand|city|author)s?$/i;
const FALLBACK_WORDS = ['placeholder', 'offline', 'answer', 'sample', 'content', 'example'];

/** A JSON value valid against `schema`, derived only from `seed`. */
export function answerForSchema(schema: JsonSchema, seed: AnswerSeed): unknown {
  const walk: Walk = { root: schema, random: seededRandom(seed.hash), words: seed.words, depth: 0 };
  return generate(schema, walk, '');
}

/**
 * A deterministic sentence for free-text requests (no schema): a label-like first word and a restatement built
 * from the words at the end of the prompt, in their order — where a prompt usually puts the row it is about.
 */
export function answerText(seed: AnswerSeed): string {
  if (seed.words.length === 0) return 'No content was given to summarize.';
  const random = seededRandom(seed.hash);
  const echo = seed.words.slice(Math.max(0, seed.words.length - 14 - Math.floor(random() * 4)));
  return `${capitalize(pick(['summary', 'in short', 'main point'], random))}: ${echo.join(' ')}.`;
}

function generate(schema: unknown, walk: Walk, name: string): Json {
  if (schema === true || schema === undefined || schema === null) return word(walk);
  if (schema === false || typeof schema !== 'object') return null;
  let s = schema as JsonSchema;
  if (walk.depth > MAX_DEPTH) return minimalValue(s);

  if (typeof s.$ref === 'string') {
    const target = resolveRef(walk.root, s.$ref);
    if (target) return nested(target, walk, name);
  }
  if ('const' in s) return s.const as Json;
  if (Array.isArray(s.enum) && s.enum.length > 0) return pick(s.enum as Json[], walk.random);

  if (Array.isArray(s.allOf) && s.allOf.length > 0) s = mergeAllOf(s);
  const branches = (Array.isArray(s.oneOf) && s.oneOf) || (Array.isArray(s.anyOf) && s.anyOf) || null;
  if (branches && branches.length > 0) {
    const { oneOf: _o, anyOf: _a, ...base } = s;
    const chosen = chooseBranch(branches as JsonSchema[], walk.random);
    return nested({ ...base, ...chosen }, walk, name);
  }

  switch (typeOf(s)) {
    case 'null':
      return null;
    case 'boolean':
      return walk.random() < TRUE_SHARE;
    case 'integer':
      return integer(s, walk.random, name);
    case 'number':
      return number(s, walk.random, name);
    case 'array':
      return array(s, walk, name);
    case 'object':
      return object(s, walk);
    default:
      return string(s, walk, name);
  }
}

function nested(schema: unknown, walk: Walk, name: string): Json {
  walk.depth++;
  try {
    return generate(schema, walk, name);
  } finally {
    walk.depth--;
  }
}

function typeOf(s: JsonSchema): string {
  const type = s.type;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return (type.find((t) => t !== 'null') as string | undefined) ?? 'null';
  if (s.properties || s.required || s.additionalProperties) return 'object';
  if (s.items || s.prefixItems) return 'array';
  if (typeof s.minimum === 'number' || typeof s.maximum === 'number') return 'number';
  return 'string';
}

function object(s: JsonSchema, walk: Walk): Json {
  const out: { [key: string]: Json } = {};
  const properties = (s.properties ?? {}) as Record<string, unknown>;
  const required = Array.isArray(s.required) ? (s.required as string[]) : [];
  const shallow = walk.depth >= SHALLOW_DEPTH;
  for (const key of Object.keys(properties)) {
    if (shallow && !required.includes(key)) continue;
    out[key] = nested(properties[key], walk, key);
  }
  if (Array.isArray(s.required)) {
    for (const key of s.required as string[]) if (!(key in out)) out[key] = word(walk);
  }
  return out;
}

function array(s: JsonSchema, walk: Walk, name: string): Json {
  const maxItems = typeof s.maxItems === 'number' ? s.maxItems : undefined;
  const shallow = walk.depth >= SHALLOW_DEPTH;
  const min = typeof s.minItems === 'number' ? s.minItems : shallow ? 0 : Math.min(1, maxItems ?? 1);
  const max = shallow ? min : maxItems !== undefined ? Math.max(min, maxItems) : Math.max(min, Math.min(min + 2, 4));
  const tuple = (Array.isArray(s.prefixItems) ? s.prefixItems : Array.isArray(s.items) ? s.items : null) as unknown[] | null;
  const count = tuple ? Math.min(max, Math.max(min, tuple.length)) : min + Math.floor(walk.random() * (max - min + 1));
  const items = tuple ? (s.additionalItems ?? (Array.isArray(s.items) ? undefined : s.items)) : s.items;
  const out: Json[] = [];
  const unique = s.uniqueItems === true;
  const enumItems = unique && !tuple && items && typeof items === 'object' && Array.isArray((items as JsonSchema).enum) ? ((items as JsonSchema).enum as Json[]) : null;
  if (enumItems) {
    // Distinct enum values: a seeded shuffle, as many as allowed.
    const pool = enumItems.slice();
    const n = Math.min(Math.max(count, Math.min(min, pool.length)), pool.length);
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(walk.random() * (pool.length - i));
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    }
    return pool.slice(0, n);
  }
  const seen = new Set<string>();
  const singular = name.endsWith('s') ? name.slice(0, -1) : name;
  for (let i = 0; i < count; i++) {
    const itemSchema = tuple && i < tuple.length ? tuple[i] : items;
    let value = nested(itemSchema, walk, singular);
    if (unique) {
      for (let tries = 0; seen.has(JSON.stringify(value)) && tries < 20; tries++) value = nested(itemSchema, walk, singular);
      if (seen.has(JSON.stringify(value))) {
        if (out.length >= min) break;
        value = distinctFallback(value, i);
      }
      seen.add(JSON.stringify(value));
    }
    out.push(value);
  }
  return out;
}

/** Last resort for uniqueItems: make a repeated value different while keeping its type. */
function distinctFallback(value: Json, index: number): Json {
  if (typeof value === 'string') return `${value} ${index + 1}`;
  if (typeof value === 'number') return value + index + 1;
  return value;
}

function bounds(s: JsonSchema, name: string): [number, number] {
  let lo = typeof s.minimum === 'number' ? s.minimum : undefined;
  let hi = typeof s.maximum === 'number' ? s.maximum : undefined;
  const exLo = typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum : undefined;
  const exHi = typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum : undefined;
  if (exLo !== undefined && (lo === undefined || exLo >= lo)) lo = exLo + (s.type === 'integer' ? 1 : 1e-6);
  if (exHi !== undefined && (hi === undefined || exHi <= hi)) hi = exHi - (s.type === 'integer' ? 1 : 1e-6);
  if (lo === undefined && hi === undefined) {
    if (/(score|confidence|probability|ratio|share|percent|weight|likelihood)/i.test(name)) return [0, 1];
    if (/(rating|stars)/i.test(name)) return [1, 5];
    return [0, 100];
  }
  if (lo === undefined) lo = Math.min(0, hi! - 100);
  if (hi === undefined) hi = lo + 100;
  return [lo, Math.max(lo, hi)];
}

function number(s: JsonSchema, random: Random, name: string): number {
  let [lo, hi] = bounds(s, name);
  if (/confidence/i.test(name) && lo <= 0.5 && hi >= 1) lo = 0.5;
  if (typeof s.multipleOf === 'number' && s.multipleOf > 0) {
    const m = s.multipleOf;
    const first = Math.ceil(lo / m);
    const last = Math.floor(hi / m);
    if (last >= first) return roundTo((first + Math.floor(random() * (last - first + 1))) * m, m);
  }
  const value = Math.round((lo + random() * (hi - lo)) * 100) / 100;
  return Math.min(hi, Math.max(lo, value));
}

function integer(s: JsonSchema, random: Random, name: string): number {
  const [lo, hi] = bounds(s, name);
  const step = typeof s.multipleOf === 'number' && s.multipleOf > 0 ? s.multipleOf : 1;
  const first = Math.ceil(lo / step);
  const last = Math.floor(hi / step);
  if (last < first) return Math.ceil(lo);
  return (first + Math.floor(random() * (last - first + 1))) * step;
}

function roundTo(value: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 2);
  return Number(value.toFixed(Math.min(decimals, 12)));
}

function string(s: JsonSchema, walk: Walk, name: string): string {
  let text = formatted(s.format, walk) ?? named(name, walk);
  const min = typeof s.minLength === 'number' ? s.minLength : 0;
  const max = typeof s.maxLength === 'number' ? s.maxLength : Infinity;
  while (text.length < min) text += (text ? ' ' : '') + word(walk);
  if (text.length > max && [...text].length > max) text = [...text].slice(0, max).join('').trimEnd();
  while (min > 0 && [...text].length < min) text += 'x';
  return text;
}

function named(name: string, walk: Walk): string {
  if (TITLE_NAME.test(name)) return capitalize(distinctWords(walk, 2 + Math.floor(walk.random() * 3)).join(' ') || 'Untitled');
  if (SENTENCE_NAME.test(name)) return sentence(walk);
  if (WORD_NAME.test(name)) return word(walk);
  if (/(^|_)(lang|language)$/i.test(name)) return 'en';
  if (/(^|_)id$/i.test(name)) return `id-${Math.floor(walk.random() * 1e6)}`;
  return words(walk, 1 + Math.floor(walk.random() * 3)).join(' ');
}

function formatted(format: unknown, walk: Walk): string | null {
  const r = walk.random;
  switch (format) {
    case 'date':
      return isoDate(r).slice(0, 10);
    case 'date-time':
      return isoDate(r);
    case 'time':
      return isoDate(r).slice(11, 19) + 'Z';
    case 'email':
      return `${word(walk).replace(/[^a-z]/g, '') || 'user'}@example.com`;
    case 'uri':
    case 'url':
    case 'iri':
      return `https://example.com/${word(walk).replace(/[^a-z]/g, '') || 'page'}`;
    case 'hostname':
      return `${word(walk).replace(/[^a-z]/g, '') || 'host'}.example.com`;
    case 'ipv4':
      return `192.0.2.${1 + Math.floor(r() * 254)}`;
    case 'ipv6':
      return `2001:db8::${(1 + Math.floor(r() * 0xfffe)).toString(16)}`;
    case 'uuid': {
      const hex = Array.from({ length: 32 }, () => Math.floor(r() * 16).toString(16)).join('');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
    }
    default:
      return null;
  }
}

function isoDate(random: Random): string {
  const start = Date.UTC(2020, 0, 1);
  return new Date(start + Math.floor(random() * 5 * 365 * 86400) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function sentence(walk: Walk): string {
  if (walk.words.length === 0) return 'No content was given to summarize.';
  const picked = distinctWords(walk, 3 + Math.floor(walk.random() * 3));
  const [first, ...rest] = picked;
  switch (Math.floor(walk.random() * 3)) {
    case 0:
      return `The text mentions ${listOf(picked)}.`;
    case 1:
      return `${capitalize(first!)} stands out${rest.length > 0 ? `, along with ${listOf(rest)}` : ''}.`;
    default:
      return `Mostly about ${first}${rest.length > 0 ? `; it also touches on ${listOf(rest)}` : ''}.`;
  }
}

/** Up to `count` different words of the prompt, in a seeded order. */
function distinctWords(walk: Walk, count: number): string[] {
  const pool = walk.words.slice();
  const n = Math.min(count, pool.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(walk.random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, n);
}

function listOf(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function words(walk: Walk, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(word(walk));
  return out;
}

function word(walk: Walk): string {
  const pool = walk.words.length > 0 ? walk.words : FALLBACK_WORDS;
  return pool[Math.floor(walk.random() * pool.length)]!;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function pick<T>(values: readonly T[], random: Random): T {
  return values[Math.floor(random() * values.length)]!;
}

function chooseBranch(branches: JsonSchema[], random: Random): JsonSchema {
  const nonNull = branches.filter((b) => !(b && typeof b === 'object' && b.type === 'null'));
  return pick(nonNull.length > 0 ? nonNull : branches, random);
}

function mergeAllOf(s: JsonSchema): JsonSchema {
  const { allOf, ...base } = s;
  const merged: JsonSchema = { ...base };
  for (const part of allOf as JsonSchema[]) {
    if (!part || typeof part !== 'object') continue;
    for (const [key, value] of Object.entries(part)) {
      if (key === 'properties') merged.properties = { ...(merged.properties as object), ...(value as object) };
      else if (key === 'required') merged.required = [...((merged.required as string[]) ?? []), ...(value as string[])];
      else if (!(key in merged)) merged[key] = value;
    }
  }
  return merged;
}

function resolveRef(root: JsonSchema, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(1).split('/').filter(Boolean)) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function minimalValue(s: JsonSchema): Json {
  switch (typeOf(s)) {
    case 'object':
      return {};
    case 'array':
      return [];
    case 'boolean':
      return false;
    case 'integer':
    case 'number':
      return typeof s.minimum === 'number' ? s.minimum : 0;
    case 'null':
      return null;
    default:
      return '';
  }
}

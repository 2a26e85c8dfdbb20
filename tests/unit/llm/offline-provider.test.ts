import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { seedFromMessages } from '../../../src/llm/answer-seed.js';
import { OfflineProvider } from '../../../src/llm/offline-provider.js';
import { answerForSchema } from '../../../src/llm/schema-answer.js';
import { cosineSimilarity, embedText } from '../../../src/llm/text-embedding.js';
import type { ChatMessage, JsonSchema } from '../../../src/llm/types.js';

const ajv = new Ajv({ strict: false });
(addFormats as unknown as (a: Ajv) => void)(ajv);

const opts = { timeoutMs: 1000 };
const msgs = (text: string): ChatMessage[] => [
  { role: 'system', content: 'You are a careful product analyst.' },
  { role: 'user', content: text },
];

const schemas: Record<string, JsonSchema> = {
  sentiment: {
    type: 'object',
    properties: {
      sentiment: { enum: ['positive', 'negative', 'neutral'] },
      confidence: { type: 'number', minimum: 0, maximum: 1 },
      summary: { type: 'string', minLength: 10, maxLength: 200 },
    },
    required: ['sentiment', 'confidence', 'summary'],
    additionalProperties: false,
  },
  numbers: {
    type: 'object',
    properties: {
      rating: { type: 'integer', minimum: 1, maximum: 5 },
      price: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 10 },
      step: { type: 'number', minimum: 0, maximum: 1, multipleOf: 0.25 },
      count: { type: 'integer', minimum: 100 },
      negative: { type: 'integer', maximum: -5 },
    },
    required: ['rating', 'price', 'step', 'count', 'negative'],
  },
  arrays: {
    type: 'object',
    properties: {
      tags: { type: 'array', items: { type: 'string' }, minItems: 2, maxItems: 4 },
      flags: { type: 'array', items: { enum: ['x', 'y', 'z'] }, minItems: 3, uniqueItems: true },
      empty_ok: { type: 'array', items: { type: 'integer' }, maxItems: 0 },
      pair: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'integer' }], minItems: 2, maxItems: 2 },
      closed: { type: 'array', items: [{ type: 'boolean' }, { type: 'string', format: 'date' }], additionalItems: false },
      distinct_words: { type: 'array', items: { type: 'string', maxLength: 12 }, minItems: 5, uniqueItems: true },
    },
    required: ['tags', 'flags', 'empty_ok', 'pair', 'closed', 'distinct_words'],
  },
  nested: {
    type: 'object',
    properties: {
      product: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          release: { type: 'string', format: 'date' },
          homepage: { type: 'string', format: 'uri' },
          contact: { type: 'string', format: 'email' },
          id: { type: 'string', format: 'uuid' },
          at: { type: 'string', format: 'date-time' },
        },
        required: ['name', 'release', 'homepage', 'contact', 'id', 'at'],
      },
    },
    required: ['product'],
  },
  combinators: {
    type: 'object',
    properties: {
      either: { anyOf: [{ type: 'null' }, { type: 'integer', minimum: 3, maximum: 3 }] },
      one: { oneOf: [{ type: 'string', const: 'fixed' }, { type: 'boolean', const: true }] },
      nullable: { type: ['string', 'null'], maxLength: 5 },
      merged: { allOf: [{ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, { properties: { b: { type: 'boolean' } }, required: ['b'] }] },
      constant: { const: 42 },
    },
    required: ['either', 'one', 'nullable', 'merged', 'constant'],
  },
  refs: {
    $defs: { verdict: { type: 'object', properties: { statement: { type: 'string' }, supported: { type: 'boolean' } }, required: ['statement', 'supported'] } },
    type: 'object',
    properties: { verdicts: { type: 'array', items: { $ref: '#/$defs/verdict' }, minItems: 1 } },
    required: ['verdicts'],
  },
  recursive: {
    $defs: { node: { type: 'object', properties: { label: { type: 'string' }, children: { type: 'array', maxItems: 2, items: { $ref: '#/$defs/node' } } }, required: ['label'] } },
    $ref: '#/$defs/node',
  },
  topLevelArray: { type: 'array', items: { type: 'object', properties: { k: { type: 'integer' } }, required: ['k'] }, minItems: 1 },
  bare: {},
  untyped: { properties: { x: { minimum: 2, maximum: 4 } }, required: ['x', 'y'] },
};

describe('offline provider', () => {
  const provider = new OfflineProvider();

  it.each(Object.entries(schemas))('answers valid JSON for the %s schema, across many prompts', async (_name, schema) => {
    const validate = ajv.compile(schema);
    for (let i = 0; i < 40; i++) {
      const answer = await provider.complete({ params: { model: 'gpt-4o-mini' }, messages: msgs(`Review ${i}: battery lasts ${i} days, screen is bright.`), output_schema: schema }, opts);
      const value = JSON.parse(answer.content);
      expect(validate(value), `${answer.content} → ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
  });

  it('is deterministic in the messages and only the messages', async () => {
    const a = await provider.complete({ params: { model: 'a', temperature: 0 }, messages: msgs('same text'), output_schema: schemas.sentiment }, opts);
    const b = await provider.complete({ params: { model: 'b', temperature: 1 }, messages: msgs('same text'), output_schema: schemas.sentiment }, opts);
    expect(b.content).toBe(a.content);
    const distinct = new Set<string>();
    for (let i = 0; i < 30; i++) {
      distinct.add((await provider.complete({ params: { model: 'a' }, messages: msgs(`text ${i}`), output_schema: schemas.nested }, opts)).content);
    }
    expect(distinct.size).toBe(30);
  });

  it('writes summaries from the words of the prompt', async () => {
    const answer = await provider.complete({ params: { model: 'm' }, messages: msgs('The espresso machine leaks water and the grinder jams constantly'), output_schema: schemas.sentiment }, opts);
    const { summary } = JSON.parse(answer.content) as { summary: string };
    const words = summary.toLowerCase().match(/[a-z]+/g)!;
    expect(words.filter((w) => ['espresso', 'machine', 'leaks', 'water', 'grinder', 'jams', 'constantly'].includes(w)).length).toBeGreaterThanOrEqual(3);
    expect(summary).toMatch(/\.$/);
  });

  it('spreads enum values and gives judge verdict lists a mix of true and false', async () => {
    const sentiments = new Set<string>();
    let verdicts = 0;
    let supported = 0;
    let allTrueRows = 0;
    for (let i = 0; i < 200; i++) {
      const s = await provider.complete({ params: { model: 'm' }, messages: msgs(`row ${i}`), output_schema: schemas.sentiment }, opts);
      sentiments.add(JSON.parse(s.content).sentiment);
      const j = await provider.complete({ params: { model: 'judge' }, messages: msgs(`claims for row ${i}`), output_schema: schemas.refs }, opts);
      const list = JSON.parse(j.content).verdicts as Array<{ supported: boolean }>;
      verdicts += list.length;
      supported += list.filter((v) => v.supported).length;
      if (list.every((v) => v.supported)) allTrueRows++;
    }
    expect(sentiments).toEqual(new Set(['positive', 'negative', 'neutral']));
    // Mostly true (answers that mostly hold, as decent ones would), never all: the demo shows passes and failures.
    expect(supported / verdicts).toBeGreaterThan(0.8);
    expect(supported / verdicts).toBeLessThan(0.98);
    expect(allTrueRows).toBeGreaterThan(100);
    expect(allTrueRows).toBeLessThan(195);
  });

  it('answers free text with a short sentence and estimates usage', async () => {
    const answer = await provider.complete({ params: { model: 'm' }, messages: msgs('Describe the weather in Lisbon') }, opts);
    expect(answer.content).toMatch(/^[A-Z].*\.$/);
    expect(answer.content.length).toBeLessThan(200);
    expect(answer.usage.input).toBeGreaterThan(5);
    expect(answer.usage.output).toBe(Math.ceil(answer.content.length / 4));
    expect(answer.finish_reason).toBe('stop');
  });

  it('embeds deterministically, with overlapping texts closer together', async () => {
    const r = await provider.embed({ model: 'text-embedding-3-small', input: ['red apples are sweet', 'sweet red apples', 'quarterly tax filing deadline'] }, opts);
    const [a, b, c] = r.vectors;
    expect(a).toHaveLength(64);
    expect(cosineSimilarity(a!, b!)).toBeGreaterThan(0.8);
    expect(cosineSimilarity(a!, c!)).toBeLessThan(0.5);
    expect(embedText('red apples are sweet')).toEqual(a);
    expect(Math.hypot(...embedText(''))).toBeCloseTo(1);
  });

  it('honors an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(provider.complete({ params: { model: 'm' }, messages: msgs('x') }, { timeoutMs: 10, signal: controller.signal })).rejects.toMatchObject({ kind: 'aborted' });
  });
});

describe('answerForSchema', () => {
  it('derives everything from the seed', () => {
    const seed = seedFromMessages(msgs('hello there general kenobi'));
    expect(answerForSchema(schemas.nested!, seed)).toEqual(answerForSchema(schemas.nested!, seed));
    expect(seed.words).toEqual(['hello', 'general', 'kenobi']);
  });
});

import { describe, expect, it } from 'vitest';
import { costFromPrice, createPricing, loadShippedPrices, parsePriceTable, priceLookupNames } from '../../../src/llm/pricing.js';

describe('shipped price table', () => {
  it('has a source, a date and every model we promise', () => {
    const shipped = loadShippedPrices();
    expect(shipped.source).toMatch(/openai\.com/);
    expect(shipped.as_of).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const model of [
      'gpt-4o',
      'gpt-4o-mini',
      'gpt-4.1',
      'gpt-4.1-mini',
      'gpt-4.1-nano',
      'o3',
      'o3-mini',
      'o4-mini',
      'gpt-5',
      'gpt-5-mini',
      'gpt-5-nano',
      'text-embedding-3-small',
      'text-embedding-3-large',
      'text-embedding-ada-002',
    ]) {
      expect(shipped.models[model], model).toBeDefined();
    }
    // A property of every row, not a copy of one: the table itself is the source of truth for the figures.
    for (const [model, price] of Object.entries(shipped.models)) {
      expect(parsePriceTable({ [model]: price }).errors, model).toEqual([]);
      if (price.cached_input !== undefined) expect(price.cached_input, model).toBeLessThanOrEqual(price.input);
    }
  });
});

describe('createPricing', () => {
  const pricing = createPricing();

  it('resolves dated snapshots and provider prefixes to the base model', () => {
    expect(pricing.priceOf('gpt-4o-mini-2024-07-18')).toEqual(pricing.priceOf('gpt-4o-mini'));
    expect(pricing.priceOf('openai/gpt-4o')).toEqual(pricing.priceOf('gpt-4o'));
    expect(pricing.priceOf('OpenAI/GPT-4.1-2025-04-14')).toEqual(pricing.priceOf('gpt-4.1'));
    expect(pricing.priceOf('o3-mini-20250131')).toEqual(pricing.priceOf('o3-mini'));
  });

  it('never guesses: unknown models, fine-tunes and look-alikes have no price', () => {
    expect(pricing.priceOf('llama3.1:8b')).toBeNull();
    expect(pricing.priceOf('ft:gpt-4o-mini-2024-07-18:acme::abc123')).toBeNull();
    expect(pricing.priceOf('gpt-4o-mini-search-preview')).toBeNull();
    expect(pricing.costOf('mystery-model', { input: 1000, output: 1000, cached_input: 0 })).toBeNull();
    // gpt-4o-mini must not fall back to gpt-4o's price (or vice versa)
    expect(pricing.priceOf('gpt-4o-mini')!.input).toBe(0.15);
    expect(pricing.priceOf('gpt-4o')!.input).toBe(2.5);
  });

  it('lets the project table override and extend the shipped one', () => {
    const custom = createPricing({ 'GPT-4o': { input: 1, output: 2 }, 'llama3.1:8b': { input: 0, output: 0 } });
    expect(custom.priceOf('gpt-4o')).toEqual({ input: 1, output: 2 });
    expect(custom.priceOf('gpt-4o-2024-08-06')).toEqual({ input: 1, output: 2 });
    expect(custom.costOf('llama3.1:8b', { input: 100, output: 100, cached_input: 0 })).toBe(0);
    expect(custom.priceOf('gpt-4o-mini')!.input).toBe(0.15);
  });

  it('prices uncached input, cached input and output separately, per million tokens', () => {
    const usage = { input: 1_000_000, output: 500_000, cached_input: 400_000 };
    // 600k × 0.15 + 400k × 0.075 + 500k × 0.6 = 0.09 + 0.03 + 0.3
    expect(pricing.costOf('gpt-4o-mini', usage)).toBeCloseTo(0.42, 10);
    // without a cached price, cached tokens cost the input price
    expect(costFromPrice({ input: 10, output: 30 }, usage)).toBeCloseTo(10 + 15, 10);
    // cached can never exceed input
    expect(costFromPrice({ input: 1, output: 0, cached_input: 0 }, { input: 100, output: 0, cached_input: 500 })).toBe(0);
  });

  it('lists lookup names most specific first', () => {
    expect(priceLookupNames('openai/gpt-4o-2024-08-06')).toEqual(['openai/gpt-4o-2024-08-06', 'gpt-4o-2024-08-06', 'openai/gpt-4o', 'gpt-4o']);
  });
});

describe('parsePriceTable', () => {
  it('accepts a valid table and names every bad field', () => {
    expect(parsePriceTable({ m: { input: 1, output: 2, cached_input: 0.5 } })).toEqual({ table: { m: { input: 1, output: 2, cached_input: 0.5 } }, errors: [] });
    const { table, errors } = parsePriceTable({ a: { input: -1, output: 2 }, b: { input: 1 }, c: 'cheap', d: { input: 1, output: 1, per: 'token' } });
    expect(table).toEqual({});
    expect(errors).toEqual([
      'a.input: expected a non-negative number of USD per 1M tokens, got -1',
      'b.output: expected a non-negative number of USD per 1M tokens, got undefined',
      'c: expected { input, output, cached_input? } in USD per 1M tokens',
      'd.per: unknown field (accepted: input, output, cached_input)',
    ]);
    expect(parsePriceTable([1]).errors).toEqual(['pricing must be a mapping of model name to prices']);
  });
});

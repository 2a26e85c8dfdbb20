/**
 * Dollars for tokens. The shipped table (pricing/prices.json) can be overridden per project; names are
 * resolved through provider prefixes (`openai/gpt-4o`) and dated snapshots (`gpt-4o-mini-2024-07-18`).
 * A model we cannot resolve has no price: its cost is unknown (null), never guessed.
 */
import { readFileSync } from 'node:fs';
import type { ModelPrice, TokenUsage } from './types.js';

export type PriceTable = Record<string, ModelPrice>;

export interface ShippedPrices {
  source: string;
  as_of: string;
  models: PriceTable;
}

export interface Pricing {
  /** The price that applies to `model`, or null when none is known. */
  priceOf(model: string): ModelPrice | null;
  /** USD for `usage` on `model`, or null when the model has no price. */
  costOf(model: string, usage: TokenUsage): number | null;
}

const SHIPPED_PATH = new URL('../../pricing/prices.json', import.meta.url);
let shipped: ShippedPrices | null = null;

export function loadShippedPrices(): ShippedPrices {
  if (!shipped) {
    const raw = JSON.parse(readFileSync(SHIPPED_PATH, 'utf8')) as ShippedPrices;
    const { table, errors } = parsePriceTable(raw.models);
    if (errors.length > 0) throw new Error(`pricing/prices.json is invalid: ${errors.join('; ')}`);
    shipped = { source: raw.source, as_of: raw.as_of, models: table };
  }
  return shipped;
}

/** Validates a user table (`pricing:` in loom_project.yml); errors name the model and the bad field. */
export function parsePriceTable(raw: unknown): { table: PriceTable; errors: string[] } {
  const table: PriceTable = {};
  const errors: string[] = [];
  if (raw === undefined || raw === null) return { table, errors };
  if (typeof raw !== 'object' || Array.isArray(raw)) return { table, errors: ['pricing must be a mapping of model name to prices'] };
  for (const [model, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!value || typeof value !== 'object') {
      errors.push(`${model}: expected { input, output, cached_input? } in USD per 1M tokens`);
      continue;
    }
    const v = value as Record<string, unknown>;
    const price: ModelPrice = { input: 0, output: 0 };
    let ok = true;
    for (const field of ['input', 'output', 'cached_input'] as const) {
      const n = v[field];
      if (n === undefined && field === 'cached_input') continue;
      if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
        errors.push(`${model}.${field}: expected a non-negative number of USD per 1M tokens, got ${JSON.stringify(n)}`);
        ok = false;
        continue;
      }
      price[field] = n;
    }
    for (const key of Object.keys(v)) {
      if (key !== 'input' && key !== 'output' && key !== 'cached_input') {
        errors.push(`${model}.${key}: unknown field (accepted: input, output, cached_input)`);
        ok = false;
      }
    }
    if (ok) table[model.trim().toLowerCase()] = price;
  }
  return { table, errors };
}

const DATE_SUFFIX = /-(\d{4}-\d{2}-\d{2}|\d{8})$/;

/** Names to try, most specific first. */
export function priceLookupNames(model: string): string[] {
  const names: string[] = [];
  const add = (n: string) => {
    if (n && !names.includes(n)) names.push(n);
  };
  const exact = model.trim().toLowerCase();
  add(exact);
  const bare = exact.includes('/') ? exact.slice(exact.lastIndexOf('/') + 1) : exact;
  add(bare);
  add(exact.replace(DATE_SUFFIX, ''));
  add(bare.replace(DATE_SUFFIX, ''));
  return names;
}

export function costFromPrice(price: ModelPrice, usage: TokenUsage): number {
  const cached = Math.min(Math.max(0, usage.cached_input), Math.max(0, usage.input));
  const uncached = Math.max(0, usage.input) - cached;
  const cachedPrice = price.cached_input ?? price.input;
  return (uncached * price.input + cached * cachedPrice + Math.max(0, usage.output) * price.output) / 1_000_000;
}

/** Prices from `overrides` first, then `base` (the shipped table unless given). */
export function createPricing(overrides: PriceTable = {}, base: PriceTable = loadShippedPrices().models): Pricing {
  const user: PriceTable = {};
  for (const [k, v] of Object.entries(overrides)) user[k.trim().toLowerCase()] = v;
  const memo = new Map<string, ModelPrice | null>();
  const priceOf = (model: string): ModelPrice | null => {
    const known = memo.get(model);
    if (known !== undefined) return known;
    let found: ModelPrice | null = null;
    for (const name of priceLookupNames(model)) {
      found = user[name] ?? base[name] ?? null;
      if (found) break;
    }
    memo.set(model, found);
    return found;
  };
  return {
    priceOf,
    costOf(model, usage) {
      const price = priceOf(model);
      return price ? costFromPrice(price, usage) : null;
    },
  };
}

/**
 * How many input tokens a model accepts (pricing/context-windows.json), resolved through the same names as
 * prices (`openai/gpt-4o`, dated snapshots). Unknown models have no limit here: `max_input_tokens` sets one.
 */
import { readFileSync } from 'node:fs';
import { priceLookupNames } from './pricing.js';

const SHIPPED_PATH = new URL('../../pricing/context-windows.json', import.meta.url);
let shipped: Record<string, number> | null = null;

function table(): Record<string, number> {
  if (!shipped) {
    const raw = JSON.parse(readFileSync(SHIPPED_PATH, 'utf8')) as { models: Record<string, unknown> };
    shipped = {};
    for (const [model, tokens] of Object.entries(raw.models)) {
      if (typeof tokens !== 'number' || !Number.isInteger(tokens) || tokens < 1) throw new Error(`pricing/context-windows.json: ${model} must be a positive integer, got ${JSON.stringify(tokens)}`);
      shipped[model.toLowerCase()] = tokens;
    }
  }
  return shipped;
}

/** The most input tokens `model` accepts, or null when it is not known. */
export function contextWindowOf(model: string): number | null {
  const known = table();
  for (const name of priceLookupNames(model)) if (known[name] !== undefined) return known[name];
  return null;
}

/** Turning evaluator inputs (strings, numbers, objects, rows) into the text that evaluators compare and judges read. */

/** JSON with object keys sorted at every level, so equal values always give equal text. */
export function stableJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'null';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (isPlainObject(value)) {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) sorted[key] = sortKeys(value[key]);
    return sorted;
  }
  if (typeof value === 'bigint') return value.toString();
  return value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/**
 * The text of a value: strings as they are, null/undefined as '', numbers and booleans via String,
 * an object with a single string field as that string (a one-field text answer), anything else as stable JSON.
 */
export function toText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return value.toISOString();
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && typeof value[keys[0]!] === 'string') return value[keys[0]!] as string;
  }
  return stableJson(value);
}

/** An input row as `column: value` lines, in column order. */
export function inputRowText(row: Record<string, unknown>): string {
  return Object.entries(row)
    .map(([column, value]) => `${column}: ${toText(value)}`)
    .join('\n');
}

/** Source documents for a judge: a list becomes numbered `[1] ...` blocks, anything else its text. */
export function documentsText(value: unknown): string {
  if (Array.isArray(value)) return value.map((doc, i) => `[${i + 1}] ${toText(doc)}`).join('\n\n');
  return toText(value);
}

/** A value quoted for an explanation, shortened to `max` characters. */
export function quote(value: unknown, max = 80): string {
  const text = toText(value).replace(/\s+/g, ' ').trim();
  const shown = [...text].length > max ? `${[...text].slice(0, max - 1).join('')}…` : text;
  return JSON.stringify(shown);
}

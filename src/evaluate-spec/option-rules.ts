/** Checks for single evaluator options: each returns what is wrong with a value, or null when it is fine. */

export type OptionCheck = (value: unknown) => string | null;

export interface OptionRule {
  check: OptionCheck;
  required?: boolean;
  /** Shown in "accepted options" lists and the README. */
  describe: string;
}

const isScalar = (v: unknown): boolean => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

export const anyValue: OptionCheck = (v) => (v === undefined || v === null ? 'must be a value (got nothing)' : null);

export const scalar: OptionCheck = (v) => (isScalar(v) ? null : 'must be a string, number or boolean');

export const boolean: OptionCheck = (v) => (typeof v === 'boolean' ? null : 'must be true or false');

export const nonEmptyString: OptionCheck = (v) => (typeof v === 'string' && v.trim() !== '' ? null : 'must be a non-empty string');

export const finiteNumber: OptionCheck = (v) => (typeof v === 'number' && Number.isFinite(v) ? null : 'must be a number');

export const nonNegativeInteger: OptionCheck = (v) =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 ? null : 'must be a whole number >= 0';

export const scalarList: OptionCheck = (v) =>
  Array.isArray(v) && v.length > 0 && v.every(isScalar) ? null : 'must be a non-empty list of strings or numbers';

export const plainObject: OptionCheck = (v) =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? null : 'must be a mapping (a JSON Schema object)';

/** A string or a non-empty list of non-empty strings. */
export const textOrTextList: OptionCheck = (v) => {
  if (typeof v === 'string') return v.trim() === '' ? 'must not be empty' : null;
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' && x.trim() !== '')) return null;
  return 'must be a string or a non-empty list of strings';
};

export function oneOf(values: readonly string[]): OptionCheck {
  return (v) => (typeof v === 'string' && values.includes(v) ? null : `must be one of ${values.map((x) => `\`${x}\``).join(', ')}`);
}

/** `custom` modules: JavaScript Node imports as is, or a TypeScript file Loom strips of its types first. */
export const moduleFile: OptionCheck = (v) => {
  if (typeof v !== 'string' || v.trim() === '') return 'must be a path to a .js, .mjs, .cjs, .ts or .mts file, relative to the project directory';
  if (!/\.(m|c)?(js|ts)$/i.test(v)) return `\`${v}\` must end in .js, .mjs, .cjs, .ts or .mts`;
  return null;
};

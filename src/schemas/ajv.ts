import { createRequire } from 'node:module';
import type { Ajv, Options, ValidateFunction } from 'ajv';

const require = createRequire(import.meta.url);

/**
 * A new ajv instance, with ajv-formats when `formats` is given (`true`: all of them). ajv and ajv-formats are
 * loaded on the first call (~80 ms): compiles, and builds with nothing to check, never load them.
 */
export function newAjv(options: Options, formats?: true | string[]): Ajv {
  const { Ajv: AjvClass } = require('ajv') as typeof import('ajv');
  const ajv = new AjvClass(options);
  if (formats) {
    const addFormats = (require('ajv-formats') as { default: (a: Ajv, formats?: string[]) => void }).default;
    if (formats === true) addFormats(ajv);
    else addFormats(ajv, formats);
  }
  return ajv;
}

/**
 * Compiles each distinct schema once (by `key`), on an ajv made with the first compile. Two different schemas
 * with one `$id` each get compiled: ajv keeps one schema per id, so the second goes to an ajv of its own.
 * Throws ajv's message for a schema it cannot compile.
 */
export class SchemaCompiler {
  private ajv: Ajv | undefined;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(
    private readonly options: Options,
    private readonly key: (schema: object) => string = JSON.stringify,
  ) {}

  compile(schema: object): ValidateFunction {
    const key = this.key(schema);
    let validate = this.compiled.get(key);
    if (!validate) {
      this.ajv ??= newAjv(this.options, true);
      try {
        validate = this.ajv.compile(schema);
      } catch (e) {
        if (!/already exists/.test((e as Error).message)) throw e;
        validate = newAjv(this.options, true).compile(schema);
      }
      this.compiled.set(key, validate);
    }
    return validate;
  }
}

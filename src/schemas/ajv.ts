import { createRequire } from 'node:module';
import type { Ajv, Options } from 'ajv';

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

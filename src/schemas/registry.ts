import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule.default;

/** The JSON Schemas shipped in the package's schemas/ folder (also published for editors). */
export type SchemaName = 'loom_project' | 'models' | 'pipeline' | 'evaluate' | 'llm-config' | 'manifest' | 'run_results';

const SCHEMA_DIR = new URL('../../schemas/', import.meta.url);
const BASE = 'https://loom.dev/schemas/';
const ALL: SchemaName[] = ['llm-config', 'evaluate', 'loom_project', 'models', 'pipeline', 'manifest', 'run_results'];

let ajv: Ajv | undefined;
const compiled = new Map<SchemaName, ValidateFunction>();

export function schemaPath(name: SchemaName): string {
  return new URL(`${name}.schema.json`, SCHEMA_DIR).pathname;
}

export function loadSchema(name: SchemaName): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`${name}.schema.json`, SCHEMA_DIR), 'utf8')) as Record<string, unknown>;
}

function instance(): Ajv {
  if (!ajv) {
    ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true, verbose: true });
    // The artifact schemas use `format: date-time`; without the format ajv would warn on stderr when compiling them.
    addFormats(ajv, ['date-time']);
    // Schemas are added under their file names so their relative $refs resolve here exactly as they do in an editor.
    for (const name of ALL) ajv.addSchema(loadSchema(name), `${BASE}${name}.schema.json`);
  }
  return ajv;
}

export function validator(name: SchemaName): ValidateFunction {
  let fn = compiled.get(name);
  if (!fn) {
    fn = instance().getSchema(`${BASE}${name}.schema.json`);
    if (!fn) throw new Error(`schema ${name} is missing from the package`);
    compiled.set(name, fn);
  }
  return fn;
}

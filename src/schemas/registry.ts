import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Ajv, ValidateFunction } from 'ajv';
import { newAjv } from './ajv.js';

/** The JSON Schemas shipped in the package's schemas/ folder (also published for editors). */
export type SchemaName = 'loom_project' | 'models' | 'pipeline' | 'evaluate' | 'llm-config' | 'manifest' | 'run_results';

const SCHEMA_DIR = new URL('../../schemas/', import.meta.url);
const require = createRequire(import.meta.url);
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
    // Loaded only when a schema was not precompiled at build time (artifacts, or running from source). The
    // artifact schemas use `format: date-time`; without the format ajv would warn on stderr when compiling them.
    ajv = newAjv({ allErrors: true, strict: false, allowUnionTypes: true, verbose: true }, ['date-time']);
    // Schemas are added under their file names so their relative $refs resolve here exactly as they do in an editor.
    for (const name of ALL) ajv.addSchema(loadSchema(name), `${BASE}${name}.schema.json`);
  }
  return ajv;
}

/** Schemas of the files users write, precompiled by scripts/build-validators.mjs at build time. */
const PRECOMPILED: readonly SchemaName[] = ['loom_project', 'models', 'pipeline'];
const PRECOMPILED_FROM: readonly SchemaName[] = ['llm-config', 'evaluate', 'loom_project', 'models', 'pipeline'];
let precompiled: Record<string, ValidateFunction> | null | undefined;

/** The build's standalone validators, when they were generated from exactly the schemas on disk. */
function precompiledValidators(): Record<string, ValidateFunction> | null {
  if (precompiled === undefined) {
    precompiled = null;
    try {
      const generated = require(new URL('validators.generated.cjs', SCHEMA_DIR).pathname) as Record<string, unknown>;
      const hash = createHash('sha256');
      for (const name of PRECOMPILED_FROM) hash.update(readFileSync(new URL(`${name}.schema.json`, SCHEMA_DIR)));
      if (generated.schemasHash === hash.digest('hex')) precompiled = generated as Record<string, ValidateFunction>;
    } catch {
      // Not generated (running from source without a build): compile at run time instead.
    }
  }
  return precompiled;
}

export function validator(name: SchemaName): ValidateFunction {
  let fn = compiled.get(name);
  if (!fn && PRECOMPILED.includes(name)) fn = precompiledValidators()?.[name];
  if (!fn) {
    fn = instance().getSchema(`${BASE}${name}.schema.json`);
    if (!fn) throw new Error(`schema ${name} is missing from the package`);
    compiled.set(name, fn);
  }
  return fn;
}

/** Options of the JSON Schema meta-validator, here and in scripts/build-validators.mjs. */
const META_OPTIONS = { strict: false, allErrors: true, verbose: true };
const DRAFT_07 = 'http://json-schema.org/draft-07/schema';
let metaValidator: ValidateFunction | undefined;

/**
 * Checks that a value is a JSON Schema (draft-07, ajv's default): precompiled at build time for the ajv
 * installed, compiled on first use otherwise.
 */
export function jsonSchemaValidator(): ValidateFunction {
  if (!metaValidator) {
    try {
      const generated = require(new URL('json-schema.generated.cjs', SCHEMA_DIR).pathname) as { ajvVersion?: string; draft07?: ValidateFunction };
      const installed = (require('ajv/package.json') as { version: string }).version;
      if (generated.ajvVersion === installed && typeof generated.draft07 === 'function') metaValidator = generated.draft07;
    } catch {
      // Not generated (running from source without a build).
    }
    metaValidator ??= newAjv(META_OPTIONS).getSchema(DRAFT_07)!;
  }
  return metaValidator;
}

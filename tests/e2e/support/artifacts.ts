import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { REPO } from './project.js';

const ajv = new Ajv({ allErrors: true, strict: false });
(addFormats as unknown as (a: Ajv) => void)(ajv);
const validators = new Map<string, ValidateFunction>();

/** Validates an artifact we wrote (manifest, run_results) against its committed JSON Schema; throws listing the problems. */
export function validateArtifact(name: 'manifest' | 'run_results', value: unknown): void {
  let validate = validators.get(name);
  if (!validate) {
    validate = ajv.compile(JSON.parse(readFileSync(join(REPO, 'schemas', `${name}.schema.json`), 'utf8')));
    validators.set(name, validate);
  }
  if (!validate(value)) throw new Error(`${name} does not match its schema:\n${ajv.errorsText(validate.errors, { separator: '\n' })}`);
}

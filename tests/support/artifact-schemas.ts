import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

/**
 * Validates the artifacts Loom writes (target/manifest.json, target/run_results.json) against the JSON Schemas
 * committed in schemas/, with formats (date-time...) checked and strict mode on, so a test fails the moment
 * the code writes something its published schema does not allow.
 */
export type ArtifactName = 'manifest' | 'run_results';

const SCHEMA_DIR = new URL('../../schemas/', import.meta.url);
const addFormats = addFormatsModule.default;

let ajv: Ajv | undefined;
const validators = new Map<ArtifactName, ValidateFunction>();

function validatorOf(name: ArtifactName): ValidateFunction {
  let fn = validators.get(name);
  if (!fn) {
    if (!ajv) {
      ajv = new Ajv({ allErrors: true, strict: false });
      addFormats(ajv);
    }
    const schema = JSON.parse(readFileSync(new URL(`${name}.schema.json`, SCHEMA_DIR), 'utf8')) as object;
    fn = ajv.compile(schema);
    validators.set(name, fn);
  }
  return fn;
}

/** Every violation as `instancePath message`, or [] when the value is valid. */
export function artifactErrors(name: ArtifactName, value: unknown): string[] {
  const validate = validatorOf(name);
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

/** Throws with every violation listed when `value` does not match schemas/<name>.schema.json. */
export function assertValidArtifact(name: ArtifactName, value: unknown): void {
  const errors = artifactErrors(name, value);
  if (errors.length) throw new Error(`${name} does not match schemas/${name}.schema.json:\n  ${errors.slice(0, 20).join('\n  ')}`);
}

export const assertValidManifest = (manifest: unknown): void => assertValidArtifact('manifest', manifest);
export const assertValidRunResults = (runResults: unknown): void => assertValidArtifact('run_results', runResults);

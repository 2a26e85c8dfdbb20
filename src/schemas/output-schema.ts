import type { Ajv, ErrorObject } from 'ajv';
import type { JsonSchema } from '../contracts/llm.js';
import type { YamlPath } from '../base/yaml-file.js';
import { newAjv } from './ajv.js';
import { explainErrors } from './diagnose.js';
import { jsonSchemaValidator } from './registry.js';

/** One thing wrong with an output schema, at the path (inside the schema) of the key or value it is about. */
export interface OutputSchemaProblem {
  message: string;
  path: YamlPath;
  part: 'key' | 'value';
}

let customMetaValidator: Ajv | undefined;
const memo = new Map<string, OutputSchemaProblem[]>();

/** Every problem of an output schema (none: it is a valid JSON Schema of an object); identical schemas are checked once. */
export function outputSchemaProblems(schema: JsonSchema): OutputSchemaProblem[] {
  const key = JSON.stringify(schema);
  let problems = memo.get(key);
  if (!problems) {
    problems = checkOutputSchema(schema);
    memo.set(key, problems);
  }
  return problems;
}

function checkOutputSchema(schema: JsonSchema): OutputSchemaProblem[] {
  let errors: readonly ErrorObject[] | null | undefined;
  if (schema.$schema === undefined) {
    const validate = jsonSchemaValidator();
    if (!validate(schema)) errors = validate.errors;
  } else {
    // A schema naming its own meta-schema: ajv knows draft-07 (and draft-06/04 by their ids) and throws on others.
    customMetaValidator ??= newAjv({ strict: false, validateSchema: true, allErrors: true, verbose: true });
    try {
      if (!customMetaValidator.validateSchema(schema)) errors = customMetaValidator.errors;
    } catch {
      return [
        {
          message: `names \`$schema: ${String(schema.$schema)}\`, a JSON Schema version Loom does not check against; use draft-07 (\`http://json-schema.org/draft-07/schema#\`) or leave \`$schema\` out`,
          path: ['$schema'],
          part: 'value',
        },
      ];
    }
  }
  if (errors) return explainMetaErrors(errors);
  const type = schema.type;
  if (type !== undefined && type !== 'object') return [{ message: `must describe one output row, an object (\`type: object\`); got \`type: ${String(type)}\``, path: ['type'], part: 'value' }];
  if (type === undefined && schema.properties === undefined) return [{ message: 'must describe one output row: give it `type: object` and `properties:`', path: [], part: 'value' }];
  return [];
}

/**
 * The meta-schema's errors, one per mistake: `type: strng` fails an enum of the JSON Schema types, a "must be a
 * list" branch and the anyOf holding both; only the enum says what to write. A value with a problem further in
 * (`type: [string, nul]`) is reported there, not as a whole.
 */
function explainMetaErrors(errors: readonly ErrorObject[]): OutputSchemaProblem[] {
  const enumAt = new Set(errors.filter((e) => e.keyword === 'enum').map((e) => e.instancePath));
  const kept = errors.filter((e) => {
    if (e.keyword === 'enum' || e.keyword === 'required' || e.keyword === 'additionalProperties') {
      return !(e.keyword === 'enum' && Array.isArray(e.data) && hasDeeper(e.instancePath, errors));
    }
    if (e.keyword !== 'anyOf' && e.keyword !== 'type') return true;
    return !enumAt.has(e.instancePath) && !hasDeeper(e.instancePath, errors);
  });
  return explainErrors(kept, () => undefined, 'the output schema').map((p) => ({
    message: `is not a valid JSON Schema: ${p.diagnostic.message}`,
    path: p.key === undefined ? p.path : [...p.path, p.key],
    part: p.key === undefined ? 'value' : 'key',
  }));
}

function hasDeeper(path: string, errors: readonly ErrorObject[]): boolean {
  return errors.some((e) => e.instancePath.startsWith(`${path}/`));
}

/** Compiling the JSON Schemas users give the `json_schema` evaluator, once per distinct schema. */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { SchemaCompiler } from '../schemas/ajv.js';
import { stableJson } from './text.js';

const compiler = new SchemaCompiler({ allErrors: true, strict: false }, stableJson);

/** The validator for `schema`; throws ajv's message when the schema itself is invalid. */
export function compileUserSchema(schema: Record<string, unknown>): ValidateFunction {
  return compiler.compile(schema);
}

/** The reason `schema` cannot be compiled, or null when it can. */
export function userSchemaProblem(schema: Record<string, unknown>): string | null {
  try {
    compileUserSchema(schema);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** `/path message` for the first `limit` errors, `; `-joined. */
export function formatSchemaErrors(errors: readonly ErrorObject[] | null | undefined, limit = 3): string {
  const list = errors ?? [];
  const shown = list.slice(0, limit).map((e) => {
    const where = e.instancePath === '' ? '(root)' : e.instancePath;
    const allowed = e.keyword === 'enum' && Array.isArray(e.params.allowedValues) ? ` ${JSON.stringify(e.params.allowedValues)}` : '';
    const extra = e.keyword === 'additionalProperties' ? ` (\`${String(e.params.additionalProperty)}\`)` : '';
    return `${where} ${e.message ?? e.keyword}${allowed}${extra}`;
  });
  const more = list.length > limit ? ` (+${list.length - limit} more)` : '';
  return shown.join('; ') + more;
}

import { compileUserSchema, formatSchemaErrors } from '../../evaluate-spec/json-schema-validator.js';
import { readInputs } from '../read-inputs.js';
import { failed, scored } from '../result.js';
import type { Evaluator } from '../types.js';

/** Score 1 when the output value (as parsed, not its text) is valid against `schema`, else 0 with the first errors. */
export const jsonSchemaEvaluator: Evaluator = async (spec, input) => {
  const read = readInputs(spec, input);
  if ('result' in read) return read.result;
  let validate;
  try {
    validate = compileUserSchema(spec.options.schema as Record<string, unknown>);
  } catch (err) {
    return failed(spec, `invalid JSON Schema: ${(err as Error).message}`);
  }
  if (validate(read.values.output)) return scored(spec, 1, 'output is valid against the schema');
  return scored(spec, 0, `output is not valid against the schema: ${formatSchemaErrors(validate.errors)}`);
};

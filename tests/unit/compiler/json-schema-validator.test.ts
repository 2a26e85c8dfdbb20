import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { jsonSchemaValidator } from '../../../src/schemas/registry.js';

const require = createRequire(import.meta.url);

const SCHEMAS: unknown[] = [
  { type: 'object', properties: { label: { enum: ['a', 'b'] }, score: { type: 'number', minimum: 0, maximum: 1 } }, required: ['label'] },
  { type: 'object', properties: { x: { type: 'strin' } } },
  { type: 'object', required: 'label' },
  { type: 'object', properties: { x: { minimum: 'zero' } } },
  { type: 'object', properties: { x: { items: [{ type: 'string' }, 3] } } },
  { type: 'object', additionalProperties: 5 },
  { type: 'object', properties: { x: { enum: [] } } },
  { type: 'object', properties: { x: { pattern: 7 } } },
  { type: 'object', properties: { tags: { type: 'array', uniqueItems: 'yes' } } },
  { type: 'object', properties: { x: { $ref: '#/definitions/y' } }, definitions: { y: { type: 'integer' } } },
];

describe('jsonSchemaValidator', () => {
  it('is the validator precompiled by the build', () => {
    const generated = require('../../../schemas/json-schema.generated.cjs') as { draft07: unknown };
    expect(jsonSchemaValidator()).toBe(generated.draft07);
  });

  it("judges output schemas exactly as ajv's own validateSchema does, first error included", () => {
    const ajv = new Ajv({ strict: false, validateSchema: true });
    const validate = jsonSchemaValidator();
    for (const schema of SCHEMAS) {
      const expected = ajv.validateSchema(schema as object) as boolean;
      expect(validate(schema), JSON.stringify(schema)).toBe(expected);
      if (!expected) {
        const [mine, theirs] = [validate.errors![0]!, ajv.errors![0]!];
        expect({ path: mine.instancePath, message: mine.message }, JSON.stringify(schema)).toEqual({ path: theirs.instancePath, message: theirs.message });
      }
    }
    expect(SCHEMAS.filter((s) => !ajv.validateSchema(s as object)).length).toBeGreaterThan(5);
  });
});

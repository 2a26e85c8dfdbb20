import type { ErrorObject } from 'ajv';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { didYouMean, listOf } from '../diagnostics/suggest.js';
import type { YamlFile, YamlPath } from '../base/yaml-file.js';
import { validator, type SchemaName } from './registry.js';

/** Validates a parsed YAML file against one of our schemas; every violation becomes a diagnostic at its position. */
export function validateYaml(file: YamlFile, schema: SchemaName): Diagnostic[] {
  return validateYamlAt(file, schema).map((p) => p.diagnostic);
}

/** A schema violation and the path of the value it is about. */
export interface SchemaProblem {
  diagnostic: Diagnostic;
  path: YamlPath;
  /** For an unknown key: the key itself (`path` is the mapping that holds it). */
  key?: string;
}

/** Like validateYaml, keeping each problem's path so callers can tell which entry of a list is broken. */
export function validateYamlAt(file: YamlFile, schema: SchemaName, value: unknown = file.value, basePath: YamlPath = []): SchemaProblem[] {
  const validate = validator(schema);
  if (validate(value)) return [];
  return explainErrors(validate.errors ?? [], (path, part) => file.locate([...basePath, ...path], part), file.path).map((p) => ({
    ...p,
    path: [...basePath, ...p.path],
  }));
}

/** Turns ajv's errors into one readable diagnostic per problem. */
export function explainErrors(
  errors: readonly ErrorObject[],
  locate: (path: YamlPath, part: 'key' | 'value') => Diagnostic['location'],
  fileLabel: string,
): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  const hidden = hiddenAnyOfErrors(errors);
  const seen = new Set<string>();
  for (const e of errors) {
    const path = pointerToPath(e.instancePath);
    if (hidden.has(e)) continue;
    const key = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const d = explainOne(e, path, locate, fileLabel);
    if (!d) continue;
    const unknownKey = e.keyword === 'additionalProperties' ? String((e.params as { additionalProperty: string }).additionalProperty) : undefined;
    out.push(unknownKey === undefined ? { diagnostic: d, path } : { diagnostic: d, path, key: unknownKey });
  }
  return out;
}

/**
 * An anyOf fails with an error of its own plus the errors of every branch. When some branch got the shape right
 * and only something inside it is wrong (`passthrough: [a, 3]`), those inner errors say what to fix and the anyOf
 * error ("must be true or false or a list") would only confuse. Otherwise the anyOf error alone says what was
 * expected and the branches' errors are noise.
 */
function hiddenAnyOfErrors(errors: readonly ErrorObject[]): Set<ErrorObject> {
  const hidden = new Set<ErrorObject>();
  for (const anyOf of errors.filter((e) => e.keyword === 'anyOf')) {
    const branches = errors.filter((e) => e !== anyOf && e.schemaPath.startsWith(`${anyOf.schemaPath}/`) && e.instancePath.startsWith(anyOf.instancePath));
    const inner = branches.filter((e) => e.instancePath.startsWith(`${anyOf.instancePath}/`));
    for (const e of branches) if (!inner.includes(e)) hidden.add(e);
    if (inner.length) hidden.add(anyOf);
  }
  return hidden;
}

function explainOne(
  e: ErrorObject,
  path: YamlPath,
  locate: (path: YamlPath, part: 'key' | 'value') => Diagnostic['location'],
  fileLabel: string,
): Diagnostic | undefined {
  const subject = describePath(path, fileLabel);
  const schema = (e.parentSchema ?? {}) as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const accepted = Object.keys((schema.properties as object | undefined) ?? {}).filter((k) => k !== '$schema');
      return error(
        'LOOM010',
        `unknown key \`${key}\` in ${subject}${didYouMean(key, accepted)}; accepted keys: ${listOf(accepted)}`,
        locate([...path, key], 'key'),
      );
    }
    case 'required': {
      const key = String((e.params as { missingProperty: string }).missingProperty);
      return error('LOOM013', `${subject} is missing the required key \`${key}\``, locate(path, 'value'));
    }
    case 'type': {
      const expected = String((e.params as { type: string | string[] }).type).replace(',', ' or ');
      return error('LOOM011', `${subject} must be ${article(expected)}, got ${describeValue(e.data)}`, locate(path, 'value'));
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
      return error(
        'LOOM012',
        `${subject} must be ${listOf(allowed)}, got ${describeValue(e.data)}${typeof e.data === 'string' ? didYouMean(e.data, allowed.map(String)) : ''}`,
        locate(path, 'value'),
      );
    }
    case 'pattern': {
      const what = String(schema.pattern).includes('A-Za-z_][A-Za-z0-9_]')
        ? 'an identifier: letters, digits and underscores, not starting with a digit'
        : `a string matching ${String(schema.pattern)}`;
      return error('LOOM012', `${subject} must be ${what}; got ${describeValue(e.data)}`, locate(path, 'value'));
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const p = e.params as { comparison: string; limit: number };
      return error('LOOM012', `${subject} must be ${p.comparison} ${p.limit}, got ${describeValue(e.data)}`, locate(path, 'value'));
    }
    case 'minLength':
      return error('LOOM012', `${subject} must not be empty`, locate(path, 'value'));
    case 'anyOf': {
      const shapes = shapesOf(schema.anyOf);
      if (shapes) return error('LOOM011', `${subject} must be ${shapes}, got ${describeValue(e.data)}`, locate(path, 'value'));
      const hint = typeof schema.description === 'string' ? `: ${schema.description}` : '';
      return error('LOOM011', `${subject} has the wrong shape, got ${describeValue(e.data)}${hint}`, locate(path, 'value'));
    }
    default:
      return error('LOOM014', `${subject} ${e.message ?? 'is invalid'}`, locate(path, 'value'));
  }
}

/** `true or false or a list of strings` when every branch is a plain type (no pattern, no required keys); else undefined. */
function shapesOf(branches: unknown): string | undefined {
  if (!Array.isArray(branches)) return undefined;
  const shapes: string[] = [];
  for (const b of branches as Record<string, unknown>[]) {
    if (typeof b?.type !== 'string' || Object.keys(b).some((k) => !['type', 'items', 'description'].includes(k))) return undefined;
    const items = b.items as Record<string, unknown> | undefined;
    if (b.type === 'array' && items) {
      if (typeof items.type !== 'string' || Object.keys(items).some((k) => !['type', 'minLength', 'description'].includes(k))) return undefined;
      shapes.push(`a list of ${PLURALS[items.type] ?? `${items.type} values`}`);
    } else shapes.push(article(b.type));
  }
  return shapes.join(' or ');
}

const PLURALS: Record<string, string> = { string: 'strings', number: 'numbers', integer: 'integers', boolean: 'booleans', object: 'mappings' };

function pointerToPath(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** `models[2].llm.temperature` — or the file itself at the root. */
export function describePath(path: YamlPath, fileLabel: string): string {
  if (path.length === 0) return fileLabel;
  let out = '';
  for (const segment of path) out += typeof segment === 'number' ? `[${segment}]` : out ? `.${segment}` : segment;
  return `\`${out}\``;
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `\`${value.length > 40 ? `${value.slice(0, 40)}…` : value}\``;
  return `\`${String(value)}\``;
}

function article(type: string): string {
  const words: Record<string, string> = { object: 'a mapping', array: 'a list', string: 'a string', integer: 'an integer', number: 'a number', boolean: 'true or false' };
  return type
    .split(' or ')
    .map((t) => words[t] ?? t)
    .join(' or ');
}

import { error, type Diagnostic, type SourceLocation } from '../diagnostics/diagnostic.js';
import { readSqlConfig } from './sql-config.js';
import type { Origin, RawModel, RawModelPatch } from './types.js';
import { YamlFile } from '../base/yaml-file.js';

/**
 * A models/**\/*.sql file as dbt writes it → a raw sql model named after the file. The file's `{{ config(...) }}`
 * sets materialized, tags, enabled and meta.
 */
export function sqlFileModel(path: string, text: string): { model: RawModel; diagnostics: Diagnostic[] } {
  const config = readSqlConfig(path, text);
  const name = path.split('/').pop()!.replace(/\.sql$/, '');
  const body: Record<string, unknown> = { name, kind: 'sql', ...config.values, sql: config.sql };
  // The origin of the model as a whole is the file's start: a YAML file of no text at that path points there.
  const model: RawModel = { name, kind: 'sql', body, origin: fileOrigin(path), pipeline: null, keyOrigins: {}, sqlFile: { path, text } };
  const diagnostics = config.diagnostics;
  if (!IDENTIFIER.test(name)) {
    const fixed = name.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(?=[0-9])/, '_');
    diagnostics.push(
      error('LOOM017', `the model name is the file name, \`${name}\`, which is not a name: use letters, digits and _ (not first a digit), e.g. rename it to ${fixed}.sql`, { file: path, line: 1, col: 1 }),
    );
  }
  return { model, diagnostics };
}

/** As models.schema.json's `identifier`. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function fileOrigin(path: string): Origin {
  return { file: new YamlFile(path, ''), path: [] };
}

export interface MergedModels {
  models: RawModel[];
  /** Names whose definitions clash or are incomplete: refs to them resolve quietly (their error is reported). */
  broken: string[];
  diagnostics: Diagnostic[];
}

/**
 * dbt's split of a model over two files: the .sql file holds the query and its config(), a `models:` entry of the
 * same name (no `kind:`, no `sql:`) its docs. An entry with a query of its own, or an llm model, of a .sql file's
 * name is a duplicate, reported at both; an entry with no `kind:` and no .sql file is the schema error it was.
 */
export function mergeSqlModels(yamlModels: RawModel[], patches: RawModelPatch[], sqlModels: RawModel[]): MergedModels {
  const out: MergedModels = { models: [], broken: [], diagnostics: [] };
  const files = new Map<string, RawModel>();
  for (const m of sqlModels) if (!files.has(m.name)) files.set(m.name, m);
  const clashing = new Set<string>();
  const attached = new Map<string, { body: Record<string, unknown>; origin: Origin }>();

  for (const patch of patches) {
    if (!files.has(patch.name)) {
      const message =
        `model \`${patch.name}\` has no \`kind:\`, and there is no models/**/${patch.name}.sql for it to document: ` +
        `give it \`kind: sql\` and \`sql:\` (or \`kind: llm\`), or create ${patch.name}.sql under a model path`;
      out.diagnostics.push({ ...patch.missing, message });
      out.broken.push(patch.name);
    } else if (!patch.invalid && !attach(attached, patch.name, patch.body, patch.origin, out)) clashing.add(patch.name);
  }
  for (const m of yamlModels) {
    const file = files.get(m.name);
    if (!file) {
      out.models.push(m);
    } else if (m.kind === 'sql' && m.body.sql === undefined && !m.pipeline) {
      if (!attach(attached, m.name, m.body, m.origin, out)) clashing.add(m.name);
    } else {
      out.diagnostics.push(...duplicate(m, file));
      clashing.add(m.name);
    }
  }
  for (const m of sqlModels) {
    if (clashing.has(m.name)) continue;
    const docs = attached.get(m.name);
    out.models.push(docs && files.get(m.name) === m ? withDocs(m, docs.body, docs.origin) : m);
  }
  out.broken.push(...clashing);
  return out;
}

/** Records the docs entry of a .sql model; false (and an error at both) when another entry documents it already. */
function attach(
  attached: Map<string, { body: Record<string, unknown>; origin: Origin }>,
  name: string,
  body: Record<string, unknown>,
  origin: Origin,
  out: MergedModels,
): boolean {
  const first = attached.get(name);
  if (!first) {
    attached.set(name, { body, origin });
    return true;
  }
  const a = locate(first.origin);
  const b = locate(origin);
  out.diagnostics.push(error('LOOM030', `model \`${name}\` is documented twice; the other entry is at ${where(b)}: merge them into one`, a));
  out.diagnostics.push(error('LOOM030', `model \`${name}\` is documented twice; the other entry is at ${where(a)}: merge them into one`, b));
  return false;
}

/** The .sql file's model with the YAML entry's keys: config() in the file wins, tags and meta are merged. */
function withDocs(model: RawModel, docs: Record<string, unknown>, origin: Origin): RawModel {
  const body: Record<string, unknown> = { ...docs, ...model.body };
  const keyOrigins: Record<string, Origin> = {};
  for (const key of Object.keys(docs)) if (model.body[key] === undefined) keyOrigins[key] = { file: origin.file, path: [...origin.path, key] };
  const tags = [...((docs.tags as string[] | undefined) ?? []), ...((model.body.tags as string[] | undefined) ?? [])];
  if (tags.length) body.tags = [...new Set(tags)];
  if (docs.meta || model.body.meta) body.meta = { ...(docs.meta as object | undefined), ...(model.body.meta as object | undefined) };
  return { ...model, body, keyOrigins, docsFile: origin.file.path };
}

function duplicate(entry: RawModel, file: RawModel): Diagnostic[] {
  const yamlAt = locate(entry.origin);
  const fileAt = locate(file.origin);
  const what = entry.kind === 'llm' ? 'an llm model' : 'a sql model with its own `sql:`';
  return [
    error(
      'LOOM030',
      `model \`${entry.name}\` is defined twice: here as ${what}, and by ${fileAt.file}; rename one, or drop \`kind:\` and \`sql:\` here to document the .sql file`,
      yamlAt,
    ),
    error('LOOM030', `model \`${entry.name}\` is defined twice: by this file, and at ${where(yamlAt)} as ${what}; rename one`, fileAt),
  ];
}

function locate(origin: Origin): SourceLocation {
  return origin.file.locate(origin.path);
}

function where(at: SourceLocation): string {
  return `${at.file}:${at.line}:${at.col}`;
}

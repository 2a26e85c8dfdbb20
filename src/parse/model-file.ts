import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { error } from '../diagnostics/diagnostic.js';
import { validateYamlAt, type SchemaProblem } from '../schemas/diagnose.js';
import { withEvaluateShape } from '../schemas/evaluate-examples.js';
import type { YamlFile } from '../base/yaml-file.js';
import type { ColumnDoc, RawModel, RawModelPatch, RawSourceTable } from './types.js';
import { formatOfPath } from './data-format.js';

export interface ParsedModelFile {
  sources: RawSourceTable[];
  models: RawModel[];
  /** Entries without `kind:`, to attach to .sql files of their name. */
  patches: RawModelPatch[];
  /** Names declared by entries with schema errors: they still resolve refs, so one typo does not cascade. */
  brokenModels: string[];
  brokenSources: [string, string][];
  diagnostics: Diagnostic[];
}

/** A models/**\/*.yml file → raw sources and models (validated against schemas/models.schema.json). */
export function parseModelFile(file: YamlFile): ParsedModelFile {
  const out: ParsedModelFile = { sources: [], models: [], patches: [], brokenModels: [], brokenSources: [], diagnostics: [...file.diagnostics] };
  if (file.diagnostics.length) {
    namesOf(file.recoveredValue(), out);
    return out;
  }
  if (file.value === null || file.value === undefined) return out;
  if (typeof file.value !== 'object' || Array.isArray(file.value)) {
    out.diagnostics.push(error('LOOM011', `${file.path} must be a mapping with \`sources:\` and/or \`models:\``, file.locate([])));
    return out;
  }
  const problems = validateYamlAt(file, 'models').map((p) => withEvaluateShape(p, file.value));
  // An entry whose only problem is a missing `kind:` may document a .sql model: decided once every file is read.
  const missingKind = new Map<number, SchemaProblem>();
  for (const p of problems) if (isMissingKind(p)) missingKind.set(p.path[1] as number, p);
  const deferred = new Set(missingKind.values());
  out.diagnostics.push(...problems.filter((p) => !deferred.has(p)).map((p) => p.diagnostic));
  const brokenPaths = new Set(problems.map((p) => brokenEntry(p.path)).filter((p): p is string => p !== null));
  const doc = file.value as { sources?: unknown[]; models?: unknown[] };

  (Array.isArray(doc.sources) ? doc.sources : []).forEach((s, i) => {
    const source = s as Record<string, unknown>;
    const sourceName = typeof source?.name === 'string' ? source.name : null;
    const tables = Array.isArray(source?.tables) ? source.tables : [];
    tables.forEach((t, j) => {
      const table = t as Record<string, unknown>;
      const tableName = typeof table?.name === 'string' ? table.name : null;
      if (!sourceName || !tableName) return;
      if (brokenPaths.has(`sources/${i}/tables/${j}`) || brokenPaths.has(`sources/${i}`)) {
        out.brokenSources.push([sourceName, tableName]);
        return;
      }
      const path = String(table.path);
      out.sources.push({
        source_name: sourceName,
        name: tableName,
        path,
        format: (table.format as RawSourceTable['format'] | undefined) ?? formatOfPath(path) ?? 'csv',
        options: (table.options as Record<string, unknown> | undefined) ?? {},
        description: String(table.description ?? ''),
        tags: [...((source.tags as string[] | undefined) ?? []), ...((table.tags as string[] | undefined) ?? [])],
        meta: { ...((source.meta as object | undefined) ?? {}), ...((table.meta as object | undefined) ?? {}) },
        unique_key: table.unique_key as string | undefined,
        columns: columnsOf(table.columns),
        origin: { file, path: ['sources', i, 'tables', j] },
        pathOrigin: { file, path: ['sources', i, 'tables', j, 'path'] },
        pipeline: null,
      });
    });
  });

  (Array.isArray(doc.models) ? doc.models : []).forEach((m, i) => {
    const body = m as Record<string, unknown>;
    if (typeof body?.name !== 'string') return;
    const patch = missingKind.get(i);
    if (patch) {
      const invalid = problems.some((p) => p !== patch && brokenEntry(p.path) === `models/${i}`);
      out.patches.push({ name: body.name, body, origin: { file, path: ['models', i] }, missing: patch.diagnostic, invalid });
      return;
    }
    if (brokenPaths.has(`models/${i}`)) {
      out.brokenModels.push(body.name);
      return;
    }
    out.models.push({
      name: body.name,
      kind: body.kind as 'sql' | 'llm',
      body,
      origin: { file, path: ['models', i] },
      pipeline: null,
      keyOrigins: {},
    });
  });
  return out;
}

/** The model and source table names a file with YAML errors still shows: they become broken names, not missing ones. */
function namesOf(value: unknown, out: ParsedModelFile): void {
  const doc = (value ?? {}) as { sources?: unknown; models?: unknown };
  if (Array.isArray(doc.models)) {
    for (const m of doc.models) if (typeof (m as { name?: unknown })?.name === 'string') out.brokenModels.push((m as { name: string }).name);
  }
  if (Array.isArray(doc.sources)) {
    for (const s of doc.sources as { name?: unknown; tables?: unknown }[]) {
      if (typeof s?.name !== 'string' || !Array.isArray(s.tables)) continue;
      for (const t of s.tables as { name?: unknown }[]) if (typeof t?.name === 'string') out.brokenSources.push([s.name, t.name]);
    }
  }
}

export function columnsOf(value: unknown): ColumnDoc[] {
  if (!Array.isArray(value)) return [];
  return value.map((c) => ({ name: String((c as { name: unknown }).name), description: String((c as { description?: unknown }).description ?? '') }));
}

function isMissingKind(problem: SchemaProblem): boolean {
  return problem.path.length === 2 && problem.path[0] === 'models' && problem.diagnostic.message.endsWith('the required key `kind`');
}

/** `models/3` for a problem inside the fourth model, `sources/0/tables/1` inside a table; null at file level. */
function brokenEntry(path: readonly (string | number)[]): string | null {
  if (path[0] === 'models' && typeof path[1] === 'number') return `models/${path[1]}`;
  if (path[0] === 'sources' && typeof path[1] === 'number') {
    if (path[2] === 'tables' && typeof path[3] === 'number') return `sources/${path[1]}/tables/${path[3]}`;
    return `sources/${path[1]}`;
  }
  return null;
}

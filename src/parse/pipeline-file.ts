import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { validateYamlAt } from '../schemas/diagnose.js';
import { withEvaluateShape } from '../schemas/evaluate-examples.js';
import { formatOfPath, urlScheme } from './data-format.js';
import type { RawDestination, RawModel, RawSourceTable } from './types.js';
import type { YamlFile, YamlPath } from '../base/yaml-file.js';

export interface ParsedPipelineFile {
  sources: RawSourceTable[];
  models: RawModel[];
  destinations: RawDestination[];
  /** The pipeline's name, when it had one, even if the file had errors (so refs to it do not cascade). */
  brokenModels: string[];
  diagnostics: Diagnostic[];
}

interface SeedPipeline {
  name: string;
  version?: string | number;
  description?: string;
  tags?: string[];
  extract: { source: string; format?: RawSourceTable['format']; unique_key?: string; options?: Record<string, unknown> };
  transform: {
    prompt: string;
    system?: string;
    model?: string;
    provider?: string;
    temperature?: number;
    max_tokens?: number;
    seed?: number;
    fallback_models?: string[];
    batch_size?: number;
    budget_usd?: number;
    output?: Record<string, unknown>;
    passthrough?: boolean | string[];
  };
  evaluate?: Record<string, unknown>;
  load?: { destination: string; format?: RawDestination['format'] };
}

/** The table name given to a pipeline's extract source: `source('<pipeline>', 'extract')`. */
export const PIPELINE_SOURCE_TABLE = 'extract';

/**
 * The seed document's single-file pipeline (name, version, extract, transform, evaluate, load) becomes
 * a source (unless it extracts from an existing relation), an llm model named after the pipeline, and a destination.
 */
export function parsePipelineFile(file: YamlFile): ParsedPipelineFile {
  const out: ParsedPipelineFile = { sources: [], models: [], destinations: [], brokenModels: [], diagnostics: [...file.diagnostics] };
  if (file.diagnostics.length) {
    const name = (file.recoveredValue() as { name?: unknown } | null)?.name;
    if (typeof name === 'string') out.brokenModels.push(name);
    return out;
  }
  if (file.value === null || file.value === undefined) return out;
  const problems = validateYamlAt(file, 'pipeline').map((p) => withEvaluateShape(p, file.value).diagnostic);
  const p = file.value as SeedPipeline;
  if (problems.length) {
    out.diagnostics.push(...problems);
    if (typeof p?.name === 'string') out.brokenModels.push(p.name);
    return out;
  }
  const at = (...path: YamlPath) => ({ file, path });
  let from: string;
  const extract = p.extract.source.trim();
  const scheme = urlScheme(extract);
  if (scheme) {
    out.diagnostics.push(unsupportedUrl(file, ['extract', 'source'], extract, 'extract.source'));
    // Every problem in one pass: the destination may name a URL too.
    const destination = p.load?.destination.trim();
    if (destination && urlScheme(destination)) out.diagnostics.push(unsupportedUrl(file, ['load', 'destination'], destination, 'load.destination'));
    out.brokenModels.push(p.name);
    return out;
  }
  if (/^(ref|source)\s*\(/.test(extract)) {
    from = extract;
  } else {
    const format = p.extract.format ?? formatOfPath(extract) ?? 'table';
    out.sources.push({
      source_name: p.name,
      name: PIPELINE_SOURCE_TABLE,
      path: extract,
      format,
      options: p.extract.options ?? {},
      description: `Input of pipeline ${p.name}: ${extract}`,
      tags: p.tags ?? [],
      meta: {},
      unique_key: p.extract.unique_key,
      columns: [],
      origin: at('extract'),
      pathOrigin: at('extract', 'source'),
      pipeline: p.name,
    });
    from = `source('${p.name}', '${PIPELINE_SOURCE_TABLE}')`;
  }

  const t = p.transform;
  const llm: Record<string, unknown> = {};
  for (const key of ['provider', 'model', 'temperature', 'max_tokens', 'seed', 'fallback_models'] as const) {
    if (t[key] !== undefined) llm[key] = t[key];
  }
  const body: Record<string, unknown> = {
    name: p.name,
    kind: 'llm',
    description: p.description ?? `Pipeline ${p.name}${p.version !== undefined ? ` v${p.version}` : ''}`,
    tags: p.tags ?? [],
    meta: p.version !== undefined ? { pipeline_version: String(p.version) } : {},
    from,
    prompt: t.prompt,
    llm,
  };
  if (p.extract.unique_key) body.unique_key = p.extract.unique_key;
  if (t.system) body.system = t.system;
  if (t.output) body.output = t.output;
  if (t.passthrough !== undefined) body.passthrough = t.passthrough;
  if (t.batch_size !== undefined) body.batch_size = t.batch_size;
  if (t.budget_usd !== undefined) body.budget_usd = t.budget_usd;
  if (p.evaluate) body.evaluate = p.evaluate;
  out.models.push({
    name: p.name,
    kind: 'llm',
    body,
    origin: at(),
    pipeline: p.name,
    keyOrigins: {
      from: at('extract', 'source'),
      unique_key: at('extract', 'unique_key'),
      prompt: at('transform', 'prompt'),
      system: at('transform', 'system'),
      llm: at('transform'),
      output: at('transform', 'output'),
      passthrough: at('transform', 'passthrough'),
      batch_size: at('transform', 'batch_size'),
      budget_usd: at('transform', 'budget_usd'),
      evaluate: at('evaluate'),
    },
  });

  if (p.load) {
    const destination = p.load.destination.trim();
    if (urlScheme(destination)) {
      out.diagnostics.push(unsupportedUrl(file, ['load', 'destination'], destination, 'load.destination'));
    } else {
      out.destinations.push({
        name: p.name,
        model: p.name,
        destination,
        format: p.load.format ?? formatOfPath(destination) ?? 'table',
        origin: at('load', 'destination'),
        pipeline: p.name,
      });
    }
  }
  return out;
}

function unsupportedUrl(file: YamlFile, path: YamlPath, url: string, key: string): Diagnostic {
  const scheme = urlScheme(url);
  const accepted = key === 'load.destination' ? 'a data file (.csv, .json, .ndjson, .parquet) or a warehouse table (schema.table)' : "a data file (.csv, .json, .ndjson, .parquet), a warehouse table (schema.table) or ref('model')";
  return error('LOOM090', `${key} \`${url}\`: ${scheme}:// URLs are not supported yet; use ${accepted}`, file.locate(path));
}

import Graph from 'graphology';
import { hasCycle, topologicalGenerations } from 'graphology-dag';
import { error, type Diagnostic, type SourceLocation } from '../diagnostics/diagnostic.js';
import { PromptLibrary } from '../parse/prompt-library.js';
import type { ProjectSpec, RawModel, RawSourceTable } from '../parse/types.js';
import { relationOf } from '../sql/quote.js';
import { findCycles } from './cycles.js';
import { destinationId, displayName, modelId, sourceId } from './ids.js';
import { KnownColumns } from './known-columns.js';
import { linkModel } from './link-model.js';
import { checkPromptNames } from './link-names.js';
import { outsideProjectWarning } from './source-paths.js';
import type { NameTables } from './link-calls.js';
import type { LinkedNode, LinkedProject } from './types.js';

/**
 * Gives every raw node its unique_id, resolves every ref/source/context/prompt, builds the DAG and checks it.
 * Pure: reads only the prompt files the models name (through the PromptLibrary) and the `env` it is given.
 */
export function linkProject(spec: ProjectSpec, env: Readonly<Record<string, string | undefined>>): LinkedProject {
  const config = spec.config;
  const project = config.name;
  const diagnostics: Diagnostic[] = [...spec.diagnostics];
  const nodes = new Map<string, LinkedNode>();
  const prompts = new PromptLibrary(config.projectDir, config.promptPaths, spec.promptFiles);
  const names: NameTables = {
    config,
    env,
    models: new Map(),
    sources: new Map(),
    contexts: spec.contextFiles,
    brokenModels: spec.brokenModels,
    brokenSources: spec.brokenSources,
    undeclaredData: undeclaredDataFiles(spec),
  };

  for (const s of spec.sources) {
    const id = sourceId(project, s.source_name, s.name);
    const existing = nodes.get(id);
    if (existing) {
      diagnostics.push(duplicate('LOOM031', `source table \`${s.source_name}.${s.name}\``, s.origin.file.locate(s.origin.path), existing));
      continue;
    }
    nodes.set(id, sourceNode(id, project, s));
    const outside = outsideProjectWarning(s, config.projectDir);
    if (outside) diagnostics.push(outside);
    names.sources.set(`${s.source_name}.${s.name}`, id);
  }

  const models: [LinkedNode, RawModel][] = [];
  for (const m of spec.models) {
    const id = modelId(project, m.name);
    const existing = nodes.get(id);
    if (existing) {
      diagnostics.push(duplicate('LOOM030', `model \`${m.name}\``, m.origin.file.locate(m.origin.path), existing));
      continue;
    }
    const node = modelNode(id, project, m, config.modelPaths, config.pipelinePaths);
    nodes.set(id, node);
    names.models.set(m.name, id);
    models.push([node, m]);
  }
  // Every template is checked once, whether or not a (valid) model uses it: one error per broken file.
  for (const path of spec.promptFiles) {
    const syntaxError = prompts.read(path)?.analysis.syntaxError;
    if (syntaxError) diagnostics.push(error('LOOM050', `template syntax error: ${syntaxError.message}`, { file: path, line: syntaxError.line, col: syntaxError.col }));
  }
  for (const [node, m] of models) {
    const problems = linkModel(node, m, names, prompts);
    if (problems.some((d) => d.severity === 'error')) node.broken = true;
    diagnostics.push(...problems);
  }
  // Once every model is linked, the columns of each one's input are known where files and schemas tell them.
  const columns = new KnownColumns(nodes, config.projectDir);
  const misnamed = models.filter(([node]) => node.kind === 'llm' && !node.broken).map(([node]) => [node, checkPromptNames(node, columns, config.vars)] as const);
  for (const [node, problems] of misnamed) {
    if (problems.length) node.broken = true;
    diagnostics.push(...problems);
  }

  for (const d of spec.destinations) {
    const id = destinationId(project, d.name);
    const parent = names.models.get(d.model);
    const node = blankNode(id, 'destination', 'load', d.name, [project, d.name], d.origin);
    node.pipeline = d.pipeline;
    node.description = `Writes the rows of ${d.model} to ${d.destination}`;
    node.destination = d;
    if (parent) node.parents.set(parent, () => d.origin.file.locate(d.origin.path));
    nodes.set(id, node);
  }

  diagnostics.push(...relationClashes(nodes));

  const graph = new Graph.DirectedGraph();
  for (const id of nodes.keys()) graph.addNode(id);
  for (const node of nodes.values()) for (const parent of node.parents.keys()) graph.addEdge(parent, node.unique_id);

  let order: string[] = [];
  if (hasCycle(graph)) {
    const cycles = findCycles([...nodes.keys()].sort(), (id) => graph.outNeighbors(id));
    for (const cycle of cycles) diagnostics.push(cycleDiagnostic(cycle, nodes));
  } else {
    order = topologicalGenerations(graph).flatMap((generation) => generation.sort());
  }
  return { config, nodes, graph, order, prompts, contextFiles: spec.contextFiles, files: spec.files, diagnostics: withoutRepeats(diagnostics) };
}

/** The data files of `spec.dataFiles` that no source table reads. */
function undeclaredDataFiles(spec: ProjectSpec): Map<string, string> {
  const declared = new Set(spec.sources.map((s) => s.path.replace(/^\.\//, '')));
  return new Map([...spec.dataFiles].filter(([, path]) => !declared.has(path)));
}

/**
 * DuckDB ignores case in names, even quoted, and models are written with `create or replace`: two nodes whose
 * relations differ only by case (models `Orders` and `orders`, or a source named `main` and a model of its table's
 * name) would silently overwrite each other. Sources that read an existing table write nothing, so may share one.
 */
function relationClashes(nodes: Map<string, LinkedNode>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const byRelation = new Map<string, LinkedNode[]>();
  for (const node of nodes.values()) {
    if (node.resource_type === 'destination') continue;
    const key = relationOf(node).toLowerCase();
    byRelation.set(key, [...(byRelation.get(key) ?? []), node]);
  }
  const writes = (n: LinkedNode) => n.resource_type === 'model' || n.source?.format !== 'table';
  for (const group of byRelation.values()) {
    const [first, ...others] = group;
    for (const other of others) {
      if (!writes(first) && !writes(other)) continue;
      const reader = !writes(first) ? first : !writes(other) ? other : null;
      if (reader) {
        // A pipeline extracting from a table another node writes: that is a dependency, written as ref/source.
        const writer = reader === first ? other : first;
        const call = writer.resource_type === 'source' ? `source('${writer.fqn[1]}', '${writer.fqn[2]}')` : `ref('${writer.name}')`;
        out.push(
          error(
            'LOOM034',
            `\`${reader.source!.path}\` is the table ${writer.resource_type} \`${displayName(writer.unique_id)}\` writes; read it with ${call} so the dependency is known and it is built first`,
            reader.source!.pathOrigin.file.locate(reader.source!.pathOrigin.path),
          ),
        );
        continue;
      }
      const at = first.origin.file.locate(first.origin.path);
      out.push(
        error(
          'LOOM033',
          `${other.resource_type} \`${displayName(other.unique_id)}\` and ${first.resource_type} \`${displayName(first.unique_id)}\` (${at.file}:${at.line}:${at.col}) would both be stored as ${relationOf(other)}: the warehouse ignores case in names; rename one`,
          other.origin.file.locate(other.origin.path),
        ),
      );
    }
  }
  return out;
}

/** A template shared by several models reports a problem of its own (a missing include) once, not once per model. */
function withoutRepeats(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.code}|${d.location?.file}:${d.location?.line}:${d.location?.col}|${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function cycleDiagnostic(cycle: string[], nodes: Map<string, LinkedNode>): Diagnostic {
  const path = cycle.map(displayName).join(' -> ');
  const notes: string[] = [];
  let first: SourceLocation | undefined;
  for (let i = 0; i + 1 < cycle.length; i++) {
    const parent = cycle[i];
    const child = cycle[i + 1];
    const where = nodes.get(child)?.parents.get(parent)?.();
    if (!first && where) first = where;
    notes.push(`${displayName(parent)} -> ${displayName(child)}: ${where ? `${where.file}:${where.line}:${where.col}` : nodes.get(child)?.original_file_path}`);
  }
  return error('LOOM060', `dependency cycle: ${path}`, first, notes);
}

function duplicate(code: string, what: string, at: SourceLocation, existing: LinkedNode): Diagnostic {
  const first = existing.origin.file.locate(existing.origin.path);
  return error(code, `${what} is defined twice; the first definition is at ${first.file}:${first.line}:${first.col}`, at);
}

/** A node with nothing linked yet, filled in by assignment (a spread into a new literal gives it a hidden class of its own). */
function blankNode(id: string, resource: LinkedNode['resource_type'], kind: LinkedNode['kind'], name: string, fqn: string[], origin: LinkedNode['origin']): LinkedNode {
  return {
    unique_id: id,
    resource_type: resource,
    kind,
    name,
    fqn,
    original_file_path: origin.file.path,
    origin,
    pipeline: null,
    description: '',
    tags: [],
    meta: {},
    columns: [],
    config: { enabled: true, tags: [], meta: {} },
    parents: new Map(),
    refs: [],
    sources: [],
    contexts: new Map(),
    sql: null,
    from: null,
    prompt: null,
    system: null,
    output_schema: null,
    source: null,
    destination: null,
    broken: false,
  };
}

function sourceNode(id: string, project: string, s: RawSourceTable): LinkedNode {
  const node = blankNode(id, 'source', 'source', s.name, [project, s.source_name, s.name], s.origin);
  node.pipeline = s.pipeline;
  node.description = s.description;
  node.tags = s.tags;
  node.meta = s.meta;
  node.columns = s.columns;
  node.source = s;
  node.config = { enabled: true, tags: s.tags, meta: s.meta };
  if (s.unique_key) node.config.unique_key = s.unique_key;
  if (Object.keys(s.options).length) node.config.options = s.options;
  return node;
}

function modelNode(id: string, project: string, m: RawModel, modelPaths: readonly string[], pipelinePaths: readonly string[]): LinkedNode {
  const body = m.body;
  const tags = Array.isArray(body.tags) ? (body.tags as string[]) : [];
  const meta = (body.meta as Record<string, unknown> | undefined) ?? {};
  const node = blankNode(id, 'model', m.kind, m.name, [project, ...folderOf(m.origin.file.path, m.pipeline ? pipelinePaths : modelPaths), m.name], m.origin);
  node.pipeline = m.pipeline;
  if (m.docsFile) node.patch_path = m.docsFile;
  node.description = typeof body.description === 'string' ? body.description : '';
  node.tags = tags;
  node.meta = meta;
  if (Array.isArray(body.columns)) {
    node.columns = (body.columns as { name: string; description?: string }[]).map((c) => ({ name: c.name, description: c.description ?? '' }));
  }
  return node;
}

/** `models/staging/orders.yml` under model-path `models` → ['staging']. */
function folderOf(path: string, roots: readonly string[]): string[] {
  for (const root of roots) {
    const prefix = `${root.replace(/\/+$/, '')}/`;
    if (path.startsWith(prefix)) return path.slice(prefix.length).split('/').slice(0, -1);
  }
  return path.split('/').slice(0, -1);
}

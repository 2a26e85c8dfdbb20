import type { Environment } from 'nunjucks';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { LinkedNode, LinkedProject, LinkedPrompt } from '../graph/types.js';
import { createTemplateEnvironment } from '../template/environment.js';
import { compilePromptTemplate, renderCompileTime } from '../template/render.js';
import { sha256 as hashText } from './hash.js';
import { checksumsOf, contextsDigest, fingerprintOf, overallChecksum, type FingerprintInput } from './fingerprint.js';
import {
  MANIFEST_SCHEMA_VERSION,
  type GitInfo,
  type Manifest,
  type ManifestMetadata,
  type ManifestNode,
  type NodeConfig,
  type NodeKind,
  type PromptInfo,
} from '../contracts/manifest.js';
import { readerSql, relationOf } from '../sql/quote.js';
import { projectResolvers } from './resolvers.js';

export interface CompileContext {
  env: Readonly<Record<string, string | undefined>>;
  git: GitInfo | null;
  invocationId: string;
  generatedAt: string;
  loomVersion: string;
}

/**
 * Renders every node of a linked project (sql with refs resolved, prompts with everything but the row
 * resolved), computes checksums and fingerprints in DAG order, and assembles the manifest. Reads context files;
 * touches neither the warehouse nor the network.
 */
export function compileProject(
  linked: LinkedProject,
  ctx: CompileContext,
  /** Told the metadata first, then each node as soon as it is compiled (the target writer writes as it goes). */
  sink?: CompileSink,
  /** false: the returned manifest has no nodes (a sink has them all); on 10,000 models that is ~20 MB less to keep. */
  retainNodes = true,
): { manifest: Manifest; diagnostics: Diagnostic[]; counts: Record<NodeKind, number> } {
  const config = linked.config;
  const diagnostics: Diagnostic[] = [];
  const resolvers = projectResolvers(linked, ctx.env);
  let environment: Environment | undefined;
  const env = () => (environment ??= createTemplateEnvironment(config.projectDir, config.promptPaths, resolvers));

  const contextChecksums = new Memo();
  const contextSetChecksums = new Memo();
  const nodes: Record<string, ManifestNode> = {};
  const parentMap: Record<string, string[]> = {};
  const childMap: Record<string, string[]> = {};
  const order = linked.order.length ? linked.order : [...linked.nodes.keys()].sort();
  for (const id of order) {
    parentMap[id] = [];
    childMap[id] = [];
  }
  for (const id of order) {
    const node = linked.nodes.get(id)!;
    for (const parent of [...node.parents.keys()].sort()) {
      parentMap[id].push(parent);
      childMap[parent]?.push(id);
    }
  }

  const metadata: ManifestMetadata = {
    loom_schema_version: MANIFEST_SCHEMA_VERSION,
    loom_version: ctx.loomVersion,
    generated_at: ctx.generatedAt,
    invocation_id: ctx.invocationId,
    project_name: config.name,
    target_name: config.target.name,
    git: ctx.git,
  };
  sink?.begin(metadata);
  const fingerprints = new Map<string, ManifestNode['fingerprint']>();
  const counts: Record<NodeKind, number> = { source: 0, sql: 0, llm: 0, load: 0 };

  for (const id of order) {
    const node = linked.nodes.get(id)!;
    const base = baseManifestNode(node, parentMap[id]);
    if (node.patch_path) base.patch_path = node.patch_path;
    base.compiled_path = compiledPathOf(node, config.targetPath);
    const promptTexts: string[] = [];
    if (!node.broken) {
      if (node.kind === 'sql' && node.sql) {
        const rendered = renderCompileTime(node.sql.text, node.sql.analysis, resolvers, env, node.original_file_path);
        // Rendered: the AST is not needed again, and thousands of them kept alive make every GC slower.
        node.sql.analysis.ast = null;
        node.sql.analysis.segments = null;
        if ('error' in rendered) {
          const at = rendered.error.line ? node.sql.locate({ line: rendered.error.line, col: rendered.error.col ?? 1 }) : node.sql.locate({ line: 1, col: 1 });
          diagnostics.push(error('LOOM051', `cannot render the sql of \`${node.name}\`: ${rendered.error.message}`, at));
        } else {
          base.compiled_code = rendered.output;
        }
      } else if (node.kind === 'llm' && node.prompt) {
        const prompt = compilePrompt(node.prompt, resolvers, diagnostics);
        const system = node.system ? compilePrompt(node.system, resolvers, diagnostics) : null;
        base.prompt = {
          name: prompt.name,
          path: prompt.path,
          raw: prompt.raw,
          compiled: prompt.compiled,
          includes: node.prompt.includes.map((f) => f.path),
          system: system ? { name: system.name, path: system.path, raw: system.raw, compiled: system.compiled } : null,
        };
        promptTexts.push(node.prompt.file.text, ...node.prompt.includes.map((f) => f.text));
        if (node.system) promptTexts.push(node.system.file.text, ...node.system.includes.map((f) => f.text));
      } else if (node.kind === 'source' && node.source) {
        base.compiled_code = readerSql(node.source.path, node.source.format, node.source.options);
      }
    }
    const contexts = [...node.contexts].sort(([a], [b]) => (a < b ? -1 : 1));
    const contextTexts: [string, string][] = [];
    base.contexts = contexts.map(([name, path]) => {
      try {
        const text = resolvers.contextText(name);
        contextTexts.push([name, text]);
        return { name, path, checksum: contextChecksums.of(name, () => hashText(text)) };
      } catch (e) {
        diagnostics.push(error('LOOM044', `cannot read context \`${name}\` of \`${node.name}\`: ${(e as Error).message}`, node.origin.file.locate(node.origin.path)));
        return { name, path, checksum: '' };
      }
    });
    // Thousands of models often share one large context file: hash it, and each set of them, once per compile.
    const contextsKey = contextTexts.map(([name]) => name).join('\u0000');
    const input: FingerprintInput = { node: base, promptTexts, contextTexts, contextsChecksum: contextSetChecksums.of(contextsKey, () => contextsDigest(contextTexts)) };
    const checksums = checksumsOf(input);
    const parents = parentMap[id].map((p) => fingerprints.get(p)).filter((f): f is ManifestNode['fingerprint'] => !!f);
    base.checksum = { name: 'sha256', checksum: overallChecksum(checksums) };
    base.checksums = checksums;
    base.fingerprint = fingerprintOf(input, checksums, parents);
    fingerprints.set(id, base.fingerprint);
    counts[base.kind]++;
    if (retainNodes) nodes[id] = base;
    sink?.node(base);
  }

  return { manifest: { metadata, nodes, parent_map: parentMap, child_map: childMap }, diagnostics, counts };
}

/** Where compiled nodes go as they are made (the target writer). */
export interface CompileSink {
  begin(metadata: ManifestMetadata): void;
  node(node: ManifestNode): void;
}

function compilePrompt(prompt: LinkedPrompt, resolvers: ReturnType<typeof projectResolvers>, diagnostics: Diagnostic[]): Omit<PromptInfo, 'includes' | 'system'> {
  const file = prompt.file;
  let compiled = file.text;
  try {
    compiled = compilePromptTemplate(file.text, resolvers, file.analysis);
  } catch (e) {
    diagnostics.push(error('LOOM051', `cannot compile prompt ${file.path}: ${(e as Error).message}`, { file: file.path, line: 1, col: 1 }));
  }
  return { name: prompt.name, path: file.path, raw: file.text, compiled };
}

/**
 * The node as one object literal, with its checksums and fingerprint still to fill in. Not built with spreads:
 * V8 (Node 20) gives every object made by `{ ...x }` its own hidden class, so 10,000 spread nodes were 10,000
 * shapes, megamorphic property access everywhere and JSON.stringify's slow path.
 */
function baseManifestNode(node: LinkedNode, parents: string[]): ManifestNode {
  // Copied key by key: Object.assign and spreads both gave every copy its own hidden class here.
  const config = {} as NodeConfig;
  for (const key in node.config) config[key] = node.config[key];
  if (node.from) config.from = node.from;
  return {
    unique_id: node.unique_id,
    resource_type: node.resource_type,
    kind: node.kind,
    name: node.name,
    package_name: node.fqn[0],
    fqn: node.fqn,
    original_file_path: node.original_file_path,
    description: node.description,
    tags: node.tags,
    meta: node.meta,
    config,
    depends_on: { nodes: parents },
    refs: node.refs,
    sources: node.sources,
    contexts: [],
    relation_name: relationOf(node),
    raw_code: node.sql?.raw ?? node.sql?.text ?? null,
    compiled_code: null,
    compiled_path: null,
    prompt: null,
    output_schema: node.output_schema,
    location: node.source
      ? { path: node.source.path, format: node.source.format }
      : node.destination
        ? { path: node.destination.destination, format: node.destination.format }
        : null,
    pipeline: node.pipeline,
    columns: Object.fromEntries(node.columns.map((c) => [c.name, { name: c.name, description: c.description }])),
    checksum: NO_CHECKSUM,
    checksums: NO_CHECKSUMS,
    fingerprint: NO_FINGERPRINT,
  };
}

const NO_CHECKSUM: ManifestNode['checksum'] = { name: 'sha256', checksum: '' };
const NO_CHECKSUMS: ManifestNode['checksums'] = { body: '', config: '', prompt: '', contexts: '', output: '', evaluate: '', docs: '' };
const NO_FINGERPRINT: ManifestNode['fingerprint'] = { data: '', metadata: '' };

/** target/compiled/<project>/<folder of the defining file>/<name>.sql (or .prompt.njk for llm models). */
function compiledPathOf(node: LinkedNode, targetPath: string): string | null {
  const folder = node.original_file_path.split('/').slice(0, -1).join('/');
  const base = `${targetPath}/compiled/${node.fqn[0]}/${folder ? `${folder}/` : ''}`;
  if (node.kind === 'sql') return `${base}${node.name}.sql`;
  if (node.kind === 'llm') return `${base}${node.name}.prompt.njk`;
  if (node.kind === 'source') return `${base}${node.fqn.slice(1).join('.')}.sql`;
  return null;
}

/** Values computed once per key (within one compile, where files do not change). */
class Memo {
  private readonly values = new Map<string, string>();
  of(key: string, compute: () => string): string {
    let value = this.values.get(key);
    if (value === undefined) {
      value = compute();
      this.values.set(key, value);
    }
    return value;
  }
}

import type {
  ContextRef,
  Manifest,
  ManifestNode,
  NodeChecksums,
  NodeConfig,
  NodeKind,
  PromptInfo,
  ResourceType,
} from '../../../src/contracts/manifest.js';

export const PROJECT = 'proj';

export interface NodeOptions {
  name: string;
  kind?: NodeKind;
  /** Defaults from kind: source → source, load → destination, else model. */
  resource_type?: ResourceType;
  /** Source name for sources (fqn [project, source, table]). */
  source?: string;
  /** unique_ids of parents. */
  parents?: string[];
  tags?: string[];
  path?: string;
  fqn?: string[];
  config?: Partial<NodeConfig>;
  prompt?: { path: string; includes?: string[]; system?: string } | null;
  contexts?: string[];
  location?: string | null;
  pipeline?: string | null;
  package_name?: string;
  checksums?: Partial<NodeChecksums>;
  fingerprint?: string;
}

export function idFor(options: Pick<NodeOptions, 'name' | 'kind' | 'resource_type' | 'source' | 'package_name'>): string {
  const type = resourceTypeOf(options);
  const pkg = options.package_name ?? PROJECT;
  return type === 'source' ? `source.${pkg}.${options.source ?? 'src'}.${options.name}` : `${type}.${pkg}.${options.name}`;
}

function resourceTypeOf(options: Pick<NodeOptions, 'kind' | 'resource_type'>): ResourceType {
  if (options.resource_type) return options.resource_type;
  if (options.kind === 'source') return 'source';
  if (options.kind === 'load') return 'destination';
  return 'model';
}

/** A minimal but complete ManifestNode; every field a selector method reads can be set. */
export function makeNode(options: NodeOptions): ManifestNode {
  const resource_type = resourceTypeOf(options);
  const kind: NodeKind = options.kind ?? (resource_type === 'source' ? 'source' : resource_type === 'destination' ? 'load' : 'sql');
  const pkg = options.package_name ?? PROJECT;
  const fqn =
    options.fqn ?? (resource_type === 'source' ? [pkg, options.source ?? 'src', options.name] : [pkg, options.name]);
  const prompt: PromptInfo | null = options.prompt
    ? {
        name: options.prompt.path.replace(/^.*\//, '').replace(/\.njk$/, ''),
        path: options.prompt.path,
        raw: '',
        compiled: '',
        includes: options.prompt.includes ?? [],
        system: options.prompt.system
          ? { name: 'system', path: options.prompt.system, raw: '', compiled: '' }
          : null,
      }
    : null;
  const contexts: ContextRef[] = (options.contexts ?? []).map((path) => ({ name: path, path, checksum: `ctx:${path}` }));
  return {
    unique_id: idFor(options),
    resource_type,
    kind,
    name: options.name,
    package_name: pkg,
    fqn,
    original_file_path: options.path ?? `models/${options.name}.yml`,
    description: '',
    tags: options.tags ?? [],
    meta: {},
    config: { enabled: true, tags: [], meta: {}, ...options.config },
    depends_on: { nodes: options.parents ?? [] },
    refs: [],
    sources: [],
    contexts,
    relation_name: `"${options.name}"`,
    raw_code: null,
    compiled_code: null,
    compiled_path: null,
    prompt,
    output_schema: null,
    location: options.location ? { path: options.location, format: 'csv' } : null,
    pipeline: options.pipeline ?? null,
    columns: {},
    checksum: { name: 'sha256', checksum: `file:${options.name}` },
    checksums: {
      body: `body:${options.name}`,
      config: `config:${options.name}`,
      prompt: `prompt:${options.name}`,
      contexts: `contexts:${options.name}`,
      output: `output:${options.name}`,
      evaluate: `evaluate:${options.name}`,
      docs: `docs:${options.name}`,
      ...options.checksums,
    },
    fingerprint: { data: options.fingerprint ?? `data:${options.name}`, metadata: `meta:${options.name}` },
  };
}

/** A manifest whose parent_map / child_map are derived from each node's depends_on. */
export function makeManifest(nodes: ManifestNode[]): Manifest {
  const parent_map: Record<string, string[]> = {};
  const child_map: Record<string, string[]> = {};
  for (const node of nodes) {
    parent_map[node.unique_id] = [...node.depends_on.nodes];
    child_map[node.unique_id] ??= [];
    for (const parent of node.depends_on.nodes) (child_map[parent] ??= []).push(node.unique_id);
  }
  return {
    metadata: {
      loom_schema_version: 'https://loom.dev/schemas/manifest/v1.json',
      loom_version: '0.1.0',
      generated_at: '2024-01-01T00:00:00Z',
      invocation_id: 'test',
      project_name: PROJECT,
      target_name: 'dev',
      git: null,
    },
    nodes: Object.fromEntries(nodes.map((node) => [node.unique_id, node])),
    parent_map,
    child_map,
  };
}

/** A deep copy, for making a previous manifest that differs in one field. */
export function cloneManifest(manifest: Manifest): Manifest {
  return structuredClone(manifest);
}

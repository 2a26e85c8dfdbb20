/**
 * The shape of target/manifest.json (schema: schemas/manifest.schema.json). Everything downstream of compile
 * (selection, state comparison, build, docs, PR diffs) reads nodes in this shape.
 */
import type { JsonSchema, LlmParams } from './llm.js';

export const MANIFEST_SCHEMA_VERSION = 'https://loom.dev/schemas/manifest/v1.json';

export type ResourceType = 'source' | 'model' | 'destination';
/** `source` reads a file; `sql` runs a query in the warehouse; `llm` sends rows through a model; `load` writes a destination. */
export type NodeKind = 'source' | 'sql' | 'llm' | 'load';

export interface GitInfo {
  commit: string | null;
  branch: string | null;
  dirty: boolean | null;
}

export interface ManifestMetadata {
  loom_schema_version: string;
  loom_version: string;
  generated_at: string;
  invocation_id: string;
  project_name: string;
  target_name: string;
  /** null outside a git repository. */
  git: GitInfo | null;
}

/** A node's LLM parameters after config resolution: the request parameters plus how to reach and retry them. */
export interface ResolvedLlmConfig extends LlmParams {
  provider: string;
  fallback_models: string[];
  /** Sub-request timeout override for this model, ms. */
  timeout_ms?: number;
  /** Most prompt tokens a row may send (default: the model's known context window). */
  max_input_tokens?: number;
}

export interface NodeConfig {
  enabled: boolean;
  tags: string[];
  meta: Record<string, unknown>;
  /** sql: table | view. llm: always table. */
  materialized?: 'table' | 'view';
  unique_key?: string;
  llm?: ResolvedLlmConfig;
  /** Rows per warehouse write batch for llm nodes. */
  batch_size?: number;
  budget_usd?: number;
  /** Input columns copied into an llm model's table: all of them (true), none (false), or a list. */
  passthrough?: boolean | string[];
  evaluate?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface PromptInfo {
  /** Template name as written (`classify_sentiment`). */
  name: string;
  /** Project-relative path of the template file. */
  path: string;
  raw: string;
  /** The template with every ref, var, source and context resolved; only row fields remain for build time. */
  compiled: string;
  /** Project-relative paths of templates pulled in by include/import/extends. */
  includes: string[];
  /** Optional system message template, compiled the same way. */
  system?: { name: string; path: string; raw: string; compiled: string } | null;
}

export interface ContextRef {
  name: string;
  path: string;
  checksum: string;
}

export interface NodeChecksums {
  /** The SQL or the seed pipeline's transform definition. */
  body: string;
  config: string;
  /** Prompt template(s), includes included. */
  prompt: string;
  /** Every context file the node reads. */
  contexts: string;
  /** The output JSON Schema. */
  output: string;
  /** Evaluators and gates. */
  evaluate: string;
  /** Description, column docs, meta: metadata only. */
  docs: string;
}

export interface ManifestNode {
  unique_id: string;
  resource_type: ResourceType;
  kind: NodeKind;
  name: string;
  package_name: string;
  /** [project, ...folders under models/, name] for models; [project, source, table] for sources. */
  fqn: string[];
  original_file_path: string;
  /** For a model defined in a .sql file: the YAML file whose `models:` entry documents it (absent otherwise). */
  patch_path?: string;
  description: string;
  tags: string[];
  meta: Record<string, unknown>;
  config: NodeConfig;
  depends_on: { nodes: string[] };
  /** Names passed to ref() / source() / context(); also what `loom docs` shows. */
  refs: string[];
  sources: [string, string][];
  contexts: ContextRef[];
  /** The warehouse relation this node materializes (or, for sources, reads through). */
  relation_name: string;
  raw_code: string | null;
  compiled_code: string | null;
  /** target/compiled/... path of the rendered artifact. */
  compiled_path: string | null;
  prompt: PromptInfo | null;
  output_schema: JsonSchema | null;
  /** For sources and destinations: the file or URL read or written. */
  location: { path: string; format: string } | null;
  /** For nodes that came from a seed-format pipeline file: its name. */
  pipeline: string | null;
  columns: Record<string, { name: string; description: string }>;
  checksum: { name: 'sha256'; checksum: string };
  checksums: NodeChecksums;
  /** data: changes when an answer could change (includes parents' data fingerprints); metadata: docs only. */
  fingerprint: { data: string; metadata: string };
}

export interface Manifest {
  metadata: ManifestMetadata;
  nodes: Record<string, ManifestNode>;
  parent_map: Record<string, string[]>;
  child_map: Record<string, string[]>;
}

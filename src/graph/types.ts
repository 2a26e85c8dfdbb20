import type { DirectedGraph } from 'graphology';
import type { NodeConfig, NodeKind, ResourceType } from '../contracts/manifest.js';
import type { ResolvedConfig } from '../config/types.js';
import type { Diagnostic, SourceLocation } from '../diagnostics/diagnostic.js';
import type { PromptFile, PromptLibrary } from '../parse/prompt-library.js';
import type { ColumnDoc, Origin, RawDestination, RawSourceTable } from '../parse/types.js';
import type { YamlFile } from '../base/yaml-file.js';
import type { TemplateAnalysis } from '../template/analyze.js';
import type { JsonSchema } from '../contracts/llm.js';

/** A template written inline in YAML (a model's `sql:`), with a way to point at positions inside it. */
export interface InlineTemplate {
  text: string;
  /** For a .sql model file: the file as written (`text` has its config() blanked out). */
  raw?: string;
  analysis: TemplateAnalysis;
  locate(position: { line: number; col: number }, snippet?: string): SourceLocation;
}

export interface LinkedPrompt {
  /** As written in the model (`classify_sentiment` or a path). */
  name: string;
  file: PromptFile;
  /** Every template it pulls in, transitively, in first-seen order. */
  includes: PromptFile[];
}

export interface LinkedNode {
  unique_id: string;
  resource_type: ResourceType;
  kind: NodeKind;
  name: string;
  fqn: string[];
  original_file_path: string;
  /** The YAML file documenting a model defined in a .sql file. */
  patch_path?: string;
  origin: Origin;
  pipeline: string | null;
  description: string;
  tags: string[];
  meta: Record<string, unknown>;
  columns: ColumnDoc[];
  config: NodeConfig;
  /** parent unique_id → where the edge is written (for cycle reports); computed only when asked for. */
  parents: Map<string, () => SourceLocation>;
  refs: string[];
  sources: [string, string][];
  /** context name → project-relative path. */
  contexts: Map<string, string>;
  sql: InlineTemplate | null;
  /** llm models: the relation rows come from. */
  from: string | null;
  prompt: LinkedPrompt | null;
  system: LinkedPrompt | null;
  output_schema: JsonSchema | null;
  source: RawSourceTable | null;
  destination: RawDestination | null;
  /** A node with errors in its own definition: kept so references to it resolve, never compiled or run. */
  broken: boolean;
}

export interface LinkedProject {
  config: ResolvedConfig;
  nodes: Map<string, LinkedNode>;
  graph: DirectedGraph;
  /** unique_ids, parents before children (ties broken by unique_id). Empty when there is a cycle. */
  order: string[];
  prompts: PromptLibrary;
  contextFiles: Map<string, string>;
  files: Map<string, YamlFile>;
  diagnostics: Diagnostic[];
}

import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { ResolvedConfig } from '../config/types.js';
import type { YamlFile, YamlPath } from '../base/yaml-file.js';

/** Where a raw node was declared: its file and the YAML path of its mapping, to point at any of its keys later. */
export interface Origin {
  file: YamlFile;
  path: YamlPath;
}

export interface ColumnDoc {
  name: string;
  description: string;
}

export interface RawSourceTable {
  source_name: string;
  name: string;
  /** Data file relative to the project, or a warehouse relation when `format` is `table`. */
  path: string;
  format: 'csv' | 'json' | 'ndjson' | 'parquet' | 'table';
  options: Record<string, unknown>;
  description: string;
  tags: string[];
  meta: Record<string, unknown>;
  unique_key?: string;
  columns: ColumnDoc[];
  origin: Origin;
  /** Origin of the `path` value, for "file not found" diagnostics. */
  pathOrigin: Origin;
  pipeline: string | null;
}

export interface RawModel {
  name: string;
  kind: 'sql' | 'llm';
  /** The model's YAML mapping, validated against the schema (keys as in models.schema.json). */
  body: Record<string, unknown>;
  origin: Origin;
  /** For models coming from a seed pipeline file: its name, and the YAML paths of the keys we synthesized. */
  pipeline: string | null;
  /** Maps a model key (e.g. `prompt`) to where it was really written, for pipelines whose keys are nested elsewhere. */
  keyOrigins: Record<string, Origin>;
  /** For a models/**\/*.sql model: the file and its text as written (`body.sql` has its config() blanked out). */
  sqlFile?: { path: string; text: string };
  /** For such a model: the YAML file whose entry documents it. */
  docsFile?: string;
}

/**
 * A `models:` entry without `kind:` (dbt's way to document a .sql model: name, description, columns). It attaches to
 * the .sql file of the same name; with none, `missing` is the error to report.
 */
export interface RawModelPatch {
  name: string;
  body: Record<string, unknown>;
  origin: Origin;
  missing: Diagnostic;
  /** It has schema errors of its own (already reported): it documents nothing. */
  invalid: boolean;
}

export interface RawDestination {
  name: string;
  /** Name of the model whose rows are written. */
  model: string;
  destination: string;
  format: 'csv' | 'json' | 'ndjson' | 'parquet' | 'table';
  origin: Origin;
  pipeline: string;
}

/** Every file of the project read and validated, nothing linked yet. */
export interface ProjectSpec {
  config: ResolvedConfig;
  sources: RawSourceTable[];
  models: RawModel[];
  destinations: RawDestination[];
  /** Template files under prompt-paths: path relative to the project (forward slashes). */
  promptFiles: string[];
  /** Context files under context-paths: name (file name without extension) → relative path. */
  contextFiles: Map<string, string>;
  /** Names declared by entries that had errors: refs to them resolve quietly so one mistake does not cascade. */
  brokenModels: Set<string>;
  brokenSources: Set<string>;
  /** Data files (.csv) under seeds/, data/ and the model paths, by file name without extension: a ref() to one gets a hint. */
  dataFiles: Map<string, string>;
  /** YAML files read, by relative path, for code frames. */
  files: Map<string, YamlFile>;
  diagnostics: Diagnostic[];
}

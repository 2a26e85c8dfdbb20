import type { ProviderSettings } from '../contracts/llm.js';
import type { ResolvedLlmConfig } from '../contracts/manifest.js';

/** Raw LLM settings as written in YAML (every field optional). */
export type LlmConfigInput = Partial<ResolvedLlmConfig>;

/** What the CLI or API adds on top of loom_project.yml. */
export interface ConfigOverrides {
  target?: string;
  /** Parsed --vars. */
  vars?: Record<string, unknown>;
  threads?: number;
}

export interface ResolvedTarget {
  name: string;
  /** Overrides every llm model's provider when set (e.g. dev → offline). */
  provider?: string;
  /** LLM settings overriding defaults.llm in this target. */
  llm: LlmConfigInput;
  providerSettings: Omit<ProviderSettings, 'provider'>;
  budget_usd?: number;
  /** Model names this target serves in place of the project's (a local target running other models). */
  modelMap: Record<string, string>;
}

/** loom_project.yml with defaults filled and overrides applied. Frozen: nothing downstream changes it. */
export interface ResolvedConfig {
  /** Absolute project directory. */
  projectDir: string;
  name: string;
  version: string | null;
  modelPaths: string[];
  pipelinePaths: string[];
  promptPaths: string[];
  contextPaths: string[];
  targetPath: string;
  /** Warehouse file, relative to the project directory unless absolute. */
  warehouse: string;
  /** DuckDB's memory_limit for the warehouse (spills to disk beyond it), e.g. `256MB`. */
  warehouseMemoryLimit: string;
  threads: number;
  budget_usd?: number;
  vars: Record<string, unknown>;
  defaults: {
    llm: LlmConfigInput;
    materialized: 'table' | 'view';
    batch_size: number;
    passthrough: boolean | string[];
    embedding_model: string;
    judge: LlmConfigInput;
  };
  target: ResolvedTarget;
  targetNames: string[];
  pricing: Record<string, { input: number; output: number; cached_input?: number }>;
}

export type { ResolvedLlmConfig };

import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_BATCH_SIZE, DEFAULT_WAREHOUSE_MEMORY_LIMIT } from '../contracts/defaults.js';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { didYouMean, listOf } from '../diagnostics/suggest.js';
import { YamlFile } from '../base/yaml-file.js';
import { validateYamlAt } from '../schemas/diagnose.js';
import type { ConfigOverrides, LlmConfigInput, ResolvedConfig, ResolvedTarget } from './types.js';
import { withoutBadKeys } from './without-bad-keys.js';

export const PROJECT_FILE = 'loom_project.yml';

const DEFAULT_PROVIDER_SETTINGS = {
  concurrency: 8,
  timeout_ms: 60_000,
  max_retries: 5,
  backoff_base_ms: 500,
  backoff_max_ms: 30_000,
};

export interface LoadedConfig {
  config: ResolvedConfig | null;
  file: YamlFile | null;
  diagnostics: Diagnostic[];
}

/** Reads, validates and resolves loom_project.yml. Pure apart from reading that one file. */
export function loadConfig(projectDir: string, overrides: ConfigOverrides = {}): LoadedConfig {
  const dir = resolve(projectDir);
  const path = join(dir, PROJECT_FILE);
  if (!existsSync(path)) {
    const alt = existsSync(join(dir, 'loom_project.yaml')) ? ' (found loom_project.yaml: rename it to loom_project.yml)' : '';
    return {
      config: null,
      file: null,
      diagnostics: [error('LOOM020', `no ${PROJECT_FILE} in ${dir}${alt}; run \`loom init <dir>\` to create a project, or pass --project-dir`)],
    };
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { config: null, file: null, diagnostics: [error('LOOM003', `cannot read ${PROJECT_FILE}: ${(e as Error).message}`)] };
  }
  const file = new YamlFile(PROJECT_FILE, text);
  if (file.diagnostics.length) return { config: null, file, diagnostics: file.diagnostics };
  if (typeof file.value !== 'object' || file.value === null || Array.isArray(file.value)) {
    return { config: null, file, diagnostics: [error('LOOM011', `${PROJECT_FILE} must be a mapping of settings`, file.locate([]))] };
  }
  const problems = validateYamlAt(file, 'loom_project');
  const diagnostics = problems.map((p) => p.diagnostic);
  const raw = problems.length ? usableRest(file, problems) : (file.value as RawProject);
  if (!raw) return { config: null, file, diagnostics };
  const resolved = resolveConfig(dir, raw, overrides, file, diagnostics);
  return { config: resolved, file, diagnostics };
}

/**
 * loom_project.yml without the keys its schema problems are about, when what is left is valid: the project is
 * then checked with defaults in their place, so an unknown key does not hide the models' errors.
 */
function usableRest(file: YamlFile, problems: ReturnType<typeof validateYamlAt>): RawProject | null {
  const rest = withoutBadKeys(file.value as Record<string, unknown>, problems);
  return rest && validateYamlAt(file, 'loom_project', rest).length === 0 ? (rest as unknown as RawProject) : null;
}

interface RawTarget {
  provider?: string;
  base_url?: string;
  api_key_env?: string;
  headers?: Record<string, string>;
  transport?: 'auto' | 'sdk' | 'direct';
  warehouse?: string;
  warehouse_memory_limit?: string;
  threads?: number;
  concurrency?: number;
  rpm?: number;
  tpm?: number;
  timeout_ms?: number;
  max_retries?: number;
  backoff_base_ms?: number;
  backoff_max_ms?: number;
  budget_usd?: number;
  llm?: LlmConfigInput;
  model_map?: Record<string, string>;
}

interface RawProject {
  name: string;
  version?: string | number;
  'model-paths'?: string[];
  'pipeline-paths'?: string[];
  'prompt-paths'?: string[];
  'context-paths'?: string[];
  'target-path'?: string;
  warehouse?: string;
  warehouse_memory_limit?: string;
  threads?: number;
  budget_usd?: number;
  vars?: Record<string, unknown>;
  defaults?: {
    llm?: LlmConfigInput;
    materialized?: 'table' | 'view';
    batch_size?: number;
    passthrough?: boolean | string[];
    embedding_model?: string;
    judge?: LlmConfigInput;
  };
  targets?: Record<string, RawTarget | null>;
  default_target?: string;
  pricing?: ResolvedConfig['pricing'];
}

function resolveConfig(dir: string, raw: RawProject, overrides: ConfigOverrides, file: YamlFile, diagnostics: Diagnostic[]): ResolvedConfig | null {
  const targets: Record<string, RawTarget> = {};
  for (const [name, t] of Object.entries(raw.targets ?? {})) targets[name] = t ?? {};
  if (!raw.targets) targets.dev = { provider: 'offline' };
  const targetNames = Object.keys(targets);
  const defaultTarget = raw.default_target ?? (targets.dev ? 'dev' : targetNames[0]);
  if (raw.default_target !== undefined && !targets[raw.default_target]) {
    diagnostics.push(
      error(
        'LOOM021',
        `default_target \`${raw.default_target}\` is not one of the targets${didYouMean(raw.default_target, targetNames)}; defined targets: ${listOf(targetNames)}`,
        file.locate(['default_target']),
      ),
    );
    return null;
  }
  const targetName = overrides.target ?? defaultTarget;
  const t = targets[targetName];
  if (!t) {
    // Raised by the caller as a usage error (exit 2): the project is fine, the flag is not.
    throw new TargetNotFound(targetName, targetNames);
  }
  const target: ResolvedTarget = {
    name: targetName,
    provider: t.provider,
    llm: t.llm ?? {},
    budget_usd: t.budget_usd,
    modelMap: t.model_map ?? {},
    providerSettings: {
      base_url: t.base_url,
      api_key_env: t.api_key_env,
      headers: t.headers,
      transport: t.transport,
      concurrency: t.concurrency ?? DEFAULT_PROVIDER_SETTINGS.concurrency,
      rpm: t.rpm,
      tpm: t.tpm,
      timeout_ms: t.timeout_ms ?? DEFAULT_PROVIDER_SETTINGS.timeout_ms,
      max_retries: t.max_retries ?? DEFAULT_PROVIDER_SETTINGS.max_retries,
      backoff_base_ms: t.backoff_base_ms ?? DEFAULT_PROVIDER_SETTINGS.backoff_base_ms,
      backoff_max_ms: t.backoff_max_ms ?? DEFAULT_PROVIDER_SETTINGS.backoff_max_ms,
    },
  };
  const d = raw.defaults ?? {};
  const config: ResolvedConfig = {
    projectDir: dir,
    name: raw.name,
    version: raw.version === undefined ? null : String(raw.version),
    modelPaths: raw['model-paths'] ?? ['models'],
    pipelinePaths: raw['pipeline-paths'] ?? ['pipelines'],
    promptPaths: raw['prompt-paths'] ?? ['prompts'],
    contextPaths: raw['context-paths'] ?? ['context'],
    targetPath: raw['target-path'] ?? 'target',
    warehouse: t.warehouse ?? raw.warehouse ?? '.loom/warehouse.duckdb',
    // Bounded by default: DuckDB's own default (80% of RAM) keeps every block a run writes in memory.
    warehouseMemoryLimit: t.warehouse_memory_limit ?? raw.warehouse_memory_limit ?? DEFAULT_WAREHOUSE_MEMORY_LIMIT,
    threads: overrides.threads ?? t.threads ?? raw.threads ?? 4,
    budget_usd: t.budget_usd ?? raw.budget_usd,
    vars: { ...(raw.vars ?? {}), ...(overrides.vars ?? {}) },
    defaults: {
      llm: d.llm ?? {},
      materialized: d.materialized ?? 'table',
      batch_size: d.batch_size ?? DEFAULT_BATCH_SIZE,
      passthrough: d.passthrough ?? true,
      embedding_model: d.embedding_model ?? 'text-embedding-3-small',
      judge: d.judge ?? {},
    },
    target,
    targetNames,
    pricing: raw.pricing ?? {},
  };
  return deepFreeze(config);
}

export class TargetNotFound extends Error {
  constructor(
    readonly target: string,
    readonly available: string[],
  ) {
    super(`unknown target \`${target}\`${didYouMean(target, available)}; targets in ${PROJECT_FILE}: ${listOf(available)}`);
    this.name = 'TargetNotFound';
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}

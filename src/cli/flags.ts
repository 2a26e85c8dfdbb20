import YAML from 'yaml';
import { UsageError } from '../diagnostics/diagnostic.js';
import type { CompileOptions } from '../api/compile.js';

/** Flags every project command takes. */
export interface CommonFlags {
  projectDir?: string;
  target?: string;
  vars?: string;
  select?: string | string[];
  exclude?: string | string[];
  state?: string;
  threads?: number | string;
}

export const COMMON_FLAGS: [string, string][] = [
  ['--project-dir <dir>', 'Project directory (default: current directory)'],
  ['--target <name>', 'Target from loom_project.yml (default: default_target)'],
  ['--vars <yaml>', "Variables overriding loom_project.yml vars, as YAML or JSON: --vars '{min_length: 20}'"],
];

export const SELECT_FLAGS: [string, string][] = [
  ['-s, --select <selector>', 'Nodes to include (dbt syntax: name, +name, name+, tag:x, path:x, kind:llm, state:modified ...)'],
  ['--exclude <selector>', 'Nodes to leave out (same syntax)'],
  ['--state <dir>', 'Folder holding the manifest.json of an earlier compile, for state: selectors'],
];

/** cac gives a string for one flag and an array for repeated ones; selectors may also hold several space-separated terms. */
export function list(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = (Array.isArray(value) ? value : [value]).map(String).filter((s) => s.trim().length > 0);
  return items.length ? items : undefined;
}

export function parseVars(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = YAML.parse(String(text));
  } catch (e) {
    throw new UsageError(`--vars is not valid YAML or JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(`--vars must be a mapping such as '{min_length: 20}'; got ${JSON.stringify(text)}`);
  }
  return value as Record<string, unknown>;
}

export function parseThreads(value: number | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--threads must be a whole number of at least 1; got ${JSON.stringify(value)}`);
  return n;
}

export function compileOptionsOf(flags: CommonFlags): CompileOptions {
  return {
    projectDir: flags.projectDir,
    target: flags.target,
    vars: parseVars(flags.vars),
    threads: parseThreads(flags.threads),
    select: list(flags.select),
    exclude: list(flags.exclude),
    state: flags.state,
  };
}

import { createRequire } from 'node:module';
import type * as YamlModule from 'yaml';
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
  /** false with --no-partial-parse. */
  partialParse?: boolean;
}

export const COMMON_FLAGS: [string, string][] = [
  ['--project-dir <dir>', 'Project directory (default: current directory)'],
  ['--target <name>', 'Target from loom_project.yml (default: default_target)'],
  ['--vars <yaml>', "Variables overriding loom_project.yml vars, as YAML or JSON: --vars '{min_length: 20}'"],
  ['--no-partial-parse', 'Parse and render every file even when nothing changed since the last compile'],
];

export const SELECT_FLAGS: [string, string][] = [
  ['-s, --select <selector>', 'Nodes to include (dbt syntax: name, +name, name+, tag:x, path:x, kind:llm, state:modified ...)'],
  ['--exclude <selector>', 'Nodes to leave out (same syntax)'],
  ['--state <dir>', 'Folder holding the manifest.json of an earlier compile, for state: selectors'],
];

/**
 * cac gives a string for one flag and an array for repeated ones; selectors may also hold several space-separated
 * terms. Blank values are kept: the selector grammar rejects them, so `--select "$UNSET"` is an error, never "all".
 */
export function list(value: string | string[] | number | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value : [value]).map(String);
}

/**
 * The values of a string flag exactly as typed. cac (through mri) turns number-like values into numbers, so
 * `--select ''` arrives as 0 and `--project-dir 007` as 7; reading argv again gives back what the user wrote.
 * Undefined when the flag was not given (or its value was not a separate or `=` argument).
 */
export function rawFlag(names: readonly string[], argv: readonly string[] = process.argv): string[] | undefined {
  const found: string[] = [];
  const end = argv.indexOf('--');
  const args = end === -1 ? argv : argv.slice(0, end);
  for (let i = 0; i < args.length; i++) {
    for (const name of names) {
      const flag = name.length === 1 ? `-${name}` : `--${name}`;
      if (args[i] === flag && i + 1 < args.length) found.push(args[++i]);
      else if (args[i].startsWith(`${flag}=`)) found.push(args[i].slice(flag.length + 1));
      else continue;
      break;
    }
  }
  return found.length ? found : undefined;
}

/**
 * Selector terms as dbt takes them: `-s a b c` is three terms (every argument up to the next flag), as are
 * `-s "a b c"` and `-s a -s b -s c`. Undefined when the flag was not given.
 */
export function rawTerms(names: readonly string[], argv: readonly string[] = process.argv): string[] | undefined {
  const found: string[] = [];
  const end = argv.indexOf('--');
  const args = end === -1 ? argv : argv.slice(0, end);
  const flags = names.map((name) => (name.length === 1 ? `-${name}` : `--${name}`));
  for (let i = 0; i < args.length; i++) {
    const flag = flags.find((f) => args[i] === f || args[i].startsWith(`${f}=`));
    if (!flag) continue;
    if (args[i] !== flag) found.push(args[i].slice(flag.length + 1));
    else if (i + 1 < args.length) found.push(args[++i]);
    while (i + 1 < args.length && !/^-./.test(args[i + 1])) found.push(args[++i]);
  }
  return found.length ? found : undefined;
}

/** Positional arguments that are not the extra terms of -s/--select or --exclude: mistakes, said so. */
export function checkPositionals(positionals: readonly unknown[] | undefined, argv: readonly string[] = process.argv): void {
  const terms = [...(rawTerms(['select', 's'], argv) ?? []), ...(rawTerms(['exclude'], argv) ?? [])];
  for (const p of positionals ?? []) {
    const text = String(p);
    const i = terms.indexOf(text);
    if (i === -1) throw new UsageError(`unexpected argument \`${text}\`; selectors go after -s/--select or --exclude (e.g. -s ${text})`);
    terms.splice(i, 1);
  }
}

/** The last value of a string flag as typed (cac keeps the last one too), else what cac parsed. */
export function rawString(names: readonly string[], parsed: unknown): string | undefined {
  if (parsed === undefined) return undefined;
  const raw = rawFlag(names);
  return raw ? raw[raw.length - 1] : String(parsed);
}

export function parseVars(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = (createRequire(import.meta.url)('yaml') as typeof YamlModule).parse(String(text));
  } catch (e) {
    throw new UsageError(`--vars is not valid YAML or JSON: ${(e as Error).message.split('\n')[0].replace(/:$/, '')}`);
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
    projectDir: rawString(['project-dir'], flags.projectDir),
    target: rawString(['target'], flags.target),
    vars: parseVars(rawString(['vars'], flags.vars)),
    threads: parseThreads(flags.threads),
    select: flags.select === undefined ? undefined : (rawTerms(['select', 's']) ?? list(flags.select)),
    exclude: flags.exclude === undefined ? undefined : (rawTerms(['exclude']) ?? list(flags.exclude)),
    state: rawString(['state'], flags.state),
    fullParse: flags.partialParse === false,
  };
}

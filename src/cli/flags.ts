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
  threads?: string;
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

/** Selector flags: several terms, from repeated flags or one quoted argument. */
export function list(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value : [value];
}

/**
 * The values of a value flag exactly as typed, in order. cac (through mri) turns number-like values into numbers
 * (`--run 96366e62` arrives as 9.6366e+66, `--project-dir 007` as 7); reading argv again gives back what the user
 * wrote. Undefined when the flag was not given (or its value was not a separate or `=` argument).
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

/** What main.ts knows of a declared option (a cac Option). */
export interface DeclaredOption {
  rawName: string;
  /** camelCase names, shortest first; the last is the key cac stores the value under. */
  names: string[];
}

/** Flags whose repeats add up (`-s a -s b`, `--ids a --ids b`); every other value flag keeps its last value. */
const REPEATABLE = new Set(['select', 'exclude', 'ids']);

/**
 * Puts back, for every value flag of the command, the text the user typed: every value stays a string (never a
 * number), and a repeated flag is its last value (`--output name --output json` is json), except the repeatable
 * ones, which are lists. A flag given without its value is left `true` for cac to report as missing.
 */
export function keepTypedValues(options: Record<string, unknown>, declared: readonly DeclaredOption[], argv: readonly string[]): void {
  for (const option of declared) {
    if (!/[<[]/.test(option.rawName)) continue;
    const key = option.names[option.names.length - 1];
    const parsed = options[key];
    if (parsed === undefined) continue;
    const spellings = option.rawName
      .replace(/[<[].*/, '')
      .split(',')
      .map((s) => s.trim().replace(/^-+/, ''));
    const typed = rawFlag(spellings, argv);
    const missing = [parsed].flat().includes(true) || !typed;
    const value = missing ? true : key === 'select' || key === 'exclude' ? (rawTerms(spellings, argv) ?? typed) : REPEATABLE.has(key) ? typed : typed[typed.length - 1];
    for (const name of option.names) options[name] = value;
  }
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

export function parseThreads(value: string | undefined): number | undefined {
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
    fullParse: flags.partialParse === false,
  };
}

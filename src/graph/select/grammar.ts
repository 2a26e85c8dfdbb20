import { UsageError } from '../../diagnostics/diagnostic.js';
import { listOf } from '../../diagnostics/suggest.js';
import { SELECTOR_METHODS } from './methods/table.js';
import {
  METHOD_NAMES,
  type MethodName,
  type SelectionCriterion,
  type SelectionUnion,
  type SelectorSpec,
} from './spec.js';
import { meantFor } from './suggestion.js';

/**
 * dbt's selector grammar. An argument is a union of space-separated terms; a term is an intersection of
 * comma-separated criteria; a criterion is `[@][n+][method[.arg...]:]value[+n]`.
 */

/** Which flag a string came from, to name it in error messages. */
export type SelectorFlag = '--select' | '--exclude';

const PREFIX = /^(@)?(?:(\d*)\+)?/;
const SUFFIX = /\+(\d*)$/;
/** Values of these methods may contain `+` and `@` themselves (file names, config values). */
const FREE_TEXT_METHODS: ReadonlySet<MethodName> = new Set(['path', 'config', 'file']);
const PATH_EXTENSIONS = /\.(ya?ml|njk)$/i;
/** dbt's file-like names: a bare `stg_orders.sql` (no folder) is `file:`, as dbt infers it. */
const FILE_EXTENSIONS = /\.(sql|py|csv)$/i;

/**
 * Common misspellings mapped to the method meant. Plain edit distance is too strict for short names
 * (`tgs` is two edits from `tag`, one from `tags`).
 */
const METHOD_SPELLINGS: Readonly<Record<string, MethodName>> = {
  tags: 'tag',
  paths: 'path',
  files: 'file',
  kinds: 'kind',
  type: 'resource_type',
  resource: 'resource_type',
  resourcetype: 'resource_type',
  'resource-type': 'resource_type',
  resource_types: 'resource_type',
  sources: 'source',
  configs: 'config',
  pipelines: 'pipeline',
  packages: 'package',
  states: 'state',
  name: 'fqn',
};

/** Parse one selector string (one `--select` argument): space = union, comma = intersection. */
export function parseSelector(text: string, flag?: SelectorFlag): SelectorSpec {
  const terms = text.trim().split(/\s+/).filter((term) => term !== '');
  if (terms.length === 0) {
    throw new UsageError(
      `Empty selector${flag ? ` given to ${flag}` : ''}: name at least one node, tag, path or other \`method:value\`` +
        (flag === '--select' ? ' (to select every node, leave out --select)' : ''),
    );
  }
  const components = terms.map((term) => parseTerm(term, flag));
  return components.length === 1 ? components[0]! : { type: 'union', raw: terms.join(' '), components };
}

/** `--select` and `--exclude` lists → one spec: the union of the selects (or every node) minus the union of the excludes. */
export function parseSelection(input: { select?: readonly string[]; exclude?: readonly string[] }): SelectorSpec {
  const include: SelectorSpec =
    input.select && input.select.length > 0 ? unionOf(input.select, '--select') : { type: 'all' };
  if (!input.exclude || input.exclude.length === 0) return include;
  return { type: 'difference', include, exclude: unionOf(input.exclude, '--exclude') };
}

function unionOf(args: readonly string[], flag: SelectorFlag): SelectorSpec {
  const parts = args.map((arg) => parseSelector(arg, flag));
  if (parts.length === 1) return parts[0]!;
  const components = parts.flatMap((part) => (part.type === 'union' ? part.components : [part]));
  const union: SelectionUnion = { type: 'union', raw: args.map((arg) => arg.trim()).join(' '), components };
  return union;
}

function parseTerm(term: string, flag: SelectorFlag | undefined): SelectorSpec {
  const pieces = term.split(',');
  if (pieces.some((piece) => piece === '')) {
    throw invalid(term, 'a comma must sit between two criteria (`tag:nightly,kind:llm`); remove the extra comma', flag);
  }
  const criteria = pieces.map((piece) => parseCriterion(piece, flag));
  return criteria.length === 1 ? criteria[0]! : { type: 'intersection', raw: term, components: criteria };
}

/** One criterion, e.g. `2+tag:nightly+1`; throws UsageError naming the criterion when it is malformed. */
export function parseCriterion(raw: string, flag?: SelectorFlag): SelectionCriterion {
  const prefix = PREFIX.exec(raw)!;
  let rest = raw.slice(prefix[0].length);
  const childrensParents = prefix[1] !== undefined;
  const parentsDepth = prefix[2];
  const suffix = SUFFIX.exec(rest);
  if (suffix) rest = rest.slice(0, suffix.index);
  const childrenDepth = suffix?.[1];

  if (childrensParents && suffix) {
    throw invalid(raw, 'the `@` prefix and a `+` suffix cannot be combined (`@name` already includes every descendant)', flag);
  }

  const colon = rest.indexOf(':');
  let method: MethodName;
  let methodArgs: string[] = [];
  let value: string;
  if (colon === -1) {
    value = rest;
    if (value === '') throw invalid(raw, `no node name or \`method:value\` to select. ${methodsHint()}`, flag);
    method = value.includes('/') || value.includes('\\') || PATH_EXTENSIONS.test(value) ? 'path' : FILE_EXTENSIONS.test(value) ? 'file' : 'fqn';
  } else {
    const [name = '', ...args] = rest.slice(0, colon).split('.');
    method = methodNamed(name, raw, flag);
    methodArgs = args;
    value = rest.slice(colon + 1);
    checkArguments(method, methodArgs, raw, flag);
    if (value === '') {
      throw invalid(raw, `nothing after \`${rest.slice(0, colon + 1)}\`; write \`${rest.slice(0, colon + 1)}<value>\``, flag);
    }
  }

  if (!FREE_TEXT_METHODS.has(method) && /[+@]/.test(value)) {
    throw invalid(
      raw,
      'graph operators go at the start (`+name`, `2+name`, `@name`) or the end (`name+`, `name+1`) of a criterion, ' +
        'and a depth is a whole number',
      flag,
    );
  }
  const problem = SELECTOR_METHODS[method].checkValue?.(value, methodArgs);
  if (problem !== undefined) throw invalid(raw, problem, flag);

  return {
    type: 'criterion',
    raw,
    method,
    methodArgs,
    methodInferred: colon === -1,
    value,
    parents: parentsDepth !== undefined,
    parentsDepth: depthOf(parentsDepth),
    children: childrenDepth !== undefined,
    childrenDepth: depthOf(childrenDepth),
    childrensParents,
  };
}

function depthOf(digits: string | undefined): number | null {
  return digits === undefined || digits === '' ? null : Number(digits);
}

function methodNamed(name: string, raw: string, flag: SelectorFlag | undefined): MethodName {
  if ((METHOD_NAMES as readonly string[]).includes(name)) return name as MethodName;
  if (name === '') throw invalid(raw, `a method name must come before \`:\`. ${methodsHint()}`, flag);
  const spelled = meantFor(name, [...METHOD_NAMES, ...Object.keys(METHOD_SPELLINGS)]);
  const meant = spelled === undefined ? undefined : (METHOD_SPELLINGS[spelled] ?? spelled);
  const suggestion = meant === undefined ? '' : ` (did you mean \`${meant}\`?)`;
  throw invalid(raw, `unknown selector method \`${name}\`${suggestion}. ${methodsHint()}`, flag);
}

function checkArguments(method: MethodName, args: readonly string[], raw: string, flag: SelectorFlag | undefined): void {
  if (SELECTOR_METHODS[method].takesArguments) {
    if (args.length === 0 || args.some((arg) => arg === '')) {
      throw invalid(raw, `\`${method}\` needs a dotted key: \`${method}.<key>:<value>\`, e.g. \`config.materialized:view\``, flag);
    }
  } else if (args.length > 0) {
    throw invalid(raw, `\`${method}\` takes no dotted key (\`${method}.${args.join('.')}\`); only \`config.<key>\` does`, flag);
  }
}

function methodsHint(): string {
  return `Accepted methods: ${listOf(METHOD_NAMES.map((name) => SELECTOR_METHODS[name].usage), 'and')}.`;
}

function invalid(raw: string, problem: string, flag: SelectorFlag | undefined): UsageError {
  return new UsageError(`Invalid selector '${raw}'${flag ? ` in ${flag}` : ''}: ${problem}`);
}

import { error, type Diagnostic, type SourceLocation } from '../diagnostics/diagnostic.js';
import { didYouMean, listOf } from '../diagnostics/suggest.js';
import type { NunjucksNode } from '../template/analyze.js';
import { lineStartOffsets } from '../template/analyze.js';
import { nunjucks } from '../template/nunjucks.js';

/** What `{{ config(...) }}` in a .sql model may set, as dbt spells it. */
export const SQL_CONFIG_KEYS = ['materialized', 'tags', 'enabled', 'meta'] as const;
const MATERIALIZATIONS = ['table', 'view'];

export interface SqlFileConfig {
  /** The config keys the file sets. */
  values: Record<string, unknown>;
  /**
   * The file's text without its `{{ config(...) }}` calls: what is rendered. Every line keeps its number, and every
   * column after a call on its line too (the call is blanked with spaces then, cut out when nothing follows it).
   */
  sql: string;
  diagnostics: Diagnostic[];
}

/**
 * Reads dbt's `{{ config(materialized='view', tags=['x']) }}` from a .sql model file. The call is read from the
 * nunjucks AST (never a regex) and then blanked out of the text, so the rest renders as any sql template and
 * every position in it is still the file's own. A file nunjucks cannot parse is returned as it is: its syntax
 * error is reported where every sql template's is.
 */
export function readSqlConfig(path: string, text: string): SqlFileConfig {
  const out: SqlFileConfig = { values: {}, sql: text, diagnostics: [] };
  if (!text.includes('config')) return out;
  let root: NunjucksNode;
  try {
    root = (nunjucks() as unknown as { parser: { parse(src: string): NunjucksNode } }).parser.parse(text);
  } catch {
    return out;
  }
  const starts = lineStartOffsets(text);
  const at = (node: NunjucksNode): SourceLocation => {
    const start = node.typename === 'FunCall' && node.name ? node.name : node; // nunjucks places a call at its `(`
    return { file: path, line: start.lineno + 1, col: start.colno + 1 };
  };
  const offsetOf = (node: NunjucksNode) => (starts[node.lineno] ?? 0) + node.colno;
  const spans: [number, number][] = [];

  for (const call of configCalls(root)) {
    const name = call.node.name!;
    if (!call.topLevel) {
      out.diagnostics.push(error('LOOM016', 'config() must be a statement of its own at the top of the file, `{{ config(materialized=\'view\') }}`, not inside a block or an expression', at(name)));
      continue;
    }
    const span = outputSpan(text, offsetOf(name));
    if (!span) continue;
    spans.push(span);
    readArguments(call.node, at, out);
  }
  let sql = text;
  for (const [start, end] of spans.reverse()) {
    // Nothing after it on its line: cut it out (no line moves). Else spaces keep the columns after it right.
    const lineEnd = text.indexOf('\n', end);
    const restOfLine = text.slice(end, lineEnd === -1 ? text.length : lineEnd);
    const filler = restOfLine.trim() === '' ? text.slice(start, end).replace(/[^\n]/g, '') : text.slice(start, end).replace(/[^\n]/g, ' ');
    sql = sql.slice(0, start) + filler + sql.slice(end);
  }
  out.sql = sql;
  return out;
}

function readArguments(call: NunjucksNode, at: (node: NunjucksNode) => SourceLocation, out: SqlFileConfig): void {
  for (const arg of call.args?.children ?? []) {
    if (arg.typename !== 'KeywordArgs') {
      out.diagnostics.push(error('LOOM016', "config() takes keyword arguments only, e.g. {{ config(materialized='view', tags=['nightly']) }}", at(arg)));
      continue;
    }
    for (const pair of arg.children ?? []) {
      const key = String((pair.key as NunjucksNode).value);
      const where = at(pair.key as NunjucksNode);
      if (!(SQL_CONFIG_KEYS as readonly string[]).includes(key)) {
        out.diagnostics.push(error('LOOM016', `config() does not take \`${key}\`${didYouMean(key, SQL_CONFIG_KEYS)}; accepted: ${listOf([...SQL_CONFIG_KEYS])}`, where));
        continue;
      }
      const value = literalOf(pair.value as NunjucksNode);
      const problem = value === NOT_LITERAL ? 'must be a literal (a quoted string, a number, true/false, a [list] or a {mapping})' : checkValue(key, value);
      if (problem) out.diagnostics.push(error('LOOM016', `config(${key}=…) ${problem}`, at(pair.value as NunjucksNode)));
      else out.values[key] = key === 'tags' && typeof value === 'string' ? [value] : value;
    }
  }
}

function checkValue(key: string, value: unknown): string | undefined {
  switch (key) {
    case 'materialized':
      return MATERIALIZATIONS.includes(value as string)
        ? undefined
        : `must be ${listOf(MATERIALIZATIONS)}; got ${JSON.stringify(value)}${typeof value === 'string' ? ' (Loom has no incremental or ephemeral sql models)' : ''}`;
    case 'tags':
      return typeof value === 'string' || (Array.isArray(value) && value.every((t) => typeof t === 'string' && t.length > 0))
        ? undefined
        : "must be a tag or a list of tags, e.g. tags=['nightly']";
    case 'enabled':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    default:
      return value !== null && typeof value === 'object' && !Array.isArray(value) ? undefined : "must be a mapping, e.g. meta={'owner': 'ana'}";
  }
}

const NOT_LITERAL = Symbol('not a literal');

function literalOf(node: NunjucksNode): unknown {
  switch (node.typename) {
    case 'Literal':
      return node.value;
    case 'Array': {
      const items = (node.children ?? []).map(literalOf);
      return items.includes(NOT_LITERAL) ? NOT_LITERAL : items;
    }
    case 'Dict': {
      const entries = (node.children ?? []).map((pair) => [literalOf(pair.key as NunjucksNode), literalOf(pair.value as NunjucksNode)]);
      if (entries.some(([k, v]) => typeof k !== 'string' || v === NOT_LITERAL)) return NOT_LITERAL;
      return Object.fromEntries(entries);
    }
    default:
      return NOT_LITERAL;
  }
}

/** Every call to `config(...)`, and whether it is an output of its own at the top level (`{{ config(...) }}`). */
function configCalls(root: NunjucksNode): { node: NunjucksNode; topLevel: boolean }[] {
  const found: { node: NunjucksNode; topLevel: boolean }[] = [];
  const topLevel = new Set<NunjucksNode>();
  for (const output of root.children ?? []) {
    if (output.typename === 'Output' && output.children?.length === 1) topLevel.add(output.children[0]);
  }
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const n = node as NunjucksNode;
    if (n.typename === 'FunCall' && n.name?.typename === 'Symbol' && n.name.value === 'config') found.push({ node: n, topLevel: topLevel.has(n) });
    for (const field of n.fields ?? []) {
      const value = n[field];
      if (Array.isArray(value)) value.forEach(visit);
      else visit(value);
    }
  };
  visit(root);
  return found;
}

/**
 * [start, end) of the `{{ ... }}` around the name of a call at `nameOffset`: back over spaces and `-` to `{{`,
 * forward to the `}}` that closes it, skipping quoted strings.
 */
function outputSpan(text: string, nameOffset: number): [number, number] | null {
  let start = nameOffset;
  while (start > 0 && /[\s-]/.test(text[start - 1])) start--;
  if (text.slice(start - 2, start) !== '{{') return null;
  start -= 2;
  let quote: string | null = null;
  for (let i = nameOffset; i < text.length - 1; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '}' && text[i + 1] === '}') return [start, i + 2];
  }
  return null;
}

/**
 * The names a template reads, from nunjucks' AST (or the scanner's segments): which are free (bound by no `set`,
 * `for`, macro argument, `import` or `from ... import` in scope), and which fields of the input row it reads
 * (`row.subject`, `row['subject']`). A free name that is not `row` or a template global renders as an empty string,
 * and so does a row field the input does not have: graph/link-names.ts turns both into compile errors.
 */
import type { NunjucksNode } from './analyze.js';
import type { SimpleSegment } from './simple.js';

/** Functions and values every template can call without defining them (ours and nunjucks' own globals). */
export const TEMPLATE_GLOBALS: readonly string[] = ['ref', 'source', 'var', 'env_var', 'context', 'range', 'cycler', 'joiner'];

export interface NameUse {
  name: string;
  /** 1-based position of the name in the template. */
  line: number;
  col: number;
  /** Under `| default(...)` or `is defined`: an undefined value there is intended. */
  guarded: boolean;
}

export interface TemplateNames {
  /** Names read that nothing in the template binds (`row` excluded). */
  free: NameUse[];
  /** Fields of the input row read with a literal name: `row.subject` gives `subject`, at the position of `row`. */
  rowFields: NameUse[];
  /** Names bound anywhere in the template: an included template sees its includer's. */
  declared: string[];
}

const SCOPES = new Set(['For', 'AsyncEach', 'AsyncAll', 'Macro', 'Caller']);
const GUARD_FILTERS = new Set(['default', 'd']);

/** The names of a scanned template: every lookup is `name` or `name.a.b`, none bound. */
export function namesOfSegments(source: string, segments: readonly SimpleSegment[], lineStarts: readonly number[]): TemplateNames {
  const out: TemplateNames = { free: [], rowFields: [], declared: [] };
  for (const s of segments) {
    if (s.kind !== 'lookup') continue;
    const text = source.slice(s.start + 2, s.end - 2);
    const at = s.start + 2 + (text.length - text.trimStart().length);
    const { line, col } = positionOf(at, lineStarts);
    const [name, field] = text.trim().split('.');
    if (name !== 'row') out.free.push({ name, line, col, guarded: false });
    else if (field !== undefined) out.rowFields.push({ name: field, line, col, guarded: false });
  }
  return out;
}

function positionOf(offset: number, lineStarts: readonly number[]): { line: number; col: number } {
  let line = 0;
  while (line + 1 < lineStarts.length && lineStarts[line + 1] <= offset) line++;
  return { line: line + 1, col: offset - lineStarts[line] + 1 };
}

class Scope {
  readonly names = new Set<string>();
  constructor(readonly parent: Scope | null) {}
  has(name: string): boolean {
    return this.names.has(name) || (this.parent?.has(name) ?? false);
  }
}

/** The names of a parsed template. */
export function namesOfAst(root: NunjucksNode): TemplateNames {
  const out: TemplateNames = { free: [], rowFields: [], declared: [] };
  const declared = new Set<string>();
  const bind = (scope: Scope, name: string) => {
    scope.names.add(name);
    declared.add(name);
  };

  // Names and row fields an enclosing `{% if x is defined %}` tested: reading them inside is intended.
  const testedDefined: string[] = [];
  const visitBody = (body: unknown, scope: Scope) => {
    hoist(body, scope, bind);
    visit(body, scope, false);
  };

  const visit = (node: unknown, scope: Scope, guarded: boolean): void => {
    if (!node || typeof node !== 'object') return;
    const n = node as NunjucksNode;
    if (typeof n.typename !== 'string') return;
    switch (n.typename) {
      case 'Symbol':
        return use(n, scope, guarded);
      case 'LookupVal':
        return lookup(n, scope, guarded);
      case 'Filter':
      case 'FilterAsync': {
        const name = String(n.name?.value ?? '');
        const [target, ...rest] = n.args?.children ?? [];
        visit(target, scope, guarded || GUARD_FILTERS.has(name));
        for (const arg of rest) visit(arg, scope, guarded);
        return;
      }
      case 'Is': // `x is defined`: the right side names a test, not a variable
        return visit(n.left, scope, true);
      case 'If':
      case 'IfAsync': {
        visit(n.cond, scope, guarded);
        const tested = definedTests(n.cond);
        testedDefined.push(...tested);
        visit(n.body, scope, guarded);
        testedDefined.splice(testedDefined.length - tested.length, tested.length);
        visit(n.else_, scope, guarded);
        return;
      }
      case 'Pair': // a dict key or a keyword argument's name is not a variable
        return visit(n.value, scope, guarded);
      case 'For':
      case 'AsyncEach':
      case 'AsyncAll': {
        visit(n.arr, scope, guarded);
        const inner = new Scope(scope);
        bind(inner, 'loop');
        for (const target of symbolsOf(n.name)) bind(inner, target);
        visitBody(n.body, inner);
        visitBody(n.else_, scope);
        return;
      }
      case 'Macro':
      case 'Caller': {
        const inner = new Scope(scope);
        bind(inner, 'caller');
        for (const arg of (n.args as NunjucksNode | undefined)?.children ?? []) {
          if (arg.typename === 'Symbol') bind(inner, String(arg.value));
          else for (const pair of arg.children ?? []) {
            bind(inner, String(pair.key && (pair.key as NunjucksNode).value));
            visit(pair.value, scope, guarded);
          }
        }
        visitBody(n.body, inner);
        return;
      }
      case 'Block': {
        const inner = new Scope(scope);
        bind(inner, 'super');
        visitBody(n.body, inner);
        return;
      }
      case 'Set':
        visit(n.value, scope, guarded);
        visit(n.body, scope, guarded); // `{% set x %}...{% endset %}`: the captured body
        return;
      case 'Import':
      case 'FromImport':
      case 'Include':
      case 'Extends':
        return visit(n.template, scope, guarded);
      default:
        for (const child of n.children ?? []) visit(child, scope, guarded);
        for (const field of n.fields ?? []) if (field !== 'children') visit(n[field], scope, guarded);
    }
  };

  const use = (symbol: NunjucksNode, scope: Scope, guarded: boolean) => {
    const name = String(symbol.value);
    if (name === 'row' || scope.has(name)) return;
    out.free.push({ name, line: symbol.lineno + 1, col: symbol.colno + 1, guarded: guarded || testedDefined.includes(name) });
  };

  const lookup = (n: NunjucksNode, scope: Scope, guarded: boolean) => {
    const target = n.target as NunjucksNode | undefined;
    const val = n.val as NunjucksNode | undefined;
    if (target?.typename === 'Symbol' && target.value === 'row' && !scope.has('row') && val?.typename === 'Literal' && typeof val.value === 'string') {
      out.rowFields.push({ name: val.value, line: target.lineno + 1, col: target.colno + 1, guarded: guarded || testedDefined.includes(`row.${val.value}`) });
    } else visit(target, scope, guarded);
    if (val?.typename !== 'Literal') visit(val, scope, guarded);
  };

  visitBody(root, new Scope(null));
  out.declared = [...declared];
  return out;
}

/**
 * Binds what a body declares for all of it, wherever in it (`set`, macros, imports; not inside a nested loop or
 * macro, which are scopes of their own): nunjucks hoists macros, and a name read before its `set` is a
 * mistake too rare to be worth the false alarms of order-sensitive checking through includes and ifs.
 */
function hoist(node: unknown, scope: Scope, bind: (scope: Scope, name: string) => void): void {
  if (!node || typeof node !== 'object') return;
  const n = node as NunjucksNode;
  if (typeof n.typename !== 'string') return;
  switch (n.typename) {
    case 'Set':
      for (const target of (n.targets as NunjucksNode[] | undefined) ?? []) for (const name of symbolsOf(target)) bind(scope, name);
      return;
    case 'Macro':
      if (n.name) bind(scope, String(n.name.value));
      return;
    case 'Import':
      for (const name of symbolsOf(n.target as NunjucksNode | undefined)) bind(scope, name);
      return;
    case 'FromImport':
      for (const entry of (n.names as NunjucksNode | undefined)?.children ?? []) {
        const alias = entry.typename === 'Pair' ? (entry.value as NunjucksNode) : entry;
        bind(scope, String(alias.value));
      }
      return;
  }
  if (SCOPES.has(n.typename) || n.typename === 'Block') return;
  for (const child of n.children ?? []) hoist(child, scope, bind);
  for (const field of n.fields ?? []) if (field !== 'children') hoist(n[field], scope, bind);
}

/** What `x is defined` tests in a condition (also inside `and`): `x`, or `row.x` for a row field. */
function definedTests(cond: unknown): string[] {
  const n = cond as NunjucksNode | undefined;
  if (!n || typeof n.typename !== 'string') return [];
  if (n.typename === 'And') return [...definedTests(n.left), ...definedTests(n.right)];
  if (n.typename !== 'Is' || (n.right as NunjucksNode | undefined)?.value !== 'defined') return [];
  const left = n.left as NunjucksNode;
  if (left.typename === 'Symbol') return [String(left.value)];
  const target = left.target as NunjucksNode | undefined;
  const val = left.val as NunjucksNode | undefined;
  if (left.typename === 'LookupVal' && target?.typename === 'Symbol' && target.value === 'row' && val?.typename === 'Literal') return [`row.${String(val.value)}`];
  return [];
}

/** `x` or `k, v` (a for loop's targets, an array of symbols). */
function symbolsOf(node: NunjucksNode | undefined): string[] {
  if (!node) return [];
  if (node.typename === 'Symbol') return [String(node.value)];
  return (node.children ?? []).flatMap(symbolsOf);
}

/**
 * The row fields a compiled prompt (and system prompt) reads without saying they may be missing: checked at build
 * time against the input's columns, for inputs whose columns only a build knows (a sql model).
 */
export function rowFieldsRead(compiled: readonly string[], analyze: (text: string) => { names: TemplateNames }): string[] {
  const fields = new Set<string>();
  for (const text of compiled) for (const use of analyze(text).names.rowFields) if (!use.guarded) fields.add(use.name);
  return [...fields];
}

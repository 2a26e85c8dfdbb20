import { nunjucks } from './nunjucks.js';
import { namesOfAst, namesOfSegments, type TemplateNames } from './names.js';
import { scanSimpleTemplate, type SimpleSegment } from './simple.js';

/** Functions whose calls create edges or dependencies, resolved before any row exists. */
export const COMPILE_TIME_FUNCTIONS = ['ref', 'source', 'var', 'env_var', 'context'] as const;
export type CompileTimeFunction = (typeof COMPILE_TIME_FUNCTIONS)[number];

export interface TemplateCall {
  fn: CompileTimeFunction;
  /** Literal arguments; `undefined` entries are arguments that were not literals. */
  args: unknown[];
  /** True when every argument is a literal, so the call can be resolved without rendering. */
  literal: boolean;
  /** 1-based position of the function name inside the template. */
  line: number;
  col: number;
  /** Character offset of the function name inside the template. */
  offset: number;
  /** The call as written, e.g. `ref('orders')`, when its arguments are literals. */
  text: string;
}

export interface TemplateSyntaxError {
  message: string;
  line: number;
  col: number;
}

export interface TemplateAnalysis {
  calls: TemplateCall[];
  /** Templates named by include/import/from/extends with a literal name. */
  includes: { name: string; line: number; col: number }[];
  /** The template has tags at all (`{{`, `{%`, `{#`); without any it renders to itself. */
  tags: boolean;
  /** The parsed AST when asked for (the renderer's fast path for sql); null otherwise, to keep memory small. */
  ast: NunjucksNode | null;
  /** The template as text and simple `{{ }}` expressions, when it is only that (nunjucks did not parse it then). */
  segments: SimpleSegment[] | null;
  syntaxError: TemplateSyntaxError | null;
  /** The names it reads that nothing in it binds, and the row fields it reads (names.ts). */
  names: TemplateNames;
}

/** The parts of nunjucks' AST nodes we read. */
export interface NunjucksNode {
  typename: string;
  lineno: number;
  colno: number;
  fields: string[];
  children?: NunjucksNode[];
  value?: unknown;
  name?: NunjucksNode;
  args?: NunjucksNode;
  template?: NunjucksNode;
  [field: string]: unknown;
}

const FUNCTION_SET = new Set<string>(COMPILE_TIME_FUNCTIONS);
const NO_NAMES: TemplateNames = Object.freeze({ free: [], rowFields: [], declared: [] }) as TemplateNames;
const NO_TAGS = /\{[{%#]/;

/**
 * Lists the calls to ref/source/var/env_var/context in a template and the templates it includes: read by a
 * scanner when the template is only text and simple `{{ }}` expressions, by nunjucks' own parser otherwise.
 * Nothing is rendered and nothing is read: this is pure. `nunjucksOnly` skips the scanner (for the tests that
 * compare the two).
 */
export function analyzeTemplate(source: string, options: { keepAst?: boolean; nunjucksOnly?: boolean } = {}): TemplateAnalysis {
  if (!NO_TAGS.test(source)) return { calls: [], includes: [], tags: false, ast: null, segments: null, syntaxError: null, names: NO_NAMES };
  const segments = options.nunjucksOnly ? null : scanSimpleTemplate(source);
  if (segments) {
    const calls: TemplateCall[] = [];
    for (const s of segments) {
      if (s.kind === 'call') calls.push({ fn: s.fn, args: s.args, literal: true, line: s.line, col: s.col, offset: s.offset, text: callText(s.fn, s.args) });
    }
    const names = namesOfSegments(source, segments, lineStartOffsets(source));
    return { calls, includes: [], tags: true, ast: null, segments, syntaxError: null, names };
  }
  let ast: NunjucksNode;
  try {
    ast = (nunjucks() as unknown as { parser: { parse(src: string): NunjucksNode } }).parser.parse(source);
  } catch (e) {
    return { calls: [], includes: [], tags: true, ast: null, segments: null, syntaxError: syntaxErrorOf(e, source), names: NO_NAMES };
  }
  const lineStarts = lineStartOffsets(source);
  const calls: TemplateCall[] = [];
  const includes: TemplateAnalysis['includes'] = [];
  walk(ast, (node) => {
    if ((node.typename === 'FunCall' || node.typename === 'Filter') && node.name?.typename === 'Symbol' && node.typename === 'FunCall') {
      const fn = String(node.name.value);
      if (!FUNCTION_SET.has(fn)) return;
      const argNodes = node.args?.children ?? [];
      const args = argNodes.map((a) => (a.typename === 'Literal' ? a.value : undefined));
      const literal = argNodes.every((a) => a.typename === 'Literal');
      const line = node.name.lineno + 1;
      const col = node.name.colno + 1;
      const offset = (lineStarts[node.name.lineno] ?? 0) + node.name.colno;
      calls.push({ fn: fn as CompileTimeFunction, args, literal, line, col, offset, text: literal ? callText(fn, args) : fn });
    } else if (node.typename === 'Include' || node.typename === 'Import' || node.typename === 'FromImport' || node.typename === 'Extends') {
      const t = node.template;
      // Point at the template name (the literal), not at the tag.
      if (t && t.typename === 'Literal' && typeof t.value === 'string') includes.push({ name: t.value, line: t.lineno + 1, col: t.colno + 1 });
    }
  });
  return { calls, includes, tags: true, ast: options.keepAst ? ast : null, segments: null, syntaxError: null, names: namesOfAst(ast) };
}

function walk(node: unknown, visit: (node: NunjucksNode) => void): void {
  if (!node || typeof node !== 'object') return;
  const n = node as NunjucksNode;
  if (typeof n.typename !== 'string') return;
  visit(n);
  if (Array.isArray(n.children)) for (const child of n.children) walk(child, visit);
  for (const field of n.fields ?? []) {
    if (field === 'children') continue;
    walk(n[field], visit);
  }
}

function callText(fn: string, args: unknown[]): string {
  return `${fn}(${args.map((a) => (typeof a === 'string' ? `'${a}'` : String(a))).join(', ')})`;
}

function syntaxErrorOf(e: unknown, source: string): TemplateSyntaxError {
  const err = e as { message?: string; lineno?: number; colno?: number };
  const raw = String(err.message ?? e).replace(/^\(unknown path\)\s*/, '').replace(/\s*\[Line \d+, Column \d+\]\s*/, ' ').trim();
  const message = raw.replace(/^[a-zA-Z]+: /, '').replace(/^Template render error:?\s*/, '').trim();
  if (typeof err.lineno === 'number' && err.lineno > 0) return { message, line: err.lineno, col: Math.max(1, err.colno ?? 1) };
  // nunjucks reports end-of-file errors without a position: point at the end of the last line that has text.
  const lines = source.replace(/\s+$/, '').split('\n');
  return { message, line: lines.length, col: Math.max(1, lines[lines.length - 1].length) };
}

export function lineStartOffsets(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

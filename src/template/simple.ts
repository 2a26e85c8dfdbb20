/**
 * Most templates in a project are text plus `{{ ref('x') }}`, `{{ context('guide') }}` and `{{ row.field }}`.
 * Parsing those with nunjucks builds a token stream and an AST per template, which dominated a 10,000-model
 * compile. This scanner reads exactly that shape and gives up (returns null) on anything else, so nunjucks
 * still parses, and reports errors for, every template with tags, comments, filters, whitespace control,
 * escapes or any expression beyond those two. What it returns matches what nunjucks' parser finds
 * (tests/unit/compiler/simple-template.test.ts compares the two on generated templates).
 */

import type { CompileTimeFunction } from './analyze.js';

export type SimpleSegment =
  | { kind: 'text'; text: string }
  /** A call with string literals only, e.g. `ref('orders')`; `start`/`end` span the whole `{{ ... }}`. */
  | { kind: 'call'; fn: CompileTimeFunction; args: string[]; line: number; col: number; offset: number; start: number; end: number }
  /** A variable or a dotted lookup, e.g. `row.review_text`, filled in at build time. */
  | { kind: 'lookup'; start: number; end: number };

const FUNCTIONS = new Set(['ref', 'source', 'var', 'env_var', 'context']);
/** Names nunjucks reads as literals or operators, never as variables. */
const RESERVED = new Set(['true', 'false', 'True', 'False', 'none', 'None', 'null', 'not', 'and', 'or', 'in', 'is', 'if', 'else']);
/** Names nunjucks' lexer reads as literals even after a dot: `row.none` is a parse error there, not a lookup. */
const LEXER_LITERALS = new Set(['true', 'false', 'none', 'null']);

const OPEN_BRACE = 123; // {
const CLOSE_BRACE = 125; // }
const DASH = 45;

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13;
}

function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57);
}

/** The template as segments when it has only text and simple `{{ }}` expressions; null for anything else. */
export function scanSimpleTemplate(source: string): SimpleSegment[] | null {
  const segments: SimpleSegment[] = [];
  // A `#}` outside a comment is an error in nunjucks, and `{%`/`{#` need its parser.
  if (source.includes('{%') || source.includes('{#') || source.includes('#}')) return null;
  let line = 1;
  let lineStart = 0;
  let pos = 0;
  const advanceLines = (to: number) => {
    for (let i = source.indexOf('\n', pos); i !== -1 && i < to; i = source.indexOf('\n', i + 1)) {
      line++;
      lineStart = i + 1;
    }
  };
  while (pos < source.length) {
    const open = source.indexOf('{{', pos);
    if (open === -1) {
      segments.push({ kind: 'text', text: source.slice(pos) });
      break;
    }
    if (open > pos) segments.push({ kind: 'text', text: source.slice(pos, open) });
    advanceLines(open);
    pos = open;
    const expression = scanExpression(source, open + 2);
    if (!expression) return null;
    if (expression.kind === 'call') {
      const nameLine = line + countNewlines(source, open, expression.nameAt);
      const nameLineStart = nameLine === line ? lineStart : source.lastIndexOf('\n', expression.nameAt) + 1;
      segments.push({
        kind: 'call',
        fn: expression.fn,
        args: expression.args,
        line: nameLine,
        col: expression.nameAt - nameLineStart + 1,
        offset: expression.nameAt,
        start: open,
        end: expression.end,
      });
    } else {
      segments.push({ kind: 'lookup', start: open, end: expression.end });
    }
    advanceLines(expression.end);
    pos = expression.end;
  }
  return segments;
}

function countNewlines(source: string, from: number, to: number): number {
  let n = 0;
  for (let i = source.indexOf('\n', from); i !== -1 && i < to; i = source.indexOf('\n', i + 1)) n++;
  return n;
}

type Expression =
  | { kind: 'call'; fn: CompileTimeFunction; args: string[]; nameAt: number; end: number }
  | { kind: 'lookup'; end: number };

/** Reads `name(...)` or `a.b.c` then `}}`, from just after `{{`; null when the expression is anything else. */
function scanExpression(source: string, from: number): Expression | null {
  let i = from;
  // `{{-` trims the text before it, `{{{` starts a dict literal: both are nunjucks' to handle.
  if (source.charCodeAt(i) === DASH || source.charCodeAt(i) === OPEN_BRACE) return null;
  i = skipSpace(source, i);
  const nameAt = i;
  i = scanName(source, i);
  if (i === nameAt) return null;
  const name = source.slice(nameAt, i);
  if (RESERVED.has(name)) return null;
  let result: Expression;
  if (source.charCodeAt(i) === 40 /* ( */) {
    if (!FUNCTIONS.has(name)) return null;
    const args: string[] = [];
    i = skipSpace(source, i + 1);
    if (source.charCodeAt(i) !== 41 /* ) */) {
      for (;;) {
        const quote = source.charCodeAt(i);
        if (quote !== 39 && quote !== 34) return null;
        const close = source.indexOf(quote === 39 ? "'" : '"', i + 1);
        if (close === -1) return null;
        const value = source.slice(i + 1, close);
        // Escapes and multi-line strings are for nunjucks' lexer.
        if (value.includes('\\') || value.includes('\n')) return null;
        args.push(value);
        i = skipSpace(source, close + 1);
        const next = source.charCodeAt(i);
        if (next === 41) break;
        if (next !== 44 /* , */) return null;
        i = skipSpace(source, i + 1);
      }
    }
    i++;
    result = { kind: 'call', fn: name as CompileTimeFunction, args, nameAt, end: 0 };
  } else {
    while (source.charCodeAt(i) === 46 /* . */) {
      const at = i + 1;
      i = scanName(source, at);
      if (i === at || LEXER_LITERALS.has(source.slice(at, i))) return null;
    }
    result = { kind: 'lookup', end: 0 };
  }
  i = skipSpace(source, i);
  if (source.charCodeAt(i) !== CLOSE_BRACE || source.charCodeAt(i + 1) !== CLOSE_BRACE) return null;
  result.end = i + 2;
  return result;
}

function skipSpace(source: string, i: number): number {
  while (i < source.length && isSpace(source.charCodeAt(i))) i++;
  return i;
}

function scanName(source: string, i: number): number {
  if (!isNameStart(source.charCodeAt(i))) return i;
  i++;
  while (i < source.length && isNameChar(source.charCodeAt(i))) i++;
  return i;
}

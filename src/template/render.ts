import type { Environment } from 'nunjucks';
import { analyzeTemplate, COMPILE_TIME_FUNCTIONS, type NunjucksNode, type TemplateAnalysis } from './analyze.js';
import { printed, type TemplateResolvers } from './environment.js';
import { nunjucks } from './nunjucks.js';
import type { SimpleSegment } from './simple.js';

const FUNCTIONS = new Set<string>(COMPILE_TIME_FUNCTIONS);

export interface RenderError {
  message: string;
  line: number | null;
  col: number | null;
}

/**
 * Renders a template whose only variables are the compile-time functions (a model's sql).
 * Templates made only of text and calls with literal arguments are evaluated straight from the AST, which is
 * far cheaper than nunjucks compiling a JS function per template; anything else goes through nunjucks.
 */
export function renderCompileTime(
  text: string,
  analysis: TemplateAnalysis,
  resolvers: TemplateResolvers,
  env: () => Environment,
  name: string,
): { output: string } | { error: RenderError } {
  if (!analysis.tags) return { output: text };
  try {
    const simple = analysis.segments ? renderSegments(analysis.segments, resolvers) : analysis.ast ? renderSimple(analysis.ast, resolvers) : undefined;
    if (simple !== undefined) return { output: simple };
    return { output: new (nunjucks().Template)(text, env(), name, true).render({}) };
  } catch (e) {
    return { error: renderErrorOf(e) };
  }
}

/** Output of a scanned template; undefined when it has a variable (nunjucks decides what that prints). */
function renderSegments(segments: readonly SimpleSegment[], resolvers: TemplateResolvers): string | undefined {
  let out = '';
  for (const s of segments) {
    if (s.kind === 'text') out += s.text;
    else if (s.kind === 'call') out += printed(call(resolvers, s.fn, s.args));
    else return undefined;
  }
  return out;
}

/** Output of a template made only of text and literal-argument calls; undefined when it has anything else. */
function renderSimple(root: NunjucksNode, resolvers: TemplateResolvers): string | undefined {
  let out = '';
  for (const child of root.children ?? []) {
    if (child.typename !== 'Output') return undefined;
    for (const part of child.children ?? []) {
      if (part.typename === 'TemplateData') out += printed(part.value);
      else if (part.typename === 'FunCall' && part.name?.typename === 'Symbol' && FUNCTIONS.has(String(part.name.value))) {
        const args = part.args?.children ?? [];
        if (!args.every((a) => a.typename === 'Literal')) return undefined;
        const values = args.map((a) => a.value);
        out += printed(call(resolvers, String(part.name.value), values));
      } else return undefined;
    }
  }
  return out;
}

function call(resolvers: TemplateResolvers, fn: string, args: unknown[]): unknown {
  switch (fn) {
    case 'ref':
      return resolvers.ref(args[0] as string);
    case 'source':
      return resolvers.source(args[0] as string, args[1] as string);
    case 'var':
      return resolvers.var(args[0] as string, args[1]);
    case 'env_var':
      return resolvers.env_var(args[0] as string, args[1]);
    default:
      return resolvers.context(args[0] as string);
  }
}

/**
 * A nunjucks render error as a message and a 1-based position. At render time nunjucks gives no lineno/colno
 * fields: the position is only in the message, `(name) [Line 1, Column 4]`, counted from 0.
 */
export function renderErrorOf(e: unknown): RenderError {
  const err = e as { message?: string; lineno?: number; colno?: number };
  const raw = String(err.message ?? e);
  const at = /\[Line (\d+), Column (\d+)\]/.exec(raw);
  const message = raw
    .replace(/^\(.*?\)\s*/, '')
    .replace(/\[Line \d+, Column \d+\]\s*/, '')
    .replace(/^\s*[A-Za-z]*Error: /, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (typeof err.lineno === 'number') return { message, line: err.lineno, col: typeof err.colno === 'number' ? err.colno : null };
  return { message, line: at ? Number(at[1]) + 1 : null, col: at ? Number(at[2]) + 1 : null };
}

interface LexToken {
  type: string;
  value: string;
  lineno: number;
  colno: number;
}

/**
 * A prompt template with every `{{ ... }}` that needs no row replaced by its value (wrapped in a raw block so it
 * is printed verbatim at build time). What remains refers only to `row` (and to macros or tags the build-time
 * environment still resolves). Rendering the result with a row gives exactly what the original gives.
 */
export function compilePromptTemplate(text: string, resolvers: TemplateResolvers, analysis: TemplateAnalysis = analyzeTemplate(text)): string {
  if (!analysis.tags || analysis.calls.length === 0) return text;
  if (analysis.segments) return compileSegments(text, analysis.segments, resolvers);
  const lexer = (nunjucks() as unknown as { lexer: { lex(src: string): Lexer } }).lexer;
  const tokens = lexer.lex(text);
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const offsetOf = (t: LexToken) => lineStarts[t.lineno] + t.colno;

  let out = '';
  let copiedUpTo = 0;
  let trimNextStart = false;
  let token: LexToken | null;
  const copy = (end: number) => {
    let chunk = text.slice(copiedUpTo, end);
    if (trimNextStart) chunk = chunk.replace(/^\s+/, '');
    trimNextStart = false;
    out += chunk;
  };
  while ((token = tokens.nextToken())) {
    if (token.type === 'block-start') {
      skipRawBlock(tokens);
      continue;
    }
    if (token.type !== 'variable-start') continue;
    const start = offsetOf(token);
    const inner: LexToken[] = [];
    let end: LexToken | null = null;
    let t: LexToken | null;
    while ((t = tokens.nextToken())) {
      if (t.type === 'variable-end') {
        end = t;
        break;
      }
      if (t.type !== 'whitespace') inner.push(t);
    }
    if (!end) break;
    const value = literalCallValue(inner, resolvers);
    // A value holding a raw/endraw tag would end (or nest) the raw block it is wrapped in: leave that call for build time.
    if (value === undefined || RAW_TAG.test(value)) continue;
    copy(start);
    if (token.value.endsWith('-')) out = out.replace(/\s+$/, '');
    out += value.length ? `{% raw %}${value}{% endraw %}` : '';
    copiedUpTo = offsetOf(end) + end.value.length;
    trimNextStart = end.value.startsWith('-');
  }
  copy(text.length);
  return out;
}

/** compilePromptTemplate for a scanned template: each call replaced by its value, as the lexer-driven path does. */
function compileSegments(text: string, segments: readonly SimpleSegment[], resolvers: TemplateResolvers): string {
  let out = '';
  for (const s of segments) {
    if (s.kind === 'text') out += s.text;
    else if (s.kind === 'lookup') out += text.slice(s.start, s.end);
    else {
      const value = printed(call(resolvers, s.fn, s.args));
      if (RAW_TAG.test(value)) out += text.slice(s.start, s.end);
      else if (value.length) out += `{% raw %}${value}{% endraw %}`;
    }
  }
  return out;
}

/** The tags nunjucks' parser counts when it looks for the end of a raw block (see parseRaw in nunjucks/src/parser.js). */
const RAW_TAG = /\{%\s*(raw|endraw)\s*%\}/;

interface Lexer {
  nextToken(): LexToken | null;
  _extractRegex(regex: RegExp): RegExpMatchArray | null;
}

/**
 * Called after a `{%`: when the tag is `raw` or `verbatim`, moves the lexer past its matching end tag, exactly as
 * nunjucks' parser does, so `{{ ... }}` written inside a raw block is left alone. Any other tag is just skipped.
 */
function skipRawBlock(tokens: Lexer): void {
  let t = tokens.nextToken();
  while (t && t.type === 'whitespace') t = tokens.nextToken();
  if (!t || t.type !== 'symbol' || (t.value !== 'raw' && t.value !== 'verbatim')) return;
  const tag = t.value;
  while ((t = tokens.nextToken()) && t.type !== 'block-end');
  const boundary = new RegExp(`([\\s\\S]*?){%\\s*(${tag}|end${tag})\\s*(?=%})%}`);
  let level = 1;
  let m: RegExpMatchArray | null;
  while (level > 0 && (m = tokens._extractRegex(boundary))) level += m[2] === tag ? 1 : -1;
}

/** The value of `fn('a', 'b')` when the tokens are exactly such a call; undefined otherwise. */
function literalCallValue(tokens: LexToken[], resolvers: TemplateResolvers): string | undefined {
  if (tokens.length < 3 || tokens[0].type !== 'symbol' || !FUNCTIONS.has(tokens[0].value)) return undefined;
  if (tokens[1].type !== 'left-paren' || tokens[tokens.length - 1].type !== 'right-paren') return undefined;
  const args: unknown[] = [];
  for (let i = 2; i < tokens.length - 1; i++) {
    const t = tokens[i];
    const expectComma = (i - 2) % 2 === 1;
    if (expectComma) {
      if (t.type !== 'comma') return undefined;
    } else if (t.type === 'string') args.push(t.value);
    else if (t.type === 'int') args.push(Number.parseInt(t.value, 10));
    else if (t.type === 'float') args.push(Number.parseFloat(t.value));
    else if (t.type === 'boolean') args.push(t.value === 'true');
    else return undefined;
  }
  return printed(call(resolvers, tokens[0].value, args));
}

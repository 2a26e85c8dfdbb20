/**
 * Renders a compiled prompt with one input row without nunjucks, when the prompt is text plus `{{ row... }}`
 * lookups (the shape the scanner in simple.ts reads): a build then never loads nunjucks for such prompts, and
 * each row costs a few string concatenations instead of a nunjucks frame, context and output buffer. What it
 * prints is what nunjucks prints with `autoescape: false` (tests/unit/compiler/row-render.test.ts renders
 * generated templates and rows both ways).
 */
import { printed } from './environment.js';
import { scanSimpleTemplate } from './simple.js';

/** One input row's values filled into the prompt; `null` when the row needs nunjucks (see `rowRenderer`). */
export type RowRender = (row: Record<string, unknown>) => string | null;

const NEEDS_NUNJUCKS = Symbol('needs nunjucks');

/**
 * A renderer for `compiled`, or null when nunjucks must render it: anything but text and lookups that start at
 * `row` (other names are nunjucks' globals). A row whose lookup meets a function (say `row.constructor`) renders
 * to null, for nunjucks to render.
 */
export function rowRenderer(compiled: string): RowRender | null {
  const segments = scanSimpleTemplate(compiled);
  if (!segments) return null;
  const texts: string[] = [];
  const paths: string[][] = [];
  let text = '';
  for (const segment of segments) {
    if (segment.kind === 'text') text += segment.text;
    else if (segment.kind === 'call') return null;
    else {
      const path = compiled.slice(segment.start + 2, segment.end - 2).trim().split('.');
      if (path[0] !== 'row') return null;
      texts.push(text);
      paths.push(path.slice(1));
      text = '';
    }
  }
  texts.push(text);
  return (row) => {
    let out = texts[0];
    for (let i = 0; i < paths.length; i++) {
      const value = lookup(row, paths[i]);
      if (value === NEEDS_NUNJUCKS) return null;
      try {
        out += printed(value);
      } catch {
        return null; // an object that cannot be printed (its own `toString` is not a function): nunjucks reports it
      }
      out += texts[i + 1];
    }
    return out;
  };
}

/**
 * nunjucks' memberLookup down `path`: undefined past a null or undefined. A function met on the way is nunjucks'
 * to handle: it wraps it, and the next lookup reads the wrapper's properties, not the function's.
 */
function lookup(row: Record<string, unknown>, path: readonly string[]): unknown {
  let value: unknown = row;
  for (const key of path) {
    if (value === undefined || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
    if (typeof value === 'function') return NEEDS_NUNJUCKS;
  }
  return value;
}

import { closeSync, openSync, readSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { JsonSchema } from '../contracts/llm.js';
import type { LinkedNode } from './types.js';

/**
 * The columns of the relation each node writes, where they are known before anything runs: a csv source's
 * header, an llm model's output fields plus what it passes through. null where only a build can tell (a sql
 * model, a parquet file, a csv whose header the warehouse might read differently).
 */
export class KnownColumns {
  private readonly memo = new Map<string, string[] | null>();

  constructor(
    private readonly nodes: ReadonlyMap<string, LinkedNode>,
    private readonly projectDir: string,
  ) {}

  of(id: string): string[] | null {
    if (this.memo.has(id)) return this.memo.get(id)!;
    this.memo.set(id, null); // a cycle (reported elsewhere) knows nothing
    const node = this.nodes.get(id);
    const columns = !node || node.broken ? null : node.source ? this.ofSource(node) : node.kind === 'llm' ? this.ofLlm(node) : null;
    this.memo.set(id, columns);
    return columns;
  }

  private ofSource(node: LinkedNode): string[] | null {
    const source = node.source!;
    if (source.format !== 'csv' || Object.keys(source.options).length > 0 || /^[a-z][a-z0-9+.-]*:\/\//i.test(source.path)) return null;
    return csvHeader(isAbsolute(source.path) ? source.path : join(this.projectDir, source.path));
  }

  private ofLlm(node: LinkedNode): string[] | null {
    const outputs = outputFields(node.output_schema);
    const passthrough = node.config.passthrough ?? true;
    const key = node.config.unique_key as string | undefined;
    const extra = passthrough === false ? [] : Array.isArray(passthrough) ? passthrough : node.from ? this.of(node.from) : null;
    if (extra === null) return null;
    return [...new Set([...(key ? [key] : []), ...extra, ...outputs])];
  }
}

function outputFields(schema: JsonSchema | null): string[] {
  if (!schema) return ['output'];
  return Object.keys((schema.properties ?? {}) as object);
}

/**
 * The header row of a csv file, when the warehouse will read the same names from it: one delimiter that can only
 * be a comma, no empty, repeated, padded or numeric names (DuckDB would then guess there is no header). null otherwise.
 */
export function csvHeader(path: string): string[] | null {
  let text: string;
  try {
    const fd = openSync(path, 'r');
    try {
      const buffer = Buffer.alloc(64 * 1024);
      text = buffer.toString('utf8', 0, readSync(fd, buffer, 0, buffer.length, 0));
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
  const end = text.search(/\r?\n/);
  if (end === -1) return null;
  const line = text.slice(0, end).replace(/^\uFEFF/, '');
  if (/[;\t|]/.test(line)) return null;
  const names = splitCsvLine(line);
  if (!names || names.some((n) => n === '' || n.trim() !== n || /^[-+]?\d/.test(n))) return null;
  return new Set(names).size === names.length ? names : null;
}

function splitCsvLine(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let value = '';
    if (line[i] === '"') {
      const close = line.indexOf('"', i + 1);
      if (close === -1 || line.slice(i + 1, close).includes('"')) return null;
      value = line.slice(i + 1, close);
      i = close + 1;
      if (i < line.length && line[i] !== ',') return null;
    } else {
      const comma = line.indexOf(',', i);
      value = line.slice(i, comma === -1 ? line.length : comma);
      if (value.includes('"')) return null;
      i = comma === -1 ? line.length : comma;
    }
    out.push(value);
    if (i >= line.length) return out;
    i++; // the comma
  }
}

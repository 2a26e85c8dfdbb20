import jsyaml from 'js-yaml';
import { createRequire } from 'node:module';
import type * as YamlModule from 'yaml';
import type { Document, LineCounter, Node as YamlNode } from 'yaml';
import { error, type Diagnostic, type SourceLocation } from '../diagnostics/diagnostic.js';

let yamlModule: typeof YamlModule | undefined;
/** The `yaml` package (positions, every error of a broken file), loaded the first time a position is needed. */
function yaml(): typeof YamlModule {
  yamlModule ??= createRequire(import.meta.url)('yaml') as typeof YamlModule;
  return yamlModule;
}

export type YamlPath = readonly (string | number)[];

/**
 * YAML 1.2 core types (dates and versions stay strings) plus merge keys (`<<: *defaults`), which dbt users share
 * settings between models with. Both parsers read files the same way.
 */
const SCHEMA = jsyaml.CORE_SCHEMA.extend({ implicit: [(jsyaml as unknown as { types: { merge: jsyaml.Type } }).types.merge] });

/**
 * One parsed YAML file: its JS value plus a way back from a path inside the value to `line:col` in the text.
 *
 * Positions are only needed when something is wrong, so the value comes from js-yaml (about five times faster
 * on large projects) and the `yaml` package's document tree, which keeps positions, is built only when a
 * position is asked for or the fast parser rejects the file (then `yaml` reports every error, with positions).
 */
export class YamlFile {
  readonly path: string;
  readonly text: string;
  readonly value: unknown;
  readonly diagnostics: Diagnostic[];
  private parsed?: { doc: Document.Parsed; lines: LineCounter };

  constructor(path: string, text: string) {
    this.path = path;
    this.text = text;
    let value: unknown;
    let diagnostics: Diagnostic[] = [];
    try {
      value = jsyaml.load(text, { schema: SCHEMA, filename: path });
    } catch (fastError) {
      // One mistake often trips several of yaml's checks on the same line: report the first of them.
      const lines = new Set<number>();
      const errors = this.document().doc.errors.filter((e) => {
        const line = this.document().lines.linePos(e.pos[0]).line;
        if (e.code !== 'DUPLICATE_KEY' && lines.has(line)) return false;
        lines.add(line);
        return true;
      });
      diagnostics = errors.map((e) => {
        if (e.code === 'DUPLICATE_KEY') {
          const key = this.keyAt(e.pos[0]);
          const where = key ? this.locationAt(key.range[0], key.range[1]) : this.locationAt(e.pos[0], e.pos[1]);
          return error('LOOM002', `duplicate key${key ? ` \`${key.name}\`` : ''}: a mapping may set each key once`, where);
        }
        return error('LOOM001', `YAML syntax error: ${firstSentence(e.message)}`, this.locationAt(e.pos[0], e.pos[1]));
      });
      if (diagnostics.length === 0) {
        // js-yaml is stricter than YAML 1.2 in a few corners; trust the spec-complete parser then. It still throws
        // when building the value for some mistakes it does not list as errors (an alias to no anchor).
        try {
          value = this.document().doc.toJS({ maxAliasCount: 1000 });
        } catch (e) {
          const alias = this.unresolvedAlias();
          const mark = (fastError as { mark?: { position?: number } }).mark?.position ?? 0;
          const message = alias ? `\`*${alias.name}\` refers to no anchor (define \`&${alias.name}\` before it)` : firstSentence((e as Error).message);
          diagnostics = [error('LOOM001', `YAML syntax error: ${message}`, alias ? this.locationAt(alias.range[0], alias.range[1]) : this.locationAt(mark))];
        }
      }
    }
    this.value = diagnostics.length ? null : (value ?? null);
    this.diagnostics = diagnostics;
  }

  /**
   * For a file with errors: what the spec-complete parser could still make of it (null if nothing), so the names
   * it declares can resolve refs quietly instead of every ref to them failing too.
   */
  recoveredValue(): unknown {
    if (!this.diagnostics.length) return this.value;
    try {
      return this.document().doc.toJS({ maxAliasCount: 1000 }) ?? null;
    } catch {
      return null;
    }
  }

  private document(): { doc: Document.Parsed; lines: LineCounter } {
    if (!this.parsed) {
      const lines = new (yaml().LineCounter)();
      const doc = yaml().parseDocument(this.text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, merge: true });
      this.parsed = { doc, lines };
    }
    return this.parsed;
  }

  /** The first alias (`*name`) with no anchor before it. */
  private unresolvedAlias(): { name: string; range: [number, number] } | undefined {
    const doc = this.document().doc;
    let found: { name: string; range: [number, number] } | undefined;
    yaml().visit(doc, {
      Alias(_, alias) {
        if (alias.resolve(doc) !== undefined || !alias.range) return undefined;
        found = { name: alias.source, range: [alias.range[0], alias.range[1]] };
        return yaml().visit.BREAK;
      },
    });
    return found;
  }

  /** The mapping key that starts at `offset` (yaml reports a duplicate key by its first character only). */
  private keyAt(offset: number): { name: string; range: [number, number] } | undefined {
    let found: { name: string; range: [number, number] } | undefined;
    yaml().visit(this.document().doc, {
      Pair(_, pair) {
        const range = yaml().isScalar(pair.key) ? pair.key.range : undefined;
        if (range && range[0] === offset) {
          found = { name: String((pair.key as { value: unknown }).value), range: [range[0], range[1]] };
          return yaml().visit.BREAK;
        }
        return undefined;
      },
    });
    return found;
  }

  /** Position of the value (or key) at `path`; falls back to the nearest existing ancestor. */
  locate(path: YamlPath, part: 'key' | 'value' = 'value'): SourceLocation {
    const range = this.rangeOf(path, part);
    return range ? this.locationAt(range[0], range[1]) : { file: this.path, line: 1, col: 1 };
  }

  /** [start, end) offsets of the node at `path`, or of its nearest existing ancestor. */
  rangeOf(path: YamlPath, part: 'key' | 'value' = 'value'): [number, number] | undefined {
    let node: unknown = this.document().doc.contents;
    let best: [number, number] | undefined = rangeOfNode(node);
    for (let i = 0; i < path.length; i++) {
      const segment = path[i];
      const last = i === path.length - 1;
      if (yaml().isMap(node)) {
        const pair = node.items.find((p) => yaml().isPair(p) && yaml().isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) return best;
        if (last && part === 'key') return rangeOfNode(pair.key) ?? best;
        node = pair.value;
        best = rangeOfNode(node) ?? rangeOfNode(pair.key) ?? best;
      } else if (yaml().isSeq(node) && typeof segment === 'number') {
        node = node.items[segment];
        if (node === undefined) return best;
        best = rangeOfNode(node) ?? best;
      } else {
        return best;
      }
    }
    return best;
  }

  /** The scalar node at `path`, for mapping template positions inside a YAML string back to the file. */
  scalarAt(path: YamlPath): { type: string | undefined; range: [number, number]; source: string } | undefined {
    const node = this.document().doc.getIn(path as (string | number)[], true);
    if (!yaml().isScalar(node) || !node.range) return undefined;
    return { type: node.type, range: [node.range[0], node.range[1]], source: this.text.slice(node.range[0], node.range[1]) };
  }

  locationAt(start: number, end?: number): SourceLocation {
    const lines = this.document().lines;
    const a = lines.linePos(start);
    const loc: SourceLocation = { file: this.path, line: a.line, col: a.col };
    if (end !== undefined && end > start) {
      const b = lines.linePos(end);
      loc.endLine = b.line;
      loc.endCol = b.col;
    }
    return loc;
  }
}

function rangeOfNode(node: unknown): [number, number] | undefined {
  const range = (node as YamlNode | undefined)?.range;
  return range ? [range[0], range[1]] : undefined;
}

function firstSentence(message: string): string {
  const line = message.split('\n')[0];
  return line.replace(/ at line \d+, column \d+:?$/, '');
}

import type { SourceLocation } from '../diagnostics/diagnostic.js';
import type { YamlFile, YamlPath } from '../base/yaml-file.js';
import { lineStartOffsets } from './analyze.js';

/**
 * Maps a position inside a template that was written as a YAML string (e.g. `sql: |`) back to the YAML file.
 * Block literals map line for line; other scalars are searched for the snippet at that position, which is
 * exact unless the same snippet is written differently (escapes) in the file.
 */
export function locateInYamlString(
  file: YamlFile,
  path: YamlPath,
  template: string,
  position: { line: number; col: number },
  snippet?: string,
): SourceLocation {
  const scalar = file.scalarAt(path);
  if (!scalar) return file.locate(path);
  const starts = lineStartOffsets(template);
  const offset = (starts[position.line - 1] ?? 0) + position.col - 1;
  // The snippet may be written differently at that position (`ref("x")` for the canonical `ref('x')`): then take
  // as many characters of the template itself, which are what the file holds.
  const written = snippet && snippet.length > 0 && !template.startsWith(snippet, offset) ? template.slice(offset, offset + snippet.length) : snippet;
  const needle = written && written.length > 0 ? written : template.slice(offset, offset + 12);
  if (needle) {
    // Which occurrence of the snippet is it inside the template? Take the same one in the file's text.
    let nth = 0;
    for (let i = template.indexOf(needle); i !== -1 && i < offset; i = template.indexOf(needle, i + 1)) nth++;
    // In a quoted scalar the snippet may be written with escapes: `''` for `'`, `\"` for `"`.
    const written = scalar.type === 'QUOTE_SINGLE' ? needle.replace(/'/g, "''") : scalar.type === 'QUOTE_DOUBLE' ? JSON.stringify(needle).slice(1, -1) : needle;
    for (const form of written === needle ? [needle] : [needle, written]) {
      let at = scalar.source.indexOf(form);
      for (let k = 0; k < nth && at !== -1; k++) at = scalar.source.indexOf(form, at + 1);
      if (at !== -1) return file.locationAt(scalar.range[0] + at, scalar.range[0] + at + form.length);
    }
  }
  if (scalar.type === 'BLOCK_LITERAL') {
    const headerEnd = scalar.source.indexOf('\n');
    if (headerEnd !== -1) {
      const base = file.locationAt(scalar.range[0] + headerEnd + 1);
      const firstContent = scalar.source.slice(headerEnd + 1).split('\n').find((l) => l.trim().length > 0) ?? '';
      const indent = firstContent.length - firstContent.trimStart().length;
      return { file: file.path, line: base.line + position.line - 1, col: indent + position.col };
    }
  }
  return file.locationAt(scalar.range[0]);
}

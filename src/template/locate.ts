import type { SourceLocation } from '../diagnostics/diagnostic.js';
import type { YamlFile, YamlPath } from '../parse/yaml-file.js';
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
  const needle = snippet && snippet.length > 0 ? snippet : template.slice(offset, offset + 12);
  if (needle) {
    // Which occurrence of the snippet is it inside the template? Take the same one in the file's text.
    let nth = 0;
    for (let i = template.indexOf(needle); i !== -1 && i < offset; i = template.indexOf(needle, i + 1)) nth++;
    let at = scalar.source.indexOf(needle);
    for (let k = 0; k < nth && at !== -1; k++) at = scalar.source.indexOf(needle, at + 1);
    if (at !== -1) return file.locationAt(scalar.range[0] + at, scalar.range[0] + at + needle.length);
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

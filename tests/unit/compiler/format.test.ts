import { describe, expect, it } from 'vitest';
import { error, hasErrors, sortDiagnostics, warning, type Diagnostic } from '../../../src/diagnostics/diagnostic.js';
import { formatDiagnostic, summarize } from '../../../src/diagnostics/format.js';

const SOURCE = 'models:\n  - name: a\n    kind: sq1\n';
const read = (file: string) => (file === 'm.yml' ? SOURCE : undefined);

describe('formatDiagnostic', () => {
  it('prints `path:line:col: error CODE: message`, a code frame with one line of context, and an underline', () => {
    const d = error('LOOM012', '`models[0].kind` must be `sql` or `llm`', { file: 'm.yml', line: 3, col: 11, endLine: 3, endCol: 14 });
    expect(formatDiagnostic(d, { readSource: read })).toBe(
      ['m.yml:3:11: error LOOM012: `models[0].kind` must be `sql` or `llm`', '  2 |   - name: a', '> 3 |     kind: sq1', '    |           ^^^'].join('\n'),
    );
  });

  it('underlines to the end of the line when the span goes on to another line', () => {
    const d = error('LOOM030', 'dup', { file: 'm.yml', line: 2, col: 5, endLine: 4, endCol: 1 });
    expect(formatDiagnostic(d, { readSource: read }).split('\n').pop()).toBe('    |     ^^^^^^^');
  });

  it('widens the gutter for long files and prints notes after the frame', () => {
    const text = Array.from({ length: 12 }, (_, i) => `line ${i + 1}`).join('\n');
    const d = error('LOOM060', 'dependency cycle: a -> b -> a', { file: 'f', line: 10, col: 1 }, ['a -> b: f:10:1', 'b -> a: g:2:3']);
    expect(formatDiagnostic(d, { readSource: () => text })).toBe(
      ['f:10:1: error LOOM060: dependency cycle: a -> b -> a', '   9 | line 9', '> 10 | line 10', '     | ^', '  = a -> b: f:10:1', '  = b -> a: g:2:3'].join('\n'),
    );
  });

  it('without a location or a readable file, only the header', () => {
    expect(formatDiagnostic(error('LOOM020', 'no loom_project.yml'))).toBe('error LOOM020: no loom_project.yml');
    expect(formatDiagnostic(warning('LOOM301', 'nothing matched', { file: 'gone.yml', line: 1, col: 1 }), { readSource: read })).toBe(
      'gone.yml:1:1: warning LOOM301: nothing matched',
    );
  });

  it('a position past the end of the file prints no frame rather than crashing', () => {
    expect(formatDiagnostic(error('LOOM001', 'x', { file: 'm.yml', line: 40, col: 1 }), { readSource: read })).toBe('m.yml:40:1: error LOOM001: x');
  });

  it('colors only when asked', () => {
    const d = error('LOOM012', 'm', { file: 'm.yml', line: 3, col: 11 });
    expect(formatDiagnostic(d, { readSource: read })).not.toMatch(/\x1b\[/);
    expect(formatDiagnostic(d, { readSource: read, color: true })).toMatch(/\x1b\[/);
  });
});

describe('sorting and counting', () => {
  it('sorts by file, line, column; project-wide problems first', () => {
    const ds: Diagnostic[] = [
      error('B', 'b', { file: 'b.yml', line: 1, col: 1 }),
      error('A2', 'a', { file: 'a.yml', line: 2, col: 1 }),
      error('A1', 'a', { file: 'a.yml', line: 1, col: 9 }),
      error('A0', 'a', { file: 'a.yml', line: 1, col: 2 }),
      error('P', 'project'),
    ];
    expect(sortDiagnostics(ds).map((d) => d.code)).toEqual(['P', 'A0', 'A1', 'A2', 'B']);
  });

  it('summarize counts errors and warnings', () => {
    expect(summarize([error('A', 'a'), error('B', 'b'), warning('C', 'c')])).toBe('2 errors, 1 warning');
    expect(summarize([warning('C', 'c')])).toBe('1 warning');
    expect(hasErrors([warning('C', 'c')])).toBe(false);
    expect(hasErrors([warning('C', 'c'), error('A', 'a')])).toBe(true);
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/**
 * The folders of src/, top to bottom (the order src/README.md shows). A folder may import only folders in
 * tiers below its own: never one above it, never another folder of its own tier.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['cli'],
  ['api'],
  ['exec'],
  ['evaluate', 'warehouse'],
  ['llm'],
  ['state'],
  ['compile'],
  ['graph'],
  ['evaluate-spec'],
  ['parse'],
  ['template'],
  ['config'],
  ['schemas'],
  ['base'],
  ['sql', 'contracts', 'diagnostics'],
];

const tierOf = new Map(LAYERS.flatMap((folders, tier) => folders.map((folder) => [folder, tier] as const)));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(m|c)?ts$/.test(entry.name) ? [path] : [];
  });
}

/** Every module specifier a file names: static imports, `import type`, re-exports and dynamic `import('…')`. */
function specifiers(text: string): { spec: string; line: number }[] {
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles.map((ref) => ({ spec: ref.fileName, line: text.slice(0, ref.pos).split('\n').length }));
}

const folderOf = (file: string): string => relative(SRC, file).split(sep)[0]!;

/** The layering rule broken by one import, or null when it points down (or stays inside its folder). */
function layerViolation(fromFolder: string, toFolder: string): string | null {
  if (fromFolder === toFolder) return null;
  const from = tierOf.get(fromFolder);
  const to = tierOf.get(toFolder);
  if (from === undefined) return `src/${fromFolder}/ is not in the layer order (add it to LAYERS and src/README.md)`;
  if (to === undefined) return `src/${toFolder}/ is not in the layer order (add it to LAYERS and src/README.md)`;
  if (to < from) return `points up: ${fromFolder} is below ${toFolder}`;
  if (to === from) return `points sideways: ${fromFolder} and ${toFolder} share a layer`;
  return null;
}

function violations(): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(SRC)) {
    if (dirname(file) === SRC) {
      found.push(`src/${relative(SRC, file)}: a file directly in src/ belongs to no layer`);
      continue;
    }
    const text = readFileSync(file, 'utf8');
    for (const { spec, line } of specifiers(text)) {
      if (!spec.startsWith('.')) continue;
      const target = resolve(dirname(file), spec);
      const problem = relative(SRC, target).startsWith('..')
        ? 'imports from outside src/'
        : layerViolation(folderOf(file), folderOf(target));
      if (problem) found.push(`src/${relative(SRC, file)}:${line} imports '${spec}': ${problem}`);
    }
  }
  return found;
}

describe('src/ layers', () => {
  it('every import in src/ points down the layer order', () => {
    expect(violations()).toEqual([]);
  });

  it('sees static, type-only, re-exported and dynamic imports', () => {
    const text = [
      "import { a } from '../x/a.js';",
      "import type { B } from '../y/b.js';",
      "export { c } from '../z/c.js';",
      "const d = await import('../w/d.js');",
      "// import { e } from '../v/e.js' is only a comment",
    ].join('\n');
    expect(specifiers(text)).toEqual([
      { spec: '../x/a.js', line: 1 },
      { spec: '../y/b.js', line: 2 },
      { spec: '../z/c.js', line: 3 },
      { spec: '../w/d.js', line: 4 },
    ]);
  });

  it('names an upward, a sideways and an unknown folder', () => {
    expect(layerViolation('graph', 'compile')).toBe('points up: graph is below compile');
    expect(layerViolation('warehouse', 'evaluate')).toBe('points sideways: warehouse and evaluate share a layer');
    expect(layerViolation('newfolder', 'base')).toMatch(/src\/newfolder\/ is not in the layer order/);
    expect(layerViolation('exec', 'warehouse')).toBeNull();
  });

  it('lists every folder of src/ exactly once', () => {
    const folders = readdirSync(SRC, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect([...tierOf.keys()].sort()).toEqual(folders.sort());
    expect(tierOf.size).toBe(LAYERS.flat().length);
  });
});

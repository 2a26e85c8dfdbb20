import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Relative paths (forward slashes, sorted) of the files under `dirs` whose names pass `accept`. Missing dirs are skipped. */
export function listFiles(projectDir: string, dirs: readonly string[], accept: (name: string) => boolean): string[] {
  const found = new Set<string>();
  for (const dir of dirs) {
    const abs = join(projectDir, dir);
    let entries: string[];
    try {
      if (!statSync(abs).isDirectory()) continue;
      entries = readdirSync(abs, { recursive: true }) as string[];
    } catch {
      continue;
    }
    for (const entry of entries) {
      const name = entry.split(sep).pop()!;
      if (name.startsWith('.') || !accept(name)) continue;
      const rel = relative(projectDir, join(abs, entry)).split(sep).join('/');
      found.add(rel);
    }
  }
  return [...found].sort();
}

export const isYaml = (name: string): boolean => name.endsWith('.yml') || name.endsWith('.yaml');
export const PROMPT_EXTENSIONS = ['.njk', '.jinja', '.jinja2', '.j2', '.txt', '.md', '.prompt'];
export const isPromptFile = (name: string): boolean => PROMPT_EXTENSIONS.some((ext) => name.endsWith(ext));
export const isContextFile = (name: string): boolean => !name.endsWith('~');

/** `context/product_taxonomy.md` → `product_taxonomy` */
export function baseName(path: string): string {
  const file = path.split('/').pop()!;
  const dot = file.indexOf('.');
  return dot > 0 ? file.slice(0, dot) : file;
}

import { readdirSync, statSync, type Dirent } from 'node:fs';
import { join, relative, sep } from 'node:path';

/**
 * Relative paths (forward slashes, sorted) of the files under `dirs` whose names pass `accept`. Folders are not
 * files (a folder `context/style/` is not a context named `style`); symlinks to files are. Hidden files and files
 * in hidden folders are skipped, and so are missing dirs.
 */
export function listFiles(projectDir: string, dirs: readonly string[], accept: (name: string) => boolean): string[] {
  const found = new Set<string>();
  for (const dir of dirs) {
    const abs = join(projectDir, dir);
    let entries: Dirent[];
    try {
      if (!statSync(abs).isDirectory()) continue;
      entries = readdirSync(abs, { recursive: true, withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.') || !accept(entry.name)) continue;
      const path = join(entry.parentPath, entry.name);
      if (!entry.isFile() && !(entry.isSymbolicLink() && isFile(path))) continue;
      if (relative(abs, entry.parentPath).split(sep).some((folder) => folder.startsWith('.'))) continue; // inside a hidden folder
      found.add(relative(projectDir, path).split(sep).join('/'));
    }
  }
  return [...found].sort();
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export const isYaml = (name: string): boolean => name.endsWith('.yml') || name.endsWith('.yaml');
/** dbt's model files: a query named after the file. */
export const isSqlFile = (name: string): boolean => name.endsWith('.sql');
export const PROMPT_EXTENSIONS = ['.njk', '.jinja', '.jinja2', '.j2', '.txt', '.md', '.prompt'];
export const isPromptFile = (name: string): boolean => PROMPT_EXTENSIONS.some((ext) => name.endsWith(ext));
export const isContextFile = (name: string): boolean => !name.endsWith('~');

/** `context/product_taxonomy.md` → `product_taxonomy` */
export function baseName(path: string): string {
  const file = path.split('/').pop()!;
  const dot = file.indexOf('.');
  return dot > 0 ? file.slice(0, dot) : file;
}

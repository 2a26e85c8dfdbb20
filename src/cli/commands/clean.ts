import { existsSync, rmSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { loadConfig } from '../../config/load.js';
import { UsageError } from '../../diagnostics/diagnostic.js';
import { out, printDiagnostics } from '../print.js';

export interface CleanFlags {
  projectDir?: string;
  warehouse?: boolean;
}

/** `loom clean`: delete target/ (and, with --warehouse, the local DuckDB warehouse). */
export async function cleanCommand(flags: CleanFlags): Promise<number> {
  const dir = resolve(flags.projectDir ?? '.');
  const loaded = loadConfig(dir);
  // A broken loom_project.yml still gives a config (defaults for the bad keys), but not one to delete folders by.
  if (!loaded.config || loaded.diagnostics.some((d) => d.severity === 'error')) {
    printDiagnostics(loaded.diagnostics, () => loaded.file?.text);
    return 1;
  }
  const folders = [loaded.config.targetPath];
  const files: string[] = [];
  if (flags.warehouse) {
    folders.push('.loom');
    files.push(loaded.config.warehouse, `${loaded.config.warehouse}.wal`);
    // The crash journal lives beside the warehouse, wherever that is.
    const journal = join(dirname(loaded.config.warehouse), 'journal');
    if (!journal.startsWith('.loom')) folders.push(journal);
  }
  // Folders are deleted recursively: only ever inside the project (a `target-path: ..` must not empty the parent).
  for (const folder of folders) {
    const abs = resolve(dir, folder);
    const rel = relative(dir, abs);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
      throw new UsageError(`loom clean only deletes folders inside the project; \`${folder}\` resolves to ${abs}`);
    }
  }
  let removed = 0;
  for (const path of [...folders, ...files]) {
    const abs = resolve(dir, path);
    if (!existsSync(abs)) continue;
    if (files.includes(path) && statSync(abs).isDirectory()) throw new UsageError(`the warehouse \`${path}\` is a folder, not a DuckDB file; not deleting it`);
    rmSync(abs, { recursive: true, force: true });
    out(`Removed ${path}`);
    removed++;
  }
  if (!removed) out(`Nothing to remove: ${[...folders, ...files].join(', ')} not found`);
  return 0;
}


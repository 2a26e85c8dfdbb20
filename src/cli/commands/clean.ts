import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../config/load.js';
import { rawString } from '../flags.js';
import { out, printDiagnostics } from '../print.js';

export interface CleanFlags {
  projectDir?: string;
  warehouse?: boolean;
}

/** `loom clean`: delete target/ (and, with --warehouse, the local DuckDB warehouse). */
export async function cleanCommand(flags: CleanFlags): Promise<number> {
  const dir = resolve(rawString(['project-dir'], flags.projectDir) ?? '.');
  const loaded = loadConfig(dir);
  if (!loaded.config) {
    printDiagnostics(loaded.diagnostics, () => loaded.file?.text);
    return 1;
  }
  const targets = [loaded.config.targetPath];
  if (flags.warehouse) targets.push(loaded.config.warehouse, `${loaded.config.warehouse}.wal`, '.loom');
  for (const path of targets) {
    rmSync(join(dir, path), { recursive: true, force: true });
    out(`Removed ${path}`);
  }
  return 0;
}

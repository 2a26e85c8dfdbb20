import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../diagnostics/diagnostic.js';
import type { Manifest } from '../contracts/manifest.js';
import { validator } from '../schemas/registry.js';
import { upgradeManifest } from './upgrade.js';

/** Reads the manifest.json in `--state <dir>` (or a path to the file itself) for state: selectors and diffs. */
export function readStateManifest(pathOrDir: string): Manifest {
  const file = existsSync(pathOrDir) && statSync(pathOrDir).isDirectory() ? join(pathOrDir, 'manifest.json') : pathOrDir;
  if (!existsSync(file)) throw new UsageError(`--state ${pathOrDir}: no manifest.json there; point it at the target/ folder of an earlier compile`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`--state ${pathOrDir}: ${file} is not valid JSON (${(e as Error).message})`);
  }
  const manifest = upgradeManifest(raw, file);
  // A truncated or hand-edited manifest must be refused here, not crash the selector later.
  const validate = validator('manifest');
  if (!validate(manifest)) {
    const e = validate.errors?.[0];
    throw new UsageError(`--state ${pathOrDir}: ${file} is not a manifest Loom can read (${e?.instancePath || '(root)'} ${e?.message ?? 'is invalid'}); recompile it`);
  }
  return manifest;
}

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NodeKind } from '../compile/manifest-types.js';
import { canonicalJson } from '../compile/hash.js';
import type { ResolvedConfig } from '../config/types.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { isContextFile, isPromptFile, isYaml, listFiles } from '../parse/discover.js';
import { PROJECT_FILE } from '../config/load.js';

export const PARTIAL_PARSE_FILE = 'partial_parse.json';

/**
 * What the last successful compile was made from (like dbt's partial_parse.msgpack). When nothing it depends on
 * changed — loom itself, loom_project.yml and the CLI overrides, every model, pipeline, prompt and context file
 * (by size and modification time), the environment variables templates read — the manifest it wrote is still
 * right, and only its metadata (invocation, time, git) needs refreshing.
 */
export interface PartialParseRecord {
  version: 1;
  key: string;
  /** Environment variables read by env_var() with literal names; their values are part of the key. */
  env_names: string[];
  counts: Record<NodeKind, number>;
  /** Warnings of that compile, shown again so a cached compile says what a full one says. */
  warnings: Diagnostic[];
  /** Byte offset in manifest.json where the metadata object ends, so it can be replaced without parsing the rest. */
  metadata_end: number;
  manifest_size: number;
}

const LOOM_BUILD = fileURLToPath(import.meta.url);

/** The key: a hash over everything a compile reads. */
export function partialParseKey(config: ResolvedConfig, envNames: readonly string[], env: Readonly<Record<string, string | undefined>>, loomVersion: string): string {
  const h = createHash('sha256');
  h.update(`${loomVersion}\0${statSync(LOOM_BUILD).mtimeMs}\0`);
  const { projectDir: _dir, ...settings } = config;
  h.update(canonicalJson(settings));
  const files = [
    PROJECT_FILE,
    ...listFiles(config.projectDir, config.modelPaths, isYaml),
    ...listFiles(config.projectDir, config.pipelinePaths, isYaml),
    ...listFiles(config.projectDir, config.promptPaths, isPromptFile),
    ...listFiles(config.projectDir, config.contextPaths, isContextFile),
  ];
  for (const file of files) {
    const s = statSync(join(config.projectDir, file));
    h.update(`\0${file}\0${s.size}\0${s.mtimeMs}`);
  }
  for (const name of envNames) h.update(`\0env:${name}=${env[name] ?? '\u0000unset'}`);
  return h.digest('hex');
}

export function readPartialParse(projectDir: string, targetPath: string): PartialParseRecord | null {
  const path = join(projectDir, targetPath, PARTIAL_PARSE_FILE);
  if (!existsSync(path)) return null;
  try {
    const record = JSON.parse(readFileSync(path, 'utf8')) as PartialParseRecord;
    return record.version === 1 ? record : null;
  } catch {
    return null;
  }
}

export function writePartialParse(projectDir: string, targetPath: string, record: PartialParseRecord): void {
  writeFileSync(join(projectDir, targetPath, PARTIAL_PARSE_FILE), JSON.stringify(record));
}

/** manifest.json bytes with the metadata replaced (the rest is copied, never decoded); `end` is a byte offset. */
export function replaceMetadata(manifest: Buffer, end: number, metadata: unknown): { bytes: Buffer; end: number } {
  const head = Buffer.from(`{"metadata":${JSON.stringify(metadata)}`);
  return { bytes: Buffer.concat([head, manifest.subarray(end)]), end: head.length };
}

import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, statSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NodeKind } from '../contracts/manifest.js';
import { canonicalJson } from '../compile/hash.js';
import { writeFileAtomic } from '../compile/json-file.js';
import type { ResolvedConfig } from '../config/types.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { dbtFolderFiles } from '../parse/dbt-folders.js';
import { isContextFile, isPromptFile, isSqlFile, isYaml, listFiles } from '../parse/discover.js';
import { PROJECT_FILE } from '../config/load.js';

export const PARTIAL_PARSE_FILE = 'partial_parse.json';

/**
 * What the last successful compile was made from (like dbt's partial_parse.msgpack). When nothing it depends on
 * changed — loom itself, loom_project.yml and the CLI overrides, every model (.yml and .sql), pipeline, prompt and context file
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
    ...listFiles(config.projectDir, config.modelPaths, (name) => isYaml(name) || isSqlFile(name)),
    ...listFiles(config.projectDir, config.pipelinePaths, isYaml),
    ...listFiles(config.projectDir, config.promptPaths, isPromptFile),
    ...listFiles(config.projectDir, config.contextPaths, isContextFile),
    // Files in dbt's seeds/, macros/, snapshots/ are not read, but the compile warns about them.
    ...dbtFolderFiles(config.projectDir),
  ];
  for (const file of files) {
    const s = statSync(join(config.projectDir, file));
    h.update(`\0${file}\0${s.size}\0${s.mtimeMs}`);
  }
  for (const name of envNames) h.update(`\0env:${name}=${env[name] ?? '\u0000unset'}`);
  return h.digest('hex');
}

export function readPartialParse(projectDir: string, targetPath: string): PartialParseRecord | null {
  const path = resolve(projectDir, targetPath, PARTIAL_PARSE_FILE);
  if (!existsSync(path)) return null;
  try {
    const record = JSON.parse(readFileSync(path, 'utf8')) as PartialParseRecord;
    return record.version === 1 ? record : null;
  } catch {
    return null;
  }
}

export function writePartialParse(projectDir: string, targetPath: string, record: PartialParseRecord): void {
  writeFileAtomic(resolve(projectDir, targetPath, PARTIAL_PARSE_FILE), JSON.stringify(record));
}

const HEAD_START = '{"metadata":';
const NODES_START = ',"nodes":';

/**
 * Replaces the metadata at the start of manifest.json without reading or decoding the rest: the new metadata is
 * written in place (padded with spaces, which JSON allows, when it is shorter), and the file is rewritten only
 * when it is longer (say, a new branch name). Returns the new metadata end and file size, or null when the file
 * does not look as partial_parse.json says (then compile from scratch).
 */
export function replaceMetadata(path: string, end: number, metadata: unknown, write: boolean): { end: number; size: number } | null {
  const fd = openSync(path, write ? 'r+' : 'r');
  try {
    const size = fstatSync(fd).size;
    const probe = Buffer.alloc(NODES_START.length);
    const start = Buffer.alloc(HEAD_START.length);
    if (readSync(fd, start, 0, start.length, 0) !== start.length || start.toString() !== HEAD_START) return null;
    if (readSync(fd, probe, 0, probe.length, end) !== probe.length || probe.toString() !== NODES_START) return null;
    const head = Buffer.from(`${HEAD_START}${JSON.stringify(metadata)}`);
    if (!write) return { end, size };
    if (head.length <= end) {
      writeSync(fd, Buffer.concat([head, Buffer.alloc(end - head.length, ' ')]), 0, end, 0);
      return { end, size };
    }
    const rest = Buffer.alloc(size - end);
    readSync(fd, rest, 0, rest.length, end);
    const bytes = Buffer.concat([head, rest]);
    writeSync(fd, bytes, 0, bytes.length, 0);
    return { end: head.length, size: bytes.length };
  } finally {
    closeSync(fd);
  }
}

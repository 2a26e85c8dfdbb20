import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the repository (and the demo project at its root) lives. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const FIXTURES_DIR = join(REPO_ROOT, 'tests', 'fixtures');

/** The folders and files that make up the demo project at the repository root. */
const DEMO_PARTS = ['loom_project.yml', 'models', 'prompts', 'context', 'pipelines', 'data'];

const made: string[] = [];

/** A fresh empty directory under the OS temp dir; removed by removeTempProjects(). */
export function tempDir(label = 'loom-test'): string {
  const dir = mkdtempSync(join(tmpdir(), `${label}-`));
  made.push(dir);
  return dir;
}

/** A temp copy of tests/fixtures/<name>: tests compile copies, never the fixtures themselves. */
export function copyFixture(name: string): string {
  const dir = tempDir(name);
  cpSync(join(FIXTURES_DIR, name), dir, { recursive: true });
  return dir;
}

/** A temp copy of the demo project at the repository root (without its target/ or warehouse). */
export function copyDemoProject(): string {
  const dir = tempDir('demo');
  for (const part of DEMO_PARTS) cpSync(join(REPO_ROOT, part), join(dir, part), { recursive: true });
  return dir;
}

/** A temp project made of the given files (path relative to the project → text). */
export function projectFrom(files: Record<string, string>): string {
  const dir = tempDir('project');
  writeFiles(dir, files);
  return dir;
}

/** Writes (or overwrites) files inside a project directory. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

/** Deletes every directory made by this module in the current test file. */
export function removeTempProjects(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

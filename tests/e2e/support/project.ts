/** Small Loom projects written into temp dirs for the build end-to-end tests, and a way to run the built binary. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const LOOM_BIN = join(REPO, 'bin', 'loom.js');

export interface ProjectFiles {
  [relativePath: string]: string;
}

export function tempDir(prefix = 'loom-e2e-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeProject(dir: string, files: ProjectFiles): string {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** `id,text` CSV rows r1..rN (or the given ids). */
export function reviewsCsv(ids: number[] | number, text = (i: number) => `review number ${i} says the product is ${i % 3 === 0 ? 'bad' : 'good'}`): string {
  const list = typeof ids === 'number' ? Array.from({ length: ids }, (_, i) => i + 1) : ids;
  return `id,text\n${list.map((i) => `r${String(i).padStart(4, '0')},"${text(i)}"`).join('\n')}\n`;
}

export interface BasicProjectOptions {
  rows?: number;
  /** Extra YAML for the llm model (indented 4 spaces). */
  modelExtra?: string;
  /** Extra top-level loom_project.yml lines. */
  projectExtra?: string;
  /** Settings of the `fake` target, merged over the defaults below. */
  target?: Record<string, string | number>;
  prompt?: string;
  downstream?: boolean;
}

/** source `shop.reviews` → llm `classify` (→ llm `explain` when downstream) with a target `fake` for the fake server. */
export function basicProject(options: BasicProjectOptions = {}): ProjectFiles {
  const files: ProjectFiles = {
    'loom_project.yml': `name: e2e
vars: { min_length: 3 }
defaults:
  llm: { provider: openai, model: gpt-4o-mini, temperature: 0 }
targets:
  dev: { provider: offline }
  fake: { ${Object.entries({ provider: 'openai', concurrency: 8, max_retries: 4, backoff_base_ms: 10, backoff_max_ms: 200, timeout_ms: 2000, ...options.target })
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ')} }
default_target: fake
${options.projectExtra ?? ''}
`,
    'data/reviews.csv': reviewsCsv(options.rows ?? 20),
    'prompts/classify.njk': options.prompt ?? 'Classify the sentiment of this review.\nReview {{ row.id }}: {{ row.text }}\n',
    'prompts/explain.njk': 'Explain why review {{ row.id }} is {{ row.sentiment }}.\n',
    'models/models.yml': `sources:
  - name: shop
    tables:
      - { name: reviews, path: data/reviews.csv }
models:
  - name: classify
    kind: llm
    description: Sentiment per review
    from: source('shop', 'reviews')
    unique_key: id
    prompt: classify
    output:
      type: object
      properties:
        sentiment: { type: string, enum: [positive, negative, neutral] }
        confidence: { type: number, minimum: 0, maximum: 1 }
      required: [sentiment, confidence]
${options.modelExtra ?? ''}
${
  options.downstream
    ? `  - name: explain
    kind: llm
    from: ref('classify')
    unique_key: id
    prompt: explain
    output:
      type: object
      properties:
        reason: { type: string }
      required: [reason]
`
    : ''
}`,
  };
  return files;
}

export interface LoomResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function loomEnv(baseURL?: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', CI: '1', ...extra };
  delete env.FORCE_COLOR;
  if (baseURL) {
    env.OPENAI_BASE_URL = baseURL;
    env.OPENAI_API_KEY = extra.OPENAI_API_KEY ?? 'sk-test';
  }
  return env;
}

/** Runs the built binary to completion (async, so an in-process fake server keeps answering). */
export function loom(args: string[], cwd: string, env: NodeJS.ProcessEnv = loomEnv()): Promise<LoomResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LOOM_BIN, ...args], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export function loomSync(args: string[], cwd: string, env: NodeJS.ProcessEnv = loomEnv()): LoomResult {
  const r = spawnSync(process.execPath, [LOOM_BIN, ...args], { cwd, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function readJson<T = any>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** Query the project's warehouse (after the loom process has exited). */
export async function query<T = Record<string, unknown>>(projectDir: string, sql: string): Promise<T[]> {
  const instance = await DuckDBInstance.create(join(projectDir, '.loom', 'warehouse.duckdb'));
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(sql);
    return reader.getRowObjectsJson().map((row) => {
      for (const [k, v] of Object.entries(row)) if (typeof v === 'string' && /^-?\d+$/.test(v) && v.length < 16) (row as Record<string, unknown>)[k] = Number(v);
      return row;
    }) as T[];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Chat requests the fake server saw (not embeddings). */
export function chatRequests(stats: { byPath: Record<string, number> }): number {
  return Object.entries(stats.byPath)
    .filter(([p]) => p.includes('chat/completions'))
    .reduce((a, [, n]) => a + n, 0);
}

import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../compile/json-file.js';
import { asDiskError } from '../diagnostics/disk-error.js';
import type { GitInfo } from '../contracts/manifest.js';
import type { NodeResult } from './types.js';

export const RUN_RESULTS_SCHEMA_VERSION = 'https://loom.dev/schemas/run-results/v1.json';

export interface RunResults {
  metadata: {
    loom_schema_version: string;
    loom_version: string;
    generated_at: string;
    invocation_id: string;
    run_id: string;
    target_name: string;
    offline: boolean;
    git: GitInfo | null;
  };
  elapsed_time: number;
  args: Record<string, unknown>;
  status: 'success' | 'error' | 'partial' | 'interrupted';
  totals: { rows: number; llm_calls: number; cache_hits: number; tokens_in: number; tokens_out: number; cost_usd: number };
  results: NodeResult[];
}

/** A run's overall status: interrupted if Ctrl-C stopped a node, else error if any node errored, partial if any ended partial, else success. */
export function runStatus(results: readonly NodeResult[]): RunResults['status'] {
  if (results.some((r) => r.status === 'interrupted')) return 'interrupted';
  if (results.some((r) => r.status === 'error')) return 'error';
  if (results.some((r) => r.status === 'partial' || r.status === 'skipped')) return 'partial';
  return 'success';
}

export function totalsOf(results: readonly NodeResult[]): RunResults['totals'] {
  const sum = (f: (r: NodeResult) => number) => results.reduce((a, r) => a + f(r), 0);
  return {
    rows: sum((r) => r.rows),
    llm_calls: sum((r) => r.llm_calls),
    cache_hits: sum((r) => r.cache_hits),
    tokens_in: sum((r) => r.tokens_in),
    tokens_out: sum((r) => r.tokens_out),
    cost_usd: Math.round(sum((r) => r.cost_usd) * 1e9) / 1e9,
  };
}

/**
 * Writes target/run_results.json atomically (a full disk leaves the previous file, never a part of one); a disk
 * that refuses it (full, read-only, no permission) is the user's to fix: LOOM004 naming the file.
 */
export function writeRunResults(projectDir: string, targetPath: string, results: RunResults): void {
  const dir = resolve(projectDir, targetPath);
  const path = join(dir, 'run_results.json');
  try {
    mkdirSync(dir, { recursive: true });
    writeFileAtomic(path, `${JSON.stringify(results, null, 2)}\n`);
  } catch (e) {
    throw asDiskError(e, path, 'LOOM004', `cannot write ${join(targetPath, 'run_results.json')}`);
  }
}

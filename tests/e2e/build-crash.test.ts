import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai/index.js';
import { basicProject, chatRequests, LOOM_BIN, loom, loomEnv, query, removeDir, tempDir, writeProject } from './support/project.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('loom build survives kill -9 and refuses a second writer', () => {
  let server: FakeOpenAI;
  beforeAll(async () => {
    server = await startFakeOpenAI();
  });
  afterAll(async () => {
    await server.close();
  });

  it.each([25, 90, 160])('killed after ~%i answers, the next build pays only for what was never received and writes no duplicate', async (killAfter) => {
    const dir = writeProject(tempDir(), basicProject({ rows: 200, target: { concurrency: 4 } }));
    try {
      server.resetStats();
      server.setOptions({ latencyMs: 15 });
      const child = spawn(process.execPath, [LOOM_BIN, 'build'], { cwd: dir, env: loomEnv(server.baseURL), stdio: 'ignore' });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      while (chatRequests(server.stats()) < killAfter) await sleep(5);
      child.kill('SIGKILL');
      await exited;
      const sentBeforeKill = chatRequests(server.stats());
      expect(sentBeforeKill).toBeLessThan(200);

      server.setOptions({ latencyMs: 0 });
      server.resetStats();
      const again = await loom(['build'], dir, loomEnv(server.baseURL));
      expect(again.code).toBe(0);
      const resent = chatRequests(server.stats());
      // At most the requests that were in flight when the process died (concurrency 4) are asked twice.
      expect(sentBeforeKill + resent).toBeLessThanOrEqual(200 + 4);

      const table = await query<{ n: number; keys: number }>(dir, 'select count(*) as n, count(distinct _loom_key) as keys from main.classify');
      expect(table[0]).toEqual({ n: 200, keys: 200 });
      const paid = await query<{ n: number; keys: number }>(dir, "select count(*) as n, count(distinct cache_key) as keys from loom.llm_calls where status = 'success'");
      // Every answer that reached loom was kept (journal or warehouse): no cache key was paid for twice.
      expect(paid[0].n).toBe(paid[0].keys);
      expect(paid[0].keys).toBe(200);
      const runs = await query<{ status: string }>(dir, 'select status from loom.runs order by started_at');
      expect(runs.map((r) => r.status)).toEqual(['interrupted', 'success']);
    } finally {
      removeDir(dir);
    }
  });

  it('a second build on the same warehouse gets a clear error while the first finishes untouched', async () => {
    // Long enough (200 rows × 40 ms over 2 connections ≈ 4 s) that the second loom starts while the first runs.
    const dir = writeProject(tempDir(), basicProject({ rows: 200, target: { concurrency: 2 } }));
    try {
      server.resetStats();
      server.setOptions({ latencyMs: 40 });
      const first = loom(['build'], dir, loomEnv(server.baseURL));
      while (chatRequests(server.stats()) < 4) await sleep(5);
      const second = await loom(['build'], dir, loomEnv(server.baseURL));
      expect(second.code).toBe(1);
      expect(second.stdout + second.stderr).toMatch(/LOOM201.*in use by another process/s);
      expect(second.stderr).not.toMatch(/\n\s+at /);
      const done = await first;
      expect(done.code).toBe(0);
      const table = await query<{ n: number }>(dir, 'select count(*) as n from main.classify');
      expect(table[0].n).toBe(200);
    } finally {
      server.setOptions({ latencyMs: 0 });
      removeDir(dir);
    }
  });
});

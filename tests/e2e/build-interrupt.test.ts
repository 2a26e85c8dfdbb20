import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai/index.js';
import { basicProject, chatRequests, LOOM_BIN, loom, loomEnv, query, readJson, removeDir, tempDir, writeProject } from './support/project.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Ctrl-C during loom build', () => {
  let server: FakeOpenAI;
  beforeAll(async () => {
    server = await startFakeOpenAI();
  });
  afterAll(async () => {
    await server.close();
  });

  it('finishes and stores the rows in flight, records `interrupted`, exits 130, and the next build sends only the rest', async () => {
    const rows = 200;
    const dir = writeProject(tempDir(), basicProject({ rows, target: { concurrency: 4 }, downstream: true }));
    try {
      server.resetStats();
      server.setOptions({ latencyMs: 300 });
      const child = spawn(process.execPath, [LOOM_BIN, 'build'], { cwd: dir, env: loomEnv(server.baseURL) });
      let stdout = '';
      child.stdout.on('data', (d) => (stdout += d));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      while (chatRequests(server.stats()) < 8) await sleep(5);
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      const sent = chatRequests(server.stats());
      expect(sent).toBeLessThan(rows);

      // Every request sent was answered and its row stored by this build.
      const stored = await query<{ n: number }>(dir, 'select count(*) as n from main.classify');
      expect(stored[0].n).toBe(sent);
      const cutOff = await query<{ n: number }>(dir, "select count(*) as n from loom.llm_calls where status <> 'success'");
      expect(cutOff[0].n).toBe(0);

      expect(stdout).toMatch(/Interrupted: no new rows are sent; finishing the rows in flight/);
      const message = `interrupted: of ${rows} row(s) to answer, ${sent} answered and saved, ${rows - sent} not sent; the next build sends the ${rows - sent} row(s) without an answer`;
      expect(stdout).toContain(message);
      expect(stdout).toMatch(/INTERRUPTED llm model classify/);
      const results = readJson(join(dir, 'target/run_results.json'));
      expect(results.status).toBe('interrupted');
      expect(results.results.map((r: { unique_id: string; status: string }) => [r.unique_id, r.status])).toEqual([
        ['source.e2e.shop.reviews', 'success'],
        ['model.e2e.classify', 'interrupted'],
        ['model.e2e.explain', 'skipped'],
      ]);
      expect(await query(dir, 'select status from loom.runs')).toEqual([{ status: 'interrupted' }]);
      expect(await query(dir, "select status, message from loom.node_runs where unique_id = 'model.e2e.classify'")).toEqual([{ status: 'interrupted', message }]);

      server.setOptions({ latencyMs: 0 });
      server.resetStats();
      const again = await loom(['build', '-s', 'classify'], dir, loomEnv(server.baseURL));
      expect(again.code).toBe(0);
      expect(chatRequests(server.stats())).toBe(rows - sent);
    } finally {
      removeDir(dir);
    }
  });
});

import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai/index.js';
import { basicProject, chatRequests, LOOM_BIN, loom, loomEnv, query, removeDir, tempDir, writeProject } from './support/project.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the files of a warehouse', () => {
  let server: FakeOpenAI;
  beforeAll(async () => {
    server = await startFakeOpenAI();
  });
  afterAll(async () => {
    await server.close();
  });

  it('after a finished build the .duckdb file alone holds every answer: deleting the WAL re-pays nothing', async () => {
    const dir = writeProject(tempDir(), basicProject({ rows: 30 }));
    try {
      server.resetStats();
      expect((await loom(['build'], dir, loomEnv(server.baseURL))).code).toBe(0);
      expect(chatRequests(server.stats())).toBe(30);
      rmSync(join(dir, '.loom', 'warehouse.duckdb.wal'), { force: true }); // a CI cache of only the .duckdb file
      server.resetStats();
      const again = await loom(['build', '--full-refresh'], dir, loomEnv(server.baseURL));
      expect(again.code).toBe(0);
      expect(chatRequests(server.stats())).toBe(0);
      expect((await query<{ n: number }>(dir, 'select count(*)::integer as n from main.classify'))[0].n).toBe(30);
    } finally {
      removeDir(dir);
    }
  });

  it('a WAL deleted during the build fails it loudly (LOOM212), never "Completed successfully", and keeps the answers', async () => {
    const dir = writeProject(tempDir(), basicProject({ rows: 120, target: { concurrency: 2 } }));
    try {
      server.resetStats();
      server.setOptions({ latencyMs: 15 });
      const child = spawn(process.execPath, [LOOM_BIN, 'build'], { cwd: dir, env: loomEnv(server.baseURL) });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const wal = join(dir, '.loom', 'warehouse.duckdb.wal');
      while (chatRequests(server.stats()) < 20 || !existsSync(wal)) await sleep(5);
      rmSync(wal);
      const code = await exited;
      server.setOptions({ latencyMs: 0 });
      expect(output).not.toMatch(/Completed successfully/);
      expect(output).toMatch(/LOOM212.*warehouse\.duckdb\.wal was deleted/);
      expect(output).not.toMatch(/^\s+at\s/m);
      expect(code).toBe(1);
      expect((await query<{ n: number }>(dir, 'select count(*)::integer as n from main.classify'))[0].n).toBe(120);
    } finally {
      removeDir(dir);
    }
  });
});

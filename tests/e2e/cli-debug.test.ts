/** End-to-end: `loom debug` checks the project file, the target, its endpoint and key, and the warehouse. */
import { createServer } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai/index.js';
import { copyFixture, removeTempProjects, tempDir } from '../support/fixture-projects.js';
import { runLoom, stackFrames } from '../support/loom-cli.js';

const NO_KEY = { OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined };
let server: FakeOpenAI;
beforeAll(async () => {
  server = await startFakeOpenAI();
});
afterAll(async () => {
  await server.close();
  removeTempProjects();
});

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

function withTarget(target: string): string {
  const dir = copyFixture('basic');
  const file = join(dir, 'loom_project.yml');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/^targets:\n/m, `targets:\n  probe: ${target}\n`));
  return dir;
}

/** The value column of one check line (`label  OK|ERROR  value`). */
function check(stdout: string, label: string): { ok: boolean; value: string } | undefined {
  const m = new RegExp(`^${label.replace('.', '\\.')} +(OK|ERROR) +(.*)$`, 'm').exec(stdout);
  return m ? { ok: m[1] === 'OK', value: m[2] } : undefined;
}

describe.concurrent('loom debug', () => {
  it('offline: project, target, no endpoint, no key needed, warehouse path and size once built', async ({ expect }) => {
    const dir = copyFixture('basic');
    const before = await runLoom(['debug'], { cwd: dir, env: NO_KEY });
    expect(before.code).toBe(0);
    expect(check(before.stdout, 'project')).toEqual({ ok: true, value: 'basic' });
    expect(check(before.stdout, 'loom_project.yml')).toEqual({ ok: true, value: 'found, valid' });
    expect(check(before.stdout, 'target')).toEqual({ ok: true, value: 'dev' });
    expect(check(before.stdout, 'provider')).toEqual({ ok: true, value: 'offline' });
    expect(check(before.stdout, 'endpoint')?.value).toMatch(/^no endpoint/);
    expect(check(before.stdout, 'warehouse')?.value).toMatch(/\.loom\/warehouse\.duckdb \(not built yet/);
    expect((await runLoom(['build'], { cwd: dir, env: NO_KEY })).code).toBe(0);
    const after = await runLoom(['debug'], { cwd: dir, env: NO_KEY });
    expect(check(after.stdout, 'warehouse')?.value).toMatch(new RegExp(`^${join(dir, '.loom', 'warehouse.duckdb')} \\(\\d+\\.\\d (KB|MB)`));
    expect(after.stdout).toContain('All checks passed.');
  });

  it('openai target on the fake server: reachable, key set by name, its value never printed', async ({ expect }) => {
    const dir = withTarget(`{ provider: openai, base_url: "${server.baseURL}", api_key_env: PROBE_KEY }`);
    const r = await runLoom(['debug', '--target', 'probe'], { cwd: dir, env: { ...NO_KEY, PROBE_KEY: 'sk-do-not-print-me' } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(check(r.stdout, 'endpoint')?.value).toMatch(new RegExp(`^${server.baseURL} reachable \\(HTTP \\d{3} in \\d+ ms\\)$`));
    expect(check(r.stdout, 'api key')).toEqual({ ok: true, value: 'PROBE_KEY is set' });
    expect(r.stdout + r.stderr).not.toContain('sk-do-not-print-me');
  });

  it('an endpoint nobody answers is an error, exit 1', async ({ expect }) => {
    const dead = `http://127.0.0.1:${await closedPort()}/v1`;
    const dir = withTarget(`{ provider: openai, base_url: "${dead}" }`);
    const r = await runLoom(['debug', '--target', 'probe'], { cwd: dir, env: NO_KEY });
    expect(r.code).toBe(1);
    expect(check(r.stdout, 'endpoint')).toEqual({ ok: false, value: `${dead} not reachable: ECONNREFUSED` });
    expect(r.stdout).toMatch(/1 check\(s\) failed\./);

  });

  it('a broken or missing loom_project.yml is reported, with its diagnostics, exit 1', async ({ expect }) => {
    const empty = await runLoom(['debug'], { cwd: tempDir('debug-empty'), env: NO_KEY });
    expect(empty.code).toBe(1);
    expect(check(empty.stdout, 'loom_project.yml')).toEqual({ ok: false, value: 'not found' });
    const dir = copyFixture('basic');
    writeFileSync(join(dir, 'loom_project.yml'), 'name: basic\nthreds: 4\n');
    const broken = await runLoom(['debug'], { cwd: dir, env: NO_KEY });
    expect(stackFrames(broken.stderr)).toEqual([]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/loom_project\.yml:2:1: error LOOM010/);
    expect(check(broken.stdout, 'loom_project.yml')?.ok).toBe(false);
  });
});

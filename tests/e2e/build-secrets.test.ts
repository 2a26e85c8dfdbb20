import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai/index.js';
import { basicProject, chatRequests, loom, loomEnv, query, removeDir, tempDir, writeProject } from './support/project.js';

const API_KEY = 'sk-secret-key-4242';
const GATEWAY_KEY = 'gw-secret-9191';

/** Every file under `dir`, as text. */
function filesText(dir: string): string {
  let text = '';
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    text += statSync(path).isDirectory() ? filesText(path) : readFileSync(path, 'latin1');
  }
  return text;
}

/** Every row of every table of the project's warehouse, as JSON text. */
async function warehouseText(dir: string): Promise<string> {
  const tables = await query<{ s: string; t: string }>(dir, 'select table_schema as s, table_name as t from information_schema.tables');
  let text = '';
  for (const { s, t } of tables) text += JSON.stringify(await query(dir, `select * from "${s}"."${t}"`));
  return text;
}

describe.each(['sdk', 'direct'] as const)('secrets never leave the process (transport: %s)', (transport) => {
  let server: FakeOpenAI;
  let dir: string;
  const project = () => {
    dir = writeProject(tempDir(), basicProject({ rows: 6, target: { transport, headers: '{ X-Gateway-Key: "${GATEWAY_KEY}" }' } }));
  };

  beforeAll(async () => {
    server = await startFakeOpenAI();
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => {
    server.reset();
    return () => removeDir(dir);
  });

  it('redacts the key and header values a 401 echoes, in the console, target/ and the warehouse', async () => {
    project();
    server.setOptions({ failFirst: 1000, failFault: 'unauthorized_echo' });
    const r = await loom(['build'], dir, loomEnv(server.baseURL, { OPENAI_API_KEY: API_KEY, GATEWAY_KEY }));
    expect(r.code).toBe(1);
    const console = r.stdout + r.stderr;
    // The server did echo them, and the message says where they were.
    expect(console).toMatch(/Request headers were: .*authorization: Bearer \*\*\*/i);
    expect(console).toMatch(/x-gateway-key: \*\*\*/i);
    const everything = console + filesText(join(dir, 'target')) + filesText(join(dir, '.loom')) + (await warehouseText(dir));
    expect(everything).not.toContain(API_KEY);
    expect(everything).not.toContain(GATEWAY_KEY);
    const calls = await query<{ n: number }>(dir, "select count(*) as n from loom.llm_calls where error like '%***%'");
    expect(calls[0].n).toBeGreaterThan(0);
  });

  it('fails the llm node with an ERROR line naming LOOM204 when a header variable is not set', async () => {
    project();
    const env = loomEnv(server.baseURL, { OPENAI_API_KEY: API_KEY });
    delete env.GATEWAY_KEY;
    const r = await loom(['build'], dir, env);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/ERROR llm model classify/);
    expect(r.stdout).toMatch(/LOOM204: header `X-Gateway-Key` of target uses \$\{GATEWAY_KEY\}/);
    const runs = await query<{ status: string; message: string }>(dir, "select status, message from loom.node_runs where unique_id = 'model.e2e.classify'");
    expect(runs).toEqual([{ status: 'error', message: expect.stringContaining('LOOM204') }]);
  });

  it('refuses a header value with a line break without printing it (LOOM207)', async () => {
    project();
    const r = await loom(['build'], dir, loomEnv(server.baseURL, { OPENAI_API_KEY: API_KEY, GATEWAY_KEY: `${GATEWAY_KEY}\nX-Injected: 1` }));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/LOOM207: header `X-Gateway-Key` of target has a line break/);
    expect(r.stdout + r.stderr).not.toContain(GATEWAY_KEY);
    expect(chatRequests(server.stats())).toBe(0);
  });
});

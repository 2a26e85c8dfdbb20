import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Connection, openInstance } from '../../../src/warehouse/database.js';
import { warehouseCacheStore } from '../../../src/warehouse/llm-store.js';
import { migrate, MIGRATIONS } from '../../../src/warehouse/migrations.js';
import type { CacheEntry } from '../../../src/llm/service-types.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A warehouse as loom left it at schema version 2 (llm_cache without a key), holding `key` twice. */
async function versionTwoWarehouse(key: string): Promise<Connection> {
  const dir = mkdtempSync(join(tmpdir(), 'loom-cache-migration-'));
  dirs.push(dir);
  const connection = new Connection(await (await openInstance(join(dir, 'w.duckdb'), '256MB')).connect());
  await connection.run('create schema loom');
  await connection.run('create table loom.migrations (version integer primary key, applied_at timestamptz)');
  for (const [i, migration] of MIGRATIONS.slice(0, 2).entries()) {
    for (const statement of migration.split(';').map((s) => s.trim()).filter(Boolean)) await connection.run(statement);
    await connection.run('insert into loom.migrations values (?, now())', [i + 1]);
  }
  const insert = `insert into loom.llm_cache values (?, 'completion', 'openai', 'gpt-4o-mini', ?, ?::timestamptz)`;
  await connection.run(insert, [key, '{"content":"second"}', '2026-01-02T00:00:00Z']);
  await connection.run(insert, [key, '{"content":"first"}', '2026-01-01T00:00:00Z']);
  return connection;
}

const entry = (key: string, content: string): CacheEntry => ({
  cache_key: key,
  kind: 'completion',
  provider: 'openai',
  model: 'gpt-4o-mini',
  response: { content } as unknown as CacheEntry['response'],
  created_at: '2026-01-03T00:00:00Z',
});

describe('llm_cache keyed by cache_key (migration 3)', () => {
  it('keeps the first answer of a key an older warehouse held twice, then refuses a second row for it', async () => {
    const key = 'ab'.repeat(32);
    const connection = await versionTwoWarehouse(key);
    await migrate(connection);
    const rows = await connection.all<{ response: string }>('select response::varchar as response from loom.llm_cache where cache_key = ?', [key]);
    expect(rows.map((r) => JSON.parse(r.response).content)).toEqual(['first']);
    const constraints = await connection.all<{ constraint_type: string }>(
      "select constraint_type from duckdb_constraints() where schema_name = 'loom' and table_name = 'llm_cache'",
    );
    expect(constraints.map((c) => c.constraint_type)).toContain('PRIMARY KEY');
  });

  it('stores answers whose key is already cached without failing, keeping the cached one', async () => {
    const key = 'cd'.repeat(32);
    const connection = await versionTwoWarehouse('ab'.repeat(32));
    await migrate(connection);
    const store = warehouseCacheStore(connection);
    await store.putMany([entry(key, 'kept')]);
    await store.putMany([entry(key, 'ignored'), entry('ef'.repeat(32), 'new')]);
    const found = await store.getMany([key, 'ef'.repeat(32), '00'.repeat(32)]);
    expect([...found.values()].map((e) => (e.response as unknown as { content: string }).content).sort()).toEqual(['kept', 'new']);
  });
});

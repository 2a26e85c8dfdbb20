import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, describe, expect, it } from 'vitest';
import { loom, query, readJson, removeDir, tempDir, writeProject } from './support/project.js';

describe('sources in every format DuckDB reads, sql tables and views, offline llm models', () => {
  let dir: string;
  afterEach(() => removeDir(dir));

  it('reads CSV, JSON, NDJSON and Parquet sources and materializes sql tables and views', async () => {
    dir = writeProject(tempDir(), {
      'loom_project.yml': 'name: formats\ndefaults:\n  llm: { model: gpt-4o-mini }\n',
      'data/a.csv': 'id,text\n1,one\n2,two\n',
      'data/b.json': JSON.stringify([{ id: 3, text: 'three' }, { id: 4, text: 'four' }]),
      'data/c.ndjson': '{"id": 5, "text": "five"}\n{"id": 6, "text": "six"}\n',
      'data/e.tsv': 'id\ttext\n8\teight\n',
      'prompts/p.njk': 'Summarize {{ row.text }}',
      'models/m.yml': `sources:
  - name: raw
    tables:
      - { name: a, path: data/a.csv }
      - { name: b, path: data/b.json }
      - { name: c, path: data/c.ndjson }
      - { name: d, path: data/d.parquet }
      - { name: e, path: data/e.tsv, format: csv, options: { delim: "\\t" } }
models:
  - name: all_items
    kind: sql
    materialized: view
    sql: |
      select id, text from {{ source('raw', 'a') }}
      union all select id, text from {{ source('raw', 'b') }}
      union all select id, text from {{ source('raw', 'c') }}
      union all select id, text from {{ source('raw', 'd') }}
      union all select id, text from {{ source('raw', 'e') }}
  - name: summaries
    kind: llm
    from: ref('all_items')
    unique_key: id
    prompt: p
    output: { type: object, properties: { summary: { type: string } }, required: [summary] }
`,
    });
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run(`copy (select 7 as id, 'seven' as text) to '${join(dir, 'data/d.parquet')}' (format parquet)`);
    connection.closeSync();
    instance.closeSync();

    const r = await loom(['build'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/offline provider/);
    const items = await query<{ id: number }>(dir, 'select id from main.all_items order by id');
    expect(items.map((x) => x.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const kinds = await query<{ table_name: string; table_type: string }>(dir, "select table_name, table_type from information_schema.tables where table_schema = 'main' order by 1");
    expect(kinds).toEqual([
      { table_name: 'all_items', table_type: 'VIEW' },
      { table_name: 'summaries', table_type: 'BASE TABLE' },
    ]);
    const summaries = await query<{ n: number; empty: number }>(dir, "select count(*) as n, count(*) filter (where summary = '') as empty from main.summaries");
    expect(summaries[0]).toEqual({ n: 8, empty: 0 });
    const results = readJson(join(dir, 'target/run_results.json'));
    expect(results.metadata.offline).toBe(true);
    expect(results.totals.cost_usd).toBe(0);
  });

  it('keeps a source snapshot while its file is unchanged; a changed file or --full-refresh reads it again', async () => {
    dir = writeProject(tempDir(), {
      'loom_project.yml': 'name: snapshots\n',
      'data/a.csv': 'id,text\n1,one\n2,two\n3,three\n',
      'models/m.yml': `sources:
  - name: raw
    tables:
      - { name: a, path: data/a.csv }
models:
  - name: counted
    kind: sql
    sql: select count(*) as n from {{ source('raw', 'a') }}
`,
    });
    const rowsOf = async () => (await query<{ n: number }>(dir, 'select count(*) as n from raw.a'))[0]!.n;
    expect((await loom(['build'], dir)).code).toBe(0);
    expect(await rowsOf()).toBe(3);
    // A snapshot that is kept is not re-read: a row removed behind loom's back stays removed.
    await query(dir, 'delete from raw.a where id = 2');
    expect((await loom(['build'], dir)).code).toBe(0);
    expect(await rowsOf()).toBe(2);
    expect((await loom(['build', '--full-refresh'], dir)).code).toBe(0);
    expect(await rowsOf()).toBe(3);

    await query(dir, 'delete from raw.a where id = 2');
    appendFileSync(join(dir, 'data/a.csv'), '4,four\n');
    expect((await loom(['build'], dir)).code).toBe(0);
    expect(await rowsOf()).toBe(4);
    expect((await query<{ n: number }>(dir, 'select n from main.counted'))[0]!.n).toBe(4);
  });

  it('says clearly which data file is missing', async () => {
    dir = writeProject(tempDir(), {
      'loom_project.yml': 'name: missing\n',
      'models/m.yml': 'sources:\n  - name: raw\n    tables:\n      - { name: a, path: data/nope.csv }\nmodels:\n  - { name: x, kind: sql, sql: "select * from {{ source(\'raw\', \'a\') }}" }\n',
    });
    const r = await loom(['build'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/ERROR source raw\.a/);
    expect(r.stdout).toMatch(/data file data\/nope\.csv does not exist/);
    expect(r.stdout).toMatch(/SKIP sql table model x/);
  });

  it('an llm model whose prompt reads a column its sql input lacks fails before any call, naming the column', async () => {
    dir = writeProject(tempDir(), {
      'loom_project.yml': 'name: fields\n',
      'data/items.csv': 'id,text\n1,hello\n2,world\n',
      'prompts/label.njk': "Label: {{ row.txt }} {{ row.note | default('') }}\n",
      'models/m.yml':
        "sources:\n  - name: shop\n    tables:\n      - { name: items, path: data/items.csv }\nmodels:\n" +
        "  - { name: items_clean, kind: sql, sql: \"select * from {{ source('shop', 'items') }}\" }\n" +
        "  - { name: items_labeled, kind: llm, from: ref('items_clean'), unique_key: id, prompt: label, llm: { model: gpt-4o-mini } }\n",
    });
    const r = await loom(['build'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/ERROR llm model items_labeled .*0 calls/);
    expect(r.stdout).toContain('the prompt reads `row.txt`, but items_clean has no column `txt` (did you mean `text`?)');
  });
});

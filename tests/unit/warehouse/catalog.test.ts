import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { relationKind } from '../../../src/warehouse/catalog.js';
import { materializeQuery } from '../../../src/warehouse/materialize.js';
import { Warehouse } from '../../../src/warehouse/warehouse.js';

describe('relationKind', () => {
  let warehouse: Warehouse;
  beforeEach(async () => {
    warehouse = await Warehouse.open(':memory:');
    const c = warehouse.writer;
    await c.run('create schema s');
    await c.run('create table s.base (a integer)');
    await c.run('create view s.v as select * from s.base');
    await c.run('create table s."odd ""name""" (a integer)');
    await c.run('create table s.gone (a integer)');
    await c.run('create view s.orphan as select * from s.gone');
    await c.run('drop table s.gone');
  });
  afterEach(() => warehouse.close());

  it('tells tables, views and nothing apart, whatever the name', async () => {
    const c = warehouse.reader;
    expect(await relationKind(c, 's', 'base')).toBe('table');
    expect(await relationKind(c, 's', 'v')).toBe('view');
    expect(await relationKind(c, 's', 'odd "name"')).toBe('table');
    expect(await relationKind(c, 's', 'nope')).toBeNull();
    expect(await relationKind(c, 'no_schema', 'base')).toBeNull();
  });

  it('finds a view whose own table is gone, so a model can still replace it', async () => {
    expect(await relationKind(warehouse.reader, 's', 'orphan')).toBe('view');
    expect(await materializeQuery(warehouse.writer, '"s"."orphan"', 'select 1 as a', 'table')).toBe(1);
    expect(await relationKind(warehouse.reader, 's', 'orphan')).toBe('table');
    expect(await materializeQuery(warehouse.writer, '"s"."orphan"', 'select 2 as a union all select 3', 'view')).toBe(2);
    expect(await relationKind(warehouse.reader, 's', 'orphan')).toBe('view');
  });
});

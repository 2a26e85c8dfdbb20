import { quoteIdent } from '../sql/quote.js';
import type { Connection } from './database.js';

/**
 * Whether `schema.name` is a table, a view or nothing. Asked of every node, so it avoids the listings that grow
 * with the warehouse: `information_schema.tables` and `duckdb_tables()` size every table on each call (21 ms
 * at 3,000 tables, a build of 3,000 models spent more time there than anywhere else). Views are few and cheap to
 * list; a table is found by selecting nothing from it.
 */
export async function relationKind(connection: Connection, schema: string, name: string): Promise<'table' | 'view' | null> {
  let selectable = true;
  try {
    await connection.all(`select 1 from ${quoteIdent(schema)}.${quoteIdent(name)} limit 0`);
  } catch {
    selectable = false; // nothing there, or a view whose own tables are gone
  }
  const views = await connection.all('select 1 from duckdb_views() where schema_name = ? and view_name = ? and not internal', [schema, name]);
  if (views.length) return 'view';
  return selectable ? 'table' : null;
}

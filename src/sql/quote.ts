/** The fields of a node that name its warehouse relation (a linked or a manifest node). */
interface RelationNode {
  resource_type: string;
  name: string;
  source?: { format: string; path: string; source_name: string; name: string } | null;
  destination?: { format: string; destination: string } | null;
}

/** Schema holding model tables (and views). */
export const MODEL_SCHEMA = 'main';

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** The warehouse relation a node materializes, or reads through for sources. */
export function relationOf(node: RelationNode): string {
  if (node.resource_type === 'source' && node.source) {
    if (node.source.format === 'table') return node.source.path.split('.').map(quoteIdent).join('.');
    return `${quoteIdent(node.source.source_name)}.${quoteIdent(node.source.name)}`;
  }
  if (node.resource_type === 'destination' && node.destination) {
    if (node.destination.format === 'table') return node.destination.destination.split('.').map(quoteIdent).join('.');
    return node.destination.destination;
  }
  return `${quoteIdent(MODEL_SCHEMA)}.${quoteIdent(node.name)}`;
}

/** DuckDB's reader for a source file (paths are resolved against the project directory at build time). */
export function readerSql(path: string, format: string, options: Record<string, unknown>): string {
  const opts = Object.entries(options).map(([k, v]) => `, ${k} = ${sqlLiteral(v)}`).join('');
  switch (format) {
    case 'csv':
      return `select * from read_csv(${quoteString(path)}, header = true${opts})`;
    case 'json':
      return `select * from read_json(${quoteString(path)}${opts})`;
    case 'ndjson':
      return `select * from read_json(${quoteString(path)}, format = 'newline_delimited'${opts})`;
    case 'parquet':
      return `select * from read_parquet(${quoteString(path)}${opts})`;
    default:
      return `select * from ${path.split('.').map(quoteIdent).join('.')}`;
  }
}

function sqlLiteral(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(sqlLiteral).join(', ')}]`;
  if (typeof value === 'object') return `{${Object.entries(value as object).map(([k, v]) => `${quoteString(k)}: ${sqlLiteral(v)}`).join(', ')}}`;
  return quoteString(String(value));
}

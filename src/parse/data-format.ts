/** The reader DuckDB uses for a data file, from its extension. */
export function formatOfPath(path: string): 'csv' | 'json' | 'ndjson' | 'parquet' | undefined {
  const lower = path.toLowerCase().replace(/\.(gz|zst)$/, '');
  if (lower.endsWith('.csv') || lower.endsWith('.tsv')) return 'csv';
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl')) return 'ndjson';
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.parquet')) return 'parquet';
  return undefined;
}

/** `postgres://…`, `s3://…`: a URL we do not read or write yet. */
export function urlScheme(location: string): string | undefined {
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(location);
  return m ? m[1].toLowerCase() : undefined;
}

/** Defaults read in more than one layer: each is stated here once. */

/** DuckDB's memory_limit when the project sets no `warehouse_memory_limit`. */
export const DEFAULT_WAREHOUSE_MEMORY_LIMIT = '256MB';

/** Rows per batch write of an llm node when the project sets no `batch_size`. */
export const DEFAULT_BATCH_SIZE = 100;

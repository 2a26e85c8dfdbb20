/** dbt commands Loom has no command for, and what to do in Loom instead (`debug` is a Loom command). */
const DBT_EQUIVALENTS: Record<string, string> = {
  test:
    'Loom has no `test` command: quality checks are `evaluate:` blocks on llm models, run by `loom build`; ' +
    'rows that fail are held back (`loom quarantine list`). `loom validate` checks the project without running it.',
  seed:
    'Loom has no seeds: declare the CSV as a source with `path:` (sources: [{name: shop, tables: [{name: reviews, path: data/reviews.csv}]}]); ' +
    '`loom build` reads it into the warehouse.',
  snapshot: 'Loom has no snapshots: llm model tables are incremental by `unique_key`, and every answer is kept in loom.llm_calls; see docs/warehouse.md.',
  deps: 'Loom has no packages: macros are nunjucks files under `prompts/` (`{% import "macros.njk" as m %}`); there is nothing to install.',
  parse: 'Loom has no `parse` command: `loom compile` writes target/manifest.json, `loom validate` checks everything and writes nothing.',
  show: 'Loom has no `show` command: query the warehouse (duckdb -readonly .loom/warehouse.duckdb), `loom ls` lists nodes, `loom quarantine list` shows held-back rows.',
  retry:
    'Loom has no `retry` command: `loom build` is incremental (it sends only the rows that still need an answer), ' +
    'and `loom quarantine retry <model>` asks again for rows that failed their quality gates.',
  'run-operation': 'Loom has no `run-operation`: put the sql in a sql model (`kind: sql`) and `loom build -s <model>`.',
  docs: 'Loom has no `docs` command: `loom compile` writes target/manifest.json with every description and column.',
  source: 'Loom has no `source freshness`: `loom build` re-reads a source file when it changed since the last snapshot.',
};

/** One or two lines for a dbt command typed at Loom; undefined for other words. */
export function dbtCommandHint(word: string): string | undefined {
  const hint = DBT_EQUIVALENTS[word];
  return hint === undefined ? undefined : `\`${word}\` is a dbt command. ${hint}`;
}

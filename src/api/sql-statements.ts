import type { CompileSink } from '../compile/compile.js';
import type { ManifestMetadata, ManifestNode } from '../contracts/manifest.js';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { LinkedProject } from '../graph/types.js';
import { multiStatementMessage } from '../exec/sql-statement-message.js';

export const MULTI_STATEMENT_CODE = 'LOOM057';

/**
 * A sink in front of the target writer that keeps the compiled sql of every sql model that may hold more than one
 * statement. Only text with a `;` before its end can: DuckDB separates statements by semicolons alone, so the rest
 * need no parser (and `loom compile` does not load DuckDB for them: ~150 ms). Counting itself is DuckDB's (checkSqlStatements).
 */
export class StatementCandidates implements CompileSink {
  readonly sql = new Map<string, string>();
  constructor(private readonly next?: CompileSink) {}

  begin(metadata: ManifestMetadata): void {
    this.next?.begin(metadata);
  }

  node(node: ManifestNode): void {
    if (node.kind === 'sql' && node.compiled_code && mayHoldTwoStatements(node.compiled_code)) this.sql.set(node.unique_id, node.compiled_code);
    this.next?.node(node);
  }
}

/** A `;` before the last character: a single trailing one (a common habit) cannot separate two statements. */
function mayHoldTwoStatements(sql: string): boolean {
  const text = sql.trimEnd();
  return text.slice(0, text.endsWith(';') ? -1 : undefined).includes(';');
}

/**
 * A sql model must compile to exactly one statement: `create table … as <sql>` would otherwise run the others
 * too (a `--vars` value of `0; drop table loom.runs` did). One error per model, at its `sql:`.
 */
export async function checkSqlStatements(candidates: StatementCandidates, linked: LinkedProject): Promise<Diagnostic[]> {
  if (!candidates.sql.size) return [];
  const { countStatementsOffline } = await import('../warehouse/database.js');
  const ids = [...candidates.sql.keys()];
  const counts = await countStatementsOffline(ids.map((id) => candidates.sql.get(id)!));
  const out: Diagnostic[] = [];
  ids.forEach((id, i) => {
    const count = counts[i];
    const node = linked.nodes.get(id);
    if (count === null || count === 1 || !node?.sql) return;
    out.push(error(MULTI_STATEMENT_CODE, multiStatementMessage(node.name, count), node.sql.locate({ line: 1, col: 1 }), ONE_STATEMENT_EXAMPLE));
  });
  return out;
}

const ONE_STATEMENT_EXAMPLE = ['one query, for example:', "  sql: select * from {{ ref('orders') }} where amount >= {{ var('min_amount') }}"];

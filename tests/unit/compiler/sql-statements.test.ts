import { describe, expect, it } from 'vitest';
import { StatementCandidates } from '../../../src/api/sql-statements.js';
import type { ManifestNode } from '../../../src/contracts/manifest.js';

const sqlNode = (id: string, compiled_code: string) => ({ unique_id: id, kind: 'sql', compiled_code }) as unknown as ManifestNode;

describe('StatementCandidates', () => {
  it('keeps for DuckDB to count only sql with a `;` before its end, and passes every node on', () => {
    const seen: string[] = [];
    const candidates = new StatementCandidates({ begin() {}, node: (n) => seen.push(n.unique_id) });
    candidates.node(sqlNode('a', 'select 1'));
    candidates.node(sqlNode('b', 'select 1;\n  '));
    candidates.node(sqlNode('c', 'select 1; drop table loom.runs'));
    candidates.node(sqlNode('d', "select ';' as s"));
    candidates.node({ unique_id: 'e', kind: 'llm', compiled_code: 'a; b' } as unknown as ManifestNode);
    expect([...candidates.sql.keys()]).toEqual(['c', 'd']);
    expect(seen).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});

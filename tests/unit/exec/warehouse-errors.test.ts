import { describe, expect, it } from 'vitest';
import type { Manifest, ManifestNode } from '../../../src/contracts/manifest.js';
import { explainWarehouseError, isOutOfMemory } from '../../../src/exec/warehouse-errors.js';

const upstream = { name: 'reviews_clean', relation_name: '"main"."reviews_clean"', depends_on: { nodes: [] } } as unknown as ManifestNode;
const node = { name: 'review_sentiment', depends_on: { nodes: ['model.demo.reviews_clean'] } } as unknown as ManifestNode;
const manifest = { nodes: { 'model.demo.reviews_clean': upstream, 'model.demo.review_sentiment': node } } as unknown as Manifest;

const OOM = new Error(
  "Out of Memory Error: failed to allocate data of size 32.0 MiB (41.0 MiB/61.0 MiB used)\n\nPossible solutions:\n* Reducing the number of threads (SET threads=X)",
);

describe('explainWarehouseError', () => {
  it('names the upstream model that was never built and the command that builds it', () => {
    const e = new Error('Catalog Error: Table with name reviews_clean does not exist!\nDid you mean "reviews"?');
    expect(explainWarehouseError(e, node, manifest)).toBe('reviews_clean has not been built in this warehouse yet; build it first: loom build -s +review_sentiment');
  });

  it('turns running out of memory into the setting to raise, with its value, on one line', () => {
    expect(isOutOfMemory(OOM)).toBe(true);
    expect(isOutOfMemory(new Error('Constraint Error: duplicate key'))).toBe(false);
    const text = explainWarehouseError(OOM, node, manifest, '64MB');
    expect(text).toMatch(/^Out of Memory Error: failed to allocate data of size 32\.0 MiB \(41\.0 MiB\/61\.0 MiB used\): /);
    expect(text).toContain('warehouse_memory_limit allows (64MB)');
    expect(text).toContain('kept in the journal folder next to the warehouse file');
    expect(text).not.toContain('\n');
  });

  it('keeps any other message as DuckDB wrote its first line', () => {
    expect(explainWarehouseError(new Error('Binder Error: column "x" not found\nLINE 1: ...'), node, manifest, '256MB')).toBe('Binder Error: column "x" not found');
  });
});

import { describe, expect, it } from 'vitest';
import type { Manifest, ManifestNode } from '../../../src/contracts/manifest.js';
import { graphFromManifest, selectNodes, type SelectionInput } from '../../../src/graph/select/index.js';
import { makeManifest, makeNode } from './manifest-builder.js';

const N = 10_000;
/**
 * Loose enough for a loaded 2-core CI runner: with a prebuilt graph each selection takes ~15-30 ms on such a
 * runner once warm. Building the graphology graph for 10k nodes costs another 50-300 ms there, so the
 * end-to-end call gets its own bound.
 */
const BOUND_MS = 500;
const WITH_GRAPH_BUILD_BOUND_MS = 2000;

const name = (i: number): string => `n${String(i).padStart(5, '0')}`;
const id = (i: number): string => `model.proj.${name(i)}`;

function chain(): Manifest {
  const nodes: ManifestNode[] = [];
  for (let i = 0; i < N; i++) {
    nodes.push(makeNode({ name: name(i), parents: i === 0 ? [] : [id(i - 1)], tags: i % 10 === 0 ? ['tenth'] : [] }));
  }
  return makeManifest(nodes);
}

/** 100 roots; every other node hangs under one root and up to 3 random earlier nodes (seeded, so stable). */
function wide(): Manifest {
  let seed = 42;
  const random = (): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const nodes: ManifestNode[] = [];
  for (let i = 0; i < N; i++) {
    const parents = new Set<string>();
    if (i >= 100) {
      parents.add(id(i % 100));
      for (let k = 0; k < 3; k++) parents.add(id(Math.floor(random() * i)));
    }
    nodes.push(makeNode({ name: name(i), parents: [...parents], tags: i % 7 === 0 ? ['seventh'] : [] }));
  }
  return makeManifest(nodes);
}

function withChangedBody(manifest: Manifest, index: number): Manifest {
  const previous: Manifest = { ...manifest, nodes: { ...manifest.nodes } };
  const node = manifest.nodes[id(index)]!;
  previous.nodes[id(index)] = { ...node, checksums: { ...node.checksums, body: 'old' } };
  return previous;
}

function timed(manifest: Manifest, input: SelectionInput, graph = graphFromManifest(manifest)): { ms: number; selected: string[] } {
  // One untimed run first: the bound is for selection work, not for the JIT compiling it on a cold, shared runner.
  selectNodes(manifest, input, graph);
  const start = performance.now();
  const { selected } = selectNodes(manifest, input, graph);
  const ms = performance.now() - start;
  if (process.env.SELECT_TIMINGS) process.stdout.write(`${input.select?.join(' ')}: ${ms.toFixed(1)} ms\n`);
  return { ms, selected };
}

function expectParentsFirst(manifest: Manifest, selected: string[]): void {
  const position = new Map(selected.map((unique, i) => [unique, i]));
  const violations: string[] = [];
  for (const unique of selected) {
    for (const parent of manifest.parent_map[unique] ?? []) {
      if (position.has(parent) && position.get(parent)! > position.get(unique)!) violations.push(`${parent} after ${unique}`);
    }
  }
  expect(violations).toEqual([]);
}

describe('selection over 10,000 nodes', () => {
  it('is fast on a 10k chain', () => {
    const manifest = chain();
    const state = withChangedBody(manifest, 100);

    const ancestors = timed(manifest, { select: [`+${name(N - 1)}`] });
    expect(ancestors.selected).toHaveLength(N);
    expect(ancestors.selected[0]).toBe(id(0));
    expect(ancestors.selected[N - 1]).toBe(id(N - 1));
    expect(ancestors.ms).toBeLessThan(BOUND_MS);

    const tagged = timed(manifest, { select: ['tag:tenth'] });
    expect(tagged.selected).toHaveLength(N / 10);
    expect(tagged.ms).toBeLessThan(BOUND_MS);

    const modified = timed(manifest, { select: ['state:modified+'], state });
    expect(modified.selected).toHaveLength(N - 100);
    expect(modified.selected[0]).toBe(id(100));
    expect(modified.ms).toBeLessThan(BOUND_MS);

    const depth = timed(manifest, { select: [`3+${name(5000)}+2`] });
    expect(depth.selected).toEqual([id(4997), id(4998), id(4999), id(5000), id(5001), id(5002)]);

    const at = timed(manifest, { select: [`@${name(5000)}`] });
    expect(at.selected).toHaveLength(N);
    expect(at.ms).toBeLessThan(BOUND_MS);
  });

  it('is fast on a wide random DAG, with the graph built inside', () => {
    const manifest = wide();
    const state = withChangedBody(manifest, 3);

    selectNodes(manifest, {});
    const start = performance.now();
    const everything = selectNodes(manifest, {});
    expect(performance.now() - start).toBeLessThan(WITH_GRAPH_BUILD_BOUND_MS);
    expect(everything.selected).toHaveLength(N);
    expectParentsFirst(manifest, everything.selected);

    const graph = graphFromManifest(manifest);
    for (const select of [[`+${name(N - 1)}`], ['tag:seventh'], ['state:modified+'], [`@${name(50)}`], ['tag:seventh,n0*', 'n09*+']]) {
      const { ms, selected } = timed(manifest, { select, state }, graph);
      expect(ms, select.join(' ')).toBeLessThan(BOUND_MS);
      expect(selected.length, select.join(' ')).toBeGreaterThan(0);
      expectParentsFirst(manifest, selected);
    }
  });
});

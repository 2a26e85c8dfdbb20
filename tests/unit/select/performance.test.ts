import { describe, expect, it } from 'vitest';
import type { Manifest, ManifestNode } from '../../../src/contracts/manifest.js';
import { graphFromManifest, selectNodes, type SelectionInput } from '../../../src/graph/select/index.js';
import { makeManifest, makeNode } from './manifest-builder.js';

const N = 10_000;
/**
 * Selection must stay linear in the graph: each node's neighbours are walked at most once per pass, and there are
 * at most three (descendants, then their ancestors for `@`, then the parents-first order), so at most 3·N walks. Counting those walks proves it on any machine, where
 * a millisecond bound measured the machine (the 10k-node timings are in `SELECT_TIMINGS=1` output).
 */
const WALKS = ['forEachInNeighbor', 'forEachOutNeighbor', 'inNeighbors', 'outNeighbors', 'neighbors', 'forEachNeighbor'];

type Graph = ReturnType<typeof graphFromManifest>;
/** The graph, with a count of per-node neighbour walks the selection asked it for. */
function counting(graph: Graph): { graph: Graph; walks: () => number } {
  let walks = 0;
  const proxy = new Proxy(graph, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (WALKS.includes(String(property))) {
        return (...args: unknown[]) => {
          walks++;
          return value.apply(target, args);
        };
      }
      return value.bind(target);
    },
  });
  return { graph: proxy, walks: () => walks };
}

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

function counted(manifest: Manifest, input: SelectionInput, graph = graphFromManifest(manifest)): { walks: number; selected: string[] } {
  const probe = counting(graph);
  const start = performance.now();
  const { selected } = selectNodes(manifest, input, probe.graph);
  if (process.env.SELECT_TIMINGS) process.stdout.write(`${input.select?.join(' ')}: ${(performance.now() - start).toFixed(1)} ms\n`);
  if (process.env.SELECT_TIMINGS) process.stdout.write(`  walks: ${probe.walks()}\n`);
  return { walks: probe.walks(), selected };
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
  it('walks each node a bounded number of times on a 10k chain', () => {
    const manifest = chain();
    const state = withChangedBody(manifest, 100);

    const ancestors = counted(manifest, { select: [`+${name(N - 1)}`] });
    expect(ancestors.selected).toHaveLength(N);
    expect(ancestors.selected[0]).toBe(id(0));
    expect(ancestors.selected[N - 1]).toBe(id(N - 1));
    expect(ancestors.walks).toBeLessThanOrEqual(3 * N);

    const tagged = counted(manifest, { select: ['tag:tenth'] });
    expect(tagged.selected).toHaveLength(N / 10);
    expect(tagged.walks).toBeLessThanOrEqual(3 * N);

    const modified = counted(manifest, { select: ['state:modified+'], state });
    expect(modified.selected).toHaveLength(N - 100);
    expect(modified.selected[0]).toBe(id(100));
    expect(modified.walks).toBeLessThanOrEqual(3 * N);

    const depth = counted(manifest, { select: [`3+${name(5000)}+2`] });
    expect(depth.selected).toEqual([id(4997), id(4998), id(4999), id(5000), id(5001), id(5002)]);

    const at = counted(manifest, { select: [`@${name(5000)}`] });
    expect(at.selected).toHaveLength(N);
    expect(at.walks).toBeLessThanOrEqual(3 * N);
  });

  it('walks each node a bounded number of times on a wide random DAG', () => {
    const manifest = wide();
    const state = withChangedBody(manifest, 3);

    const everything = selectNodes(manifest, {});
    expect(everything.selected).toHaveLength(N);
    expectParentsFirst(manifest, everything.selected);

    const graph = graphFromManifest(manifest);
    for (const select of [[`+${name(N - 1)}`], ['tag:seventh'], ['state:modified+'], [`@${name(50)}`], ['tag:seventh,n0*', 'n09*+']]) {
      const { walks, selected } = counted(manifest, { select, state }, graph);
      expect(walks, select.join(' ')).toBeLessThanOrEqual(3 * N);
      expect(selected.length, select.join(' ')).toBeGreaterThan(0);
      expectParentsFirst(manifest, selected);
    }
  });
});

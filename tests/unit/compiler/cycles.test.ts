import { describe, expect, it } from 'vitest';
import { findCycles } from '../../../src/graph/cycles.js';

function graph(edges: [string, string][]): { nodes: string[]; children: (n: string) => string[] } {
  const out = new Map<string, string[]>();
  for (const [a, b] of edges) {
    if (!out.has(a)) out.set(a, []);
    if (!out.has(b)) out.set(b, []);
    out.get(a)!.push(b);
  }
  return { nodes: [...out.keys()].sort(), children: (n) => out.get(n) ?? [] };
}

describe('findCycles', () => {
  it('finds nothing in a DAG (diamonds included)', () => {
    const g = graph([['a', 'b'], ['a', 'c'], ['b', 'd'], ['c', 'd']]);
    expect(findCycles(g.nodes, g.children)).toEqual([]);
  });

  it('a ring is reported as its full path, starting and ending at its smallest member', () => {
    const g = graph([['c', 'a'], ['a', 'b'], ['b', 'c'], ['x', 'a']]);
    expect(findCycles(g.nodes, g.children)).toEqual([['a', 'b', 'c', 'a']]);
  });

  it('a self loop is a cycle of one', () => {
    const g = graph([['a', 'a'], ['a', 'b']]);
    expect(findCycles(g.nodes, g.children)).toEqual([['a', 'a']]);
  });

  it('one cycle per strongly connected component, each a real path through the graph', () => {
    const g = graph([
      ['a', 'b'], ['b', 'a'],
      ['b', 'c'],
      ['c', 'd'], ['d', 'e'], ['e', 'c'],
      ['e', 'f'], ['f', 'f'],
    ]);
    const cycles = findCycles(g.nodes, g.children);
    expect(cycles.map((c) => c.join(' -> ')).sort()).toEqual(['a -> b -> a', 'c -> d -> e -> c', 'f -> f']);
    for (const cycle of cycles) {
      for (let i = 0; i + 1 < cycle.length; i++) expect(g.children(cycle[i])).toContain(cycle[i + 1]);
    }
  });

  it('within a component with several loops, the shortest cycle through its smallest member', () => {
    const g = graph([['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'a'], ['b', 'a']]);
    expect(findCycles(g.nodes, g.children)).toEqual([['a', 'b', 'a']]);
  });

  it('handles a 10,000-node chain and a 10,000-node ring without overflowing the stack', () => {
    const n = 10_000;
    const name = (i: number) => `m${String(i).padStart(5, '0')}`;
    const chain = graph(Array.from({ length: n - 1 }, (_, i) => [name(i), name(i + 1)] as [string, string]));
    expect(findCycles(chain.nodes, chain.children)).toEqual([]);
    const ring = graph(Array.from({ length: n }, (_, i) => [name(i), name((i + 1) % n)] as [string, string]));
    const cycles = findCycles(ring.nodes, ring.children);
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toHaveLength(n + 1);
    expect(cycles[0][0]).toBe(name(0));
    expect(cycles[0][n]).toBe(name(0));
  });

  it('visiting roots in any order gives the same cycles', () => {
    const g = graph([['c', 'a'], ['a', 'b'], ['b', 'c'], ['d', 'd']]);
    const forward = findCycles(g.nodes, g.children);
    const backward = findCycles([...g.nodes].reverse(), g.children);
    expect(backward.map((c) => c.join()).sort()).toEqual(forward.map((c) => c.join()).sort());
  });
});

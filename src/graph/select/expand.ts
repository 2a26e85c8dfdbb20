import type { DirectedGraph } from 'graphology';
import type { SelectionCriterion } from './spec.js';

type Direction = 'ancestors' | 'descendants';

/**
 * `seeds` plus every node reachable from one of them walking edges backwards (ancestors) or forwards
 * (descendants), at most `maxDepth` edges away (null: no limit). One breadth-first pass from all seeds at once,
 * so the cost is O(nodes + edges) whatever the number of seeds, and depth is the distance to the nearest seed.
 */
export function withReachable(
  graph: DirectedGraph,
  seeds: Iterable<string>,
  direction: Direction,
  maxDepth: number | null = null,
): Set<string> {
  const visited = new Set<string>(seeds);
  let frontier = [...visited];
  let next: string[] = [];
  const visit = (neighbor: string): void => {
    if (visited.has(neighbor)) return;
    visited.add(neighbor);
    next.push(neighbor);
  };
  for (let depth = 0; frontier.length > 0 && (maxDepth === null || depth < maxDepth); depth++) {
    next = [];
    for (const node of frontier) {
      if (!graph.hasNode(node)) continue;
      if (direction === 'ancestors') graph.forEachInNeighbor(node, visit);
      else graph.forEachOutNeighbor(node, visit);
    }
    frontier = next;
  }
  return visited;
}

/** A criterion's directly matched nodes plus what its graph operators (`+`, `n+`, `+n`, `@`) add. */
export function expandCriterion(graph: DirectedGraph, direct: ReadonlySet<string>, criterion: SelectionCriterion): Set<string> {
  const parts: Set<string>[] = [];
  if (criterion.childrensParents) {
    // dbt's `@`: the seeds and their descendants, then every ancestor of all of those.
    parts.push(withReachable(graph, withReachable(graph, direct, 'descendants'), 'ancestors'));
  }
  if (criterion.parents) parts.push(withReachable(graph, direct, 'ancestors', criterion.parentsDepth));
  if (criterion.children) parts.push(withReachable(graph, direct, 'descendants', criterion.childrenDepth));
  if (parts.length === 0) return new Set(direct);
  const [selected, ...others] = parts;
  for (const part of others) for (const id of part) selected!.add(id);
  return selected!;
}

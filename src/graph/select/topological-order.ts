import type { DirectedGraph } from 'graphology';

/**
 * The selected ids, parents before children, ties broken by unique_id (plain code-unit order, independent of
 * locale). Order follows paths through unselected nodes too: if a → x → c and only a and c are selected, a
 * comes first. Unselected nodes are released as soon as they are ready, so the order among selected nodes
 * depends only on which selected nodes (transitively) depend on which. Ids absent from the graph are treated
 * as isolated; any left in a cycle (the linker should have rejected those) come last, sorted.
 */
export function topologicalOrder(graph: DirectedGraph, selected: ReadonlySet<string>): string[] {
  const remainingParents = new Map<string, number>();
  const readySelected = new StringMinHeap();
  const readyUnselected: string[] = [];
  const release = (id: string): void => {
    if (selected.has(id)) readySelected.push(id);
    else readyUnselected.push(id);
  };

  graph.forEachNode((id) => {
    // Children are released once per distinct parent, so count distinct parents (inDegree counts parallel edges).
    const parents = graph.multi ? graph.inNeighbors(id).length : graph.inDegree(id);
    remainingParents.set(id, parents);
    if (parents === 0) release(id);
  });
  for (const id of selected) if (!graph.hasNode(id)) readySelected.push(id);

  const order: string[] = [];
  while (readyUnselected.length > 0 || readySelected.size > 0) {
    const id = readyUnselected.length > 0 ? readyUnselected.pop()! : readySelected.pop();
    if (selected.has(id)) order.push(id);
    if (!graph.hasNode(id)) continue;
    graph.forEachOutNeighbor(id, (child) => {
      const left = remainingParents.get(child)! - 1;
      remainingParents.set(child, left);
      if (left === 0) release(child);
    });
  }

  if (order.length < selected.size) {
    const placed = new Set(order);
    order.push(...[...selected].filter((id) => !placed.has(id)).sort(compareIds));
  }
  return order;
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A binary min-heap of strings: O(log n) push and pop, for Kahn's algorithm over 10k+ nodes. */
class StringMinHeap {
  private readonly items: string[] = [];

  get size(): number {
    return this.items.length;
  }

  push(item: string): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent]! <= item) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = item;
  }

  pop(): string {
    const items = this.items;
    const top = items[0]!;
    const last = items.pop()!;
    if (items.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= items.length) break;
        const right = left + 1;
        const child = right < items.length && items[right]! < items[left]! ? right : left;
        if (items[child]! >= last) break;
        items[i] = items[child]!;
        i = child;
      }
      items[i] = last;
    }
    return top;
  }
}

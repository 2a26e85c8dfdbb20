import { DirectedGraph } from 'graphology';
import type { Manifest } from '../../contracts/manifest.js';

/**
 * The manifest's DAG as a graphology DirectedGraph keyed by unique_id, edges parent → child, built from
 * `parent_map` and `child_map` (either one is enough; both are merged so a half-filled map still works).
 * Ids that appear only in the maps become nodes too; selection never returns them.
 */
export function graphFromManifest(manifest: Manifest): DirectedGraph {
  const graph = new DirectedGraph();
  for (const id of Object.keys(manifest.nodes)) graph.mergeNode(id);
  for (const [child, parents] of Object.entries(manifest.parent_map)) {
    for (const parent of parents) graph.mergeEdge(parent, child);
  }
  for (const [parent, children] of Object.entries(manifest.child_map)) {
    for (const child of children) graph.mergeEdge(parent, child);
  }
  return graph;
}

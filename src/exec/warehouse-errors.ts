import type { Manifest, ManifestNode } from '../compile/manifest-types.js';

/**
 * DuckDB's message for a failed statement, made actionable: a missing upstream relation names the model that
 * has not been built and the command that builds it.
 */
export function explainWarehouseError(error: unknown, node: ManifestNode, manifest: Manifest): string {
  const message = ((error as Error)?.message ?? String(error)).split('\n')[0];
  const missing = /Table with name (\S+) does not exist/i.exec(message)?.[1]?.replace(/"/g, '');
  if (missing) {
    const upstream = node.depends_on.nodes.map((id) => manifest.nodes[id]).find((n) => n && (n.name === missing || n.relation_name.replace(/"/g, '').endsWith(`.${missing}`)));
    if (upstream) return `${upstream.name} has not been built in this warehouse yet; build it first: loom build -s +${node.name}`;
  }
  return message;
}

import type { Manifest, ManifestNode } from '../contracts/manifest.js';

/** DuckDB ran out of the memory `warehouse_memory_limit` gives it. */
export function isOutOfMemory(error: unknown): boolean {
  return /^Out of Memory Error/i.test((error as Error)?.message ?? '');
}

/** What to do about it: the setting, its current value, and that nothing received is lost. */
export function outOfMemoryAdvice(memoryLimit: string): string {
  return `the warehouse needs more memory than warehouse_memory_limit allows (${memoryLimit}); raise it in loom_project.yml or the target (e.g. 1GB) and run again: answers already received are kept in the journal folder next to the warehouse file and loaded by the next build`;
}

/**
 * DuckDB's message for a failed statement, made actionable: a missing upstream relation names the model that
 * has not been built and the command that builds it; running out of memory names the setting to raise.
 */
export function explainWarehouseError(error: unknown, node: ManifestNode, manifest: Manifest, memoryLimit?: string): string {
  const message = ((error as Error)?.message ?? String(error)).split('\n')[0];
  if (memoryLimit && isOutOfMemory(error)) return `${message}: ${outOfMemoryAdvice(memoryLimit)}`;
  const missing = /Table with name (\S+) does not exist/i.exec(message)?.[1]?.replace(/"/g, '');
  if (missing) {
    const upstream = node.depends_on.nodes.map((id) => manifest.nodes[id]).find((n) => n && (n.name === missing || n.relation_name.replace(/"/g, '').endsWith(`.${missing}`)));
    if (upstream) return `${upstream.name} has not been built in this warehouse yet; build it first: loom build -s +${node.name}`;
  }
  return message;
}

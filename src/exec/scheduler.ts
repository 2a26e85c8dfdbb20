import type { Manifest, ManifestNode } from '../contracts/manifest.js';
import { displayName } from '../graph/ids.js';
import { emptyResult, type NodeResult } from './types.js';

export interface ScheduleOptions {
  threads: number;
  failFast: boolean;
  /** Called when --fail-fast stops the build, so running nodes can stop sending. */
  abort(): void;
  /** Aborted when the build is interrupted: nodes not started yet are skipped. */
  stopping?: AbortSignal;
  run(node: ManifestNode, index: number): Promise<NodeResult>;
  /** Called for a node that will not run because an upstream node failed or the build stopped. */
  skipped(node: ManifestNode, result: NodeResult, index: number): void;
}

/**
 * Runs the selected nodes in DAG order, up to `threads` at once. A node starts when every selected parent has
 * finished with `success` or `partial`; when a parent ends in `error` (or was skipped), its descendants are
 * skipped and every other branch goes on. With failFast, the first error stops new nodes from starting.
 */
export async function schedule(manifest: Manifest, selected: readonly string[], options: ScheduleOptions): Promise<NodeResult[]> {
  const inSelection = new Set(selected);
  const indexOf = new Map(selected.map((id, i) => [id, i + 1]));
  const waitingOn = new Map<string, Set<string>>();
  for (const id of selected) waitingOn.set(id, new Set(manifest.parent_map[id]?.filter((p) => inSelection.has(p)) ?? []));
  const results = new Map<string, NodeResult>();
  const ready: string[] = selected.filter((id) => waitingOn.get(id)!.size === 0);
  const running = new Map<string, Promise<void>>();
  let stopped = false;

  const finish = (id: string, result: NodeResult) => {
    results.set(id, result);
    const failed = result.status === 'error' || result.status === 'skipped' || result.status === 'interrupted';
    if (result.status === 'error' && options.failFast && !stopped) {
      stopped = true;
      options.abort();
    }
    for (const child of manifest.child_map[id] ?? []) {
      const waits = waitingOn.get(child);
      if (!waits || results.has(child)) continue;
      if (failed) {
        const skip = emptyResult(child, 'skipped', `skipped: upstream ${displayName(id)} ${result.status === 'error' ? 'failed' : `was ${result.status}`}`);
        options.skipped(manifest.nodes[child], skip, indexOf.get(child)!);
        finish(child, skip);
        continue;
      }
      waits.delete(id);
      if (waits.size === 0) ready.push(child);
    }
  };

  while (ready.length || running.size) {
    while (ready.length && running.size < options.threads) {
      const id = ready.shift()!;
      if (results.has(id)) continue;
      if (stopped || options.stopping?.aborted) {
        const skip = emptyResult(id, 'skipped', stopped ? 'skipped: --fail-fast stopped the build' : 'skipped: the build was interrupted');
        options.skipped(manifest.nodes[id], skip, indexOf.get(id)!);
        finish(id, skip);
        continue;
      }
      const task = options
        .run(manifest.nodes[id], indexOf.get(id)!)
        .catch((e: unknown) => emptyResult(id, 'error', (e as Error)?.message ?? String(e)))
        .then((result) => {
          running.delete(id);
          finish(id, result);
        });
      running.set(id, task);
    }
    if (running.size) await Promise.race(running.values());
  }
  // Whatever is left never became ready (a parent outside the loop above failed in a way not seen): skip it.
  for (const id of selected) {
    if (!results.has(id)) {
      const skip = emptyResult(id, 'skipped', stopped ? 'skipped: --fail-fast stopped the build' : 'skipped: the build was interrupted');
      options.skipped(manifest.nodes[id], skip, indexOf.get(id)!);
      results.set(id, skip);
    }
  }
  return selected.map((id) => results.get(id)!);
}

import type { Manifest, ManifestNode } from '../../../contracts/manifest.js';
import type { MethodName } from '../spec.js';

export interface MethodContext {
  /** The nodes to search: every node of the manifest, disabled ones included (the evaluator drops those). */
  nodes: readonly ManifestNode[];
  /** The manifest `state:` compares with; the evaluator guarantees it is present for methods with `needsState`. */
  previous: Manifest | null;
  /** The project the manifest was compiled from: what `package:this` names. */
  projectName: string;
}

/** One row of the method table: finds the nodes a `method:value` criterion names, before graph expansion. */
export interface SelectorMethod {
  name: MethodName;
  /** How the method is written, for error messages and docs: `config.<key>` for `config`. */
  usage: string;
  /** Whether it takes dotted arguments (`config.llm.model:`); only `config` does. */
  takesArguments: boolean;
  needsState?: boolean;
  /** Checked while parsing: a description of what is wrong with the value, or undefined. */
  checkValue?(value: string, args: readonly string[]): string | undefined;
  search(context: MethodContext, value: string, args: readonly string[]): Set<string>;
  /** Values a typo might have meant, for the did-you-mean of a criterion that matched nothing. */
  candidates?(nodes: readonly ManifestNode[], args: readonly string[]): Iterable<string>;
}

/** The unique_ids of the nodes for which `predicate` holds. */
export function idsWhere(nodes: readonly ManifestNode[], predicate: (node: ManifestNode) => boolean): Set<string> {
  const ids = new Set<string>();
  for (const node of nodes) if (predicate(node)) ids.add(node.unique_id);
  return ids;
}

import type { ManifestNode } from '../../../contracts/manifest.js';
import { globMatcher, hasGlob, type StringMatcher } from '../glob.js';
import { sourceNameOf } from './source.js';
import { idsWhere, type SelectorMethod } from './types.js';

/**
 * dbt's fully-qualified-name matching (`is_selected_node`), which is also what a bare name means:
 * - the node's name (or the last fqn part) equals the value;
 * - or the value's dotted parts are a prefix of the fqn (`my_project.staging` selects that folder), where a part
 *   with a wildcard matches the rest of the fqn as one glob (`my_project.staging.*`);
 * - or they are a prefix of the fqn without its project (`staging`, `staging.orders`), as dbt matches across packages.
 * Loom additions: a glob on the bare name (`stg_*`), and `source_name.table_name` for sources (`shop.reviews`).
 */
export const fqnMethod: SelectorMethod = {
  name: 'fqn',
  usage: 'fqn',
  takesArguments: false,
  search(context, value) {
    return idsWhere(context.nodes, fqnPredicate(value));
  },
  candidates(nodes) {
    const names = new Set<string>();
    for (const node of nodes) {
      names.add(node.name);
      if (node.resource_type === 'source') names.add(`${sourceNameOf(node)}.${node.name}`);
    }
    return names;
  },
};

function fqnPredicate(selector: string): (node: ManifestNode) => boolean {
  const matchesName = globMatcher(selector);
  const parts = selector.split('.');
  const wildcardAt = parts.findIndex(hasGlob);
  const exactParts = wildcardAt === -1 ? parts : parts.slice(0, wildcardAt);
  const tail: StringMatcher | null = wildcardAt === -1 ? null : globMatcher(parts.slice(wildcardAt).join('.'));

  return (node) => {
    if (matchesName(node.name) || node.fqn[node.fqn.length - 1] === selector) return true;
    if (node.resource_type === 'source' && matchesName(`${sourceNameOf(node)}.${node.name}`)) return true;
    // dbt splits fqn segments on dots too: a model named `a.b` is addressed like a folder `a` holding `b`.
    const flat = node.fqn.some((segment) => segment.includes('.'))
      ? node.fqn.flatMap((segment) => segment.split('.'))
      : node.fqn;
    // As in dbt, the value may leave out the project: `staging.orders` matches fqn [project, staging, orders].
    return matchesFrom(flat, 0) || matchesFrom(flat, 1);
  };

  function matchesFrom(flat: readonly string[], start: number): boolean {
    if (flat.length - start < parts.length) return false;
    for (let i = 0; i < exactParts.length; i++) if (flat[start + i] !== exactParts[i]) return false;
    return tail === null || tail(flat.slice(start + wildcardAt).join('.'));
  }
}

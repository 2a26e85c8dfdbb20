import type { ManifestNode } from '../../../contracts/manifest.js';
import { globMatcher } from '../glob.js';
import { idsWhere, type SelectorMethod } from './types.js';

/** A source node's fqn is `[project, source_name, table_name]`. */
export function sourceNameOf(node: ManifestNode): string {
  return node.fqn.length >= 2 ? node.fqn[node.fqn.length - 2]! : node.name;
}

/** `source:shop`, `source:shop.reviews` or `source:my_project.shop.reviews` (each part may be a glob), as in dbt. */
export const sourceMethod: SelectorMethod = {
  name: 'source',
  usage: 'source',
  takesArguments: false,
  checkValue(value) {
    const parts = value.split('.');
    if (parts.length > 3 || parts.some((part) => part === '')) {
      return 'sources are selected as `source:<source_name>`, `source:<source_name>.<table_name>` or `source:<package>.<source_name>.<table_name>`';
    }
    return undefined;
  },
  search(context, value) {
    const parts = value.split('.');
    const [pkg, source, table] =
      parts.length === 3 ? parts : parts.length === 2 ? ['*', ...parts] : ['*', parts[0]!, '*'];
    const matchesPackage = globMatcher(pkg!);
    const matchesSource = globMatcher(source!);
    const matchesTable = globMatcher(table!);
    return idsWhere(
      context.nodes,
      (node) =>
        node.resource_type === 'source' &&
        matchesPackage(node.package_name) &&
        matchesSource(sourceNameOf(node)) &&
        matchesTable(node.name),
    );
  },
  candidates(nodes) {
    const names = new Set<string>();
    for (const node of nodes) {
      if (node.resource_type !== 'source') continue;
      names.add(sourceNameOf(node));
      names.add(`${sourceNameOf(node)}.${node.name}`);
    }
    return names;
  },
};

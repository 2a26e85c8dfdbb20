import type { ManifestNode } from '../../../contracts/manifest.js';
import { globMatcher } from '../glob.js';
import { idsWhere, type SelectorMethod } from './types.js';

/** `tag:nightly`, `tag:team_*`: the node's own tags or its config tags. */
export const tagMethod: SelectorMethod = {
  name: 'tag',
  usage: 'tag',
  takesArguments: false,
  search(context, value) {
    const matches = globMatcher(value);
    return idsWhere(context.nodes, (node) => tagsOf(node).some(matches));
  },
  candidates(nodes) {
    return new Set(nodes.flatMap(tagsOf));
  },
};

function tagsOf(node: ManifestNode): string[] {
  const configTags = Array.isArray(node.config.tags) ? node.config.tags : [];
  return configTags.length === 0 ? node.tags : [...node.tags, ...configTags];
}

import type { ResourceType } from '../../../contracts/manifest.js';
import { listOf } from '../../../diagnostics/suggest.js';
import { didYouMeanSelector } from '../suggestion.js';
import { idsWhere, type SelectorMethod } from './types.js';

const RESOURCE_TYPES: readonly ResourceType[] = ['model', 'source', 'destination'];

/** `resource_type:destination`: what the node is (`model`, `source` or `destination`). */
export const resourceTypeMethod: SelectorMethod = {
  name: 'resource_type',
  usage: 'resource_type',
  takesArguments: false,
  checkValue(value) {
    if ((RESOURCE_TYPES as readonly string[]).includes(value)) return undefined;
    return `unknown resource type \`${value}\`${didYouMeanSelector(value, RESOURCE_TYPES)}; accepted resource types are ${listOf(RESOURCE_TYPES)}`;
  },
  search(context, value) {
    return idsWhere(context.nodes, (node) => node.resource_type === value);
  },
};

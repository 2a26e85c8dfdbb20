import type { NodeKind } from '../../../contracts/manifest.js';
import { listOf } from '../../../diagnostics/suggest.js';
import { didYouMeanSelector } from '../suggestion.js';
import { idsWhere, type SelectorMethod } from './types.js';

const KINDS: readonly NodeKind[] = ['source', 'sql', 'llm', 'load'];

/** `kind:llm`: how the node runs (`source`, `sql`, `llm` or `load`). */
export const kindMethod: SelectorMethod = {
  name: 'kind',
  usage: 'kind',
  takesArguments: false,
  checkValue(value) {
    if ((KINDS as readonly string[]).includes(value)) return undefined;
    return `unknown kind \`${value}\`${didYouMeanSelector(value, KINDS)}; accepted kinds are ${listOf(KINDS)}`;
  },
  search(context, value) {
    return idsWhere(context.nodes, (node) => node.kind === value);
  },
};

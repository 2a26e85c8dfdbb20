import { globMatcher } from '../glob.js';
import { idsWhere, type SelectorMethod } from './types.js';

/** `pipeline:reviews`: the nodes declared by one seed-format pipeline file. */
export const pipelineMethod: SelectorMethod = {
  name: 'pipeline',
  usage: 'pipeline',
  takesArguments: false,
  search(context, value) {
    const matches = globMatcher(value);
    return idsWhere(context.nodes, (node) => node.pipeline !== null && matches(node.pipeline));
  },
  candidates(nodes) {
    const names = new Set<string>();
    for (const node of nodes) if (node.pipeline !== null) names.add(node.pipeline);
    return names;
  },
};

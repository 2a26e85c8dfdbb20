import { globMatcher } from '../glob.js';
import { idsWhere, type SelectorMethod } from './types.js';

/** `package:my_project`: the nodes of one package (project). */
export const packageMethod: SelectorMethod = {
  name: 'package',
  usage: 'package',
  takesArguments: false,
  search(context, value) {
    const matches = globMatcher(value);
    return idsWhere(context.nodes, (node) => matches(node.package_name));
  },
  candidates(nodes) {
    return new Set(nodes.map((node) => node.package_name));
  },
};

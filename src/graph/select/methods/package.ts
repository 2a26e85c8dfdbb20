import { globMatcher } from '../glob.js';
import { idsWhere, type SelectorMethod } from './types.js';

/** `package:my_project`: the nodes of one package (project). As in dbt, `package:this` is the current project. */
export const packageMethod: SelectorMethod = {
  name: 'package',
  usage: 'package',
  takesArguments: false,
  search(context, value) {
    const matches = globMatcher(value === 'this' ? context.projectName : value);
    return idsWhere(context.nodes, (node) => matches(node.package_name));
  },
  candidates(nodes) {
    return new Set(['this', ...nodes.map((node) => node.package_name)]);
  },
};

import { globMatcher } from '../glob.js';
import { idsWhere, type SelectorMethod } from './types.js';

/** `file:reviews.yml` or `file:reviews`: the defining file's name, with or without its extension, as in dbt. */
export const fileMethod: SelectorMethod = {
  name: 'file',
  usage: 'file',
  takesArguments: false,
  search(context, value) {
    const matches = globMatcher(value);
    return idsWhere(context.nodes, (node) => {
      const { base, stem } = fileNameOf(node.original_file_path);
      return matches(base) || matches(stem);
    });
  },
  candidates(nodes) {
    return new Set(nodes.map((node) => fileNameOf(node.original_file_path).base));
  },
};

function fileNameOf(path: string): { base: string; stem: string } {
  const base = path.slice(path.replace(/\\/g, '/').lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return { base, stem: dot > 0 ? base.slice(0, dot) : base };
}

import type { ManifestNode } from '../../../contracts/manifest.js';
import { globMatcher, type StringMatcher } from '../glob.js';
import { idsWhere, type SelectorMethod } from './types.js';

/**
 * `config.materialized:view`, `config.llm.model:gpt-4o-mini`, `config.meta.owner:ana`: the resolved config value
 * at a dotted key. Strings compare exactly (a `*`/`?` glob is allowed), numbers and booleans by their text
 * (`config.llm.temperature:0`, `config.passthrough:true`; booleans ignore case), arrays match when any
 * element does. Objects, null and missing keys never match.
 */
export const configMethod: SelectorMethod = {
  name: 'config',
  usage: 'config.<key>',
  takesArguments: true,
  search(context, value, args) {
    const matches = configValueMatcher(value);
    return idsWhere(context.nodes, (node) => {
      const found = configValueAt(node, args);
      return Array.isArray(found) ? found.some(matches) : matches(found);
    });
  },
  candidates(nodes, args) {
    const values = new Set<string>();
    for (const node of nodes) {
      const found = configValueAt(node, args);
      for (const item of Array.isArray(found) ? found : [found]) {
        if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') values.add(String(item));
      }
    }
    return values;
  },
};

function configValueAt(node: ManifestNode, keys: readonly string[]): unknown {
  let current: unknown = node.config;
  for (const key of keys) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function configValueMatcher(selector: string): (value: unknown) => boolean {
  const matchesText: StringMatcher = globMatcher(selector);
  const lowered = selector.toLowerCase();
  const asNumber = selector.trim() === '' ? NaN : Number(selector);
  return (value) => {
    switch (typeof value) {
      case 'string':
        return matchesText(value);
      case 'number':
      case 'bigint':
        return matchesText(String(value)) || Number(value) === asNumber;
      case 'boolean':
        return lowered === String(value);
      default:
        return false;
    }
  };
}

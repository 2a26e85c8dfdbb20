import type { ManifestNode, NodeChecksums } from '../../../contracts/manifest.js';
import { listOf } from '../../../diagnostics/suggest.js';
import { didYouMeanSelector } from '../suggestion.js';
import { idsWhere, type SelectorMethod } from './types.js';

/** The checksums whose change can change an answer; `docs` is metadata only and stays out of plain `modified`. */
const CONTENT_CHECKSUMS = ['body', 'config', 'prompt', 'contexts', 'output', 'evaluate'] as const satisfies readonly (keyof NodeChecksums)[];
const CHECKSUM_SUBSELECTORS = [...CONTENT_CHECKSUMS, 'docs'] as const satisfies readonly (keyof NodeChecksums)[];

/** dbt's spellings of subselectors that are one of Loom's checksums. */
const DBT_ALIASES: Readonly<Record<string, keyof NodeChecksums>> = { configs: 'config', contract: 'output' };

/** dbt subselectors with no Loom counterpart of that name: what to write instead. */
const DBT_UNMAPPED: Readonly<Record<string, string>> = {
  persisted_descriptions:
    'Loom does not persist descriptions to the warehouse (there is no `persist_docs`); `state:modified.docs` selects nodes whose description, column docs or meta changed',
  macros:
    'Loom has no dbt macros; prompt macros live in templates a prompt includes, and `state:modified.prompt` selects nodes whose prompt or any template it includes changed',
};

export const STATE_VALUES: readonly string[] = [
  'new',
  'old',
  'modified',
  'unmodified',
  ...CHECKSUM_SUBSELECTORS.map((field) => `modified.${field}`),
  ...Object.keys(DBT_ALIASES).map((name) => `modified.${name}`),
  'modified.relation',
  'modified.fingerprint',
];

type Comparison = (node: ManifestNode, previous: ManifestNode | undefined) => boolean;

/**
 * `state:new|old|modified|unmodified`, `state:modified.<body|config|prompt|contexts|output|evaluate|docs>`,
 * `state:modified.relation` and `state:modified.fingerprint`, against the previous manifest given with `--state`;
 * dbt's `modified.configs` and `modified.contract` are `config` and `output`. As in dbt, a node absent from the
 * previous manifest counts as modified in every sense.
 */
export const stateMethod: SelectorMethod = {
  name: 'state',
  usage: 'state',
  takesArguments: false,
  needsState: true,
  checkValue(value) {
    if (STATE_VALUES.includes(value)) return undefined;
    const unmapped = value.startsWith('modified.') ? DBT_UNMAPPED[value.slice('modified.'.length)] : undefined;
    if (unmapped) return `\`state:${value}\` is not supported: ${unmapped}`;
    return `unknown state \`${value}\`${didYouMeanSelector(value, STATE_VALUES)}; accepted values are ${listOf(STATE_VALUES)}`;
  },
  search(context, value) {
    const previousNodes = context.previous?.nodes ?? {};
    const compare = comparisonFor(value);
    return idsWhere(context.nodes, (node) =>
      compare(node, Object.prototype.hasOwnProperty.call(previousNodes, node.unique_id) ? previousNodes[node.unique_id] : undefined),
    );
  },
};

function comparisonFor(value: string): Comparison {
  switch (value) {
    case 'new':
      return (_node, previous) => previous === undefined;
    case 'old':
      return (_node, previous) => previous !== undefined;
    case 'modified':
      return (node, previous) => previous === undefined || contentChanged(node, previous);
    case 'unmodified':
      return (node, previous) => previous !== undefined && !contentChanged(node, previous);
    case 'modified.fingerprint':
      return (node, previous) => previous === undefined || previous.fingerprint?.data !== node.fingerprint.data;
    case 'modified.relation':
      // dbt's `relation`: where the node is stored (its warehouse relation) moved.
      return (node, previous) => previous === undefined || previous.relation_name !== node.relation_name;
    default: {
      const name = value.slice('modified.'.length);
      const field = DBT_ALIASES[name] ?? (name as keyof NodeChecksums);
      return (node, previous) => previous === undefined || checksumChanged(node, previous, field);
    }
  }
}

function contentChanged(node: ManifestNode, previous: ManifestNode): boolean {
  return CONTENT_CHECKSUMS.some((field) => checksumChanged(node, previous, field));
}

/** A previous manifest from an older Loom may lack a checksum: treat that as changed rather than crash. */
function checksumChanged(node: ManifestNode, previous: ManifestNode, field: keyof NodeChecksums): boolean {
  return previous.checksums?.[field] !== node.checksums[field];
}

import type { DirectedGraph } from 'graphology';
import type { Manifest } from '../../contracts/manifest.js';
import { UsageError, type Diagnostic } from '../../diagnostics/diagnostic.js';
import { evaluateSpec } from './evaluate-selector.js';
import { parseSelection } from './grammar.js';
import { graphFromManifest } from './graph-from-manifest.js';
import { SELECTOR_METHODS } from './methods/table.js';
import { criteriaOf } from './spec.js';
import { topologicalOrder } from './topological-order.js';

export interface SelectionInput {
  /** `--select` arguments; each may hold several space-separated terms. Absent or empty: every enabled node. */
  select?: string[];
  /** `--exclude` arguments, same grammar, subtracted after both sides are expanded through the graph. */
  exclude?: string[];
  /** The previous manifest `state:` methods compare with (from `--state <dir>`). */
  state?: Manifest | null;
}

export interface SelectionResult {
  /** Selected unique_ids, parents first, ties by unique_id. Never a disabled node. */
  selected: string[];
  /** LOOM301 warnings for criteria that matched nothing; never errors (malformed selectors throw UsageError). */
  diagnostics: Diagnostic[];
}

/**
 * Select nodes of `manifest` with dbt's grammar. Throws UsageError for a malformed selector or a `state:`
 * method without a previous manifest. Pass `graph` when one is already built (edges parent → child).
 */
export function selectNodes(manifest: Manifest, input: SelectionInput, graph?: DirectedGraph): SelectionResult {
  const spec = parseSelection(input);
  const previous = input.state ?? null;
  if (previous === null) {
    const needingState = criteriaOf(spec).find((criterion) => SELECTOR_METHODS[criterion.method].needsState);
    if (needingState) {
      throw new UsageError(
        `The selector '${needingState.raw}' compares with a previous manifest, so \`--state <dir>\` is required: ` +
          'point it at a folder holding the manifest.json to compare with (for instance a copy of the target/ of your main branch)',
      );
    }
  }

  const nodes = Object.values(manifest.nodes);
  const enabledNodes = nodes.filter((node) => node.config.enabled !== false);
  const dag = graph ?? graphFromManifest(manifest);
  const { ids, diagnostics } = evaluateSpec(spec, {
    graph: dag,
    nodes,
    enabledNodes,
    enabledIds: new Set(enabledNodes.map((node) => node.unique_id)),
    previous,
    projectName: manifest.metadata.project_name,
  });
  return { selected: topologicalOrder(dag, ids), diagnostics };
}

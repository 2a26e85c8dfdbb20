/** Node selection with dbt's grammar: see README.md in this folder. */
export { selectNodes, type SelectionInput, type SelectionResult } from './select-nodes.js';
export { parseSelector, parseSelection, type SelectorFlag } from './grammar.js';
export { graphFromManifest } from './graph-from-manifest.js';
export { topologicalOrder } from './topological-order.js';
export { NO_MATCH_CODE } from './no-match-warning.js';
export {
  METHOD_NAMES,
  formatSelectorSpec,
  type MethodName,
  type SelectionCriterion,
  type SelectionDifference,
  type SelectionIntersection,
  type SelectionUnion,
  type SelectionAll,
  type SelectorSpec,
} from './spec.js';

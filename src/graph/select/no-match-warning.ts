import type { ManifestNode } from '../../contracts/manifest.js';
import { warning, type Diagnostic } from '../../diagnostics/diagnostic.js';
import { hasGlob } from './glob.js';
import { SELECTOR_METHODS } from './methods/table.js';
import { formatCriterion, type SelectionCriterion } from './spec.js';
import { meantFor } from './suggestion.js';

export const NO_MATCH_CODE = 'LOOM301';

/**
 * dbt's "The selection criterion 'x' does not match any enabled nodes", with a did-you-mean drawn from the
 * values the method can match among enabled nodes, and a note when the criterion only hit disabled nodes.
 */
export function noMatchForCriterion(
  criterion: SelectionCriterion,
  enabledNodes: readonly ManifestNode[],
  disabledMatches: readonly string[],
): Diagnostic {
  let suggestion = '';
  const candidates = SELECTOR_METHODS[criterion.method].candidates;
  if (candidates && !hasGlob(criterion.value)) {
    const meant = meantFor(criterion.value, candidates(enabledNodes, criterion.methodArgs));
    if (meant !== undefined && meant !== criterion.value) suggestion = ` (did you mean \`${formatCriterion(criterion, meant)}\`?)`;
  }
  const notes =
    disabledMatches.length === 0
      ? undefined
      : [`it matches only disabled nodes (config enabled: false): ${[...disabledMatches].sort().join(', ')}`];
  return warning(NO_MATCH_CODE, `${noMatchMessage(criterion.raw)}${suggestion}`, undefined, notes);
}

/** For a comma-joined term whose criteria each match something, but never the same node. */
export function noMatchForIntersection(raw: string): Diagnostic {
  return warning(NO_MATCH_CODE, `${noMatchMessage(raw)}: no node satisfies every comma-joined criterion at once`);
}

function noMatchMessage(raw: string): string {
  return `The selection criterion '${raw}' does not match any enabled nodes`;
}

import type { DirectedGraph } from 'graphology';
import type { Manifest, ManifestNode } from '../../contracts/manifest.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { expandCriterion } from './expand.js';
import { SELECTOR_METHODS } from './methods/table.js';
import type { MethodContext } from './methods/types.js';
import { noMatchForCriterion, noMatchForIntersection } from './no-match-warning.js';
import type { SelectionCriterion, SelectorSpec } from './spec.js';

export interface EvaluationContext {
  graph: DirectedGraph;
  /** Every manifest node, disabled ones included: methods search all, so a warning can say a match was disabled. */
  nodes: readonly ManifestNode[];
  enabledNodes: readonly ManifestNode[];
  enabledIds: ReadonlySet<string>;
  previous: Manifest | null;
  /** The manifest's own project (`package:this`). */
  projectName: string;
}

interface Evaluation {
  ids: Set<string>;
  /** Whether a no-match warning was already raised inside, so an enclosing intersection does not add another. */
  warned: boolean;
}

/** Walk the spec tree: each criterion's method result, expanded through the graph, combined by set operations. */
export function evaluateSpec(spec: SelectorSpec, context: EvaluationContext): { ids: Set<string>; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  const report = (diagnostic: Diagnostic): void => {
    if (seen.has(diagnostic.message)) return;
    seen.add(diagnostic.message);
    diagnostics.push(diagnostic);
  };
  const methodContext: MethodContext = { nodes: context.nodes, previous: context.previous, projectName: context.projectName };
  const { ids } = walk(spec, context, methodContext, report);
  return { ids, diagnostics };
}

function walk(
  spec: SelectorSpec,
  context: EvaluationContext,
  methodContext: MethodContext,
  report: (diagnostic: Diagnostic) => void,
): Evaluation {
  switch (spec.type) {
    case 'all':
      return { ids: new Set(context.enabledIds), warned: false };
    case 'criterion':
      return evaluateCriterion(spec, context, methodContext, report);
    case 'union': {
      const parts = spec.components.map((component) => walk(component, context, methodContext, report));
      const ids = new Set<string>();
      for (const part of parts) for (const id of part.ids) ids.add(id);
      return { ids, warned: parts.some((part) => part.warned) };
    }
    case 'intersection': {
      const parts = spec.components.map((component) => walk(component, context, methodContext, report));
      const [smallest, ...others] = [...parts].sort((a, b) => a.ids.size - b.ids.size);
      const ids = new Set([...smallest!.ids].filter((id) => others.every((other) => other.ids.has(id))));
      const warned = parts.some((part) => part.warned);
      if (ids.size === 0 && !warned) report(noMatchForIntersection(spec.raw));
      return { ids, warned: warned || ids.size === 0 };
    }
    case 'difference': {
      const include = walk(spec.include, context, methodContext, report);
      const exclude = walk(spec.exclude, context, methodContext, report);
      for (const id of exclude.ids) include.ids.delete(id);
      return { ids: include.ids, warned: include.warned || exclude.warned };
    }
  }
}

function evaluateCriterion(
  criterion: SelectionCriterion,
  context: EvaluationContext,
  methodContext: MethodContext,
  report: (diagnostic: Diagnostic) => void,
): Evaluation {
  const matched = SELECTOR_METHODS[criterion.method].search(methodContext, criterion.value, criterion.methodArgs);
  const direct = new Set<string>();
  const disabled: string[] = [];
  for (const id of matched) {
    if (context.enabledIds.has(id)) direct.add(id);
    else disabled.push(id);
  }
  if (direct.size === 0) {
    report(noMatchForCriterion(criterion, context.enabledNodes, disabled));
    return { ids: direct, warned: true };
  }
  const expanded = expandCriterion(context.graph, direct, criterion);
  // Expansion walks through disabled nodes and ids that exist only in the graph, but never returns them.
  for (const id of expanded) if (!context.enabledIds.has(id)) expanded.delete(id);
  return { ids: expanded, warned: false };
}

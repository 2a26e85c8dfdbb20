/**
 * The selector spec tree: what the grammar produces and the evaluator walks. Leaves are criteria (one method and
 * value with graph operators around it); inner nodes combine their children's sets of unique_ids.
 */

export const METHOD_NAMES = [
  'fqn',
  'tag',
  'path',
  'file',
  'kind',
  'resource_type',
  'source',
  'config',
  'pipeline',
  'package',
  'state',
] as const;

export type MethodName = (typeof METHOD_NAMES)[number];

/** One `[@][n+]method:value[+n]` term, e.g. `2+tag:nightly+1`. */
export interface SelectionCriterion {
  type: 'criterion';
  /** The term exactly as written. */
  raw: string;
  method: MethodName;
  /** Dotted arguments after the method name: `config.llm.model` → `['llm', 'model']`. */
  methodArgs: string[];
  /** True when the term had no `method:` and the method was inferred from the value (`fqn` or `path`). */
  methodInferred: boolean;
  value: string;
  /** `+name` / `2+name`: add ancestors, up to `parentsDepth` edges away (null: all of them). */
  parents: boolean;
  parentsDepth: number | null;
  /** `name+` / `name+2`: add descendants, up to `childrenDepth` edges away (null: all of them). */
  children: boolean;
  childrenDepth: number | null;
  /** `@name`: add every descendant and every ancestor of those descendants. */
  childrensParents: boolean;
}

/** Comma-joined criteria: nodes selected by every component. */
export interface SelectionIntersection {
  type: 'intersection';
  raw: string;
  components: SelectorSpec[];
}

/** Space-separated terms (and separate `--select` arguments): nodes selected by any component. */
export interface SelectionUnion {
  type: 'union';
  raw: string;
  components: SelectorSpec[];
}

/** `--select` minus `--exclude`, each side expanded through the graph before subtracting. */
export interface SelectionDifference {
  type: 'difference';
  include: SelectorSpec;
  exclude: SelectorSpec;
}

/** What an absent `--select` means: every enabled node. */
export interface SelectionAll {
  type: 'all';
}

export type SelectorSpec =
  | SelectionCriterion
  | SelectionIntersection
  | SelectionUnion
  | SelectionDifference
  | SelectionAll;

/** Every criterion in the tree, in the order written. */
export function criteriaOf(spec: SelectorSpec): SelectionCriterion[] {
  switch (spec.type) {
    case 'criterion':
      return [spec];
    case 'intersection':
    case 'union':
      return spec.components.flatMap(criteriaOf);
    case 'difference':
      return [...criteriaOf(spec.include), ...criteriaOf(spec.exclude)];
    case 'all':
      return [];
  }
}

/** The criterion written back with another value: for "did you mean `+stg_orders`?". */
export function formatCriterion(criterion: SelectionCriterion, value = criterion.value): string {
  const method = criterion.methodInferred ? '' : `${[criterion.method, ...criterion.methodArgs].join('.')}:`;
  const at = criterion.childrensParents ? '@' : '';
  const parents = criterion.parents ? `${criterion.parentsDepth ?? ''}+` : '';
  const children = criterion.children ? `+${criterion.childrenDepth ?? ''}` : '';
  return `${at}${parents}${method}${value}${children}`;
}

/** A one-line rendering of the tree, with every inferred method spelled out (for `loom ls` debugging). */
export function formatSelectorSpec(spec: SelectorSpec): string {
  switch (spec.type) {
    case 'criterion':
      return formatCriterion({ ...spec, methodInferred: false });
    case 'intersection':
      return `intersection(${spec.components.map(formatSelectorSpec).join(', ')})`;
    case 'union':
      return `union(${spec.components.map(formatSelectorSpec).join(', ')})`;
    case 'difference':
      return `difference(${formatSelectorSpec(spec.include)}, ${formatSelectorSpec(spec.exclude)})`;
    case 'all':
      return 'all';
  }
}

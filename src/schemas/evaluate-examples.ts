/**
 * The accepted shape of an evaluator, per type, as two lines of YAML: shown under every error about an
 * `evaluate` block (diagnostic notes), so the right syntax is on the screen with the mistake.
 * tests/unit/evaluate/examples.test.ts checks that every example is accepted as written. Here, below parse and
 * graph, because schema errors in an `evaluate` block (parse) and the evaluate checks (graph) both show them.
 */
import { closest } from '../diagnostics/suggest.js';

/** By evaluator type; tests/unit/evaluate/examples.test.ts checks these are exactly evaluate-spec/registry.ts's types. */
export const EVALUATOR_EXAMPLES: Readonly<Record<string, readonly [string, string]>> = {
  equals: ['- { name: label_matches, type: equals, inputs: { output: output.label, reference: input.expected_label },', '    case_sensitive: false }'],
  contains: ['- { name: mentions_refund, type: contains, inputs: { output: output.reply },', '    values: [refund, return] }'],
  regex: ['- { name: signed_off, type: regex, inputs: { output: output.reply },', '    pattern: "The Kestrel Home team$", flags: "i" }'],
  accepted_values: ['- { name: known_category, type: accepted_values, inputs: { output: output.category },', '    values: [billing, shipping, other] }'],
  json_schema: ['- { name: well_formed, type: json_schema, inputs: { output: output },', '    schema: { type: object, required: [label] } }'],
  length: ['- { name: short_enough, type: length, inputs: { output: output.summary },', '    min: 20, max: 120, unit: words }'],
  range: ['- { name: confidence_in_range, type: range, inputs: { output: output.confidence },', '    min: 0, max: 1 }'],
  similarity: ['- { name: close_to_expected, type: similarity, inputs: { output: output.answer, reference: input.expected },', '    threshold: 0.8 }'],
  custom: ['- { name: house_rules, type: custom, inputs: { output: output.reply },', '    module: evaluators/house_rules.js, export: score }'],
  semantic: ['- { name: same_meaning, type: semantic, inputs: { output: output.summary, reference: input.review_text },', '    threshold: 0.7 }'],
  custom_criteria: ['- { name: follows_style, type: custom_criteria, inputs: { output: output.summary },', '    criteria: "Uses only facts from the fact sheet", threshold: 0.7 }'],
  factuality: ['- { name: factual, type: factuality, inputs: { output: output.answer, reference: input.facts },', '    threshold: 0.8 }'],
  groundedness: ['- { name: evidence_is_grounded, type: groundedness, inputs: { output: output.evidence, context: input.review_text },', '    threshold: 0.8 }'],
  relevance: ['- { name: answers_review, type: relevance, inputs: { output: output.reply, query: input.review_text },', '    threshold: 0.7 }'],
  pairwise: ['- { name: better_than_before, type: pairwise, inputs: { output: output.reply, reference: input.previous_reply },', '    criteria: "more specific to the customer\'s problem" }'],
};

/** The block itself, for problems outside any one evaluator. */
export const EVALUATE_BLOCK_EXAMPLE: readonly [string, string] = [
  'evaluate: { evaluators: [{ name: confidence_in_range, type: range, inputs: { output: output.confidence }, min: 0, max: 1 }],',
  '            quality_gate: all_pass, batch_threshold: 0.9, on_failure: quarantine }',
];

/**
 * Notes showing the accepted shape for a problem at `path` inside an evaluate block (`['evaluators', 2, 'type']`):
 * that evaluator's type's example (or the nearest type's, for a misspelt one), or the block's.
 */
export function evaluateExampleNotes(block: unknown, path: readonly (string | number)[]): string[] {
  const example = path[0] === 'evaluators' && typeof path[1] === 'number' ? evaluatorExample(block, path[1]) : EVALUATE_BLOCK_EXAMPLE;
  return [`accepted shape, for example:`, ...example];
}

function evaluatorExample(block: unknown, index: number): readonly [string, string] {
  const item = (block as { evaluators?: unknown[] } | null)?.evaluators?.[index];
  const written = typeof item === 'string' ? item : (item as { type?: unknown } | null)?.type;
  if (typeof written === 'string') {
    const near = closest(written, Object.keys(EVALUATOR_EXAMPLES));
    if (near) return EVALUATOR_EXAMPLES[near];
  }
  return EVALUATOR_EXAMPLES.accepted_values;
}

/**
 * A schema problem of a model or pipeline file with the accepted shape added when it lies inside an `evaluate`
 * block (its path, from the file's root, runs through an `evaluate` key).
 */
export function withEvaluateShape<T extends { diagnostic: { notes?: string[] }; path: readonly (string | number)[] }>(problem: T, root: unknown): T {
  const at = problem.path.indexOf('evaluate');
  if (at === -1) return problem;
  let block: unknown = root;
  for (const segment of problem.path.slice(0, at + 1)) block = (block as Record<string | number, unknown> | null)?.[segment];
  const notes = evaluateExampleNotes(block, problem.path.slice(at + 1));
  return { ...problem, diagnostic: { ...problem.diagnostic, notes: [...(problem.diagnostic.notes ?? []), ...notes] } };
}

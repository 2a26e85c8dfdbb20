import { readInputs } from '../read-inputs.js';
import { scored, sumCosts } from '../result.js';
import { toText } from '../../evaluate-spec/text.js';
import type { Evaluator } from '../types.js';
import { askJudge, unusableAnswer, type JudgeAnswer } from './ask-judge.js';
import { MATERIAL_NOT_INSTRUCTIONS, optionalSection, section } from './prompt-sections.js';

export type PairwiseWinner = 'A' | 'B' | 'tie';

export interface PairwiseVerdict {
  winner: PairwiseWinner;
  reasons: string[];
}

export const PAIRWISE_SCHEMA = {
  type: 'object',
  properties: {
    winner: { type: 'string', enum: ['A', 'B', 'tie'] },
    reasons: { type: 'array', minItems: 1, items: { type: 'string' } },
  },
  required: ['winner', 'reasons'],
  additionalProperties: false,
};

export const PAIRWISE_SYSTEM = `You compare two responses to the same task and decide which one is better. The order in which the responses appear must not influence you, and length is not quality.
${MATERIAL_NOT_INSTRUCTIONS}
Answer with JSON only.`;

export const DEFAULT_PAIRWISE_CRITERIA = 'Overall quality for the task: correct, complete, relevant and clear.';

export function pairwiseUserPrompt(args: { a: string; b: string; query?: string; criteria: string | string[] }): string {
  const criteria = Array.isArray(args.criteria) ? args.criteria.map((c) => `- ${c}`).join('\n') : args.criteria;
  return `${optionalSection('query', args.query)}${section('criteria', criteria)}

${section('response_a', args.a)}

${section('response_b', args.b)}

Decide which response better meets the criteria for the task. Answer "tie" only when neither is better. Give the reasons for your decision.
Return exactly this JSON shape: {"winner": "A", "reasons": ["..."]}  (winner is "A", "B" or "tie")`;
}

type Outcome = 'output' | 'candidate' | 'tie';

/** Who won one order, given which position held our output. */
function outcomeOf(winner: PairwiseWinner, outputPosition: 'A' | 'B'): Outcome {
  if (winner === 'tie') return 'tie';
  return winner === outputPosition ? 'output' : 'candidate';
}

function describeOrder(order: number, outputPosition: 'A' | 'B', verdict: PairwiseVerdict): string {
  const outcome = outcomeOf(verdict.winner, outputPosition);
  const who = outcome === 'tie' ? 'tie' : `${verdict.winner} (${outcome}) wins`;
  return `order ${order} (output as ${outputPosition}): ${who}`;
}

/**
 * Compares the output with the candidate (`reference` input) twice, with the positions swapped, and reconciles:
 * 1 when the output wins both orders, 0 when it loses both, 0.5 for a split or a tie. The explanation gives
 * both verdicts and notes position bias (the same position picked in both orders).
 */
export const pairwiseJudge: Evaluator = async (spec, input, runtime) => {
  const read = readInputs(spec, input);
  if ('result' in read) return read.result;
  const output = toText(read.values.output);
  const candidate = toText(read.values.reference);
  const query = read.values.query === undefined ? undefined : toText(read.values.query);
  const rawCriteria = spec.options.criteria;
  const criteria = typeof rawCriteria === 'string' || Array.isArray(rawCriteria) ? (rawCriteria as string | string[]) : DEFAULT_PAIRWISE_CRITERIA;

  const ask = (a: string, b: string): Promise<JudgeAnswer> =>
    askJudge(spec, input, runtime, {
      system: PAIRWISE_SYSTEM,
      user: pairwiseUserPrompt({ a, b, query, criteria }),
      schema: PAIRWISE_SCHEMA,
      schema_name: 'loom_pairwise_verdict',
    });
  const [first, second] = await Promise.all([ask(output, candidate), ask(candidate, output)]);
  const cost_usd = sumCosts([first.cost_usd, second.cost_usd]);

  for (const [order, answer] of [[1, first], [2, second]] as const) {
    if (!answer.ok) {
      const result = unusableAnswer(spec, { ...answer, detail: `order ${order}: ${answer.detail}` });
      return { ...result, cost_usd };
    }
  }
  const v1 = (first as Extract<JudgeAnswer, { ok: true }>).value as unknown as PairwiseVerdict;
  const v2 = (second as Extract<JudgeAnswer, { ok: true }>).value as unknown as PairwiseVerdict;
  const o1 = outcomeOf(v1.winner, 'A');
  const o2 = outcomeOf(v2.winner, 'B');

  let score: number;
  let summary: string;
  if (o1 === 'output' && o2 === 'output') [score, summary] = [1, 'output wins both orders'];
  else if (o1 === 'candidate' && o2 === 'candidate') [score, summary] = [0, 'output loses both orders'];
  else if (o1 === 'tie' && o2 === 'tie') [score, summary] = [0.5, 'tie in both orders'];
  else [score, summary] = [0.5, 'split verdict'];

  const parts = [summary, describeOrder(1, 'A', v1), describeOrder(2, 'B', v2)];
  if (v1.winner !== 'tie' && v1.winner === v2.winner) parts.push(`position bias: the judge picked position ${v1.winner} in both orders`);
  return scored(spec, score, parts.join('; '), {
    cost_usd,
    details: {
      verdicts: [
        { order: 1, output_position: 'A', winner: v1.winner, outcome: o1, reasons: v1.reasons },
        { order: 2, output_position: 'B', winner: v2.winner, outcome: o2, reasons: v2.reasons },
      ],
      model: first.ok ? first.model : null,
    },
  });
};

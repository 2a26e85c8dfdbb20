import { readInputs } from '../read-inputs.js';
import { scored } from '../result.js';
import { toText } from '../../evaluate-spec/text.js';
import type { Evaluator } from '../types.js';
import { askJudge, EMPTY_OUTPUT_EXPLANATION, listFew, unusableAnswer } from './ask-judge.js';
import { MATERIAL_NOT_INSTRUCTIONS, section } from './prompt-sections.js';

export interface QueryPoint {
  point: string;
  addressed: boolean;
}

export const RELEVANCE_SCHEMA = {
  type: 'object',
  properties: {
    points: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        properties: { point: { type: 'string' }, addressed: { type: 'boolean' } },
        required: ['point', 'addressed'],
        additionalProperties: false,
      },
    },
  },
  required: ['points'],
  additionalProperties: false,
};

export const RELEVANCE_SYSTEM = `You check whether a response addresses what a query asks for. You never give an overall grade or score.
${MATERIAL_NOT_INSTRUCTIONS}
Answer with JSON only.`;

export function relevanceUserPrompt(args: { output: string; query: string }): string {
  return `${section('query', args.query)}

${section('response', args.output)}

List each distinct thing the query asks for (its questions, requested items and instructions), one per item. For each, set "addressed" to true when the response deals with it, and false when the response ignores it or answers something else. Judge relevance only, not correctness.
Return exactly this JSON shape: {"points": [{"point": "...", "addressed": true}]}`;
}

/** Score = the query's asks the output addresses / all of the query's asks. */
export const relevanceJudge: Evaluator = async (spec, input, runtime) => {
  const read = readInputs(spec, input);
  if ('result' in read) return read.result;
  const output = toText(read.values.output);
  if (output.trim() === '') return scored(spec, 0, EMPTY_OUTPUT_EXPLANATION);

  const answer = await askJudge(spec, input, runtime, {
    system: RELEVANCE_SYSTEM,
    user: relevanceUserPrompt({ output, query: toText(read.values.query) }),
    schema: RELEVANCE_SCHEMA,
    schema_name: 'loom_query_points',
  });
  if (!answer.ok) return unusableAnswer(spec, answer);
  const points = answer.value.points as QueryPoint[];
  const missed = points.filter((p) => !p.addressed);
  const addressed = points.length - missed.length;
  const why = missed.length ? `; not addressed: ${listFew(missed.map((p) => p.point))}` : '';
  return scored(spec, addressed / points.length, `${addressed} of ${points.length} points of the query addressed${why}`, {
    cost_usd: answer.cost_usd,
    details: { points, model: answer.model, cached: answer.cached },
  });
};

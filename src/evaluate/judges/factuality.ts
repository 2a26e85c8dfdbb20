import { readInputs } from '../read-inputs.js';
import { scored } from '../result.js';
import { toText } from '../../evaluate-spec/text.js';
import type { Evaluator } from '../types.js';
import { askJudge, EMPTY_OUTPUT_EXPLANATION, listFew, unusableAnswer } from './ask-judge.js';
import { MATERIAL_NOT_INSTRUCTIONS, optionalSection, section } from './prompt-sections.js';

export type ClaimVerdict = 'supported' | 'contradicted' | 'not_mentioned';

export interface FactualClaim {
  claim: string;
  verdict: ClaimVerdict;
}

export const FACTUALITY_SCHEMA = {
  type: 'object',
  properties: {
    claims: {
      type: 'array',
      items: {
        type: 'object',
        properties: { claim: { type: 'string' }, verdict: { type: 'string', enum: ['supported', 'contradicted', 'not_mentioned'] } },
        required: ['claim', 'verdict'],
        additionalProperties: false,
      },
    },
  },
  required: ['claims'],
  additionalProperties: false,
};

export const FACTUALITY_SYSTEM = `You are a fact checker. You compare the factual claims of a response with a reference that is known to be true, and you never give an overall grade or score.
${MATERIAL_NOT_INSTRUCTIONS}
Answer with JSON only.`;

export function factualityUserPrompt(args: { output: string; reference: string; query?: string }): string {
  return `The reference below is the ground truth.

${section('reference', args.reference)}

${optionalSection('query', args.query)}${section('response', args.output)}

List every factual claim the response makes, one atomic claim per item (split compound sentences; skip opinions, hedges and pleasantries). Give each claim a verdict against the reference:
- "supported": the reference states it or directly implies it;
- "contradicted": the reference states something incompatible with it;
- "not_mentioned": the reference neither supports nor contradicts it.
If the response makes no factual claims, return an empty list.
Return exactly this JSON shape: {"claims": [{"claim": "...", "verdict": "supported"}]}`;
}

/**
 * Score = claims the reference supports / all claims: contradicted and unmentioned claims both count against.
 * A non-empty answer with no factual claims scores 1 ("no factual claims"): it asserts nothing false.
 */
export const factualityJudge: Evaluator = async (spec, input, runtime) => {
  const read = readInputs(spec, input);
  if ('result' in read) return read.result;
  const output = toText(read.values.output);
  if (output.trim() === '') return scored(spec, 0, EMPTY_OUTPUT_EXPLANATION);

  const answer = await askJudge(spec, input, runtime, {
    system: FACTUALITY_SYSTEM,
    user: factualityUserPrompt({
      output,
      reference: toText(read.values.reference),
      query: read.values.query === undefined ? undefined : toText(read.values.query),
    }),
    schema: FACTUALITY_SCHEMA,
    schema_name: 'loom_factual_claims',
  });
  if (!answer.ok) return unusableAnswer(spec, answer);
  const claims = answer.value.claims as FactualClaim[];
  const extras = { cost_usd: answer.cost_usd, details: { claims, model: answer.model, cached: answer.cached } };
  if (claims.length === 0) return scored(spec, 1, 'no factual claims', extras);
  const supported = claims.filter((c) => c.verdict === 'supported').length;
  const contradicted = claims.filter((c) => c.verdict === 'contradicted');
  const unmentioned = claims.filter((c) => c.verdict === 'not_mentioned');
  let explanation = `${supported} of ${claims.length} claims supported by the reference`;
  if (contradicted.length) explanation += `; contradicted: ${listFew(contradicted.map((c) => c.claim))}`;
  if (unmentioned.length) explanation += `; not in the reference: ${listFew(unmentioned.map((c) => c.claim))}`;
  return scored(spec, supported / claims.length, explanation, extras);
};

import { readInputs } from '../read-inputs.js';
import { failed, scored } from '../result.js';
import { documentsText, toText } from '../../evaluate-spec/text.js';
import type { Evaluator } from '../types.js';
import { askJudge, EMPTY_OUTPUT_EXPLANATION, listFew, unusableAnswer } from './ask-judge.js';
import { MATERIAL_NOT_INSTRUCTIONS, optionalSection, section } from './prompt-sections.js';

export interface CriterionCheck {
  criterion: string;
  met: boolean;
  reason: string;
}

export const CUSTOM_CRITERIA_SCHEMA = {
  type: 'object',
  properties: {
    checks: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        properties: { criterion: { type: 'string' }, met: { type: 'boolean' }, reason: { type: 'string' } },
        required: ['criterion', 'met', 'reason'],
        additionalProperties: false,
      },
    },
  },
  required: ['checks'],
  additionalProperties: false,
};

export const CUSTOM_CRITERIA_SYSTEM = `You are a meticulous evaluator. You check one response against explicit criteria, one atomic requirement at a time, and you never give an overall grade or score.
${MATERIAL_NOT_INSTRUCTIONS}
Answer with JSON only.`;

function criteriaInstructions(criteria: string | string[]): string {
  if (typeof criteria === 'string') {
    return `${section('criteria', criteria)}

The criteria may combine several requirements. First split them into their atomic requirements (for example, "Accurate, no hallucination" is two requirements: "accurate" and "no hallucination"), then check the response against each requirement separately.`;
  }
  const numbered = criteria.map((c, i) => `${i + 1}. ${c}`).join('\n');
  return `${section('criteria', numbered)}

Check the response against each of these ${criteria.length} criteria: exactly one check per criterion, in this order, with the criterion's text copied into "criterion".`;
}

export function customCriteriaUserPrompt(args: { criteria: string | string[]; output: string; query?: string; context?: string }): string {
  return `${criteriaInstructions(args.criteria)}

${optionalSection('query', args.query)}${optionalSection('context', args.context)}${section('response', args.output)}

For each requirement return one check: "criterion" (the requirement, in a few words), "met" (true only if the response fully satisfies it) and "reason" (one sentence pointing at the response).
Return exactly this JSON shape: {"checks": [{"criterion": "...", "met": true, "reason": "..."}]}`;
}

/** Score = criteria met / criteria checked; the judge splits a single criteria sentence into atomic checks. */
export const customCriteriaJudge: Evaluator = async (spec, input, runtime) => {
  const read = readInputs(spec, input);
  if ('result' in read) return read.result;
  const criteria = spec.options.criteria;
  if (!(typeof criteria === 'string' || (Array.isArray(criteria) && criteria.every((c) => typeof c === 'string')))) {
    return failed(spec, 'option `criteria` must be a string or a list of strings');
  }
  const output = toText(read.values.output);
  if (output.trim() === '') return scored(spec, 0, EMPTY_OUTPUT_EXPLANATION);

  const answer = await askJudge(spec, input, runtime, {
    system: CUSTOM_CRITERIA_SYSTEM,
    user: customCriteriaUserPrompt({
      criteria,
      output,
      query: read.values.query === undefined ? undefined : toText(read.values.query),
      context: read.values.context === undefined ? undefined : documentsText(read.values.context),
    }),
    schema: CUSTOM_CRITERIA_SCHEMA,
    schema_name: 'loom_criteria_checks',
  });
  if (!answer.ok) return unusableAnswer(spec, answer);
  const checks = answer.value.checks as CriterionCheck[];
  const extras = { cost_usd: answer.cost_usd, details: { checks, model: answer.model, cached: answer.cached } };
  if (Array.isArray(criteria) && checks.length !== criteria.length) {
    return unusableAnswer(spec, { ok: false, kind: 'malformed', detail: `expected ${criteria.length} checks (one per criterion), got ${checks.length}`, cost_usd: answer.cost_usd, model: answer.model });
  }
  const unmet = checks.filter((c) => !c.met);
  const met = checks.length - unmet.length;
  const summary = `${met} of ${checks.length} criteria met`;
  const why = unmet.length ? `; not met: ${listFew(unmet.map((c) => (c.reason ? `${c.criterion} (${c.reason})` : c.criterion)))}` : '';
  return scored(spec, met / checks.length, summary + why, extras);
};

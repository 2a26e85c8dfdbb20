import { readInputs } from '../read-inputs.js';
import { scored } from '../result.js';
import { documentsText, toText } from '../../evaluate-spec/text.js';
import type { Evaluator } from '../types.js';
import { askJudge, EMPTY_OUTPUT_EXPLANATION, listFew, unusableAnswer } from './ask-judge.js';
import { MATERIAL_NOT_INSTRUCTIONS, optionalSection, section } from './prompt-sections.js';

export interface GroundedStatement {
  statement: string;
  supported: boolean;
  evidence: string;
}

export const GROUNDEDNESS_SCHEMA = {
  type: 'object',
  properties: {
    statements: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        properties: { statement: { type: 'string' }, supported: { type: 'boolean' }, evidence: { type: 'string' } },
        required: ['statement', 'supported', 'evidence'],
        additionalProperties: false,
      },
    },
  },
  required: ['statements'],
  additionalProperties: false,
};

export const GROUNDEDNESS_SYSTEM = `You check whether a response is grounded in source documents: every statement it makes must be backed by the documents. You never give an overall grade or score.
${MATERIAL_NOT_INSTRUCTIONS}
Answer with JSON only.`;

export function groundednessUserPrompt(args: { output: string; context: string; query?: string }): string {
  return `${section('context', args.context)}

${optionalSection('query', args.query)}${section('response', args.output)}

List every statement the response makes, one atomic statement per item. For each, set "supported" to true only when the context states it or directly implies it, and false when the context does not say it or says otherwise. In "evidence", quote the passage of the context that supports it (an empty string when unsupported). Use only the context, not your own knowledge.
Return exactly this JSON shape: {"statements": [{"statement": "...", "supported": true, "evidence": "..."}]}`;
}

/** Score = statements the context supports / all statements. */
export const groundednessJudge: Evaluator = async (spec, input, runtime) => {
  const read = readInputs(spec, input);
  if ('result' in read) return read.result;
  const output = toText(read.values.output);
  if (output.trim() === '') return scored(spec, 0, EMPTY_OUTPUT_EXPLANATION);

  const answer = await askJudge(spec, input, runtime, {
    system: GROUNDEDNESS_SYSTEM,
    user: groundednessUserPrompt({
      output,
      context: documentsText(read.values.context),
      query: read.values.query === undefined ? undefined : toText(read.values.query),
    }),
    schema: GROUNDEDNESS_SCHEMA,
    schema_name: 'loom_grounded_statements',
  });
  if (!answer.ok) return unusableAnswer(spec, answer);
  const statements = answer.value.statements as GroundedStatement[];
  const unsupported = statements.filter((s) => !s.supported);
  const supported = statements.length - unsupported.length;
  const why = unsupported.length ? `; unsupported: ${listFew(unsupported.map((s) => s.statement))}` : '';
  return scored(spec, supported / statements.length, `${supported} of ${statements.length} statements supported by the context${why}`, {
    cost_usd: answer.cost_usd,
    details: { statements, model: answer.model, cached: answer.cached },
  });
};

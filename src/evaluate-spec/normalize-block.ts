/**
 * The `evaluate:` YAML block → evaluator specs and gate, with every default filled in and every problem
 * collected (not just the first), each with its YAML path relative to the block.
 */
import { didYouMean } from '../diagnostics/suggest.js';
import { parseInputBinding } from './input-binding.js';
import { EVALUATOR_DEFINITIONS, EVALUATOR_TYPES, isEvaluatorType, withDefaultInputs } from './registry.js';
import { isPlainObject } from './text.js';
import { checkEvaluatorSpec } from './validate-spec.js';
import type {
  EvaluateBlock,
  EvaluateProblem,
  EvaluatorInputName,
  EvaluatorSpec,
  GateSpec,
  InputBinding,
  OnFailure,
  QualityGate,
} from '../contracts/evaluate.js';

type Path = (string | number)[];

const BLOCK_KEYS = ['evaluators', 'quality_gate', 'threshold', 'batch_threshold', 'on_failure', 'fallback_model', 'judge'];
const COMMON_KEYS = ['name', 'type', 'inputs', 'threshold', 'weight', 'options'];
const QUALITY_GATES: readonly QualityGate[] = ['all_pass', 'any_pass', 'majority_pass', 'weighted'];
const ON_FAILURE: readonly OnFailure[] = ['quarantine', 'skip', 'fail', 'fallback'];
const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]*$/;

const DEFAULT_GATE: GateSpec = { quality_gate: 'all_pass' };

const isShare = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v <= 1;

export function normalizeEvaluateBlock(raw: unknown): EvaluateBlock {
  const problems: EvaluateProblem[] = [];
  const warnings: EvaluateProblem[] = [];
  if (raw === undefined || raw === null) return { specs: [], gate: { ...DEFAULT_GATE }, on_failure: 'quarantine', problems, warnings };
  if (!isPlainObject(raw)) {
    problems.push({ path: [], message: '`evaluate` must be a mapping with `evaluators` and optionally `quality_gate`, `threshold`, `batch_threshold`, `on_failure`, `fallback_model`' });
    return { specs: [], gate: { ...DEFAULT_GATE }, on_failure: 'quarantine', problems, warnings };
  }
  for (const key of Object.keys(raw)) {
    if (!BLOCK_KEYS.includes(key)) {
      problems.push({ path: [key], message: `unknown key \`${key}\` in \`evaluate\`${didYouMean(key, BLOCK_KEYS)}; accepted keys: ${BLOCK_KEYS.join(', ')}` });
    }
  }

  const specs = normalizeEvaluators(raw.evaluators, problems);
  const gate = normalizeGate(raw, problems, warnings);
  const { on_failure, fallback_model } = normalizeOnFailure(raw, problems, warnings);
  return { specs, gate, on_failure, ...(fallback_model !== undefined ? { fallback_model } : {}), problems, warnings };
}

function normalizeEvaluators(raw: unknown, problems: EvaluateProblem[]): EvaluatorSpec[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    problems.push({ path: ['evaluators'], message: '`evaluators` must be a list of evaluators, each with a `type`' });
    return [];
  }
  // Names written in YAML win; defaulted names (the type) take a numeric suffix around them.
  const taken = new Set<string>();
  raw.forEach((item, i) => {
    if (!isPlainObject(item) || typeof item.name !== 'string') return;
    if (taken.has(item.name)) {
      problems.push({ path: ['evaluators', i, 'name'], message: `evaluator name "${item.name}" is used twice; names must be unique within a model` });
    }
    taken.add(item.name);
  });
  const specs: EvaluatorSpec[] = [];
  raw.forEach((item, i) => {
    const spec = normalizeEvaluator(typeof item === 'string' ? { type: item } : item, ['evaluators', i], taken, problems);
    if (spec) specs.push(spec);
  });
  return specs;
}

function uniqueName(base: string, taken: Set<string>): string {
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
  taken.add(name);
  return name;
}

function normalizeEvaluator(item: unknown, at: Path, taken: Set<string>, problems: EvaluateProblem[]): EvaluatorSpec | undefined {
  if (!isPlainObject(item)) {
    problems.push({ path: at, message: 'each evaluator must be a mapping with a `type` (or just the name of a type)' });
    return undefined;
  }
  const type = item.type;
  if (type === undefined) {
    problems.push({ path: at, message: `evaluator needs a \`type\`; accepted types: ${EVALUATOR_TYPES.join(', ')}` });
    return undefined;
  }
  if (!isEvaluatorType(type)) {
    const shown = typeof type === 'string' ? `\`${type}\`` : String(JSON.stringify(type));
    problems.push({
      path: [...at, 'type'],
      message: `unknown evaluator type ${shown}${typeof type === 'string' ? didYouMean(type, EVALUATOR_TYPES) : ''}; accepted types: ${EVALUATOR_TYPES.join(', ')}`,
    });
    return undefined;
  }
  const def = EVALUATOR_DEFINITIONS[type];

  let name: string;
  if (item.name === undefined) name = uniqueName(type, taken);
  else if (typeof item.name === 'string' && NAME_PATTERN.test(item.name)) name = item.name;
  else {
    problems.push({
      path: [...at, 'name'],
      message: `evaluator name ${JSON.stringify(item.name)} must start with a letter or _ and contain only letters, digits, _ and -`,
    });
    name = uniqueName(type, taken);
  }

  // Inputs: YAML strings → bindings; unknown or unaccepted names are left for checkEvaluatorSpec to report.
  const inputs: Partial<Record<EvaluatorInputName, InputBinding>> = {};
  const writtenInputs = new Set<string>();
  if (item.inputs !== undefined && !isPlainObject(item.inputs)) {
    problems.push({ path: [...at, 'inputs'], message: `${type} evaluator "${name}": \`inputs\` must be a mapping such as { output: output.summary, reference: input.review_text }` });
  } else if (isPlainObject(item.inputs)) {
    for (const [input, value] of Object.entries(item.inputs)) {
      writtenInputs.add(input);
      const parsed = parseInputBinding(value);
      if ('problem' in parsed) problems.push({ path: [...at, 'inputs', input], message: `${type} evaluator "${name}": input \`${input}\`: ${parsed.problem}` });
      else inputs[input as EvaluatorInputName] = parsed.binding;
    }
  }

  // Options sit beside the common keys, or inside an `options:` mapping.
  const options: Record<string, unknown> = {};
  const optionPaths = new Map<string, Path>();
  for (const [key, value] of Object.entries(item)) {
    if (COMMON_KEYS.includes(key)) continue;
    options[key] = value;
    optionPaths.set(key, [...at, key]);
  }
  if (item.options !== undefined && !isPlainObject(item.options)) {
    problems.push({ path: [...at, 'options'], message: `${type} evaluator "${name}": \`options\` must be a mapping` });
  } else if (isPlainObject(item.options)) {
    for (const [key, value] of Object.entries(item.options)) {
      if (optionPaths.has(key)) {
        problems.push({ path: [...at, 'options', key], message: `${type} evaluator "${name}" sets \`${key}\` twice (beside \`type\` and under \`options\`)` });
        continue;
      }
      options[key] = value;
      optionPaths.set(key, [...at, 'options', key]);
    }
  }

  const spec: EvaluatorSpec = {
    name,
    type,
    threshold: item.threshold === undefined ? def.default_threshold : (item.threshold as number),
    weight: item.weight === undefined ? 1 : (item.weight as number),
    inputs: withDefaultInputs(type, inputs),
    options,
  };

  for (const problem of checkEvaluatorSpec(spec)) {
    if (problem.path[0] === 'name') continue; // reported above with the YAML's wording
    problems.push({ path: yamlPath(problem.path, at, optionPaths, writtenInputs, item.inputs !== undefined), message: problem.message });
  }
  if (!isShare(spec.threshold)) spec.threshold = def.default_threshold;
  if (typeof spec.weight !== 'number' || !Number.isFinite(spec.weight) || spec.weight <= 0) spec.weight = 1;
  return spec;
}

/** A spec-relative problem path → where the YAML wrote (or would write) that thing. */
function yamlPath(path: readonly (string | number)[], at: Path, optionPaths: Map<string, Path>, writtenInputs: Set<string>, hasInputs: boolean): Path {
  const [head, key] = path;
  if (head === 'options') {
    if (typeof key === 'string' && optionPaths.has(key)) return optionPaths.get(key)!;
    return at;
  }
  if (head === 'inputs') {
    if (typeof key === 'string' && writtenInputs.has(key)) return [...at, 'inputs', key];
    return hasInputs ? [...at, 'inputs'] : at;
  }
  return [...at, ...path];
}

function normalizeGate(raw: Record<string, unknown>, problems: EvaluateProblem[], warnings: EvaluateProblem[]): GateSpec {
  let quality_gate: QualityGate = 'all_pass';
  if (raw.quality_gate !== undefined) {
    if (typeof raw.quality_gate === 'string' && (QUALITY_GATES as readonly string[]).includes(raw.quality_gate)) {
      quality_gate = raw.quality_gate as QualityGate;
    } else {
      const hint = typeof raw.quality_gate === 'string' ? didYouMean(raw.quality_gate, QUALITY_GATES) : '';
      problems.push({ path: ['quality_gate'], message: `unknown quality_gate ${JSON.stringify(raw.quality_gate)}${hint}; accepted: ${QUALITY_GATES.join(', ')}` });
    }
  }
  const gate: GateSpec = { quality_gate };

  if (raw.threshold !== undefined && !isShare(raw.threshold)) {
    problems.push({ path: ['threshold'], message: `\`threshold\` is ${JSON.stringify(raw.threshold)}; the weighted gate's threshold is a score in [0, 1]` });
  } else if (quality_gate === 'weighted') {
    if (raw.threshold === undefined) problems.push({ path: ['quality_gate'], message: 'quality_gate `weighted` needs a `threshold` in [0, 1] for the weighted average' });
    else gate.threshold = raw.threshold as number;
  } else if (raw.threshold !== undefined) {
    warnings.push({
      path: ['threshold'],
      message: `\`threshold\` is only used by quality_gate \`weighted\`; under \`${quality_gate}\` each evaluator's own \`threshold\` applies`,
    });
  }

  if (raw.batch_threshold !== undefined) {
    if (isShare(raw.batch_threshold)) gate.batch_threshold = raw.batch_threshold;
    else problems.push({ path: ['batch_threshold'], message: `\`batch_threshold\` is ${JSON.stringify(raw.batch_threshold)}; it is a share of rows in [0, 1] (e.g. 0.95 for 95%)` });
  }
  return gate;
}

function normalizeOnFailure(
  raw: Record<string, unknown>,
  problems: EvaluateProblem[],
  warnings: EvaluateProblem[],
): { on_failure: OnFailure; fallback_model?: string } {
  let on_failure: OnFailure = 'quarantine';
  if (raw.on_failure !== undefined) {
    if (typeof raw.on_failure === 'string' && (ON_FAILURE as readonly string[]).includes(raw.on_failure)) on_failure = raw.on_failure as OnFailure;
    else {
      const hint = typeof raw.on_failure === 'string' ? didYouMean(raw.on_failure, ON_FAILURE) : '';
      problems.push({ path: ['on_failure'], message: `unknown on_failure ${JSON.stringify(raw.on_failure)}${hint}; accepted: ${ON_FAILURE.join(', ')}` });
    }
  }
  let fallback_model: string | undefined;
  if (raw.fallback_model !== undefined) {
    if (typeof raw.fallback_model === 'string' && raw.fallback_model.trim() !== '') fallback_model = raw.fallback_model;
    else problems.push({ path: ['fallback_model'], message: '`fallback_model` must be a model name' });
  }
  if (on_failure === 'fallback' && raw.fallback_model === undefined) {
    problems.push({ path: ['on_failure'], message: 'on_failure `fallback` needs a `fallback_model` to retry failed rows with' });
  }
  if (on_failure !== 'fallback' && fallback_model !== undefined) {
    warnings.push({ path: ['fallback_model'], message: `\`fallback_model\` is only used with on_failure \`fallback\`; on_failure is \`${on_failure}\`` });
  }
  return { on_failure, ...(fallback_model !== undefined ? { fallback_model } : {}) };
}

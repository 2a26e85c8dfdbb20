/** Input bindings: parsing the YAML strings that name them, resolving them against one row, and describing them. */
import { didYouMean } from '../diagnostics/suggest.js';
import { inputRowText, isPlainObject } from './text.js';
import type { EvaluationInput, InputBinding } from '../contracts/evaluate.js';

/** The value a binding names for this row; undefined when the field or column is absent. */
export function resolveInput(binding: InputBinding, input: EvaluationInput): unknown {
  switch (binding.from) {
    case 'output':
      return binding.field === undefined ? input.output : readPath(input.output, binding.field);
    case 'input':
      return readPath(input.input, binding.column);
    case 'input_row':
      return inputRowText(input.input);
    case 'prompt':
      return input.prompt;
    case 'literal':
      return binding.value;
  }
}

/** `obj[path]` when that key exists, else a walk along the dot-separated path (`a.b.0.c`). */
function readPath(value: unknown, path: string): unknown {
  if (isPlainObject(value) && Object.hasOwn(value, path)) return value[path];
  let current: unknown = value;
  for (const segment of path.split('.')) {
    if (Array.isArray(current) && /^\d+$/.test(segment)) current = current[Number(segment)];
    else if (isPlainObject(current) && Object.hasOwn(current, segment)) current = current[segment];
    else return undefined;
  }
  return current;
}

export type ParsedBinding = { binding: InputBinding } | { problem: string };

const BINDING_FORMS = '`output`, `output.<field>`, `input`, `input.<column>`, `prompt` or `{ value: <literal> }`';

/** A binding as written in YAML: `output` | `output.<field>` | `input` | `input.<column>` | `prompt` | `{ value: x }`. */
export function parseInputBinding(raw: unknown): ParsedBinding {
  if (isPlainObject(raw)) {
    const keys = Object.keys(raw);
    if (keys.length === 1 && keys[0] === 'value') return { binding: { from: 'literal', value: raw.value } };
    return { problem: `an input given as a mapping must be \`{ value: <literal> }\`; got keys ${keys.map((k) => `\`${k}\``).join(', ') || '(none)'}` };
  }
  if (typeof raw !== 'string') return { problem: `an input must be ${BINDING_FORMS}; got ${describe(raw)}` };
  const text = raw.trim();
  if (text === 'output') return { binding: { from: 'output' } };
  if (text === 'input') return { binding: { from: 'input_row' } };
  if (text === 'prompt') return { binding: { from: 'prompt' } };
  const dot = text.indexOf('.');
  const head = dot < 0 ? text : text.slice(0, dot);
  const rest = dot < 0 ? '' : text.slice(dot + 1);
  if ((head === 'output' || head === 'input') && rest === '') {
    return { problem: `\`${text}\` names no ${head === 'output' ? 'field' : 'column'}; write \`${head}.<name>\` or \`${head}\`` };
  }
  if (head === 'output') return { binding: { from: 'output', field: rest } };
  if (head === 'input') return { binding: { from: 'input', column: rest } };
  return { problem: `\`${text}\` is not an input binding${didYouMean(head, ['output', 'input', 'prompt'])}; use ${BINDING_FORMS}` };
}

/** How a binding is written in YAML, for messages and the manifest. */
export function formatInputBinding(binding: InputBinding): string {
  switch (binding.from) {
    case 'output':
      return binding.field === undefined ? 'output' : `output.${binding.field}`;
    case 'input':
      return `input.${binding.column}`;
    case 'input_row':
      return 'input';
    case 'prompt':
      return 'prompt';
    case 'literal':
      return 'a literal value';
  }
}

/** Problems in a binding built in code rather than parsed (shape only). */
export function checkInputBindingShape(binding: unknown): string | null {
  if (!isPlainObject(binding)) return 'must be an input binding object';
  switch (binding.from) {
    case 'output':
      return binding.field === undefined || (typeof binding.field === 'string' && binding.field !== '') ? null : 'has an empty output field';
    case 'input':
      return typeof binding.column === 'string' && binding.column !== '' ? null : 'names no input column';
    case 'input_row':
    case 'prompt':
      return null;
    case 'literal':
      return Object.hasOwn(binding, 'value') ? null : 'is a literal without a value';
    default:
      return `has an unknown source \`${String(binding.from)}\``;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}

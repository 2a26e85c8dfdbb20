import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { closest, listOf } from '../diagnostics/suggest.js';
import type { PromptFile } from '../parse/prompt-library.js';
import { TEMPLATE_GLOBALS } from '../template/names.js';
import { displayName } from './ids.js';
import type { KnownColumns } from './known-columns.js';
import type { LinkedNode, LinkedPrompt } from './types.js';

/**
 * The names an llm model's prompts read that would render as empty strings: a name nothing defines (LOOM046),
 * and `row.<field>` where the input's columns are known and have no such field (LOOM047). `| default(...)` and
 * `is defined` say an undefined value is intended, and are left alone.
 */
export function checkPromptNames(node: LinkedNode, columns: KnownColumns, vars: Readonly<Record<string, unknown>>): Diagnostic[] {
  const input = node.from ? columns.of(node.from) : null;
  const out: Diagnostic[] = [];
  for (const prompt of [node.prompt, node.system]) if (prompt) out.push(...checkPrompt(node, prompt, input, vars));
  return out;
}

function checkPrompt(node: LinkedNode, prompt: LinkedPrompt, input: string[] | null, vars: Readonly<Record<string, unknown>>): Diagnostic[] {
  const files: PromptFile[] = [prompt.file, ...prompt.includes];
  // An included template sees what its includer binds: the names any template of this prompt binds.
  const declared = new Set(files.flatMap((f) => f.analysis.names.declared));
  const out: Diagnostic[] = [];
  for (const file of files) {
    const names = file.analysis.names;
    for (const use of names.free) {
      if (use.guarded || declared.has(use.name) || TEMPLATE_GLOBALS.includes(use.name)) continue;
      const at = { file: file.path, line: use.line, col: use.col, endLine: use.line, endCol: use.col + use.name.length };
      out.push(error('LOOM046', `\`${use.name}\` is not defined in this template, so it would print as an empty string${suggestName(use.name, input, declared, vars)}; a template reads the input row as \`row.<column>\`, variables as \`var('name')\`, and names it binds with set, for, macro or import`, at));
    }
    if (!input || !node.from) continue;
    for (const use of names.rowFields) {
      if (use.guarded || input.includes(use.name)) continue;
      const at = { file: file.path, line: use.line, col: use.col, endLine: use.line, endCol: use.col + 4 + use.name.length };
      const near = closest(use.name, input);
      out.push(
        error(
          'LOOM047',
          `\`row.${use.name}\`: the input of \`${node.name}\` (\`${displayName(node.from)}\`) has no column \`${use.name}\`${near ? ` (did you mean \`row.${near}\`?)` : ''}; its columns: ${listOf(input, 'and')} (write \`row.${use.name} | default('')\` if it may be missing)`,
          at,
        ),
      );
    }
  }
  return out;
}

/** ` (did you mean `row.x`?)`: a column first, then a variable, then a name the template binds or a global. */
function suggestName(name: string, input: string[] | null, declared: Set<string>, vars: Readonly<Record<string, unknown>>): string {
  if (input === null || input.includes(name)) return ` (did you mean \`row.${name}\`?)`;
  if (Object.prototype.hasOwnProperty.call(vars, name)) return ` (did you mean \`var('${name}')\`?)`;
  const column = closest(name, input);
  if (column) return ` (did you mean \`row.${column}\`?)`;
  const other = closest(name, [...declared, ...TEMPLATE_GLOBALS]);
  return other ? ` (did you mean \`${other}\`?)` : '';
}

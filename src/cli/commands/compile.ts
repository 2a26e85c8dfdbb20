import { compile } from '../../api/compile.js';
import { compileOptionsOf, type CommonFlags } from '../flags.js';
import { out, printDiagnostics } from '../print.js';

/** `loom compile`: write target/manifest.json and target/compiled/. `loom validate`: the same checks, no writes. */
export async function compileCommand(flags: CommonFlags, write: boolean): Promise<number> {
  const started = performance.now();
  const outcome = await compile({ ...compileOptionsOf(flags), write });
  printDiagnostics(outcome.diagnostics, outcome.readSource);
  if (!outcome.ok) return 1;
  const nodes = Object.values(outcome.manifest!.nodes);
  const count = (kind: string) => nodes.filter((n) => n.kind === kind).length;
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  const what = `${count('sql')} sql models, ${count('llm')} llm models, ${count('source')} sources, ${count('load')} destinations`;
  if (write) out(`Compiled ${what} in ${seconds}s → ${outcome.config!.targetPath}/manifest.json`);
  else out(`Project is valid: ${what} (${seconds}s, nothing written)`);
  return 0;
}

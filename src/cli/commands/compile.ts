import { compile } from '../../api/compile.js';
import { missingKeyDiagnostics } from '../../api/key-check.js';
import { compileOptionsOf, type CommonFlags } from '../flags.js';
import { out, printDiagnostics } from '../print.js';

const NOUNS: Record<string, string> = { sql: 'sql model', llm: 'llm model', source: 'source', load: 'destination' };

/** `loom compile`: write target/manifest.json and target/compiled/. `loom validate`: the same checks, no writes. */
export async function compileCommand(flags: CommonFlags, write: boolean): Promise<number> {
  const started = performance.now();
  // Only counts and diagnostics are printed: nodes need not be kept once written.
  const outcome = await compile({ ...compileOptionsOf(flags), write, keepManifest: false });
  // validate also answers "would a build get its key?"; compile does not need one.
  const keys = write || !outcome.ok ? [] : missingKeyDiagnostics(outcome.config!, outcome.manifest!, outcome.readSource);
  printDiagnostics([...outcome.diagnostics, ...keys], outcome.readSource);
  if (!outcome.ok || keys.length) return 1;
  const count = (kind: keyof typeof outcome.counts) => {
    const n = outcome.counts[kind];
    return `${n} ${NOUNS[kind]}${n === 1 ? '' : 's'}`;
  };
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  const what = `${count('sql')}, ${count('llm')}, ${count('source')}, ${count('load')}`;
  const reused = outcome.reused ? ' (nothing changed since the last compile: manifest reused, metadata refreshed)' : '';
  if (write) out(`Compiled ${what} in ${seconds}s → ${outcome.config!.targetPath}/manifest.json${reused}`);
  else out(`Project is valid: ${what} (${seconds}s, nothing written)`);
  return 0;
}

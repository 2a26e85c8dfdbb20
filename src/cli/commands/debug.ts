import { debug } from '../../api/debug.js';
import { out, printDiagnostics } from '../print.js';

export interface DebugFlags {
  projectDir?: string;
  target?: string;
}

/** `loom debug`: one line per check, like dbt debug; exit 1 when something is broken. */
export async function debugCommand(flags: DebugFlags): Promise<number> {
  const outcome = await debug({ projectDir: flags.projectDir, target: flags.target });
  printDiagnostics(outcome.diagnostics, outcome.readSource);
  const width = Math.max(...outcome.checks.map((c) => c.label.length));
  for (const check of outcome.checks) out(`${check.label.padEnd(width)}  ${check.ok ? 'OK   ' : 'ERROR'}  ${check.value}`);
  out('');
  out(outcome.ok ? 'All checks passed.' : `${outcome.checks.filter((c) => !c.ok).length} check(s) failed.`);
  return outcome.ok ? 0 : 1;
}

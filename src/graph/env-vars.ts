import type { LinkedProject } from './types.js';

/**
 * Names of the environment variables a project's templates read, for partial parsing: their values are part
 * of what a compile depends on. null when a template computes a name at run time (then nothing can be reused).
 */
export function envVarNames(linked: LinkedProject): string[] | null {
  const names = new Set<string>();
  const analyses = [];
  for (const node of linked.nodes.values()) {
    if (node.sql) analyses.push(node.sql.analysis);
    for (const prompt of [node.prompt, node.system]) {
      if (!prompt) continue;
      analyses.push(prompt.file.analysis, ...prompt.includes.map((f) => f.analysis));
    }
  }
  for (const analysis of analyses) {
    for (const call of analysis.calls) {
      if (call.fn !== 'env_var') continue;
      if (!call.literal || typeof call.args[0] !== 'string') return null;
      names.add(call.args[0]);
    }
  }
  return [...names].sort();
}

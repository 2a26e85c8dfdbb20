import { UsageError } from '../../diagnostics/diagnostic.js';
import { compile } from '../../api/compile.js';
import { didYouMean } from '../../diagnostics/suggest.js';
import { compileOptionsOf, type CommonFlags } from '../flags.js';
import { out, printDiagnostics } from '../print.js';

const OUTPUTS = ['name', 'path', 'json', 'selector'] as const;
const RESOURCE_TYPES = ['model', 'source', 'destination'] as const;

export interface LsFlags extends CommonFlags {
  output?: string;
  resourceType?: string;
}

/** `loom ls`: the selected nodes, one per line (or JSON lines), in DAG order. Compiles but writes nothing. */
export async function lsCommand(flags: LsFlags): Promise<number> {
  const format = flags.output ?? 'selector';
  if (!OUTPUTS.includes(format as (typeof OUTPUTS)[number])) {
    throw new UsageError(`--output must be one of ${OUTPUTS.join(', ')}; got \`${format}\`${didYouMean(format, OUTPUTS)}`);
  }
  if (flags.resourceType !== undefined && !RESOURCE_TYPES.includes(String(flags.resourceType) as (typeof RESOURCE_TYPES)[number])) {
    const got = String(flags.resourceType);
    throw new UsageError(`--resource-type must be one of ${RESOURCE_TYPES.join(', ')}; got \`${got}\`${didYouMean(got, RESOURCE_TYPES)}`);
  }
  const outcome = await compile({ ...compileOptionsOf(flags), write: false });
  printDiagnostics(outcome.diagnostics, outcome.readSource);
  if (!outcome.ok) return 1;
  const manifest = outcome.manifest!;
  for (const id of outcome.selected) {
    const node = manifest.nodes[id];
    if (flags.resourceType && node.resource_type !== flags.resourceType) continue;
    if (format === 'name') out(onlyThis(node.resource_type, node.resource_type === 'source' ? node.fqn.slice(1).join('.') : node.name));
    else if (format === 'path') out(node.original_file_path);
    else if (format === 'selector') out(onlyThis(node.resource_type, node.fqn.join('.')));
    else
      out(
        JSON.stringify({
          unique_id: node.unique_id,
          name: node.name,
          resource_type: node.resource_type,
          kind: node.kind,
          original_file_path: node.original_file_path,
          tags: node.tags,
          depends_on: node.depends_on.nodes,
          relation_name: node.relation_name,
          config: node.config,
        }),
      );
  }
  return 0;
}

/**
 * A pipeline's destination has the name (and fqn) of the model it writes: it is printed as the selector that
 * picks it alone, so the two lines differ and each can be pasted back into -s.
 */
function onlyThis(resourceType: string, name: string): string {
  return resourceType === 'destination' ? `${name},resource_type:destination` : name;
}

import type { ManifestNode } from '../contracts/manifest.js';
import { UsageError } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/suggest.js';
import { runLlm } from '../exec/llm-node.js';
import { runLoad, runSource, runSql } from '../exec/run-relational.js';
import type { RunResults } from '../exec/run-results.js';
import type { NodeResult, Reporter, RunContext } from '../exec/types.js';
import { compile, type CompileOptions, type CompileOutcome } from './compile.js';
import { runSession } from './session.js';

export { quietReporter } from './session.js';

export interface BuildOptions extends CompileOptions {
  fullRefresh?: boolean;
  /** false = --no-cache. */
  cache?: boolean;
  failFast?: boolean;
  reporter?: Reporter;
  /** Recorded in loom.runs (e.g. the CLI's argv). */
  command?: string;
  args?: Record<string, unknown>;
  /** Interrupts the build (the CLI wires the first SIGINT/SIGTERM to it): the rows in flight finish, nothing new starts. */
  signal?: AbortSignal;
  /** Cuts off the requests in flight at once (the CLI's second SIGINT). */
  abortSignal?: AbortSignal;
  /** `loom run NAME`: run the nodes of the pipeline NAME, or the model NAME, instead of a selection. */
  runName?: string;
}

export interface BuildOutcome {
  compiled: CompileOutcome;
  runResults: RunResults | null;
  /** True when any selected llm model used the offline provider. */
  offline: boolean;
  /** Models answered without a known price (their cost is unknown, not zero). */
  unpricedModels: string[];
  journalRecovered: number;
}

/** compile, then run the selected nodes against the warehouse: the whole of `loom build` and `loom run`. */
export async function build(options: BuildOptions = {}): Promise<BuildOutcome> {
  const compiled = await compile(options);
  if (!compiled.ok) return { compiled, runResults: null, offline: false, unpricedModels: [], journalRecovered: 0 };
  if (options.runName !== undefined) compiled.selected = nodesNamed(options.runName, compiled);
  compiled.selected = withSourceParents(compiled.selected, compiled);
  const session = await runSession(
    compiled,
    compiled.selected,
    {
      flags: { fullRefresh: options.fullRefresh ?? false, readCache: options.cache !== false, failFast: options.failFast ?? false, threads: compiled.config!.threads },
      reporter: options.reporter,
      command: options.command ?? (options.runName ? 'run' : 'build'),
      args: options.args,
      signal: options.signal,
      abortSignal: options.abortSignal,
    },
    runNode,
  );
  return { compiled, ...session };
}

export async function runNode(node: ManifestNode, ctx: RunContext): Promise<NodeResult> {
  switch (node.kind) {
    case 'source':
      return runSource(node, ctx);
    case 'sql':
      return runSql(node, ctx);
    case 'llm':
      return runLlm(node, ctx);
    case 'load':
      return runLoad(node, ctx);
  }
}

/**
 * Sources are snapshots of files, not computations: whenever a selected node reads one, it is (re)loaded too,
 * so `loom build -s model` works on a fresh warehouse and always sees the file as it is now.
 */
export function withSourceParents(selected: readonly string[], compiled: CompileOutcome): string[] {
  const manifest = compiled.manifest!;
  const chosen = new Set(selected);
  const sources = new Set<string>();
  for (const id of selected) for (const parent of manifest.parent_map[id] ?? []) if (!chosen.has(parent) && manifest.nodes[parent]?.kind === 'source') sources.add(parent);
  return [...[...sources].sort(), ...selected];
}

/** The nodes of pipeline `name`, or the model `name`, in DAG order. */
function nodesNamed(name: string, compiled: CompileOutcome): string[] {
  const manifest = compiled.manifest!;
  const all = compiled.selected;
  const pipeline = all.filter((id) => manifest.nodes[id].pipeline === name);
  if (pipeline.length) return pipeline;
  const model = all.filter((id) => manifest.nodes[id].resource_type === 'model' && manifest.nodes[id].name === name);
  if (model.length) return model;
  const names = [...new Set(Object.values(manifest.nodes).flatMap((n) => [n.pipeline, n.resource_type === 'model' ? n.name : null]))].filter((n): n is string => !!n);
  throw new UsageError(`no pipeline or model is named \`${name}\`${didYouMean(name, names)}; \`loom ls\` lists them`);
}

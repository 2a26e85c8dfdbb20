import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { loadConfig, TargetNotFound } from '../config/load.js';
import type { ConfigOverrides, ResolvedConfig } from '../config/types.js';
import type { Manifest, ManifestMetadata, NodeKind } from '../contracts/manifest.js';
import { error, hasErrors, sortDiagnostics, UsageError, type Diagnostic } from '../diagnostics/diagnostic.js';
import { diskProblem } from '../diagnostics/disk-error.js';
import { selectNodes } from '../graph/select/index.js';
import type { LinkedProject } from '../graph/types.js';
import { readGitInfo } from '../state/git.js';
import { partialParseKey, readPartialParse, replaceMetadata, writePartialParse } from '../state/partial-parse.js';
import { readStateManifest } from '../state/previous-manifest.js';
import { checkSqlStatements, StatementCandidates } from './sql-statements.js';
import { loomVersion } from './version.js';

export interface CompileOptions extends ConfigOverrides {
  projectDir?: string;
  select?: string[];
  exclude?: string[];
  /** A folder (or file) holding the manifest.json of an earlier compile, for `state:` selectors. */
  state?: string;
  /** false: check everything, write nothing (`loom validate`). Default true. */
  write?: boolean;
  env?: Readonly<Record<string, string | undefined>>;
  /** Ignore target/partial_parse.json and compile everything (also LOOM_NO_PARTIAL_PARSE=1). */
  fullParse?: boolean;
  /**
   * false: the caller reads only counts and diagnostics (`loom compile`), so compiled nodes are written as they are
   * made and not kept; `manifest` is then read back from target/manifest.json if asked for. Default true.
   */
  keepManifest?: boolean;
}

export interface CompileOutcome {
  /** No errors were found. */
  ok: boolean;
  config: ResolvedConfig | null;
  /** The manifest (parsed from target/manifest.json on first use when the compile was served by partial parsing). */
  manifest: Manifest | null;
  /** The linked project; null when partial parsing found nothing changed. */
  linked: LinkedProject | null;
  /** Selected unique_ids in DAG order (all enabled nodes without --select). */
  selected: string[];
  /** Nodes by kind. */
  counts: Record<NodeKind, number>;
  /** True when nothing changed since the last compile and its manifest was reused. */
  reused: boolean;
  diagnostics: Diagnostic[];
  /** Text of a project file, for code frames. */
  readSource(file: string): string | undefined;
  timings: Record<string, number>;
}

const NO_COUNTS: Record<NodeKind, number> = { source: 0, sql: 0, llm: 0, load: 0 };

/** config → parse → link → compile → select → write target/: the whole of `loom compile`. */
export async function compile(options: CompileOptions = {}): Promise<CompileOutcome> {
  const projectDir = resolve(options.projectDir ?? '.');
  const env = options.env ?? process.env;
  const timings: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = Math.round((now - t) * 10) / 10;
    t = now;
  };
  const gitPromise = readGitInfo(projectDir);
  const readSource = sourceReader(projectDir);

  let loaded;
  try {
    loaded = loadConfig(projectDir, { target: options.target, vars: options.vars, threads: options.threads });
  } catch (e) {
    if (e instanceof TargetNotFound) throw new UsageError(e.message);
    throw e;
  }
  const fail = (diagnostics: Diagnostic[], config: ResolvedConfig | null = null, linked: LinkedProject | null = null): CompileOutcome => ({
    ok: false,
    config,
    manifest: null,
    linked,
    selected: [],
    counts: NO_COUNTS,
    reused: false,
    diagnostics: sortDiagnostics(diagnostics),
    readSource,
    timings,
  });
  if (!loaded.config) return fail(loaded.diagnostics);
  const config = loaded.config;
  lap('config');

  const metadata = async (): Promise<ManifestMetadata> => ({
    loom_schema_version: 'https://loom.dev/schemas/manifest/v1.json',
    loom_version: loomVersion(),
    generated_at: new Date().toISOString(),
    invocation_id: randomUUID(),
    project_name: config.name,
    target_name: config.target.name,
    git: await gitPromise,
  });

  // A config with errors (defaults stand in for its bad keys) is compiled in full, so every error is reported.
  const partialParse = !options.fullParse && !env.LOOM_NO_PARTIAL_PARSE && !hasErrors(loaded.diagnostics);
  if (partialParse) {
    const reused = await reuseManifest(projectDir, config, env, options, metadata, readSource, timings);
    lap('partial_parse');
    if (reused) return reused;
  }

  // Nothing to reuse: the full pipeline, loaded only now so an unchanged project never pays for it.
  const [{ parseProject }, { linkProject }, { compileProject }, { TargetWriter }, { envVarNames }] = await Promise.all([
    import('../parse/project.js'),
    import('../graph/link.js'),
    import('../compile/compile.js'),
    import('../compile/write-target.js'),
    import('../graph/env-vars.js'),
  ]);
  const spec = parseProject(config);
  lap('parse');
  const linked = linkProject(spec, env);
  lap('link');
  for (const [path, file] of linked.files) readSource.remember(path, file.text);
  const diagnostics = [...loaded.diagnostics, ...linked.diagnostics];
  if (hasErrors(diagnostics) && linked.order.length === 0) return fail(diagnostics, config, linked);

  const meta = await metadata();
  const writer = options.write !== false ? new TargetWriter(projectDir, config.targetPath) : null;
  const selecting = !!(options.select?.length || options.exclude?.length || options.state);
  const keep = options.keepManifest !== false || !writer || selecting;
  const statements = new StatementCandidates(writer ?? undefined);
  const compiled = compileProject(
    linked,
    { env, git: meta.git, invocationId: meta.invocation_id, generatedAt: meta.generated_at, loomVersion: meta.loom_version },
    statements,
    keep,
  );
  const { counts } = compiled;
  diagnostics.push(...compiled.diagnostics, ...(await checkSqlStatements(statements, linked)));
  lap('compile');
  if (hasErrors(diagnostics)) {
    await writer?.abandon();
    return fail(diagnostics, config, linked);
  }

  // Without selectors the selection is every enabled node: worked out only if someone asks.
  let selected = selecting ? select(compiled.manifest, options, linked.graph, diagnostics) : undefined;
  lap('select');

  if (writer) {
    try {
      const { metadataEnd, size } = await writer.finish({ parent_map: compiled.manifest.parent_map, child_map: compiled.manifest.child_map });
      const names = envVarNames(linked);
      if (partialParse && names) {
        writePartialParse(projectDir, config.targetPath, {
          version: 1,
          key: partialParseKey(config, names, env, loomVersion()),
          env_names: names,
          counts,
          warnings: diagnostics.filter((d) => d.severity === 'warning'),
          metadata_end: metadataEnd,
          manifest_size: size,
        });
      }
    } catch (e) {
      // A file where target/ should be, a read-only folder: the user's to fix, so no stack trace.
      if (!(e as NodeJS.ErrnoException).code) throw e;
      return fail([...diagnostics, error('LOOM004', `cannot write ${config.targetPath}/: ${writeProblem(projectDir, config.targetPath, e as Error)}`)], config, linked);
    }
    lap('write');
  }
  const manifestPath = resolve(projectDir, config.targetPath, 'manifest.json');
  let manifest: Manifest | undefined = keep ? compiled.manifest : undefined;
  const readManifest = () => (manifest ??= JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest);
  return {
    ok: true,
    config,
    get manifest() {
      return readManifest();
    },
    linked,
    get selected() {
      return (selected ??= select(readManifest(), options, linked.graph, []));
    },
    set selected(value: string[]) {
      selected = value;
    },
    counts,
    reused: false,
    diagnostics: sortDiagnostics(diagnostics),
    readSource,
    timings,
  };
}

/**
 * The fast path: when partial_parse.json says nothing changed since the last successful compile, keep its
 * manifest (refreshing only the metadata) instead of parsing, linking and rendering again. Returns null when
 * anything may have changed.
 */
async function reuseManifest(
  projectDir: string,
  config: ResolvedConfig,
  env: Readonly<Record<string, string | undefined>>,
  options: CompileOptions,
  metadata: () => Promise<ManifestMetadata>,
  readSource: SourceReader,
  timings: Record<string, number>,
): Promise<CompileOutcome | null> {
  const record = readPartialParse(projectDir, config.targetPath);
  const manifestPath = resolve(projectDir, config.targetPath, 'manifest.json');
  if (!record || !existsSync(manifestPath) || statSync(manifestPath).size !== record.manifest_size) return null;
  if (partialParseKey(config, record.env_names, env, loomVersion()) !== record.key) return null;
  const meta = await metadata();
  const replaced = replaceMetadata(manifestPath, record.metadata_end, meta, options.write !== false);
  if (!replaced) return null;
  if (options.write !== false && (replaced.end !== record.metadata_end || replaced.size !== record.manifest_size)) {
    writePartialParse(projectDir, config.targetPath, { ...record, metadata_end: replaced.end, manifest_size: replaced.size });
  }
  // `loom validate` writes nothing, so its manifest is the file's with the new metadata put back in.
  const readManifest = (): Manifest => {
    const parsed = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    return options.write !== false ? parsed : { ...parsed, metadata: meta };
  };
  let manifest: Manifest | undefined;
  let selected: string[] | undefined;
  const diagnostics: Diagnostic[] = [...record.warnings];
  const parse = () => (manifest ??= readManifest());
  if (options.select || options.exclude || options.state) selected = select(parse(), options, undefined, diagnostics);
  return {
    ok: true,
    config,
    get manifest() {
      return parse();
    },
    linked: null,
    get selected() {
      return (selected ??= select(parse(), options, undefined, []));
    },
    set selected(value: string[]) {
      selected = value;
    },
    counts: record.counts,
    reused: true,
    diagnostics: sortDiagnostics(diagnostics),
    readSource,
    timings,
  };
}

function select(manifest: Manifest, options: CompileOptions, graph: LinkedProject['graph'] | undefined, diagnostics: Diagnostic[]): string[] {
  const state = options.state ? readStateManifest(options.state) : null;
  const selection = selectNodes(manifest, { select: options.select, exclude: options.exclude, state }, graph);
  diagnostics.push(...selection.diagnostics);
  return selection.selected;
}

interface SourceReader {
  (file: string): string | undefined;
  remember(file: string, text: string): void;
}

function sourceReader(projectDir: string): SourceReader {
  const cache = new Map<string, string | undefined>();
  const read = ((file: string) => {
    if (!cache.has(file)) {
      try {
        cache.set(file, readFileSync(isAbsolute(file) ? file : join(projectDir, file), 'utf8'));
      } catch {
        cache.set(file, undefined);
      }
    }
    return cache.get(file);
  }) as SourceReader;
  read.remember = (file, text) => cache.set(file, text);
  return read;
}

/** Why target/ could not be written, in the user's terms when it is a file where the folder should be. */
function writeProblem(projectDir: string, targetPath: string, e: Error): string {
  try {
    if (!statSync(resolve(projectDir, targetPath)).isDirectory()) return `${targetPath} is a file, not a folder: move or delete it`;
  } catch {
    // Not there at all: the system's message says why.
  }
  const path = (e as NodeJS.ErrnoException).path;
  return (path && diskProblem(e, path)) || e.message;
}

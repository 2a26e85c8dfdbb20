import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { loadConfig, TargetNotFound } from '../config/load.js';
import type { ConfigOverrides, ResolvedConfig } from '../config/types.js';
import { compileProject } from '../compile/compile.js';
import type { Manifest } from '../compile/manifest-types.js';
import { writeTarget } from '../compile/write-target.js';
import { error, hasErrors, sortDiagnostics, UsageError, type Diagnostic } from '../diagnostics/diagnostic.js';
import { linkProject } from '../graph/link.js';
import { selectNodes } from '../graph/select/index.js';
import type { LinkedProject } from '../graph/types.js';
import { parseProject } from '../parse/project.js';
import { readGitInfo } from '../state/git.js';
import { readStateManifest } from '../state/previous-manifest.js';
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
}

export interface CompileOutcome {
  /** No errors were found. */
  ok: boolean;
  config: ResolvedConfig | null;
  manifest: Manifest | null;
  linked: LinkedProject | null;
  /** Selected unique_ids in DAG order (all enabled nodes without --select). */
  selected: string[];
  diagnostics: Diagnostic[];
  /** Text of a project file, for code frames. */
  readSource(file: string): string | undefined;
  timings: Record<string, number>;
}

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
    diagnostics: sortDiagnostics(diagnostics),
    readSource,
    timings,
  });
  if (!loaded.config) return fail(loaded.diagnostics);
  const config = loaded.config;
  lap('config');

  const spec = parseProject(config);
  lap('parse');
  const linked = linkProject(spec, env);
  lap('link');
  for (const [path, file] of linked.files) readSource.remember(path, file.text);
  const diagnostics = [...loaded.diagnostics, ...linked.diagnostics];
  if (hasErrors(diagnostics) && linked.order.length === 0) return fail(diagnostics, config, linked);

  const git = await gitPromise;
  const { manifest, diagnostics: compileDiagnostics } = compileProject(linked, {
    env,
    git,
    invocationId: randomUUID(),
    generatedAt: new Date().toISOString(),
    loomVersion: loomVersion(),
  });
  lap('compile');
  diagnostics.push(...compileDiagnostics);
  if (hasErrors(diagnostics)) return fail(diagnostics, config, linked);

  const state = options.state ? readStateManifest(options.state) : null;
  const selection = selectNodes(manifest, { select: options.select, exclude: options.exclude, state }, linked.graph);
  diagnostics.push(...selection.diagnostics);
  lap('select');

  if (options.write !== false) {
    try {
      writeTarget(projectDir, config.targetPath, manifest);
    } catch (e) {
      // A file where target/ should be, a read-only folder: the user's to fix, so no stack trace.
      if (!(e as NodeJS.ErrnoException).code) throw e;
      return fail([...diagnostics, error('LOOM004', `cannot write ${config.targetPath}/: ${(e as Error).message}`)], config, linked);
    }
    lap('write');
  }
  return {
    ok: true,
    config,
    manifest,
    linked,
    selected: selection.selected,
    diagnostics: sortDiagnostics(diagnostics),
    readSource,
    timings,
  };
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

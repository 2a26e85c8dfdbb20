import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedConfig } from '../config/types.js';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { dataFilesByName, unreadDbtFolders } from './dbt-folders.js';
import { baseName, isContextFile, isPromptFile, isSqlFile, isYaml, listFiles } from './discover.js';
import { parseModelFile } from './model-file.js';
import { parsePipelineFile } from './pipeline-file.js';
import { mergeSqlModels, sqlFileModel } from './sql-models.js';
import type { ProjectSpec, RawModel, RawModelPatch } from './types.js';
import { YamlFile } from '../base/yaml-file.js';

/** Reads every model, pipeline, prompt and context file of a project. Pure apart from reading files. */
export function parseProject(config: ResolvedConfig): ProjectSpec {
  const dir = config.projectDir;
  const spec: ProjectSpec = {
    config,
    sources: [],
    models: [],
    destinations: [],
    promptFiles: listFiles(dir, config.promptPaths, isPromptFile),
    contextFiles: new Map(),
    brokenModels: new Set(),
    brokenSources: new Set(),
    dataFiles: dataFilesByName(config),
    files: new Map(),
    diagnostics: unreadDbtFolders(config),
  };

  const patches: RawModelPatch[] = [];
  for (const path of listFiles(dir, config.modelPaths, isYaml)) {
    const file = readYaml(dir, path, spec.diagnostics);
    if (!file) continue;
    spec.files.set(path, file);
    const parsed = parseModelFile(file);
    spec.sources.push(...parsed.sources);
    spec.models.push(...parsed.models);
    patches.push(...parsed.patches);
    parsed.brokenModels.forEach((n) => spec.brokenModels.add(n));
    parsed.brokenSources.forEach(([s, t]) => spec.brokenSources.add(`${s}.${t}`));
    spec.diagnostics.push(...parsed.diagnostics);
  }
  for (const path of listFiles(dir, config.pipelinePaths, isYaml)) {
    const file = readYaml(dir, path, spec.diagnostics);
    if (!file) continue;
    spec.files.set(path, file);
    const parsed = parsePipelineFile(file);
    spec.sources.push(...parsed.sources);
    spec.models.push(...parsed.models);
    spec.destinations.push(...parsed.destinations);
    parsed.brokenModels.forEach((n) => spec.brokenModels.add(n));
    spec.diagnostics.push(...parsed.diagnostics);
  }

  const merged = mergeSqlModels(spec.models, patches, readSqlModels(dir, config.modelPaths, spec.diagnostics));
  spec.models = merged.models;
  merged.broken.forEach((n) => spec.brokenModels.add(n));
  spec.diagnostics.push(...merged.diagnostics);

  const contextPaths = listFiles(dir, config.contextPaths, isContextFile);
  for (const path of contextPaths) {
    const name = baseName(path);
    const existing = spec.contextFiles.get(name);
    if (existing) {
      spec.diagnostics.push(
        error('LOOM032', `two context files are both named \`${name}\`: ${existing} and ${path}; context('${name}') would be ambiguous, rename one`, {
          file: path,
          line: 1,
          col: 1,
        }),
      );
      continue;
    }
    spec.contextFiles.set(name, path);
  }
  return spec;
}

/** models/**\/*.sql, dbt's model files. */
function readSqlModels(dir: string, modelPaths: readonly string[], diagnostics: Diagnostic[]): RawModel[] {
  const models: RawModel[] = [];
  for (const path of listFiles(dir, modelPaths, isSqlFile)) {
    let text: string;
    try {
      text = readFileSync(join(dir, path), 'utf8');
    } catch (e) {
      diagnostics.push(error('LOOM003', `cannot read ${path}: ${(e as Error).message}`, { file: path, line: 1, col: 1 }));
      continue;
    }
    const parsed = sqlFileModel(path, text);
    models.push(parsed.model);
    diagnostics.push(...parsed.diagnostics);
  }
  return models;
}

function readYaml(dir: string, path: string, diagnostics: Diagnostic[]): YamlFile | null {
  try {
    return new YamlFile(path, readFileSync(join(dir, path), 'utf8'));
  } catch (e) {
    diagnostics.push(error('LOOM003', `cannot read ${path}: ${(e as Error).message}`, { file: path, line: 1, col: 1 }));
    return null;
  }
}

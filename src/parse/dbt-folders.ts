import type { ResolvedConfig } from '../config/types.js';
import { warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { listOf } from '../diagnostics/suggest.js';
import { baseName, listFiles } from './discover.js';

/** dbt project folders Loom has no reader for, and what to use instead. */
export const DBT_FOLDERS: Readonly<Record<string, (first: string) => string>> = {
  seeds: (first) =>
    `declare each file as a source table with \`path:\` and read it with source(): sources: [{ name: seeds, tables: [{ name: ${baseName(first)}, path: ${first} }] }], then source('seeds', '${baseName(first)}')`,
  macros: () =>
    'sql models cannot call macros; prompt macros are `{% macro %}` blocks in a template under the prompt paths, imported with `{% import "macros.njk" as m %}`',
  snapshots: () => 'Loom has no snapshots; build the table you need with a sql model',
};

/** The dbt folders a project has files in that no configured path reads, each as one warning. */
export function unreadDbtFolders(config: ResolvedConfig): Diagnostic[] {
  const read = [...config.modelPaths, ...config.pipelinePaths, ...config.promptPaths, ...config.contextPaths].map((p) => p.replace(/\/+$/, ''));
  const out: Diagnostic[] = [];
  for (const [folder, instead] of Object.entries(DBT_FOLDERS)) {
    if (read.some((path) => path === folder || path.startsWith(`${folder}/`) || folder.startsWith(`${path}/`))) continue;
    const files = listFiles(config.projectDir, [folder], () => true);
    if (!files.length) continue;
    const shown = files.length > 3 ? [...files.slice(0, 3), `${files.length - 3} more`] : files;
    out.push(
      warning(
        'LOOM018',
        `Loom does not read dbt's \`${folder}/\` folder, so ${listOf(shown, 'and')} ${files.length === 1 ? 'is' : 'are'} ignored: ${instead(files[0])}`,
        { file: files[0], line: 1, col: 1 },
      ),
    );
  }
  return out;
}

/** Every folder whose files the dbt-folder warnings list (for the partial-parse key). */
export function dbtFolderFiles(projectDir: string): string[] {
  return listFiles(projectDir, Object.keys(DBT_FOLDERS), () => true);
}

/** .csv files under seeds/, data/ and the model paths, by name: where a ref() to an undeclared file is pointed. */
export function dataFilesByName(config: ResolvedConfig): Map<string, string> {
  const files = new Map<string, string>();
  for (const path of listFiles(config.projectDir, ['seeds', 'data', ...config.modelPaths], (name) => name.endsWith('.csv'))) {
    if (!files.has(baseName(path))) files.set(baseName(path), path);
  }
  return files;
}

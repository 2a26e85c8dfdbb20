import { isAbsolute, relative, resolve, sep } from 'node:path';
import { warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { RawSourceTable } from '../parse/types.js';

export const OUTSIDE_PROJECT_CODE = 'LOOM036';

/**
 * A warning for a source file outside the project directory (an absolute path, or one that climbs out with
 * `..`): its rows are read at build time and may be sent to an LLM endpoint, and a reviewer of the project's
 * files would not see which file that is. Not an error: a shared data folder is a legitimate choice.
 */
export function outsideProjectWarning(source: RawSourceTable, projectDir: string): Diagnostic | null {
  if (source.format === 'table') return null;
  const resolved = resolve(projectDir, source.path);
  const rel = relative(projectDir, resolved);
  const climbsOut = rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
  if (!isAbsolute(source.path) && !climbsOut) return null;
  return warning(
    OUTSIDE_PROJECT_CODE,
    `source \`${source.source_name}.${source.name}\` reads ${source.path}, outside the project (${resolved}): its rows are read at build time and sent to the endpoint of every llm model that uses them. Keep data files inside the project (e.g. path: data/${source.name}.csv), or keep this warning if the file is meant to be shared`,
    source.pathOrigin.file.locate(source.pathOrigin.path),
  );
}

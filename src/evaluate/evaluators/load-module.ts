import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Imports a custom evaluator module. JavaScript is imported as it is; a TypeScript file (Node 20 cannot import
 * one) is stripped of its types with sucrase and the result imported from `<project>/.loom/evaluators/`, named
 * by its content hash so an edit is picked up. Limits: TypeScript files it imports are not compiled in turn.
 */
export async function importEvaluatorModule(file: string, projectDir: string): Promise<Record<string, unknown>> {
  if (!/\.(m|c)?ts$/i.test(file)) return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const source = readFileSync(file, 'utf8');
  const { transform } = await import('sucrase');
  const { code } = transform(source, { transforms: ['typescript'], filePath: file, disableESTransforms: true });
  const dir = join(projectDir, '.loom', 'evaluators');
  mkdirSync(dir, { recursive: true });
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 12);
  const compiled = join(dir, `${basename(file).replace(/\.(m|c)?ts$/i, '')}.${hash}.mjs`);
  writeFileSync(compiled, code);
  return (await import(pathToFileURL(compiled).href)) as Record<string, unknown>;
}

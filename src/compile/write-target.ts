import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Manifest } from './manifest-types.js';

/** Writes target/manifest.json and each node's compiled sql or prompt (plus `.system.njk` for system prompts). */
export function writeTarget(
  projectDir: string,
  targetPath: string,
  manifest: Manifest,
  only?: ReadonlySet<string>,
): { files: string[]; metadataEnd: number; size: number } {
  const files: [string, string][] = [];
  for (const node of Object.values(manifest.nodes)) {
    if (!node.compiled_path || (only && !only.has(node.unique_id))) continue;
    if (node.kind === 'llm' && node.prompt) {
      files.push([node.compiled_path, node.prompt.compiled]);
      if (node.prompt.system) files.push([node.compiled_path.replace(/\.prompt\.njk$/, '.system.njk'), node.prompt.system.compiled]);
    } else if (node.compiled_code !== null) {
      files.push([node.compiled_path, node.compiled_code]);
    }
  }
  const dirs = new Set(files.map(([path]) => dirname(join(projectDir, path))));
  dirs.add(join(projectDir, targetPath));
  for (const dir of dirs) mkdirSync(dir, { recursive: true });
  for (const [path, text] of files) writeFileSync(join(projectDir, path), text);
  // metadata is serialized first, so partial parsing can later replace it without parsing the whole file.
  const { metadata, ...rest } = manifest;
  const head = `{"metadata":${JSON.stringify(metadata)}`;
  const body = JSON.stringify(rest);
  const text = body === '{}' ? `${head}}` : `${head},${body.slice(1)}`;
  writeFileSync(join(projectDir, targetPath, 'manifest.json'), text);
  return { files: files.map(([path]) => path), metadataEnd: Buffer.byteLength(head), size: Buffer.byteLength(text) };
}

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Manifest, ManifestNode } from './manifest-types.js';

/** The compiled files of one node: its sql or prompt (plus `.system.njk` for a system prompt). */
export function compiledFiles(node: ManifestNode): [string, string][] {
  if (!node.compiled_path) return [];
  if (node.kind === 'llm' && node.prompt) {
    const files: [string, string][] = [[node.compiled_path, node.prompt.compiled]];
    if (node.prompt.system) files.push([node.compiled_path.replace(/\.prompt\.njk$/, '.system.njk'), node.prompt.system.compiled]);
    return files;
  }
  return node.compiled_code !== null ? [[node.compiled_path, node.compiled_code]] : [];
}

/** Writes target/: each node's compiled files as its node is compiled, then manifest.json once every node is done. */
export class TargetWriter {
  private readonly dirs = new Set<string>();
  private readonly paths: string[] = [];
  /** The first failure (a file where a folder should be, a read-only disk), reported by finish(). */
  private failure: unknown = null;

  constructor(
    private readonly projectDir: string,
    private readonly targetPath: string,
  ) {}

  node(node: ManifestNode): void {
    if (this.failure) return;
    try {
      for (const [path, text] of compiledFiles(node)) {
        const abs = join(this.projectDir, path);
        const dir = dirname(abs);
        if (!this.dirs.has(dir)) {
          mkdirSync(dir, { recursive: true });
          this.dirs.add(dir);
        }
        writeFileSync(abs, text);
        this.paths.push(path);
      }
    } catch (e) {
      this.failure = e;
    }
  }

  /** Nothing to stop: files are written as nodes compile. */
  async abandon(): Promise<void> {}

  /** Writes manifest.json (metadata first, so partial parsing can replace it in place later). */
  async finish(manifest: Manifest): Promise<{ files: string[]; metadataEnd: number; size: number }> {
    if (this.failure) throw this.failure;
    mkdirSync(join(this.projectDir, this.targetPath), { recursive: true });
    const { metadata, ...rest } = manifest;
    const head = `{"metadata":${JSON.stringify(metadata)}`;
    const body = JSON.stringify(rest);
    const text = body === '{}' ? `${head}}` : `${head},${body.slice(1)}`;
    writeFileSync(join(this.projectDir, this.targetPath, 'manifest.json'), text);
    return { files: this.paths, metadataEnd: Buffer.byteLength(head), size: Buffer.byteLength(text) };
  }
}

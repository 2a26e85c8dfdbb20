import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { JsonFileWriter, writeFileAtomic } from './json-file.js';
import type { Manifest, ManifestMetadata, ManifestNode } from '../contracts/manifest.js';

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

/** Files per message to the writer thread: large enough that messaging costs little, small enough to start early. */
const BATCH = 64;

/**
 * The writer thread: writes the files it is sent (`[path, text, path, text, ...]` per message), each to a
 * temporary name of its own then renamed into place (as writeFileAtomic does); on 'done' it answers with the
 * first failure (`{ message, code, path }`, or null) and waits to be terminated. Inline CommonJS so the same
 * code runs from dist/ and, under the tests, from the TypeScript sources.
 */
const WRITER_THREAD = `
const { parentPort, threadId } = require('node:worker_threads');
const { renameSync, rmSync, writeFileSync } = require('node:fs');
const tag = process.pid + '-t' + threadId + '-' + require('node:crypto').randomBytes(4).toString('hex');
let failure = null;
let n = 0;
function writeAtomic(path, text) {
  const temp = path + '.' + tag + '-' + ++n + '.tmp';
  try {
    writeFileSync(temp, text);
    renameSync(temp, path);
  } catch (e) {
    rmSync(temp, { force: true });
    if (e && e.code) e.path = path;
    throw e;
  }
}
parentPort.on('message', (message) => {
  if (message === 'done') {
    parentPort.postMessage(failure);
    return;
  }
  if (failure) return;
  try {
    for (let i = 0; i < message.length; i += 2) writeAtomic(message[i], message[i + 1]);
  } catch (e) {
    failure = { message: String(e && e.message), code: e && e.code, path: e && e.path };
  }
});`;

/**
 * Writes target/: each node's compiled files as its node is compiled (by a worker thread, so the disk works in
 * parallel with compiling) and its manifest entry at the same time, so no node has to be kept for a manifest
 * written at the end. manifest.json is put in place only once every file is written.
 */
export class TargetWriter {
  private readonly dirs = new Set<string>();
  private readonly paths: string[] = [];
  /** The first failure (a file where a folder should be, a read-only disk), reported by finish(). */
  private failure: unknown = null;
  private worker: Worker | null = null;
  /** Settles when the writer thread exits, even if that happens before anyone waits for it. */
  private workerExit: Promise<void> = Promise.resolve();
  private batch: string[] = [];
  private manifest: JsonFileWriter | null = null;
  private metadataEnd = 0;
  private nodesWritten = 0;

  constructor(
    private readonly projectDir: string,
    private readonly targetPath: string,
  ) {}

  /** Starts manifest.json (metadata first, so partial parsing can replace it in place later). */
  begin(metadata: ManifestMetadata): void {
    try {
      const dir = resolve(this.projectDir, this.targetPath);
      mkdirSync(dir, { recursive: true });
      this.manifest = new JsonFileWriter(join(dir, 'manifest.json'));
      this.manifest.write(`{"metadata":${JSON.stringify(metadata)}`);
      this.metadataEnd = this.manifest.bytes;
      this.manifest.write(',"nodes":{');
    } catch (e) {
      this.failure ??= e;
    }
  }

  node(node: ManifestNode): void {
    if (this.failure) return;
    try {
      for (const [path, text] of compiledFiles(node)) {
        const abs = resolve(this.projectDir, path);
        const dir = dirname(abs);
        if (!this.dirs.has(dir)) {
          mkdirSync(dir, { recursive: true });
          this.dirs.add(dir);
        }
        this.batch.push(abs, text);
        if (this.batch.length >= BATCH * 2) this.flush();
        this.paths.push(path);
      }
      if (this.manifest) {
        this.manifest.write(`${this.nodesWritten++ ? ',' : ''}${JSON.stringify(node.unique_id)}:`);
        this.manifest.write(JSON.stringify(node));
      }
    } catch (e) {
      this.failure = e;
    }
  }

  private flush(): void {
    if (!this.batch.length) return;
    if (!this.worker) {
      // No execArgv: flags meant for the main script (--input-type=module, a test runner's loaders) would break it.
      this.worker = new Worker(WRITER_THREAD, { eval: true, execArgv: [] });
      this.worker.on('error', (e) => (this.failure ??= e));
      const worker = this.worker;
      this.workerExit = new Promise((resolve) => worker.once('exit', () => resolve()));
      // Until drain(), the thread must not keep the process alive (a compile that throws would never exit).
      this.worker.unref();
    }
    this.worker.postMessage(this.batch);
    this.batch = [];
  }

  /** Waits for the writer thread to write everything it was sent, then stops it. */
  private async drain(): Promise<void> {
    const worker = this.worker;
    if (!worker) {
      // A small project: a thread is not worth starting for a few files.
      this.writeHere();
      return;
    }
    this.flush();
    this.worker = null;
    worker.ref();
    const answer = new Promise<{ message: string; code?: string; path?: string } | null>((resolve) => worker.once('message', resolve));
    worker.postMessage('done');
    const failure = await Promise.race([answer, this.workerExit.then(() => null)]);
    await worker.terminate();
    if (failure) this.failure ??= Object.assign(new Error(failure.message), { code: failure.code, path: failure.path });
  }

  private writeHere(): void {
    try {
      for (let i = 0; i < this.batch.length; i += 2) writeFileAtomic(this.batch[i]!, this.batch[i + 1]!);
    } catch (e) {
      this.failure ??= e;
    }
    this.batch = [];
  }

  /** Stops writing; the files already written stay (the next compile overwrites them), manifest.json is not touched. */
  async abandon(): Promise<void> {
    this.batch = [];
    await this.drain();
    this.manifest?.abandon();
    this.manifest = null;
  }

  /** Ends manifest.json with the maps, waits for every compiled file, and puts the manifest in place. */
  async finish(maps: Pick<Manifest, 'parent_map' | 'child_map'>): Promise<{ files: string[]; metadataEnd: number; size: number }> {
    if (this.worker) this.flush();
    const out = this.manifest;
    try {
      if (!out && !this.failure) throw new Error('TargetWriter.finish() before begin()');
      if (out && !this.failure) {
        out.write('}');
        for (const [key, value] of Object.entries(maps)) {
          out.write(`,${JSON.stringify(key)}:`);
          out.writeValue(value);
        }
        out.write('}');
      }
    } catch (e) {
      this.failure ??= e;
    }
    await this.drain();
    this.manifest = null;
    if (this.failure) {
      out?.abandon();
      throw this.failure;
    }
    const size = out!.bytes;
    out!.commit();
    return { files: this.paths, metadataEnd: this.metadataEnd, size };
  }
}

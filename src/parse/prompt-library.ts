import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeTemplate, type TemplateAnalysis } from '../template/analyze.js';
import { PROMPT_EXTENSIONS } from './discover.js';

export interface PromptFile {
  /** Project-relative path. */
  path: string;
  text: string;
  analysis: TemplateAnalysis;
}

/**
 * The project's prompt templates: resolves what a model writes in `prompt:` (a name like `classify_sentiment`
 * or a path like `prompts/classify_sentiment.txt`) and what templates include, and reads each file once.
 */
export class PromptLibrary {
  private readonly byKey = new Map<string, string>();
  private readonly cache = new Map<string, PromptFile | null>();

  constructor(
    private readonly projectDir: string,
    promptDirs: readonly string[],
    readonly files: readonly string[],
  ) {
    for (const path of files) {
      this.byKey.set(path, path);
      for (const dir of promptDirs) {
        const prefix = `${dir.replace(/\/+$/, '')}/`;
        if (!path.startsWith(prefix)) continue;
        const inDir = path.slice(prefix.length);
        if (!this.byKey.has(inDir)) this.byKey.set(inDir, path);
        const ext = PROMPT_EXTENSIONS.find((e) => inDir.endsWith(e));
        const bare = ext ? inDir.slice(0, -ext.length) : inDir;
        const current = this.byKey.get(bare);
        // Two files with one name (x.njk, x.txt): the earlier extension in PROMPT_EXTENSIONS wins.
        if (!current || rank(path) < rank(current)) this.byKey.set(bare, path);
      }
    }
  }

  /** Project-relative path of the template `ref` names, or undefined. */
  resolve(ref: string): string | undefined {
    const key = ref.replace(/^\.\//, '');
    return this.byKey.get(key);
  }

  /** Names a user could have meant, for "did you mean". */
  names(): string[] {
    return [...this.byKey.keys()];
  }

  read(path: string): PromptFile | null {
    let file = this.cache.get(path);
    if (file === undefined) {
      try {
        const text = readFileSync(join(this.projectDir, path), 'utf8');
        file = { path, text, analysis: analyzeTemplate(text) };
      } catch {
        file = null;
      }
      this.cache.set(path, file);
    }
    return file;
  }
}

function rank(path: string): number {
  const i = PROMPT_EXTENSIONS.findIndex((e) => path.endsWith(e));
  return i === -1 ? PROMPT_EXTENSIONS.length : i;
}

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

const distRoot = new URL('../../dist/', import.meta.url);

/** Absolute path of a file under dist/ (e.g. `llm/index.js`). */
export function distFile(relative: string): string {
  return fileURLToPath(new URL(relative, distRoot));
}

export type DistVerdict = { action: 'run' } | { action: 'skip' | 'fail'; message: string };

/**
 * Whether a suite that needs the built dist/ runs. Without the build it is skipped on a developer's machine
 * (`npx vitest run` straight after an edit), but in CI (`CI` set) it fails: a suite that silently skips there
 * proves nothing. `npm test` builds first, so there it always runs.
 */
export function distVerdict(needs: readonly string[], env: NodeJS.ProcessEnv = process.env, exists: (path: string) => boolean = existsSync): DistVerdict {
  const missing = needs.filter((file) => !exists(distFile(file)));
  if (missing.length === 0) return { action: 'run' };
  const message = `dist/ missing (${missing.map((f) => `dist/${f}`).join(', ')}): run npm run build`;
  return { action: env.CI ? 'fail' : 'skip', message };
}

/** `describe` for a suite that runs against dist/: runs, skips, or fails loudly as distVerdict says. */
export function describeWithDist(needs: readonly string[], name: string, body: () => void): void {
  const verdict = distVerdict(needs);
  if (verdict.action === 'run') {
    describe(name, body);
    return;
  }
  if (verdict.action === 'skip') {
    describe.skip(`${name} (${verdict.message})`, body);
    return;
  }
  const { message } = verdict;
  describe(name, () => {
    it('has the build it needs', () => {
      throw new Error(message);
    });
  });
}

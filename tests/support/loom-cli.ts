import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './fixture-projects.js';

/** The built binary the e2e tests spawn (`npm test` builds dist/ first). */
export const LOOM_BIN = join(REPO_ROOT, 'bin', 'loom.js');

export interface LoomRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/loom.js ...args` in `cwd` without a shell, colors off; never rejects. */
export function runLoom(args: readonly string[], options: { cwd: string; env?: Record<string, string | undefined> }): Promise<LoomRun> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...options.env };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return new Promise((resolve) => {
    execFile(process.execPath, [LOOM_BIN, ...args], { cwd: options.cwd, env: env as NodeJS.ProcessEnv, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** Lines that look like a JavaScript stack frame: a user's mistake must never print one. */
export function stackFrames(text: string): string[] {
  return text.split('\n').filter((line) => /^\s+at\s/.test(line));
}

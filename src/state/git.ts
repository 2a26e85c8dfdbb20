import { simpleGit } from 'simple-git';
import type { GitInfo } from '../compile/manifest-types.js';

/** Commit, branch and dirty flag of the repository holding `dir`; null outside a git repository. */
export async function readGitInfo(dir: string): Promise<GitInfo | null> {
  try {
    const git = simpleGit({ baseDir: dir, maxConcurrentProcesses: 3 });
    if (!(await git.checkIsRepo())) return null;
    const [commit, status] = await Promise.all([git.revparse(['HEAD']).then((s) => s.trim(), () => null), git.status()]);
    return { commit, branch: status.current ?? null, dirty: !status.isClean() };
  } catch {
    return null;
  }
}

import { error, UserError } from './diagnostic.js';

/** What a failed write's errno means to a user, for the errors that are theirs to fix (the disk, not Loom). */
const DISK_PROBLEMS: Record<string, string> = {
  ENOSPC: 'no space left on',
  EDQUOT: 'disk quota exceeded on',
  EACCES: 'no permission to write',
  EPERM: 'no permission to write',
  EROFS: 'read-only file system at',
};

/** "no space left on <path>" for a disk-side write failure; null for anything else (a bug, to be reported as one). */
export function diskProblem(e: unknown, path: string): string | null {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  const problem = code ? DISK_PROBLEMS[code] : undefined;
  return problem ? `${problem} ${path} (${code})` : null;
}

/** A UserError (exit 1, no stack trace) for a disk-side write failure; the error itself otherwise. */
export function asDiskError(e: unknown, path: string, code: string, what: string): unknown {
  const problem = diskProblem(e, path);
  return problem ? new UserError(error(code, `${what}: ${problem}`)) : e;
}

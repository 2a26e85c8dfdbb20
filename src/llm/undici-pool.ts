import type { Pool } from 'undici';

let loading: Promise<typeof Pool> | null = null;

/**
 * undici's Pool, from the package's public exports. It is imported when the first transport is built rather than
 * when this module loads, so commands that send nothing (compile, ls, docs) do not pay for loading undici.
 */
export function loadPool(): Promise<typeof Pool> {
  loading ??= import('undici').then((undici) => undici.Pool);
  return loading;
}

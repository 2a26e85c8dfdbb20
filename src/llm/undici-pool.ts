import { createRequire } from 'node:module';
import type { Pool } from 'undici';

let loading: Promise<typeof Pool> | null = null;

/**
 * undici's Pool, with the `request` method the direct transport calls. It is loaded from the three modules it
 * needs rather than from the package's index, which also loads fetch, WebSocket, caches, proxies and mocks:
 * about 45 ms of CPU at the start of a run instead of about 135 ms. If undici's layout ever changes, the
 * package's index is loaded instead (tests/unit/llm/undici-pool.test.ts notices which one was used).
 */
export function loadPool(): Promise<typeof Pool> {
  loading ??= Promise.resolve()
    .then(poolFromItsModules)
    .catch(async () => (await import('undici')).Pool);
  return loading;
}

function poolFromItsModules(): typeof Pool {
  const require = createRequire(import.meta.url);
  const PoolClass = require('undici/lib/dispatcher/pool.js') as typeof Pool;
  const Dispatcher = require('undici/lib/dispatcher/dispatcher.js') as { prototype: Record<string, unknown> } & (new () => unknown);
  const request = require('undici/lib/api/api-request.js') as unknown;
  if (typeof PoolClass !== 'function' || typeof Dispatcher !== 'function' || typeof request !== 'function' || !(PoolClass.prototype instanceof Dispatcher)) {
    throw new Error("undici's modules are not where they were");
  }
  // What undici's index does for every dispatcher (Object.assign(Dispatcher.prototype, api)), for this one method.
  Dispatcher.prototype.request ??= request;
  return PoolClass;
}

import { createRequire } from 'node:module';
import type NunjucksModule from 'nunjucks';

let loaded: typeof NunjucksModule | undefined;

/**
 * nunjucks, loaded on first use (~50 ms): a project whose templates the scanner reads (simple.ts) compiles
 * without it, and a build with nothing to send never renders a prompt.
 */
export function nunjucks(): typeof NunjucksModule {
  loaded ??= createRequire(import.meta.url)('nunjucks') as typeof NunjucksModule;
  return loaded;
}

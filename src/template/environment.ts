import type { Environment } from 'nunjucks';
import { join } from 'node:path';
import { nunjucks } from './nunjucks.js';

/** The values compile-time functions resolve to. Built by compile (from the linked project) and by build. */
export interface TemplateResolvers {
  ref(name: string): string;
  source(source: string, table: string): string;
  var(name: string, fallback?: unknown): unknown;
  env_var(name: string, fallback?: unknown): unknown;
  context(name: string): string;
}

/** Thrown by a resolver when a template asks for something that does not exist (shown as a render error). */
export class TemplateLookupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateLookupError';
  }
}

/**
 * A nunjucks environment for prompt and sql templates: no HTML autoescaping (prompts are not HTML), templates
 * loaded from the project's prompt folders, and ref/source/var/env_var/context as globals.
 */
export function createTemplateEnvironment(projectDir: string, promptPaths: readonly string[], resolvers: TemplateResolvers): Environment {
  const loader = new (nunjucks().FileSystemLoader)(
    promptPaths.map((p) => join(projectDir, p)),
    { noCache: true },
  );
  const env = new (nunjucks().Environment)(loader, { autoescape: false, throwOnUndefined: false, trimBlocks: false, lstripBlocks: false });
  env.addGlobal('ref', (name: string) => resolvers.ref(name));
  env.addGlobal('source', (s: string, t: string) => resolvers.source(s, t));
  env.addGlobal('var', (name: string, fallback?: unknown) => resolvers.var(name, fallback));
  env.addGlobal('env_var', (name: string, fallback?: unknown) => resolvers.env_var(name, fallback));
  env.addGlobal('context', (name: string) => resolvers.context(name));
  env.addFilter('tojson', (value: unknown, indent?: number) => JSON.stringify(value, null, indent));
  return env;
}

/** How nunjucks prints a value in `{{ }}`. */
export function printed(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}

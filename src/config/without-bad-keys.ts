import type { SchemaProblem } from '../schemas/diagnose.js';
import type { YamlPath } from '../base/yaml-file.js';

/**
 * A copy of loom_project.yml's value with every key or value a schema problem is about left out, so the rest of
 * the project can still be checked with defaults in their place (all errors in one pass). Null when a problem is
 * about the file as a whole (a missing `name`), which leaves nothing to fall back on.
 */
export function withoutBadKeys(value: Record<string, unknown>, problems: readonly SchemaProblem[]): Record<string, unknown> | null {
  const copy = structuredClone(value);
  const drops = problems.map((p) => (p.key === undefined ? p.path : [...p.path, p.key]));
  if (drops.some((path) => path.length === 0)) return null;
  // Deepest first, and list items from the end, so one removal never shifts the path of another.
  drops.sort((a, b) => b.length - a.length || compareLast(b, a));
  for (const path of drops) drop(copy, path);
  return copy;
}

function compareLast(a: YamlPath, b: YamlPath): number {
  const x = a[a.length - 1];
  const y = b[b.length - 1];
  return typeof x === 'number' && typeof y === 'number' ? x - y : 0;
}

function drop(root: unknown, path: YamlPath): void {
  let parent: unknown = root;
  for (const segment of path.slice(0, -1)) {
    if (!parent || typeof parent !== 'object') return;
    parent = (parent as Record<string | number, unknown>)[segment];
  }
  const last = path[path.length - 1];
  if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
  else if (parent && typeof parent === 'object') delete (parent as Record<string | number, unknown>)[last];
}

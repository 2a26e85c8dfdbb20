/**
 * Glob patterns as dbt's selector methods use them (Python's fnmatch): `*` any run of characters, `?` one
 * character, `[abc]` / `[!abc]` a character class. Path globs differ only in that `*` and `?` stop at `/` and
 * `**` crosses folders, like pathlib's glob that dbt's `path:` method uses.
 */
export type StringMatcher = (candidate: string) => boolean;

const GLOB_CHARACTERS = /[*?[]/;

export function hasGlob(pattern: string): boolean {
  return GLOB_CHARACTERS.test(pattern);
}

/** A matcher for `pattern`: plain equality when it has no wildcard, a compiled RegExp otherwise. */
export function globMatcher(pattern: string, options: { path?: boolean } = {}): StringMatcher {
  if (!hasGlob(pattern)) return (candidate) => candidate === pattern;
  const regex = globToRegExp(pattern, options.path === true);
  return (candidate) => regex.test(candidate);
}

function globToRegExp(pattern: string, path: boolean): RegExp {
  const any = path ? '[^/]*' : '.*';
  const one = path ? '[^/]' : '.';
  let source = '';
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === '*') {
      if (path && pattern[i + 1] === '*') {
        // `**/` may also match no folder at all: `models/**/x.yml` matches `models/x.yml`.
        if (pattern[i + 2] === '/') {
          source += '(?:.*/)?';
          i += 3;
        } else {
          source += '.*';
          i += 2;
        }
        continue;
      }
      source += any;
      i += 1;
    } else if (ch === '?') {
      source += one;
      i += 1;
    } else if (ch === '[') {
      const end = classEnd(pattern, i);
      if (end === -1) {
        source += '\\[';
        i += 1;
      } else {
        source += characterClass(pattern.slice(i + 1, end));
        i = end + 1;
      }
    } else {
      source += escapeRegExp(ch);
      i += 1;
    }
  }
  return new RegExp(`^${source}$`, 's');
}

/** Index of the `]` closing the class opened at `start`, or -1 (then `[` is a literal, as in fnmatch). */
function classEnd(pattern: string, start: number): number {
  let j = start + 1;
  if (pattern[j] === '!') j += 1;
  if (pattern[j] === ']') j += 1;
  while (j < pattern.length && pattern[j] !== ']') j += 1;
  return j < pattern.length ? j : -1;
}

function characterClass(body: string): string {
  let negate = false;
  if (body.startsWith('!')) {
    negate = true;
    body = body.slice(1);
  }
  const escaped = body.replace(/[\\\]^[]/g, (c) => `\\${c}`);
  return `[${negate ? '^' : ''}${escaped}]`;
}

function escapeRegExp(ch: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(ch) ? `\\${ch}` : ch;
}

import { closest } from '../../diagnostics/suggest.js';

/**
 * The candidate a selector typo most likely meant: the shared edit-distance rule from diagnostics/suggest.ts,
 * plus one swap of adjacent letters (`kidn` → `kind`, `modle` → `model`), which plain edit distance counts as
 * two edits and so rejects for short words.
 */
export function meantFor(word: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates];
  return closest(word, list) ?? list.find((candidate) => isOneSwapApart(word.toLowerCase(), candidate.toLowerCase()));
}

/** ` (did you mean `x`?)` or the empty string, worded like diagnostics/suggest.ts's didYouMean. */
export function didYouMeanSelector(word: string, candidates: Iterable<string>): string {
  const meant = meantFor(word, candidates);
  return meant === undefined ? '' : ` (did you mean \`${meant}\`?)`;
}

function isOneSwapApart(a: string, b: string): boolean {
  if (a.length !== b.length || a === b) return false;
  let first = -1;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    if (first !== -1) return i === first + 1 && a[first] === b[i] && a[i] === b[first] && a.slice(i + 1) === b.slice(i + 1);
    first = i;
  }
  return false;
}

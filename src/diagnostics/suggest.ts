import { distance } from 'fastest-levenshtein';

/**
 * The closest candidate to `word`, if it is close enough to be a plausible typo.
 * Threshold: at most a third of the longer word's length, and never more than 4 edits. Swapping two
 * neighbouring letters (`lable` for `label`) counts as one edit, as it is one slip of the fingers.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = word.toLowerCase();
  for (const candidate of candidates) {
    const other = candidate.toLowerCase();
    let d = distance(lower, other);
    if (d > 1 && d <= 2 * MAX_EDITS) d = Math.min(d, editsWithSwaps(lower, other));
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.min(MAX_EDITS, Math.max(1, Math.floor(Math.max(word.length, best.length) / 3)));
  return bestDistance <= limit ? best : undefined;
}

const MAX_EDITS = 4;

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of adjacent characters. */
function editsWithSwaps(a: string, b: string): number {
  let prevPrev: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prevPrev[j - 2] + 1);
      row.push(d);
    }
    prevPrev = prev;
    prev = row;
  }
  return prev[b.length];
}

/** ` (did you mean `x`?)` or the empty string. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const match = closest(word, candidates);
  return match === undefined ? '' : ` (did you mean \`${match}\`?)`;
}

/** `a`, `b` or `c` — for "accepted values are ..." messages. */
export function listOf(values: readonly unknown[], conjunction = 'or'): string {
  const shown = values.map((v) => `\`${String(v)}\``);
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} ${conjunction} ${shown[shown.length - 1]}`;
}

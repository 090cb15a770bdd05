/** Small helpers for the sentences every front prints: counts with their noun, and "did you mean". */

/** "1 finding", "3 findings"; `many` for irregular plurals ("entries"). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Edit distance (insertions, deletions, substitutions, and swaps of two neighbours), giving up above `limit`. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur.push(d);
      best = Math.min(best, d);
    }
    if (best > limit) return limit + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The candidate closest to `word` (case-insensitive), when it is close enough to be a typo:
 * at most a third of the word's length away (at least 1, at most 4), the word is the
 * candidate's last segment (`weak-protocol` for `nginx/weak-protocol`), or, from four
 * characters on, its beginning (`hstsMinAge` for `hstsMinAgeSeconds`). Undefined otherwise.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  const limit = Math.min(4, Math.max(1, Math.floor(w.length / 3)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const lc = c.toLowerCase();
    if (lc === w) return c;
    const d = lc.endsWith('/' + w) || (w.length >= 4 && lc.startsWith(w)) ? 1 : editDistance(w, lc, limit);
    if (d <= limit && d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** ` (did you mean "x"?)` for a close candidate, else an empty string. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const c = closest(word, candidates);
  return c === undefined ? '' : ` (did you mean "${c}"?)`;
}

/** "1 error, 2 warnings, 0 notes" (info and hint count as notes), as the text reports and the editor summarise. */
export function severityCounts(c: { error: number; warning: number; info: number; hint: number }): string {
  return [plural(c.error, 'error'), plural(c.warning, 'warning'), plural(c.info + c.hint, 'note')].join(', ');
}

/**
 * "Did you mean …?": the closest known name to a misspelt one. Distance is the
 * optimal-string-alignment edit distance (Levenshtein plus adjacent swaps), taken
 * after folding case and separators, so `checkInterval`, `check-interval` and
 * `check_intreval` all find `check_interval`. A unique prefix also counts
 * ("expo" → "exponential"). Knows nothing of schemas or files.
 */

/** Edit distance with adjacent transpositions (each edit costs 1). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d = new Uint16Array(rows * cols);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[(i - 2) * cols + j - 2]! + 1);
      d[i * cols + j] = best;
    }
  }
  return d[rows * cols - 1]!;
}

const fold = (s: string) => s.toLowerCase().replace(/[-_\s.]/g, '');

/** Longer names tolerate more typos; a one-letter name tolerates none. */
function tolerance(length: number): number {
  return length <= 2 ? 0 : length <= 5 ? 1 : length <= 9 ? 2 : 3;
}

/**
 * The known name closest to `input`, or undefined when none is close enough.
 * Ties go to the earlier candidate, so callers list the likelier names first.
 */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  if (input.length > 64) return undefined;
  const folded = fold(input);
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    if (candidate === input) continue;
    const d = editDistance(folded, fold(candidate));
    if (d < bestDistance && d <= tolerance(Math.max(folded.length, fold(candidate).length))) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (best !== undefined) return best;
  if (folded.length >= 2) {
    const prefixed = candidates.filter((c) => fold(c).startsWith(folded));
    if (prefixed.length === 1) return prefixed[0];
  }
  return undefined;
}

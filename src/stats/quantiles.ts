/**
 * Sample quantiles, their distribution-free confidence intervals, and the one-line
 * summary (count, mean, min, p50, p90, p99, max) that reports print. Everything takes a
 * `SortedSamples`, so a sort happens once per sample set and cannot be forgotten.
 */
import { binomialWindow } from './binomial.js';
import { assertConfidence, type Interval } from './interval.js';
import { assertAllFinite, meanOf } from './numeric.js';

declare const sortedSamplesBrand: unique symbol;

/**
 * Finite values in ascending numeric order. Only `sortSamples` makes one; treat it as
 * read-only (a typed array cannot be frozen), since mutating it breaks the ordering every
 * function here relies on.
 */
export type SortedSamples = Float64Array & { readonly [sortedSamplesBrand]: true };

/**
 * Copies and sorts numerically. Non-finite values are refused: a never-detected failure
 * or other censored observation is not a latency, and must be counted separately rather
 * than folded into quantiles as Infinity.
 */
export function sortSamples(values: ArrayLike<number>): SortedSamples {
  assertAllFinite(values, 'values');
  // Float64Array#sort compares numerically (Array#sort would compare strings).
  return Float64Array.from(values).sort() as SortedSamples;
}

function assertProbability(p: number): void {
  if (!(p >= 0 && p <= 1)) {
    throw new RangeError(`p must lie in [0, 1], got ${p}`);
  }
}

/** a + t·(b − a) for a ≤ b, 0 ≤ t ≤ 1: monotone in t and never outside [a, b]. */
function interpolate(a: number, b: number, t: number): number {
  if (t === 0 || a === b) return a;
  const width = b - a;
  // b − a overflows only for samples near ±1.8e308; halving first is exact there.
  const value = Number.isFinite(width) ? a + t * width : 2 * (a / 2 + t * (b / 2 - a / 2));
  return Math.min(Math.max(value, a), b);
}

/**
 * The p-quantile by Hyndman & Fan (1996) definition 7, the default of R's quantile(),
 * numpy.quantile and Excel's PERCENTILE.INC: with h = (n − 1)·p (0-based),
 * Q(p) = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋ + 1] − x[⌊h⌋]). It is continuous and monotone in p,
 * gives the minimum at p = 0 and the maximum at p = 1. null for no samples.
 */
export function quantile(sorted: SortedSamples, p: number): number | null {
  assertProbability(p);
  const n = sorted.length;
  if (n === 0) return null;
  const h = (n - 1) * p;
  const below = Math.floor(h);
  const lower = sorted[below] as number;
  if (below >= n - 1) return lower;
  return interpolate(lower, sorted[below + 1] as number, h - below);
}

/** Ranks chosen for an order-statistic interval, as 0-based indices into the sorted samples. */
export interface QuantileIntervalRanks {
  readonly lowIndex: number;
  readonly highIndex: number;
  /** P(x[lowIndex] ≤ ξ_p < x[highIndex]) for any continuous distribution: ≥ confidence. */
  readonly coverage: number;
}

/** Probabilities closer than this are treated as equal when breaking ties between rank pairs. */
const TIE_TOLERANCE = 1e-12;

/**
 * The order statistics (1-based ranks l < u) bracketing the p-quantile ξ_p with
 * probability ≥ confidence, whatever the (continuous) distribution: the number B of
 * samples below ξ_p is Binomial(n, p), and x(l) ≤ ξ_p < x(u) exactly when l ≤ B < u.
 * Among pairs that reach the confidence the narrowest in rank (u − l) is chosen, then
 * the one whose two tails P(B < l) and P(B ≥ u) are most nearly equal, then the one
 * with higher coverage, then the lower l. null when no pair reaches the confidence
 * (n too small: e.g. n < 6 for the median or n < 59 for p = 0.95 at 95 %), and for
 * p = 0 or 1, which no finite sample can bracket.
 */
export function quantileIntervalRanks(n: number, p: number, confidence = 0.95): QuantileIntervalRanks | null {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`n must be a non-negative whole number, got ${n}`);
  }
  assertProbability(p);
  assertConfidence(confidence);
  if (n < 2 || p === 0 || p === 1) return null;
  const key = `${n}/${p}/${confidence}`;
  let ranks = chosenRanks.get(key);
  if (ranks === undefined) {
    ranks = chooseRanks(n, p, confidence);
    if (chosenRanks.size >= CHOSEN_CAP) chosenRanks.clear();
    chosenRanks.set(key, ranks);
  }
  return ranks === null ? null : { ...ranks };
}

/**
 * Ranks already chosen, by (n, p, confidence): a results file asks for the same ones
 * again and again (each cell's p99 of detection and of detection-to-dead, over the same
 * crashes; cells with equal counts). A pure function of its key, so the cache changes no
 * result. Bounded: cleared when full.
 */
const chosenRanks = new Map<string, QuantileIntervalRanks | null>();
const CHOSEN_CAP = 4096;

function chooseRanks(n: number, p: number, confidence: number): QuantileIntervalRanks | null {
  const { start, probabilities } = binomialWindow(n, p);
  const size = probabilities.length;
  // lowerTail[i] = P(B < start + i); upperTail[i] = P(B ≥ start + i). Each tail is
  // accumulated from its own small end so that small tails keep full relative precision.
  const lowerTail = new Float64Array(size + 1);
  for (let i = 0; i < size; i++) lowerTail[i + 1] = (lowerTail[i] as number) + (probabilities[i] as number);
  const upperTail = new Float64Array(size + 1);
  for (let i = size - 1; i >= 0; i--) upperTail[i] = (upperTail[i + 1] as number) + (probabilities[i] as number);
  const below = (rank: number): number => (rank <= start ? 0 : (lowerTail[Math.min(rank - start, size)] as number));
  const atOrAbove = (rank: number): number =>
    rank - start >= size ? 0 : (upperTail[Math.max(rank - start, 0)] as number);

  // Ranks outside the window carry no representable mass, so moving an end into the
  // window never loses coverage and always narrows: only windowed ranks can be optimal.
  const firstL = Math.max(1, start);
  const lastU = Math.min(n, start + size);
  let best: { l: number; u: number; imbalance: number; coverage: number } | null = null;
  let u = firstL + 1;
  for (let l = firstL; l < lastU; l++) {
    // The smallest u for this l; it never decreases as l grows (two pointers, O(window)).
    if (u <= l) u = l + 1;
    while (u <= lastU && 1 - below(l) - atOrAbove(u) < confidence) u++;
    if (u > lastU) break;
    const coverage = 1 - below(l) - atOrAbove(u);
    const imbalance = Math.abs(below(l) - atOrAbove(u));
    if (
      best === null ||
      u - l < best.u - best.l ||
      (u - l === best.u - best.l &&
        (imbalance < best.imbalance - TIE_TOLERANCE ||
          (imbalance <= best.imbalance + TIE_TOLERANCE && coverage > best.coverage + TIE_TOLERANCE)))
    ) {
      best = { l, u, imbalance, coverage };
    }
  }
  if (best === null) return null;
  return { lowIndex: best.l - 1, highIndex: best.u - 1, coverage: best.coverage };
}

/**
 * Distribution-free confidence interval for the population p-quantile: a pair of sample
 * values chosen by `quantileIntervalRanks`. Exact coverage ≥ confidence for continuous
 * distributions (ties only make it more conservative). null when n is too small.
 */
export function quantileInterval(sorted: SortedSamples, p: number, confidence = 0.95): Interval | null {
  const ranks = quantileIntervalRanks(sorted.length, p, confidence);
  if (ranks === null) return null;
  return { low: sorted[ranks.lowIndex] as number, high: sorted[ranks.highIndex] as number };
}

export interface SampleSummary {
  readonly count: number;
  readonly mean: number | null;
  readonly min: number | null;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
  readonly max: number | null;
}

/** Count, mean and type-7 quantiles; all statistics are null (never NaN) for no samples. */
export function summarize(sorted: SortedSamples): SampleSummary {
  const count = sorted.length;
  if (count === 0) {
    return { count, mean: null, min: null, p50: null, p90: null, p99: null, max: null };
  }
  const min = sorted[0] as number;
  const max = sorted[count - 1] as number;
  return {
    count,
    mean: meanOf(sorted),
    min,
    p50: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    p99: quantile(sorted, 0.99),
    max,
  };
}

/**
 * Exact (Garwood) confidence bounds for a Poisson count: how large or small an event
 * rate (false suspicions per node-hour, say) is still consistent with the k events seen
 * over an exposure E. With k = 0 the upper bound is the honest statement "no event seen
 * in E node-hours means the rate is below 3.69/E (95 %, two-sided)", not "the rate is 0".
 *
 * Garwood: low = χ²_{α/2}(2k)/2, high = χ²_{1−α/2}(2k+2)/2 on the count, i.e. the
 * Gamma(k, 1) and Gamma(k+1, 1) quantiles. The @stdlib gamma quantile gives the starting
 * point; each bound is then polished by Newton's method on the exact Poisson tail sum,
 * because @stdlib's gammaincinv 0.2.x is wrong by ~1e-4 relative for shape > 1000
 * (Gamma(1001,1) median returned as 1001.64 instead of 1000.67), a range that long
 * sweeps with thousands of events do reach.
 */
import gammaQuantile from '@stdlib/stats-base-dists-gamma-quantile';
import { assertConfidence, type Interval } from './interval.js';
import { lnGamma } from './numeric.js';

function assertCount(count: number): void {
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new RangeError(`count must be a non-negative whole number, got ${count}`);
  }
}

function assertExposure(exposure: number): void {
  if (!Number.isFinite(exposure) || !(exposure > 0)) {
    throw new RangeError(`exposure must be a finite positive number, got ${exposure}`);
  }
}

function poissonLogPmf(j: number, mean: number): number {
  return -mean + j * Math.log(mean) - lnGamma(j + 1);
}

/**
 * Σ_{j=from}^{to} P(X = j) for X ~ Poisson(mean), to may be Infinity. Summation starts at
 * the term nearest the mode and walks outwards with ratio recurrences, so every term is
 * ≤ the first one (no overflow) and stops once terms no longer change the sum.
 */
function poissonRangeProbability(from: number, to: number, mean: number): number {
  const start = Math.min(Math.max(Math.floor(mean), from), to);
  const first = Math.exp(poissonLogPmf(start, mean));
  if (first === 0) return 0;
  let sum = 1;
  let term = 1;
  for (let j = start + 1; j <= to; j++) {
    term *= mean / j;
    sum += term;
    if (term < sum * 1e-17) break;
  }
  term = 1;
  for (let j = start; j > from; j--) {
    term *= j / mean;
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return first * sum;
}

/**
 * The Poisson mean μ at which a monotone tail probability equals `target`. `tail`
 * returns the probability and its derivative in μ. Newton from `guess`, kept inside a
 * bracket and falling back to bisection (or doubling while no upper end is known), so
 * a bad guess costs iterations, not accuracy.
 */
function solveForMean(
  tail: (mean: number) => { probability: number; slope: number },
  increasing: boolean,
  target: number,
  guess: number,
  scale: number,
): number {
  // Relative precision asked of the root: far below anything a user reads, and above
  // the ~1e-13 relative wobble that log-gamma rounding puts into the root at k ≈ 1e6.
  const tolerance = 1e-12;
  let lo = 0;
  let hi = Number.POSITIVE_INFINITY;
  let mean = Number.isFinite(guess) && guess > 0 ? guess : scale;
  for (let iteration = 0; iteration < 100; iteration++) {
    const { probability, slope } = tail(mean);
    if (probability === target) return mean;
    const rootIsAbove = increasing ? probability < target : probability > target;
    if (rootIsAbove) lo = mean;
    else hi = mean;
    let next = mean - (probability - target) / slope;
    if (!(next > lo && next < hi)) {
      next = Number.isFinite(hi) ? lo + (hi - lo) / 2 : 2 * mean + scale;
    }
    if (Math.abs(next - mean) <= tolerance * mean || hi - lo <= tolerance * mean) return next;
    mean = next;
  }
  return mean;
}

/** Lower bound on the Poisson mean: P(X ≥ k; μ) = tailProbability. Zero when k = 0. */
function countLowerBound(count: number, tailProbability: number): number {
  if (count === 0) return 0;
  const guess = gammaQuantile(tailProbability, count, 1);
  return solveForMean(
    (mean) => ({
      probability: poissonRangeProbability(count, Number.POSITIVE_INFINITY, mean),
      slope: Math.exp(poissonLogPmf(count - 1, mean)),
    }),
    true,
    tailProbability,
    guess,
    Math.sqrt(count) + 1,
  );
}

/** Upper bound on the Poisson mean: P(X ≤ k; μ) = tailProbability. */
function countUpperBound(count: number, tailProbability: number): number {
  const guess = gammaQuantile(1 - tailProbability, count + 1, 1);
  return solveForMean(
    (mean) => ({
      probability: poissonRangeProbability(0, count, mean),
      slope: -Math.exp(poissonLogPmf(count, mean)),
    }),
    false,
    tailProbability,
    guess,
    Math.sqrt(count + 1) + 1,
  );
}

/**
 * Two-sided exact interval for the mean of a Poisson count from one observed `count`.
 * Conservative: coverage is at least `confidence` for every true mean.
 */
export function poissonCountInterval(count: number, confidence = 0.95): Interval {
  assertCount(count);
  assertConfidence(confidence);
  const key = `${count}/${confidence}`;
  let bounds = solvedCounts.get(key);
  if (bounds === undefined) {
    const tailProbability = (1 - confidence) / 2;
    bounds = { low: countLowerBound(count, tailProbability), high: countUpperBound(count, tailProbability) };
    if (solvedCounts.size >= SOLVED_CAP) solvedCounts.clear();
    solvedCounts.set(key, bounds);
  }
  return { low: bounds.low, high: bounds.high };
}

/**
 * Intervals already solved, by count and confidence: a results file asks for the same
 * counts again and again (every cell's zero flaps, zero false deaths...), and each solve
 * starts from @stdlib's gamma quantile, the costly part (~0.3 ms cold). A pure function
 * of its key, so the cache changes no result. Bounded: cleared when full.
 */
const solvedCounts = new Map<string, Interval>();
const SOLVED_CAP = 4096;

/**
 * Two-sided exact interval for an event rate, in events per unit of `exposure` (pass
 * node-hours, get events per node-hour). k = 0 gives [0, 3.689/E] at 95 %.
 */
export function poissonRateInterval(count: number, exposure: number, confidence = 0.95): Interval {
  assertExposure(exposure);
  const { low, high } = poissonCountInterval(count, confidence);
  return { low: low / exposure, high: high / exposure };
}

/**
 * One-sided exact upper bound on an event rate (events per unit of `exposure`): the rate
 * is below this with probability `confidence`. k = 0 gives 2.996/E at 95 %.
 */
export function poissonUpperBound(count: number, exposure: number, confidence = 0.95): number {
  assertCount(count);
  assertExposure(exposure);
  assertConfidence(confidence);
  return countUpperBound(count, 1 - confidence) / exposure;
}

/**
 * The exposure after which observing zero events puts the one-sided upper bound at
 * `bound` (events per unit of exposure): E = −ln(1 − confidence) / bound. It is the
 * least exposure that could demonstrate "rate < bound"; one observed event raises it to
 * 4.74/bound at 95 %. Same exposure unit as `bound` is per.
 */
export function exposureNeededToShowRateBelow(bound: number, confidence = 0.95): number {
  if (!Number.isFinite(bound) || !(bound > 0)) {
    throw new RangeError(`bound must be a finite positive rate, got ${bound}`);
  }
  assertConfidence(confidence);
  // Closed form (the k = 0 Poisson tail is e^{−μ}); log1p keeps it exact for small 1 − c.
  return -Math.log1p(-confidence) / bound;
}

/**
 * The exact (Clopper–Pearson) confidence interval for a binomial proportion k/n: the
 * fraction of injected pauses that caused a false suspicion, say. Each bound solves
 * an exact binomial tail equation, Pr(X ≥ k | p_low) = α/2 and Pr(X ≤ k | p_high) = α/2,
 * by bisection on p; so k = 0 still yields an honest upper bound (≈ 3.69/n at 95 %).
 */
import { BinomialLowerTail } from './binomial.js';
import { assertConfidence, type Interval } from './interval.js';

/** The p in (0, 1) where `f` (monotone decreasing in p) crosses `target`. */
function solveDecreasing(f: (p: number) => number, target: number): number {
  let low = 0;
  let high = 1;
  for (let i = 0; i < 100 && high - low > 1e-15; i++) {
    const mid = (low + high) / 2;
    if (f(mid) > target) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

export function proportionInterval(successes: number, trials: number, confidence = 0.95): Interval {
  assertConfidence(confidence);
  if (!Number.isInteger(trials) || trials < 1) throw new RangeError(`trials must be a whole number ≥ 1, got ${trials}`);
  if (!Number.isInteger(successes) || successes < 0 || successes > trials) {
    throw new RangeError(`successes must be a whole number in [0, ${trials}], got ${successes}`);
  }
  const tail = (1 - confidence) / 2;
  // Pr(X ≤ k − 1 | p) falls as p grows; the lower bound is where Pr(X ≥ k) = tail.
  let low = 0;
  if (successes > 0) {
    const below = new BinomialLowerTail(trials, successes - 1);
    low = solveDecreasing((p) => below.at(p), 1 - tail);
  }
  let high = 1;
  if (successes < trials) {
    const atMost = new BinomialLowerTail(trials, successes);
    high = solveDecreasing((p) => atMost.at(p), tail);
  }
  return { low, high };
}

/**
 * The exact (Clopper–Pearson) confidence interval for a binomial proportion k/n: the
 * fraction of injected pauses that caused a false suspicion, say. Each bound solves
 * an exact binomial tail equation, Pr(X ≥ k | p_low) = α/2 and Pr(X ≤ k | p_high) = α/2,
 * by bisection on p; so k = 0 still yields an honest upper bound (≈ 3.69/n at 95 %).
 */
import { binomialWindow } from './binomial.js';
import { assertConfidence, type Interval } from './interval.js';

/** Pr(X ≤ k) for X ~ Binomial(n, p). */
function binomialCdf(k: number, n: number, p: number): number {
  if (p <= 0) return 1;
  if (p >= 1) return k >= n ? 1 : 0;
  const { start, probabilities } = binomialWindow(n, p);
  let sum = 0;
  for (let i = 0; i < probabilities.length && start + i <= k; i++) sum += probabilities[i]!;
  return Math.min(1, sum);
}

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
  const low = successes === 0 ? 0 : solveDecreasing((p) => binomialCdf(successes - 1, trials, p), 1 - tail);
  const high = successes === trials ? 1 : solveDecreasing((p) => binomialCdf(successes, trials, p), tail);
  return { low, high };
}

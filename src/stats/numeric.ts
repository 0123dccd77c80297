/**
 * Numerical kernels shared by the estimators in src/stats: the log-gamma function, a
 * compensated mean and input checks. Nothing here knows about simulations or units; everything is
 * plain double-precision arithmetic with its accuracy stated.
 *
 * log-gamma is written here rather than taken from @stdlib because only the gamma
 * quantile is a declared dependency; reaching into its transitive packages would break
 * silently on the next lockfile change.
 */

/**
 * Lanczos coefficients for g = 7, n = 9 (Godfrey's set, as used by Numerical Recipes
 * 3rd ed. and many libm-free implementations). Relative error of Γ(x) below 2e-15 for
 * x ≥ 0.5, which is far tighter than any interval computed from it needs.
 */
const LANCZOS_G = 7;
const LANCZOS_COEFFICIENTS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
] as const;
const HALF_LN_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/**
 * ln Γ(x) for x > 0. At large x the absolute error is a few ulps of x·ln x (≈ 2e-9 at
 * x = 1e6), which is what any double-precision log-gamma can promise; callers that
 * exponentiate differences of log-gammas therefore see relative errors of that size.
 */
export function lnGamma(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) {
    throw new RangeError(`lnGamma needs a finite positive argument, got ${x}`);
  }
  // Γ(x) = Γ(x + 1) / x keeps the Lanczos sum in the range where it is accurate.
  if (x < 0.5) return lnGamma(x + 1) - Math.log(x);
  const z = x - 1;
  let series = LANCZOS_COEFFICIENTS[0];
  for (let i = 1; i < LANCZOS_COEFFICIENTS.length; i++) {
    series += (LANCZOS_COEFFICIENTS[i] as number) / (z + i);
  }
  const t = z + LANCZOS_G + 0.5;
  return HALF_LN_TWO_PI + (z + 0.5) * Math.log(t) - t + Math.log(series);
}

/**
 * Arithmetic mean of values[start, end) (a non-empty range) by Neumaier's compensated
 * summation, whose error does not grow with the number of terms, so means of millions
 * of samples do not depend on their order. Terms are divided by the count before
 * summing so that no partial sum can overflow, and the result is clamped to the range
 * of the values because rounding can push it a last bit outside, where no true mean is.
 */
export function meanOf(values: ArrayLike<number>, start = 0, end = values.length): number {
  const count = end - start;
  let sum = 0;
  let compensation = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = start; i < end; i++) {
    const value = values[i] as number;
    if (value < min) min = value;
    if (value > max) max = value;
    const term = value / count;
    const t = sum + term;
    compensation += Math.abs(sum) >= Math.abs(term) ? sum - t + term : term - t + sum;
    sum = t;
  }
  // Near ±MAX_VALUE rounding can still carry the running sum to ±Infinity, making the
  // compensation NaN; the clamp below then returns the extreme, which is within an ulp.
  const total = Number.isFinite(sum) ? sum + compensation : sum;
  return Math.min(Math.max(total, min), max);
}

/** Throws unless every value is a finite number; `what` names the argument in the message. */
export function assertAllFinite(values: ArrayLike<number>, what: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new RangeError(`${what}[${i}] must be a finite number, got ${String(v)}`);
    }
  }
}

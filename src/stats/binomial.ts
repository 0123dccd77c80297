/**
 * Exact Binomial(n, p) probabilities, computed in log space from log-gamma, for the
 * order-statistic intervals in quantiles.ts. Only a window around n·p is materialised:
 * by Bernstein's inequality the mass beyond n·p ± (40σ + 500) is below e^{-750}, which
 * underflows to 0 in double precision anyway, so the window is exact and costs
 * O(√n) instead of O(n) log-gamma calls for a million samples.
 */
import { lnGamma } from './numeric.js';

export interface BinomialWindow {
  /** The value j whose probability is `probabilities[0]`. */
  readonly start: number;
  /** probabilities[i] = P(B = start + i). */
  readonly probabilities: Float64Array;
}

/** n a whole number ≥ 0, 0 < p < 1 (callers handle the degenerate p = 0 and p = 1). */
export function binomialWindow(n: number, p: number): BinomialWindow {
  const sd = Math.sqrt(n * p * (1 - p));
  const reach = 40 * sd + 500;
  const start = Math.max(0, Math.floor(n * p - reach));
  const end = Math.min(n, Math.ceil(n * p + reach));
  const probabilities = new Float64Array(end - start + 1);
  const lnP = Math.log(p);
  const lnQ = Math.log1p(-p);
  const lnFactorialN = lnGamma(n + 1);
  for (let j = start; j <= end; j++) {
    const lnChoose = lnFactorialN - lnGamma(j + 1) - lnGamma(n - j + 1);
    probabilities[j - start] = Math.exp(lnChoose + j * lnP + (n - j) * lnQ);
  }
  return { start, probabilities };
}

/**
 * Two-sided critical values of Student's t (and of the normal) for the mean intervals.
 * No t quantile is installed, so it is computed here: for ν ≤ 1000 by bisection on the
 * exact finite-series t distribution function for whole ν (Abramowitz & Stegun 26.7.3);
 * above that by the Cornish–Fisher expansion around the normal quantile (A&S 26.7.5),
 * whose first omitted term is O(ν⁻⁵), below 1e-15 there. The normal quantile comes from
 * the installed gamma quantile: Z²/2 ~ Gamma(½, 1).
 */
import gammaQuantile from '@stdlib/stats-base-dists-gamma-quantile';
import { assertConfidence } from './interval.js';

/** Largest ν evaluated by the exact series; its cost is ν/2 terms per evaluation. */
const EXACT_SERIES_MAX_DF = 1000;

/** z with P(|Z| ≤ z) = confidence for a standard normal Z. */
export function normalCritical(confidence: number): number {
  assertConfidence(confidence);
  return Math.sqrt(2 * gammaQuantile(confidence, 0.5, 1));
}

/**
 * A(t | ν) = P(|T| ≤ t) for whole ν ≥ 1, by the finite trigonometric series of A&S
 * 26.7.3 with θ = atan(t/√ν). Exact up to rounding; every term is positive.
 */
function twoSidedT(t: number, degreesOfFreedom: number): number {
  const r = Math.sqrt(degreesOfFreedom + t * t);
  const sin = t / r;
  const cos = Math.sqrt(degreesOfFreedom) / r;
  const cos2 = cos * cos;
  if (degreesOfFreedom % 2 === 1) {
    // Odd ν: (2/π)[θ + sinθ(cosθ + (2/3)cos³θ + … + (2·4…(ν−3))/(1·3…(ν−2)) cos^{ν−2}θ)].
    let sum = 0;
    let term = cos;
    for (let k = 1; k <= degreesOfFreedom - 2; k += 2) {
      sum += term;
      term *= (cos2 * (k + 1)) / (k + 2);
    }
    return (2 / Math.PI) * (Math.atan2(t, Math.sqrt(degreesOfFreedom)) + sin * sum);
  }
  // Even ν: sinθ[1 + (1/2)cos²θ + (1·3)/(2·4)cos⁴θ + …
  //              + (1·3…(ν−3))/(2·4…(ν−2)) cos^{ν−2}θ].
  let sum = 0;
  let term = 1;
  for (let k = 0; k <= degreesOfFreedom - 2; k += 2) {
    sum += term;
    term *= (cos2 * (k + 1)) / (k + 2);
  }
  return sin * sum;
}

function cornishFisherT(confidence: number, degreesOfFreedom: number): number {
  const x = normalCritical(confidence);
  const x2 = x * x;
  const v = degreesOfFreedom;
  const g1 = (x * (x2 + 1)) / 4;
  const g2 = (x * ((5 * x2 + 16) * x2 + 3)) / 96;
  const g3 = (x * (((3 * x2 + 19) * x2 + 17) * x2 - 15)) / 384;
  const g4 = (x * ((((79 * x2 + 776) * x2 + 1482) * x2 - 1920) * x2 - 945)) / 92160;
  return x + (g1 + (g2 + (g3 + g4 / v) / v) / v) / v;
}

/**
 * t with P(|T| ≤ t) = confidence for T ~ Student t with `degreesOfFreedom` (a whole
 * number ≥ 1, or Infinity for the normal limit).
 */
export function studentTCritical(confidence: number, degreesOfFreedom: number): number {
  assertConfidence(confidence);
  if (degreesOfFreedom === Number.POSITIVE_INFINITY) return normalCritical(confidence);
  if (!Number.isSafeInteger(degreesOfFreedom) || degreesOfFreedom < 1) {
    throw new RangeError(`degreesOfFreedom must be a whole number ≥ 1, got ${degreesOfFreedom}`);
  }
  if (degreesOfFreedom > EXACT_SERIES_MAX_DF) return cornishFisherT(confidence, degreesOfFreedom);
  // A cell's intervals all ask for the same (confidence, ν), and the bisection below costs
  // up to ~60 × ν/2 series terms (999 nodes: ~30 000, boxed while the code is cold: 3.6 MB
  // of garbage in workload B's process): each pair is computed once per thread.
  const key = `${confidence}/${degreesOfFreedom}`;
  let t = exactCriticals.get(key);
  if (t === undefined) {
    if (exactCriticals.size >= EXACT_CRITICALS_KEPT) exactCriticals.clear();
    t = bisectT(confidence, degreesOfFreedom);
    exactCriticals.set(key, t);
  }
  return t;
}

/** The exact t criticals computed so far, by `${confidence}/${ν}` (a pure function's values). */
const exactCriticals = new Map<string, number>();
/** Bound on `exactCriticals`: sweeps use a handful of pairs; a caller looping over ν must not grow it without end. */
const EXACT_CRITICALS_KEPT = 256;

/** The exact critical value by bisection on A(t | ν) (`studentTCritical` for ν ≤ EXACT_SERIES_MAX_DF). */
function bisectT(confidence: number, degreesOfFreedom: number): number {
  let lo = 0;
  let hi = 1;
  while (twoSidedT(hi, degreesOfFreedom) < confidence) {
    lo = hi;
    hi *= 2;
  }
  // Bisection to adjacent doubles: A is monotone, so this cannot fail to converge.
  for (;;) {
    const mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi) return hi;
    if (twoSidedT(mid, degreesOfFreedom) < confidence) lo = mid;
    else hi = mid;
  }
}

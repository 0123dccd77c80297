/**
 * The error function family and the standard normal law, to near machine precision in the
 * tails. Owns erf, erfc, erfcx (= exp(x²)·erfc(x)), Φ, its complement Q, log Q, the density φ
 * and the inverse of Q. Knows nothing about delays or detectors.
 *
 * Why not a one-line approximation (Abramowitz–Stegun 7.1.26 and friends): those carry an
 * absolute error near 1e-7, so Q(8) ≈ 6e-16 would come out as noise, and the analytic oracle
 * multiplies many such tail probabilities together.
 *
 * Source (not derived here): W. J. Cody, "Rational Chebyshev approximations for the error
 * function", Math. Comp. 23 (1969) 631–637, as packaged in his netlib SPECFUN routine CALERF
 * (1985/1987). The coefficients below are the published ones; the three ranges, the
 * exp(−x²) splitting trick and the reflection formulas follow CALERF. Relative error is about
 * 1e-16 for erf/erfc/erfcx themselves; Φ(z) = erfc(−z/√2)/2 inherits a further relative error
 * of about z²·1e-16 from rounding z/√2 (≈ 6e-15 at z = −8).
 */

const SQRT_PI_INV = 5.6418958354775628695e-1; // 1/√π
const LOG_SQRT_2PI = 0.91893853320467274178; // ln √(2π)
const XBIG = 26.543; // erfc(x) underflows to 0 above this
const XHUGE = 6.71e7; // above this erfcx(x) = 1/(x√π) to double precision
const XMAX = 2.53e307; // above this erfcx(x) underflows
const XNEG = -26.628; // below this erfcx(x) overflows

// |x| ≤ 0.46875: erf(x) = x·P(x²)/Q(x²)
const A = [3.1611237438705656, 113.86415415105016, 377.485237685302021, 3209.37758913846947, 0.185777706184603153];
const B = [23.6012909523441209, 244.024637934444173, 1282.61652607737228, 2844.23683343917062];
// 0.46875 < |x| ≤ 4: erfcx(x) = P(x)/Q(x)
const C = [
  0.564188496988670089, 8.88314979438837594, 66.1191906371416295, 298.635138197400131, 881.95222124176909,
  1712.04761263407058, 2051.07837782607147, 1230.33935479799725, 2.15311535474403846e-8,
];
const D = [
  15.7449261107098347, 117.693950891312499, 537.181101862009858, 1621.38957456669019, 3290.79923573345963,
  4362.61909014324716, 3439.36767414372164, 1230.33935480374942,
];
// |x| > 4: erfcx(x) = (1/√π − x⁻²·P(x⁻²)/Q(x⁻²)) / x
const P = [
  0.305326634961232344, 0.360344899949804439, 0.125781726111229246, 0.0160837851487422766,
  6.58749161529837803e-4, 0.0163153871373020978,
];
const Q = [
  2.56852019228982242, 1.87295284992346047, 0.527905102951428412, 0.0605183413124413191, 0.00233520497626869185,
];

/** exp(−y²) for y ≥ 0, computed as exp(−ŷ²)·exp(−(y−ŷ)(y+ŷ)) with ŷ = ⌊16y⌋/16 (CALERF's trick:
 * ŷ² is exact, so the large exponent carries no rounding error). */
function expMinusSquare(y: number): number {
  const ysq = Math.trunc(y * 16) / 16;
  const del = (y - ysq) * (y + ysq);
  return Math.exp(-ysq * ysq) * Math.exp(-del);
}

/** erfc(y) for y > 0.46875 when scaled = false; exp(y²)·erfc(y) when scaled = true. */
function erfcPositiveTail(y: number, scaled: boolean): number {
  let result: number;
  if (y <= 4) {
    let xnum = C[8]! * y;
    let xden = y;
    for (let i = 0; i < 7; i++) {
      xnum = (xnum + C[i]!) * y;
      xden = (xden + D[i]!) * y;
    }
    result = (xnum + C[7]!) / (xden + D[7]!);
  } else {
    if (y >= XBIG) {
      if (!scaled || y >= XMAX) return 0;
      if (y >= XHUGE) return SQRT_PI_INV / y;
    }
    const ysq = 1 / (y * y);
    let xnum = P[5]! * ysq;
    let xden = ysq;
    for (let i = 0; i < 4; i++) {
      xnum = (xnum + P[i]!) * ysq;
      xden = (xden + Q[i]!) * ysq;
    }
    result = (ysq * (xnum + P[4]!)) / (xden + Q[4]!);
    result = (SQRT_PI_INV - result) / y;
  }
  return scaled ? result : expMinusSquare(y) * result;
}

/** erf(x) for |x| ≤ 0.46875 (small-argument rational form). */
function erfSmall(x: number): number {
  const y = Math.abs(x);
  const ysq = y > 1.11e-16 ? y * y : 0;
  let xnum = A[4]! * ysq;
  let xden = ysq;
  for (let i = 0; i < 3; i++) {
    xnum = (xnum + A[i]!) * ysq;
    xden = (xden + B[i]!) * ysq;
  }
  return (x * (xnum + A[3]!)) / (xden + B[3]!);
}

export function erf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const y = Math.abs(x);
  if (y <= 0.46875) return erfSmall(x);
  const r = 0.5 - erfcPositiveTail(y, false) + 0.5;
  return x < 0 ? -r : r;
}

export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const y = Math.abs(x);
  if (y <= 0.46875) return 1 - erfSmall(x);
  const r = erfcPositiveTail(y, false);
  return x < 0 ? 2 - r : r;
}

/** Scaled complementary error function exp(x²)·erfc(x); finite for every x > −26.6. */
export function erfcx(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const y = Math.abs(x);
  let r: number;
  if (y <= 0.46875) {
    r = Math.exp(x * x) * (1 - erfSmall(x));
    return r;
  }
  r = erfcPositiveTail(y, true);
  if (x >= 0) return r;
  if (x < XNEG) return Number.POSITIVE_INFINITY;
  // erfcx(−y) = 2·exp(y²) − erfcx(y), with exp(y²) split as above.
  const ysq = Math.trunc(x * 16) / 16;
  const del = (x - ysq) * (x + ysq);
  const e = Math.exp(ysq * ysq) * Math.exp(del);
  return e + e - r;
}

/** Standard normal density φ(z). */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z - LOG_SQRT_2PI);
}

/**
 * Φ(z) = Pr(Z ≤ z); accurate in relative terms for z → −∞. In the lower tail it is evaluated
 * as erfcx(|z|/√2)·exp(−z²/2)/2 with the exponent split exactly on z itself, so the rounding
 * of z/√2 only reaches the slowly varying erfcx factor (3e-14 → 2e-16 relative at z = −30).
 */
export function normalCdf(z: number): number {
  if (z < -0.6) {
    const zh = Math.trunc(z * 16) / 16;
    const del = (z - zh) * (z + zh);
    return 0.5 * erfcx(-z * Math.SQRT1_2) * Math.exp(-0.5 * zh * zh) * Math.exp(-0.5 * del);
  }
  return z < 0 ? 0.5 * erfc(-z * Math.SQRT1_2) : 1 - 0.5 * erfc(z * Math.SQRT1_2);
}

/** Q(z) = Pr(Z > z) = Φ(−z); accurate in relative terms for z → +∞. */
export function normalSurvival(z: number): number {
  return normalCdf(-z);
}

/** ln Q(z), finite far beyond the point where Q(z) itself underflows (z ≈ 38). */
export function logNormalSurvival(z: number): number {
  if (z > 0) return Math.log(0.5 * erfcx(z * Math.SQRT1_2)) - 0.5 * z * z;
  return Math.log1p(-normalCdf(z));
}

/** Pr(a < Z ≤ b) for a ≤ b, taking the difference on the side where it does not cancel. */
export function normalIntervalProbability(a: number, b: number): number {
  if (!(b > a)) return 0;
  if (a >= 0) return normalSurvival(a) - normalSurvival(b);
  if (b <= 0) return normalCdf(b) - normalCdf(a);
  return 1 - normalCdf(a) - normalSurvival(b);
}

/**
 * The z with ln Q(z) = logP, for logP ≤ 0 (so Q⁻¹(p) with p = exp(logP), usable for p far
 * below the smallest double). Bisection: called a handful of times per oracle evaluation,
 * so robustness beats speed here.
 */
export function inverseNormalSurvivalLog(logP: number): number {
  if (!(logP <= 0)) throw new RangeError(`log-probability must be ≤ 0, got ${logP}`);
  if (logP === 0) return Number.NEGATIVE_INFINITY;
  let lo = -40;
  let hi = 40;
  while (logNormalSurvival(hi) > logP) hi *= 2;
  if (logNormalSurvival(lo) <= logP) return lo;
  for (let i = 0; i < 200 && hi - lo > 1e-15 * Math.max(1, Math.abs(hi)); i++) {
    const mid = 0.5 * (lo + hi);
    if (logNormalSurvival(mid) > logP) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

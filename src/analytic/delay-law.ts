/**
 * The one-way link delay law of the analytic oracle: D = baseUs + X, with X drawn from one of
 * the shapes the simulator's link model supports (constant, uniform, exponential, normal
 * truncated at 0, lognormal, Pareto, and the simulator's interpolated 'empirical' law). Owns
 * the distribution maths (CDF, survival, density, atoms, moments, quantiles, excess means)
 * and input validation for delay laws. Knows nothing about heartbeats or detectors, and never
 * draws random numbers.
 *
 * Reference: /work/shared/reference/failure-detectors.md §1.1 ("delays are i.i.d. with CDF
 * Pr(D ≤ x)"); the oracles in arrival-timeout.ts and nfd-s.ts only ever see a law through
 * the `DelayLaw` interface below.
 *
 * Everything here is textbook probability (no result is from the paper). Derived here and
 * checked in test/analytic/delay-law.test.ts against numerical integration:
 *  - truncated-normal moments and E[(X−x)⁺] written through Laplace's continued fraction for
 *    the Mills ratio, which removes the catastrophic cancellation of the usual
 *    1 + z₀λ − λ² once the truncation point is far in the upper tail (z₀ ≥ 5);
 *  - E[(X−x)⁺] ("expected excess", the integral of the survival above x) for every shape.
 *
 * Units: every …Us argument and result is in microseconds (a variance is in µs²). baseUs is
 * whole microseconds like every duration in the simulator (src/sim/time.ts); the shape
 * parameters are real numbers because they describe a law, not an instant.
 *
 * Modelling gap, on purpose: the simulator rounds each delay draw to whole µs
 * (src/sim/random/distributions.ts); the oracle uses the continuous law. The shift is ≤ 0.5 µs per
 * message, far below what the statistical comparisons of §1.8 can see unless delays are a
 * few µs.
 */

import {
  inverseNormalSurvivalLog,
  logNormalSurvival,
  normalCdf,
  normalIntervalProbability,
  normalSurvival,
  erfcx,
} from './normal.js';

/** The random part X ≥ 0 of a link delay. */
export type DelayDistribution =
  | { kind: 'constant'; valueUs: number }
  | { kind: 'uniform'; minUs: number; maxUs: number }
  | { kind: 'exponential'; meanUs: number }
  /** N(meanUs, sdUs²) conditioned on X ≥ 0; the parameters are those of the untruncated normal. */
  | { kind: 'normal'; meanUs: number; sdUs: number }
  /** ln X ~ N(ln medianUs, sigma²). */
  | { kind: 'lognormal'; medianUs: number; sigma: number }
  /** Support [scaleUs, ∞), Pr(X > x) = (scaleUs/x)^shape. */
  | { kind: 'pareto'; scaleUs: number; shape: number }
  /**
   * The simulator's empirical law (src/sim/random/distributions.ts): quantiles at probabilities
   * 0, 1/(n−1), …, 1, linearly interpolated, i.e. an equal-weight mixture of uniforms on
   * consecutive quantiles; a repeated value is a point mass.
   */
  | { kind: 'empirical'; quantilesUs: readonly number[] };

/** The delay of one message: baseUs + X. */
export interface LinkDelay {
  baseUs: number;
  random: DelayDistribution;
}

/** A point mass of the delay law (only a constant delay has one). */
export interface DelayAtom {
  readonly atUs: number;
  readonly probability: number;
}

/**
 * A validated delay law with every quantity the oracles need. Build it once with `delayLaw`
 * and reuse it: the oracles call these methods millions of times.
 */
export interface DelayLaw {
  readonly linkDelay: LinkDelay;
  /** Infimum and supremum of the support of D (upperUs is +∞ for unbounded laws). */
  readonly lowerUs: number;
  readonly upperUs: number;
  /**
   * Where the mass effectively starts: the largest x with Pr(D ≤ x) ≤ 1e-18 (= lowerUs for
   * laws with an atom or a density jump at the bottom). A truncated normal far above 0, say,
   * has lowerUs = baseUs but no mass worth counting for seconds above it; heartbeat products
   * skip those positions instead of multiplying thousands of factors equal to 1 − 1e-18.
   */
  readonly effectiveLowerUs: number;
  /** Points where the CDF is not infinitely differentiable: support edges and atoms. */
  readonly breakpointsUs: readonly number[];
  /**
   * The breakpoints plus a ladder of quantiles (1e-12 … 1 − 1e-12). Integrals over a heartbeat
   * period split at these (reduced modulo the period) so that a delay law much narrower
   * than the period cannot fall between quadrature nodes unseen.
   */
  readonly featurePointsUs: readonly number[];
  readonly atoms: readonly DelayAtom[];
  /** Whether part of the law has a density (false only for a pure point mass). */
  readonly hasDensity: boolean;
  readonly meanUs: number;
  readonly varianceUs2: number;
  /** Pr(D ≤ x), right-continuous. */
  cdf(xUs: number): number;
  /** Pr(D < x), the left limit; differs from cdf only at an atom. */
  cdfBefore(xUs: number): number;
  /** Pr(D > x), accurate in relative terms in the upper tail. */
  survival(xUs: number): number;
  /** Density of the absolutely continuous part, per µs (0 everywhere for a constant delay). */
  pdf(xUs: number): number;
  /** Pr(a < D ≤ b), taken on whichever side does not cancel. */
  intervalProbability(aUs: number, bUs: number): number;
  /** E[(D − x)⁺] = ∫ₓ^∞ Pr(D > y) dy, in µs; +∞ when the mean is infinite. */
  expectedExcess(xUs: number): number;
  /** The smallest x with Pr(D > x) ≤ p, for 0 < p < 1. */
  survivalQuantile(p: number): number;
}

const LOG_SQRT_2PI = 0.91893853320467274178;
const MIN_VARIANCE_US2 = 1e-6;
// Down to 1e-12 on both sides: mass outside the outermost feature could hide inside one wide
// panel, so it must be negligible (1e-12 ≪ the 1e-10 quadrature target).
const FEATURE_SURVIVALS = [1 - 1e-12, 1 - 1e-6, 0.99, 0.9, 0.7, 0.5, 0.3, 0.1, 0.01, 1e-6, 1e-9, 1e-12];

function requireWholeUs(value: number, what: string, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${what} must be a whole number of microseconds ≥ ${min}, got ${String(value)}`);
  }
}

function requireAtLeast(value: number, what: string, min: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new RangeError(`${what} must be a finite number ≥ ${min}, got ${String(value)}`);
  }
}

function requirePositive(value: number, what: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${what} must be a finite number > 0, got ${String(value)}`);
  }
}

/**
 * Throws RangeError unless `linkDelay` is a well-formed delay law. Accepts what the
 * simulator's own validation (src/sim/random/distributions.ts) accepts, so any scenario that runs
 * has an oracle: baseUs in whole µs, shape parameters finite reals. Degenerate shapes
 * (uniform with min = max, exponential with mean 0, normal with sd 0, lognormal with
 * sigma 0) are point masses and are treated as constant delays.
 */
export function validateLinkDelay(linkDelay: LinkDelay): void {
  if (typeof linkDelay !== 'object' || linkDelay === null) {
    throw new RangeError('delay must be an object { baseUs, random }');
  }
  requireWholeUs(linkDelay.baseUs, 'delay.baseUs', 0);
  const r = linkDelay.random as DelayDistribution | undefined;
  if (typeof r !== 'object' || r === null) throw new RangeError('delay.random must be a delay distribution');
  switch (r.kind) {
    case 'constant':
      requireAtLeast(r.valueUs, 'constant delay valueUs', 0);
      return;
    case 'uniform':
      requireAtLeast(r.minUs, 'uniform delay minUs', 0);
      requireAtLeast(r.maxUs, 'uniform delay maxUs', 0);
      if (r.maxUs < r.minUs) {
        throw new RangeError(`uniform delay maxUs (${r.maxUs}) is below minUs (${r.minUs})`);
      }
      return;
    case 'exponential':
      requireAtLeast(r.meanUs, 'exponential delay meanUs', 0);
      return;
    case 'normal':
      requireAtLeast(r.meanUs, 'normal delay meanUs', Number.NEGATIVE_INFINITY);
      requireAtLeast(r.sdUs, 'normal delay sdUs', 0);
      if (r.sdUs === 0 && r.meanUs < 0) {
        throw new RangeError(`normal delay with sdUs 0 needs meanUs ≥ 0, got ${r.meanUs}`);
      }
      return;
    case 'lognormal':
      requirePositive(r.medianUs, 'lognormal delay medianUs');
      requireAtLeast(r.sigma, 'lognormal delay sigma', 0);
      return;
    case 'pareto':
      requirePositive(r.scaleUs, 'pareto delay scaleUs');
      requirePositive(r.shape, 'pareto delay shape');
      return;
    case 'empirical': {
      const q = r.quantilesUs as readonly number[] | undefined;
      if (!Array.isArray(q) || q.length < 2) {
        throw new RangeError('empirical delay quantilesUs must be an array of at least 2 values');
      }
      for (let i = 0; i < q.length; i++) {
        requireAtLeast(q[i]!, `empirical delay quantilesUs[${i}]`, 0);
        if (i > 0 && q[i]! < q[i - 1]!) {
          throw new RangeError(`empirical delay quantilesUs must ascend (index ${i} is below index ${i - 1})`);
        }
      }
      return;
    }
    default:
      throw new RangeError(`unknown delay distribution kind ${JSON.stringify((r as { kind?: unknown }).kind)}`);
  }
}

/** The law of X alone (before adding baseUs). */
interface RandomPart {
  lower: number;
  upper: number;
  breakpoints: number[];
  atoms: DelayAtom[];
  mean: number;
  variance: number;
  cdf(x: number): number;
  cdfBefore(x: number): number;
  survival(x: number): number;
  pdf(x: number): number;
  expectedExcess(x: number): number;
  survivalQuantile(p: number): number;
}

/**
 * Tails of Laplace's continued fraction for the Mills ratio, R(z) = Q(z)/φ(z) =
 * 1/(z + c₁), c_n = n/(z + c_{n+1}). Returns [c₁, c₂, c₃]. Used only for z ≥ 5, where 400
 * backward steps are far more than double precision needs.
 */
function millsTails(z: number): [number, number, number] {
  let c = 0;
  let c1 = 0;
  let c2 = 0;
  let c3 = 0;
  for (let n = 400; n >= 1; n--) {
    c = n / (z + c);
    if (n === 3) c3 = c;
    if (n === 2) c2 = c;
    if (n === 1) c1 = c;
  }
  return [c1, c2, c3];
}

function constantPart(v: number): RandomPart {
  return {
    lower: v,
    upper: v,
    breakpoints: [v],
    atoms: [{ atUs: v, probability: 1 }],
    mean: v,
    variance: 0,
    cdf: (x) => (x >= v ? 1 : 0),
    cdfBefore: (x) => (x > v ? 1 : 0),
    survival: (x) => (x >= v ? 0 : 1),
    pdf: () => 0,
    expectedExcess: (x) => Math.max(0, v - x),
    survivalQuantile: () => v,
  };
}

function uniformPart(a: number, b: number): RandomPart {
  const w = b - a;
  const cdf = (x: number): number => (x <= a ? 0 : x >= b ? 1 : (x - a) / w);
  return {
    lower: a,
    upper: b,
    breakpoints: [a, b],
    atoms: [],
    mean: 0.5 * (a + b),
    variance: (w * w) / 12,
    cdf,
    cdfBefore: cdf,
    survival: (x) => (x <= a ? 1 : x >= b ? 0 : (b - x) / w),
    pdf: (x) => (x >= a && x < b ? 1 / w : 0),
    expectedExcess: (x) => (x <= a ? 0.5 * (a + b) - x : x >= b ? 0 : ((b - x) * (b - x)) / (2 * w)),
    survivalQuantile: (p) => b - p * w,
  };
}

function exponentialPart(mu: number): RandomPart {
  const cdf = (x: number): number => (x <= 0 ? 0 : -Math.expm1(-x / mu));
  return {
    lower: 0,
    upper: Number.POSITIVE_INFINITY,
    breakpoints: [0],
    atoms: [],
    mean: mu,
    variance: mu * mu,
    cdf,
    cdfBefore: cdf,
    survival: (x) => (x <= 0 ? 1 : Math.exp(-x / mu)),
    pdf: (x) => (x < 0 ? 0 : Math.exp(-x / mu) / mu),
    expectedExcess: (x) => (x <= 0 ? mu - x : mu * Math.exp(-x / mu)),
    survivalQuantile: (p) => -mu * Math.log(p),
  };
}

/**
 * N(mu, sd²) conditioned on X ≥ 0. With z₀ = −mu/sd, Pr(N ≥ 0) = Q(z₀) can underflow when
 * mu ≪ 0, so ratios of normal tails are taken in log space whenever z₀ > 0.
 */
function truncatedNormalPart(mu: number, sd: number): RandomPart {
  const z0 = -mu / sd;
  const logQ0 = logNormalSurvival(z0);
  const q0 = Math.exp(logQ0);
  const zOf = (x: number): number => (x - mu) / sd;
  // Each of F and S is computed directly where it is the smaller one and as the complement
  // of the other elsewhere, so both keep relative accuracy and F + S = 1 exactly.
  const survival = (x: number): number => {
    if (x <= 0) return 1;
    const z = zOf(x);
    if (z0 > 0) return Math.min(1, Math.exp(logNormalSurvival(z) - logQ0));
    const s = normalSurvival(z) / q0;
    return s < 0.5 ? s : Math.max(0, 1 - normalIntervalProbability(z0, z) / q0);
  };
  const cdf = (x: number): number => {
    if (x <= 0) return 0;
    const z = zOf(x);
    if (z0 > 0) return Math.max(0, -Math.expm1(logNormalSurvival(z) - logQ0));
    const s = normalSurvival(z) / q0;
    return s < 0.5 ? 1 - s : Math.min(1, normalIntervalProbability(z0, z) / q0);
  };
  // Moments: with λ = φ(z₀)/Q(z₀), E X = mu + sd·λ and Var X = sd²·(1 + z₀λ − λ²).
  // For z₀ ≥ 5 write λ = z₀ + c₁ (Mills continued fraction): then E X = sd·c₁ exactly, and
  // 1 + z₀λ − λ² = c₁(c₂ − c₁) = c₁²·c₂·(z₀ + 2c₂ − c₃)/2, all terms positive.
  let mean: number;
  let variance: number;
  if (z0 >= 5) {
    const [c1, c2, c3] = millsTails(z0);
    mean = sd * c1;
    variance = sd * sd * ((c1 * c1 * c2 * (z0 + 2 * c2 - c3)) / 2);
  } else {
    const lambda = Math.sqrt(2 / Math.PI) / erfcx(z0 * Math.SQRT1_2);
    mean = mu + sd * lambda;
    variance = sd * sd * (1 + z0 * lambda - lambda * lambda);
  }
  return {
    lower: 0,
    upper: Number.POSITIVE_INFINITY,
    breakpoints: [0],
    atoms: [],
    mean,
    variance,
    cdf,
    cdfBefore: cdf,
    survival,
    pdf: (x) => {
      if (x < 0) return 0;
      const z = zOf(x);
      return Math.exp(-0.5 * z * z - LOG_SQRT_2PI - logQ0) / sd;
    },
    // E[(X − x)⁺] = sd·(φ(z) − z·Q(z))/Q(z₀) for x ≥ 0. For z ≥ 5, φ(z) − zQ(z) =
    // φ(z)·c₁/(z + c₁) from the continued fraction, again without cancellation.
    expectedExcess: (x) => {
      if (x <= 0) return mean - x;
      const z = zOf(x);
      const phiOverQ0 = Math.exp(-0.5 * z * z - LOG_SQRT_2PI - logQ0);
      if (z >= 5) {
        const [c1] = millsTails(z);
        return sd * phiOverQ0 * (c1 / (z + c1));
      }
      return sd * (phiOverQ0 - z * Math.exp(logNormalSurvival(z) - logQ0));
    },
    survivalQuantile: (p) => Math.max(0, mu + sd * inverseNormalSurvivalLog(Math.log(p) + logQ0)),
  };
}

function lognormalPart(median: number, sigma: number): RandomPart {
  const lnMedian = Math.log(median);
  const zOf = (x: number): number => (Math.log(x) - lnMedian) / sigma;
  const mean = median * Math.exp(0.5 * sigma * sigma);
  return {
    lower: 0,
    upper: Number.POSITIVE_INFINITY,
    // No breakpoint at 0: every derivative of the lognormal CDF vanishes there, so the
    // integrands stay smooth and extra split points would only cost evaluations.
    breakpoints: [],
    atoms: [],
    mean,
    variance: median * median * Math.exp(sigma * sigma) * Math.expm1(sigma * sigma),
    cdf: (x) => (x <= 0 ? 0 : normalCdf(zOf(x))),
    cdfBefore: (x) => (x <= 0 ? 0 : normalCdf(zOf(x))),
    survival: (x) => (x <= 0 ? 1 : normalSurvival(zOf(x))),
    // In log space: near x = 0 both φ(z) and x·σ underflow.
    pdf: (x) => {
      if (x <= 0) return 0;
      const z = zOf(x);
      return Math.exp(-0.5 * z * z - LOG_SQRT_2PI - Math.log(x) - Math.log(sigma));
    },
    // E[X; X > x] = mean·Q(z − sigma), hence E[(X − x)⁺] = mean·Q(z − sigma) − x·Q(z).
    expectedExcess: (x) => {
      if (x <= 0) return mean - x;
      const z = zOf(x);
      return Math.max(0, mean * normalSurvival(z - sigma) - x * normalSurvival(z));
    },
    survivalQuantile: (p) => median * Math.exp(sigma * inverseNormalSurvivalLog(Math.log(p))),
  };
}

function paretoPart(k: number, alpha: number): RandomPart {
  const survival = (x: number): number => (x <= k ? 1 : Math.exp(alpha * Math.log(k / x)));
  const cdf = (x: number): number => (x <= k ? 0 : -Math.expm1(alpha * Math.log(k / x)));
  const inf = Number.POSITIVE_INFINITY;
  return {
    lower: k,
    upper: inf,
    breakpoints: [k],
    atoms: [],
    mean: alpha > 1 ? (alpha * k) / (alpha - 1) : inf,
    variance: alpha > 2 ? (k * k * alpha) / ((alpha - 1) * (alpha - 1) * (alpha - 2)) : inf,
    cdf,
    cdfBefore: cdf,
    survival,
    pdf: (x) => (x < k ? 0 : (alpha / x) * survival(x)),
    // ∫ₓ^∞ (k/y)^α dy = x·S(x)/(α − 1) for x ≥ k.
    expectedExcess: (x) => {
      if (alpha <= 1) return inf;
      return x >= k ? (x * survival(x)) / (alpha - 1) : k - x + k / (alpha - 1);
    },
    survivalQuantile: (p) => k * Math.exp(-Math.log(p) / alpha),
  };
}

/**
 * Piecewise-linear CDF through (q_i, i/m), m = n − 1: segment i is uniform on [q_i, q_{i+1}]
 * with weight 1/m, and a run of equal values is a point mass.
 */
function empiricalPart(q: readonly number[]): RandomPart {
  const n = q.length;
  const m = n - 1;
  /** Largest i with q_i ≤ x (strict: q_i < x), or −1. */
  const lastAtOrBelow = (x: number, strict: boolean): number => {
    let lo = -1;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (strict ? q[mid]! < x : q[mid]! <= x) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const interpolate = (i: number, x: number): number => {
    if (i < 0) return 0;
    if (i >= m) return 1;
    return (i + (x - q[i]!) / (q[i + 1]! - q[i]!)) / m;
  };
  const cdf = (x: number): number => interpolate(lastAtOrBelow(x, false), x);
  const atoms: DelayAtom[] = [];
  for (let i = 0; i < m; ) {
    let j = i;
    while (j < m && q[j + 1] === q[i]) j++;
    if (j > i) atoms.push({ atUs: q[i]!, probability: (j - i) / m });
    i = j + 1;
  }
  let mean = 0;
  for (let i = 0; i < m; i++) mean += (q[i]! + q[i + 1]!) / 2 / m;
  let variance = 0;
  for (let i = 0; i < m; i++) {
    const width = q[i + 1]! - q[i]!;
    const mid = (q[i]! + q[i + 1]!) / 2 - mean;
    variance += (width * width) / 12 / m + (mid * mid) / m;
  }
  return {
    lower: q[0]!,
    upper: q[m]!,
    breakpoints: q.filter((v, i) => i === 0 || v !== q[i - 1]),
    atoms,
    mean,
    variance,
    cdf,
    cdfBefore: (x) => interpolate(lastAtOrBelow(x, true), x),
    survival: (x) => 1 - cdf(x),
    pdf: (x) => {
      const i = lastAtOrBelow(x, false);
      return i < 0 || i >= m ? 0 : 1 / (m * (q[i + 1]! - q[i]!));
    },
    expectedExcess: (x) => {
      let sum = 0;
      for (let i = 0; i < m; i++) {
        const a = q[i]!;
        const b = q[i + 1]!;
        if (x <= a) sum += (a + b) / 2 - x;
        else if (x < b) sum += ((b - x) * (b - x)) / (2 * (b - a));
      }
      return sum / m;
    },
    survivalQuantile: (p) => {
      const t = (1 - p) * m;
      const i = Math.floor(t);
      return i >= m ? q[m]! : q[i]! + (t - i) * (q[i + 1]! - q[i]!);
    },
  };
}

function randomPart(r: DelayDistribution): RandomPart {
  switch (r.kind) {
    case 'constant':
      return constantPart(r.valueUs);
    case 'uniform':
      return r.maxUs === r.minUs ? constantPart(r.minUs) : uniformPart(r.minUs, r.maxUs);
    case 'exponential':
      return r.meanUs === 0 ? constantPart(0) : exponentialPart(r.meanUs);
    case 'normal':
      return r.sdUs === 0 ? constantPart(r.meanUs) : truncatedNormalPart(r.meanUs, r.sdUs);
    case 'lognormal':
      return r.sigma === 0 ? constantPart(r.medianUs) : lognormalPart(r.medianUs, r.sigma);
    case 'pareto':
      return paretoPart(r.scaleUs, r.shape);
    case 'empirical': {
      const q = r.quantilesUs;
      return q[0] === q[q.length - 1] ? constantPart(q[0]!) : empiricalPart(q);
    }
  }
}

/** The largest x with Pr(X ≤ x) ≤ p (bisection; a handful of calls per oracle evaluation). */
function lowerQuantile(x: RandomPart, p: number): number {
  let lo = x.lower;
  if (x.cdf(lo) > p) return lo;
  let hi = x.survivalQuantile(0.5);
  if (!(x.cdf(hi) > p)) return hi;
  for (let i = 0; i < 200 && hi - lo > 1e-9 * Math.max(1, Math.abs(hi)); i++) {
    const mid = 0.5 * (lo + hi);
    if (x.cdf(mid) <= p) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Validates `linkDelay` and returns its law D = baseUs + X. */
export function delayLaw(linkDelay: LinkDelay): DelayLaw {
  validateLinkDelay(linkDelay);
  const base = linkDelay.baseUs;
  let x = randomPart(linkDelay.random);
  // A law with a standard deviation below 1e-3 µs (a normal truncated hundreds of sd above
  // its mean, say) is a point mass for every purpose here: the simulator rounds each draw to
  // whole µs, and no quadrature resolves a spike narrower than the rounding of its position.
  if (x.upper > x.lower && x.variance < MIN_VARIANCE_US2) x = constantPart(x.mean);
  let features: number[] | null = null;
  let effectiveLower: number | null = null;
  const law: DelayLaw = {
    linkDelay,
    lowerUs: base + x.lower,
    upperUs: base + x.upper,
    breakpointsUs: x.breakpoints.map((b) => base + b),
    get effectiveLowerUs(): number {
      if (effectiveLower === null) effectiveLower = base + lowerQuantile(x, 1e-18);
      return effectiveLower;
    },
    // Lazy: the quantiles cost a few root-findings, and most callers never need them.
    get featurePointsUs(): readonly number[] {
      if (features === null) {
        features = x.breakpoints.map((b) => base + b);
        if (x.upper > x.lower) {
          for (const p of FEATURE_SURVIVALS) {
            const q = base + x.survivalQuantile(p);
            if (Number.isFinite(q)) features.push(q);
          }
        }
      }
      return features;
    },
    atoms: x.atoms.map((a) => ({ atUs: base + a.atUs, probability: a.probability })),
    hasDensity: x.atoms.reduce((sum, a) => sum + a.probability, 0) < 1 - 1e-12,
    meanUs: base + x.mean,
    varianceUs2: x.variance,
    cdf: (t) => x.cdf(t - base),
    cdfBefore: (t) => x.cdfBefore(t - base),
    survival: (t) => x.survival(t - base),
    pdf: (t) => x.pdf(t - base),
    intervalProbability: (a, b) => {
      if (!(b > a)) return 0;
      const sa = x.survival(a - base);
      if (sa < 0.5) return sa - x.survival(b - base);
      return x.cdf(b - base) - x.cdf(a - base);
    },
    expectedExcess: (t) => x.expectedExcess(t - base),
    survivalQuantile: (p) => {
      if (!(p > 0 && p < 1)) throw new RangeError(`survival quantile needs 0 < p < 1, got ${p}`);
      return base + x.survivalQuantile(p);
    },
  };
  return law;
}

/** Pr(D ≤ x). */
export function delayCdf(linkDelay: LinkDelay, xUs: number): number {
  return delayLaw(linkDelay).cdf(xUs);
}

/** Pr(D > x). */
export function delaySurvival(linkDelay: LinkDelay, xUs: number): number {
  return delayLaw(linkDelay).survival(xUs);
}

/**
 * Density of the absolutely continuous part of D, per µs. A constant delay has none (0
 * everywhere); point masses are reported by `delayAtoms`, and every integral in the oracle
 * adds the atoms explicitly rather than pretending a Dirac density can be sampled.
 */
export function delayPdf(linkDelay: LinkDelay, xUs: number): number {
  return delayLaw(linkDelay).pdf(xUs);
}

/** Point masses of D (a constant delay is one atom; an empirical law has one per repeated value). */
export function delayAtoms(linkDelay: LinkDelay): readonly DelayAtom[] {
  return delayLaw(linkDelay).atoms;
}

/** E(D) in µs; +∞ for a Pareto law with shape ≤ 1. */
export function delayMean(linkDelay: LinkDelay): number {
  return delayLaw(linkDelay).meanUs;
}

/** V(D) in µs²; +∞ for a Pareto law with shape ≤ 2. */
export function delayVariance(linkDelay: LinkDelay): number {
  return delayLaw(linkDelay).varianceUs2;
}

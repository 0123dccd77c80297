/**
 * The random part X ≥ 0 of a link delay, one closed form per shape the simulator's link
 * model supports (constant, uniform, exponential, normal truncated at 0, lognormal, Pareto,
 * the interpolated 'empirical' law): support, atoms, moments, CDF, survival, density,
 * E[(X−x)⁺] and quantiles. delay-law.ts adds the fixed part and validation and is what
 * the oracles use; this file is its per-shape maths, apart so that each file has one
 * concern (and stays under ~600 lines). Derivations and checks: see delay-law.ts's header
 * and test/analytic/delay-law.test.ts.
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

/** A point mass of the delay law (only a constant delay has one). */
export interface DelayAtom {
  readonly atUs: number;
  readonly probability: number;
}

const LOG_SQRT_2PI = 0.91893853320467274178;

/** The law of X alone (before adding baseUs). */
export interface RandomPart {
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

export function constantPart(v: number): RandomPart {
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

export function randomPart(r: DelayDistribution): RandomPart {
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
export function lowerQuantile(x: RandomPart, p: number): number {
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

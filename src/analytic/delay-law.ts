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
 * The per-shape maths (the law of X for each shape) is in delay-parts.ts.
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

import { constantPart, lowerQuantile, randomPart, type DelayAtom, type DelayDistribution } from './delay-parts.js';

export type { DelayAtom, DelayDistribution } from './delay-parts.js';

/** The delay of one message: baseUs + X. */
export interface LinkDelay {
  baseUs: number;
  random: DelayDistribution;
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

/**
 * Laws already built, by the delay's content: a sweep's cells share one link delay (db-ha's
 * 20 cells: one law instead of 40, each closed form asks twice), and a law is immutable
 * (its lazy quantiles are computed once and then shared). Bounded: cleared when full.
 */
const built = new Map<string, DelayLaw>();
const BUILT_CAP = 256;

/** The delay's content as a key; −0 is told from 0 (a law's arithmetic may see the sign). */
function contentKey(linkDelay: LinkDelay): string {
  return JSON.stringify(linkDelay, (_k, v: unknown) => (Object.is(v, -0) ? '-0' : v));
}

/** Validates `linkDelay` and returns its law D = baseUs + X (the same object for the same content). */
export function delayLaw(linkDelay: LinkDelay): DelayLaw {
  validateLinkDelay(linkDelay);
  const key = contentKey(linkDelay);
  const known = built.get(key);
  if (known !== undefined) return known;
  // A copy: the caller may change its object later; the shared law must not change with it.
  const law = buildDelayLaw(structuredClone(linkDelay));
  if (built.size >= BUILT_CAP) built.clear();
  built.set(key, law);
  return law;
}

function buildDelayLaw(linkDelay: LinkDelay): DelayLaw {
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

/**
 * Analytic QoS of the plain "no arrival for TO" detector: q suspects p at time t iff no
 * heartbeat arrived in (t − TO, t]. Heartbeats are sent every η, lost independently with
 * probability p_L, and otherwise delayed by i.i.d. D (reordering allowed). Owns the
 * stationary QoS (mistake rate, E(T_MR), E(T_M), P_A) and the detection-latency law for a
 * crash at a uniformly random phase. Knows nothing about the simulator's event loop.
 *
 * Reference: /work/shared/reference/failure-detectors.md §1.7 (formulas marked there
 * [derived+MC], i.e. derived by the reference's author, not taken from Chen–Toueg–Aguilera)
 * and §1.1 for the renewal identities λ_M = 1/E(T_MR), P_A = 1 − E(T_M)/E(T_MR).
 *
 * Window convention. The simulator's fixed-timeout detector suspects when
 * now − lastArrival > TO (strict). At t = a + TO that is "no arrival in [t − TO, t]" and
 * the reference's is "(t − TO, t]"; they differ only on a null set of t, and both say a
 * mistake starts at a + TO exactly when nothing arrives in (a, a + TO]. So the same
 * formulas hold, atoms included.
 *
 * From §1.7 (re-derived here; the numeric tables of §1.7 are reproduced in the tests):
 *   1 − P_A = (1/η) ∫₀^η G(t − TO, t) dt,
 *   G(s, e) = Π_j [1 − (1−p_L)·Pr(s − jη < D ≤ e − jη)].
 *
 * Derived here (rewriting of §1.7's λ_M that handles atoms):
 *   A mistake starts at a + TO iff some heartbeat arrives at a and no other one arrives in
 *   (a, a + TO]. Put the arriving heartbeat at send time 0 with delay y; heartbeat m is sent
 *   at mη and lands in (y, y + TO] iff D_m ∈ (y − mη, y − mη + TO]. Averaging over the
 *   period (send times are η-periodic) turns §1.7's ∫₀^η Σ_j f(s − jη)(…) ds into an
 *   expectation over the arriving heartbeat's own delay:
 *     λ_M = ((1 − p_L)/η) · E[ H(D) ],
 *     H(y) = Π_{m≠0} [1 − (1−p_L)·Pr(D ∈ (y + mη, y + mη + TO])]
 *   (sign of m flipped; it runs over all non-zero integers). An atom of the delay law
 *   (constant delay, repeated empirical quantile) simply puts weight on H at the atom — no
 *   Dirac density is ever sampled. The density part is folded back onto one period for
 *   computation, ∫ f(y)H(y) dy = ∫₀^η Σ_k f(s + kη)·H(s + kη) ds, which is §1.7's own form and
 *   keeps the integration range to one period however heavy the tail. Check: constant delay
 *   d gives λ_M = (1−p_L)·p_L^⌊TO/η⌋/η (tested), and the y-integral form is evaluated by
 *   brute force in the tests for five laws.
 *
 * Numerics: the integrals are adaptive Gauss–Kronrod to 1e-10 relative (the promise to
 * callers is 1e-6), split at every phase where a factor has a kink or jump and at a ladder of
 * delay quantiles, so a delay law much narrower than η cannot slip between the nodes. The
 * infinite products are truncated or tail-approximated in heartbeat-grid.ts.
 */

import { delayLaw, type DelayLaw, type LinkDelay } from './delay-law.js';
import { LastArrivalGrid, WindowGrid } from './heartbeat-grid.js';
import { DEFAULT_QUADRATURE, integrateOrThrow, type QuadratureOptions } from './quadrature.js';
import { phasesWithin, requireProbability, requireWholePositiveUs } from './validate.js';

const US_PER_S = 1_000_000;
/** At most this many explicit breakpoints per integral; further kinks are left to adaptivity. */
const BREAKPOINT_CAP = 4000;

export interface ArrivalTimeoutParams {
  /** Heartbeat period η. */
  intervalUs: number;
  /** Suspect after this long without any arrival (TO). */
  timeoutUs: number;
  /** Independent per-heartbeat loss probability p_L. */
  lossProbability: number;
  delay: LinkDelay;
}

export interface ArrivalTimeoutQos {
  /** λ_M: S-transitions (wrong suspicions) per second while p is alive. */
  mistakeRatePerS: number;
  /** E(T_MR) = 1/λ_M; +∞ when mistakes never happen. */
  meanMistakeRecurrenceS: number;
  /** E(T_M) = (1 − P_A)/λ_M; 0 when the detector never suspects, +∞ when it never stops. */
  meanMistakeDurationS: number;
  /** P_A: probability that a query at a random time (p alive) returns "trust". */
  queryAccuracy: number;
}

interface Checked {
  law: DelayLaw;
  eta: number;
  timeout: number;
  loss: number;
}

function check(params: ArrivalTimeoutParams): Checked {
  if (typeof params !== 'object' || params === null) throw new RangeError('parameters must be an object');
  requireWholePositiveUs(params.intervalUs, 'intervalUs');
  requireWholePositiveUs(params.timeoutUs, 'timeoutUs');
  requireProbability(params.lossProbability, 'lossProbability');
  return {
    law: delayLaw(params.delay),
    eta: params.intervalUs,
    timeout: params.timeoutUs,
    loss: params.lossProbability,
  };
}

/** Stationary QoS of the arrival-timeout detector (§1.7). */
export function arrivalTimeoutQos(params: ArrivalTimeoutParams): ArrivalTimeoutQos {
  const { law, eta, timeout, loss } = check(params);
  const deliver = 1 - loss;
  if (deliver === 0) {
    // Nothing ever arrives: q suspects forever and never makes a (new) mistake.
    return { mistakeRatePerS: 0, meanMistakeRecurrenceS: Infinity, meanMistakeDurationS: Infinity, queryAccuracy: 0 };
  }
  const grid = new WindowGrid(law, loss, eta, timeout);

  // 1 − P_A: average over one period of Pr(no arrival in (t − TO, t]).
  const suspectPoints = [
    0,
    eta,
    ...phasesWithin(law.featurePointsUs, 0, eta),
    ...phasesWithin(law.featurePointsUs, timeout, eta),
  ];
  const suspectIntegral = integrateOrThrow(
    (t) => Math.exp(grid.logNoArrival(t - timeout, false)),
    suspectPoints,
    'the suspicion probability over one period',
  );
  const suspectFraction = Math.min(1, Math.max(0, suspectIntegral / eta));

  // λ_M = (c/η)·E[H(D)]. Atoms: evaluate H where the mass sits. Density part: fold
  // ∫ f(y)H(y) dy over the period (see arrivalThenSilenceDensity), which is §1.7's own
  // one-period form and keeps the integration range to η however heavy the tail.
  let expectedH = 0;
  for (const atom of law.atoms) expectedH += atom.probability * Math.exp(grid.logNoArrival(atom.atUs, true));
  if (law.hasDensity) {
    const rateKinks = [
      0,
      eta,
      ...phasesWithin(law.featurePointsUs, 0, eta),
      ...phasesWithin(law.featurePointsUs, -timeout, eta),
    ];
    expectedH += integrateOrThrow(
      (s) => grid.arrivalThenSilenceDensity(s),
      rateKinks,
      'the mistake-start density over one period',
    );
  }
  const ratePerUs = (deliver / eta) * expectedH;
  return qosFromRates(ratePerUs, suspectFraction);
}

function qosFromRates(ratePerUs: number, suspectFraction: number): ArrivalTimeoutQos {
  const ratePerS = ratePerUs * US_PER_S;
  if (ratePerS === 0) {
    return {
      mistakeRatePerS: 0,
      meanMistakeRecurrenceS: Infinity,
      meanMistakeDurationS: suspectFraction === 0 ? 0 : Infinity,
      queryAccuracy: 1 - suspectFraction,
    };
  }
  return {
    mistakeRatePerS: ratePerS,
    meanMistakeRecurrenceS: 1 / ratePerS,
    meanMistakeDurationS: suspectFraction / ratePerS,
    queryAccuracy: 1 - suspectFraction,
  };
}

/** Law of the detection time T_D for a crash at a uniformly random phase of the period. */
export interface DetectionLatency {
  /** E(T_D) in µs; +∞ when V(D) = ∞ (see the derivation below). */
  readonly meanUs: number;
  /** Infimum and supremum of T_D's support, in µs (supremum +∞ for unbounded delays). */
  readonly minimumUs: number;
  readonly maximumUs: number;
  /** Pr(T_D ≤ x). */
  cdfAtUs(xUs: number): number;
  /** The smallest x with Pr(T_D ≤ x) ≥ p (bisection to 1e-3 µs), for 0 < p < 1. */
  quantileUs(p: number): number;
}

/**
 * Detection time of the arrival-timeout detector. Derived here (not in the reference beyond
 * the definition T_D = TO + (last arrival of a pre-crash heartbeat) − t_crash):
 *
 * Put the last send before the crash at time 0 and the crash at u ~ U[0, η). Heartbeat k ≥ 0
 * was sent at −kη. Let A be the last arrival among them. After the crash nothing new is
 * sent, so q suspects for good from A + TO on; if that is already before the crash, q was
 * mid-mistake and stays suspicious, so T_D = max(0, A + TO − u).
 *   K(a) := Pr(A ≤ a) = Π_{k≥0} [1 − (1−p_L)·Pr(D > a + kη)]        (independence)
 *   Pr(T_D ≤ x) = (1/η) ∫₀^η K(x + u − TO) du,  x ≥ 0.
 *   E(T_D) = ∫₀^∞ Pr(T_D > x) dx = (1/η) ∫∫ (1 − K(x + u − TO)) du dx; substituting
 *   a = x + u − TO and integrating x out gives a single integral
 *   E(T_D) = ∫_{−TO}^∞ (1 − K(a)) · min(1, (a + TO)/η) da.
 * For large a, 1 − K(a) ≈ ((1−p_L)/η)·E[(D − a)⁺], so E(T_D) < ∞ iff E(D²) < ∞: with a
 * Pareto delay of shape ≤ 2 the mean detection time is infinite (and with shape ≤ 1 some
 * pre-crash heartbeat keeps arriving forever: T_D = ∞ almost surely, K ≡ 0).
 * Check: p_L = 0 and constant delay d give K(a) = 1[a ≥ d], so T_D is uniform on
 * (TO + d − η, TO + d] (for TO + d ≥ η) with mean TO + d − η/2 (tested, and cross-checked
 * against a Monte Carlo for exponential delays with loss).
 */
export function arrivalTimeoutDetectionLatency(params: ArrivalTimeoutParams): DetectionLatency {
  const { law, eta, timeout, loss } = check(params);
  const grid = new LastArrivalGrid(law, loss, eta);
  const logK = (a: number): number => grid.logNoneAfter(a);
  const k = (a: number): number => Math.exp(logK(a));
  const maximumUs = timeout + law.upperUs; // A ≤ (last send) + sup D and u ≥ 0
  const minimumUs = loss === 0 ? Math.max(0, timeout + law.lowerUs - eta) : 0;

  const cdfAtUs = (xUs: number): number => {
    if (typeof xUs !== 'number' || Number.isNaN(xUs)) throw new RangeError(`xUs must be a number, got ${String(xUs)}`);
    if (xUs < 0) return 0;
    if (xUs >= maximumUs) return 1;
    const shift = timeout - xUs; // u ≡ breakpoint − x + TO makes x + u − TO hit a breakpoint
    const pts = [0, eta, ...phasesWithin(law.featurePointsUs, shift, eta)];
    const v = integrateOrThrow((u) => k(xUs + u - timeout), pts, 'the detection-time CDF') / eta;
    return Math.min(1, Math.max(0, v));
  };

  const meanUs = detectionMean(law, loss, eta, timeout, logK);

  const quantileUs = (p: number): number => {
    if (typeof p !== 'number' || !(p > 0 && p < 1)) throw new RangeError(`quantile needs 0 < p < 1, got ${String(p)}`);
    if (cdfAtUs(minimumUs) >= p) return minimumUs;
    let lo = minimumUs;
    let hi: number;
    if (Number.isFinite(maximumUs)) {
      hi = maximumUs;
    } else {
      let step = eta + timeout;
      hi = lo + step;
      while (cdfAtUs(hi) < p) {
        lo = hi;
        step *= 2;
        hi = minimumUs + step;
        if (!Number.isFinite(hi)) return Infinity;
      }
    }
    while (hi - lo > 1e-3) {
      const mid = 0.5 * (lo + hi);
      if (cdfAtUs(mid) >= p) hi = mid;
      else lo = mid;
    }
    return hi;
  };

  return { meanUs, minimumUs, maximumUs, cdfAtUs, quantileUs };
}

function detectionMean(law: DelayLaw, loss: number, eta: number, timeout: number, logK: (a: number) => number): number {
  if (loss < 1 && !Number.isFinite(law.varianceUs2)) return Infinity;
  const weight = (a: number): number => Math.min(1, (a + timeout) / eta);
  // 1 − K via expm1 keeps its relative accuracy in the tail, where K → 1.
  const integrand = (a: number): number => -Math.expm1(logK(a)) * weight(a);
  // K has kinks (or steep steps, for a narrow delay) where some a + kη, k ≥ 0, meets a
  // feature point b, i.e. at a = b − kη. Below the support each further period multiplies K
  // by p_L, so once p_L^m < 1e-17 the integrand is flat (1 − K = 1) and needs no more splits.
  const flatBelow =
    loss === 0
      ? law.effectiveLowerUs - eta
      : law.effectiveLowerUs - (Math.ceil(Math.log(1e-17) / Math.log(loss)) + 1) * eta;
  // The quantile ladder only matters for a law narrow against η (steep steps); a wide law's
  // K is smooth between its true breakpoints, and splitting at every period of every
  // quantile would only multiply the work.
  const narrow = law.survivalQuantile(1e-12) - law.survivalQuantile(1 - 1e-12) <= 8 * eta;
  const features = narrow ? law.featurePointsUs : law.breakpointsUs;
  const kinks = (from: number, to: number): number[] => {
    const pts = [from, to, eta - timeout];
    const bottom = Math.max(from, flatBelow);
    for (const b of features) {
      let v = b - Math.max(0, Math.ceil((b - to) / eta)) * eta;
      for (let n = 0; v >= bottom && n < BREAKPOINT_CAP; n++, v -= eta) if (v <= to) pts.push(v);
    }
    return pts.filter((p) => p >= from && p <= to);
  };
  const options = (points: number): QuadratureOptions => ({
    ...DEFAULT_QUADRATURE,
    maxIntervals: Math.max(DEFAULT_QUADRATURE.maxIntervals, 4 * points),
  });
  const start = -timeout;
  if (Number.isFinite(law.upperUs)) {
    // K(a) = 1 once a ≥ sup D: every heartbeat has arrived or been lost.
    const pts = kinks(start, law.upperUs);
    return integrateOrThrow(integrand, pts, 'the mean detection time', options(pts.length));
  }
  const firstEnd = Math.max(law.survivalQuantile(1e-12), law.lowerUs + eta);
  const pts = kinks(start, firstEnd);
  let total = integrateOrThrow(integrand, pts, 'the mean detection time', options(pts.length));
  // Beyond, 1 − K decays like E[(D − a)⁺]/η: add doubling chunks until the geometric
  // extrapolation of what is left is below 1e-10 of the total.
  let from = firstEnd;
  let width = Math.max(firstEnd - law.lowerUs, eta);
  let previous = Infinity;
  for (let i = 0; i < 400; i++) {
    const chunk = integrateOrThrow(integrand, [from, from + width], 'the mean detection time tail', {
      ...DEFAULT_QUADRATURE,
      absTol: 1e-12 * total,
    });
    total += chunk;
    const ratio = chunk / previous;
    const rest = ratio < 1 ? (chunk * ratio) / (1 - ratio) : Infinity;
    if (chunk <= 1e-300 || (rest <= 1e-10 * total && chunk <= 1e-10 * total)) return total;
    previous = chunk;
    from += width;
    width *= 2;
  }
  throw new RangeError(
    'arrival-timeout detection latency: the mean converges too slowly (delay variance barely finite)',
  );
}

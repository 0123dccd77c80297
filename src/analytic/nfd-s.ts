/**
 * Analytic QoS of Chen–Toueg–Aguilera's NFD-S detector (synchronized clocks) and its
 * configuration procedure. Owns p_S, u(x), λ_M, E(T_MR), E(T_M), P_A and the detection
 * bound for given (η, δ), and the search for (η, δ) meeting QoS requirements. Knows nothing
 * about the simulator's event loop.
 *
 * Reference: /work/shared/reference/failure-detectors.md §1.2 (algorithm), §1.3 (closed-form
 * QoS), §1.4 (worked numbers, reproduced in the tests), §1.5a (configuration procedure).
 * Provenance: the paper is W. Chen, S. Toueg, M. K. Aguilera, "On the Quality of Service of
 * Failure Detectors", IEEE TC 51(5), 2002. The reference could not read its theorem pages,
 * so §1.3's formulas are "derived + Monte Carlo, matching second-hand quotes of the paper"
 * (T_D ≤ δ+η, E(T_MR) = η/p_S, E(T_M) = ∫₀^η u / p_S) and §1.5a is a reconstruction of the
 * paper's configurator. Nothing here is new mathematics; what is decided here:
 *  - Atoms (constant delay). q trusts at t ∈ [τ_i, τ_{i+1}) iff some m_j, j ≥ i, was received
 *    by t; a message arriving exactly at t counts, so u uses the right-continuous CDF. An
 *    S-transition at τ_i needs trust *just before* τ_i, so q₀ = (1−p_L)·Pr(D < δ + η) uses
 *    the left limit. With a continuous delay both are §1.3's F; only a point mass sitting
 *    exactly on a freshness point can tell them apart.
 *  - 1 − (1−p_L)·F(y) is evaluated as p_L + (1−p_L)·Pr(D > y), which keeps full relative
 *    precision when F(y) ≈ 1 (the usual case, and the one that makes E(T_MR) large).
 *  - The configurator scans η downward on the integer-µs grid (step below), never bisects:
 *    f(η) is not monotone (§1.5a "Caution"). q'₀ uses the same left limit as q₀, so f(η) is
 *    exactly the forward E(T_MR) of NFD-S at δ = T_D^U − η.
 */

import { delayLaw, type DelayLaw, type LinkDelay } from './delay-law.js';
import { integrateOrThrow } from './quadrature.js';
import { phasesWithin, requirePositiveSeconds, requireProbability, requireWholePositiveUs } from './validate.js';

const US_PER_S = 1_000_000;
/** Refuse rather than multiply more than this many factors per evaluation of u(x). */
const FACTOR_CAP = 2_000_000;

export interface NfdsParams {
  /** Heartbeat period η. */
  intervalUs: number;
  /** Shift δ > 0 of the freshness points τ_i = iη + δ past the send times. */
  shiftUs: number;
  /** Independent per-heartbeat loss probability p_L. */
  lossProbability: number;
  delay: LinkDelay;
}

export interface NfdsQos {
  /** Pr(an S-transition happens at a given freshness point) (§1.3). */
  pS: number;
  /** u(0) = Pr(q suspects p at τ_i). */
  uAt0: number;
  /** λ_M = p_S/η, mistakes per second while p is alive. */
  mistakeRatePerS: number;
  /** E(T_MR) = η/p_S; +∞ when p_S = 0. */
  meanMistakeRecurrenceS: number;
  /** E(T_M) = ∫₀^η u / p_S; 0 when q never suspects, +∞ when it never stops suspecting. */
  meanMistakeDurationS: number;
  /** P_A = 1 − (1/η)∫₀^η u. */
  queryAccuracy: number;
  /** Worst-case detection time δ + η. */
  detectionBoundUs: number;
}

/**
 * u(x) = Π_{j=0}^{k} [p_L + (1−p_L)·Pr(D > δ + x − jη)], k = ⌈δ/η⌉: Pr(no m_{i+j}, j ≥ 0,
 * has arrived by τ_i + x). Factors with δ + x − jη below the support are 1 and are skipped;
 * factors above a bounded support are exactly p_L and are counted in one power.
 */
function makeSuspicion(law: DelayLaw, loss: number, eta: number, delta: number): (x: number) => number {
  const deliver = 1 - loss;
  const k = Math.ceil(delta / eta);
  const upper = law.upperUs;
  // Below effectiveLowerUs a factor is 1 − c·F with F ≤ 1e-18: treated as 1.
  const lower = law.effectiveLowerUs;
  return (x: number): number => {
    const top = delta + x; // argument of the j = 0 factor
    // Factors j with top − jη ≥ sup D have Pr(D > ·) = 0.
    const sure = Number.isFinite(upper) ? Math.max(0, Math.min(k + 1, Math.floor((top - upper) / eta) + 1)) : 0;
    let product = sure > 0 ? loss ** sure : 1;
    const last = Math.min(k, Math.floor((top - lower) / eta));
    if (last - sure + 1 > FACTOR_CAP) {
      throw new RangeError(
        `NFD-S oracle: δ/η needs more than ${FACTOR_CAP} factors per point; use a longer interval`,
      );
    }
    for (let j = sure; j <= last && product > 0; j++) {
      product *= loss + deliver * law.survival(top - j * eta);
    }
    return product;
  };
}

/** Closed-form QoS of NFD-S (§1.3). */
export function nfdsQos(params: NfdsParams): NfdsQos {
  if (typeof params !== 'object' || params === null) throw new RangeError('parameters must be an object');
  requireWholePositiveUs(params.intervalUs, 'intervalUs');
  requireWholePositiveUs(params.shiftUs, 'shiftUs');
  requireProbability(params.lossProbability, 'lossProbability');
  const law = delayLaw(params.delay);
  const eta = params.intervalUs;
  const delta = params.shiftUs;
  const loss = params.lossProbability;
  const deliver = 1 - loss;

  const u = makeSuspicion(law, loss, eta, delta);
  const q0 = deliver * law.cdfBefore(delta + eta);
  const uAt0 = u(0);
  const pS = q0 * uAt0;
  // u only has kinks/jumps where some δ + x − jη meets a breakpoint of the delay law.
  const points = [0, eta, ...phasesWithin(law.featurePointsUs, -delta, eta)];
  const suspectIntegral = integrateOrThrow(u, points, 'u(x) over one period');
  const suspectFraction = Math.min(1, Math.max(0, suspectIntegral / eta));

  const ratePerS = pS * (US_PER_S / eta);
  return {
    pS,
    uAt0,
    mistakeRatePerS: ratePerS,
    meanMistakeRecurrenceS: pS === 0 ? Infinity : eta / pS / US_PER_S,
    meanMistakeDurationS: pS === 0 ? (suspectIntegral === 0 ? 0 : Infinity) : suspectIntegral / pS / US_PER_S,
    queryAccuracy: 1 - suspectFraction,
    detectionBoundUs: delta + eta,
  };
}

export interface NfdsRequirements {
  /** T_D^U: detection time must never exceed this. */
  detectionBoundUs: number;
  /** T_MR^L: the mean time between mistakes must be at least this. */
  mistakeRecurrenceLowerS: number;
  /** T_M^U: the mean mistake duration must be at most this. */
  mistakeDurationUpperS: number;
  lossProbability: number;
  delay: LinkDelay;
}

export type NfdsConfiguration = { intervalUs: number; shiftUs: number } | { unreachable: string };

export interface NfdsBoundedRecurrenceParams {
  /** Candidate heartbeat period η. */
  intervalUs: number;
  /** T_D^U; the shift is δ = T_D^U − η. */
  detectionBoundUs: number;
  lossProbability: number;
  delay: LinkDelay;
}

function checkRequirementsCommon(detectionBoundUs: number, lossProbability: number): void {
  requireWholePositiveUs(detectionBoundUs, 'detectionBoundUs');
  requireProbability(lossProbability, 'lossProbability');
}

/**
 * §1.5a's f(η) = η / (q'₀ · Π_{j=1}^{⌈T_D^U/η⌉−1} [p_L + (1−p_L)·Pr(D > T_D^U − jη)]), in
 * seconds: the E(T_MR) of NFD-S with shift δ = T_D^U − η. Exposed so the non-monotone shape
 * the configurator has to cope with can be inspected (and is tested against §1.5a's table).
 */
export function nfdsBoundedRecurrenceS(params: NfdsBoundedRecurrenceParams): number {
  if (typeof params !== 'object' || params === null) throw new RangeError('parameters must be an object');
  checkRequirementsCommon(params.detectionBoundUs, params.lossProbability);
  requireWholePositiveUs(params.intervalUs, 'intervalUs');
  const law = delayLaw(params.delay);
  const loss = params.lossProbability;
  const q0 = (1 - loss) * law.cdfBefore(params.detectionBoundUs);
  const product = boundedProduct(law, loss, params.detectionBoundUs, params.intervalUs, 0);
  return params.intervalUs / (q0 * product) / US_PER_S;
}

/**
 * Π_{j=1}^{⌈T/η⌉−1} [p_L + (1−p_L)·Pr(D > T − jη)], stopping early (and returning the partial
 * product) once it is ≤ stopAt: the factors are ≤ 1, so the full product is smaller still.
 */
function boundedProduct(law: DelayLaw, loss: number, bound: number, eta: number, stopAt: number): number {
  const deliver = 1 - loss;
  const last = Math.ceil(bound / eta) - 1;
  let product = 1;
  for (let j = 1; j <= last; j++) {
    const y = bound - j * eta;
    if (y < law.effectiveLowerUs) break; // this and all later factors are 1 (to 1e-18)
    product *= loss + deliver * law.survival(y);
    if (product <= stopAt) break;
  }
  return product;
}

/**
 * The largest heartbeat period step of the downward scan at η: 1 µs up to η = 1 s, then
 * ⌊η·1e-6⌋, i.e. a relative resolution of 1e-6 that keeps the scan to about 10⁶ steps per
 * decade of η. Below 1 s this finds exactly the largest whole-µs η with f(η) ≥ T_MR^L.
 */
function scanStepUs(eta: number): number {
  return Math.max(1, Math.floor(eta * 1e-6));
}

/**
 * §1.5a, delay distribution known: the largest η ≤ η_max (on the scan grid) with
 * f(η) ≥ T_MR^L, and δ = T_D^U − η. η_max = min(q'₀·T_M^U, T_D^U − 1 µs): the reference
 * allows η = T_D^U, but that makes δ = 0, which NFD-S excludes (δ > 0, §1.2).
 * Guarantees (forward-checked in the tests): T_D ≤ T_D^U by construction; E(T_MR) = f(η) ≥
 * T_MR^L; E(T_M) = ∫₀^η u / (q'₀·u(0)) ≤ η/q'₀ ≤ T_M^U because u is non-increasing (§1.5a).
 */
export function configureNfds(requirements: NfdsRequirements): NfdsConfiguration {
  if (typeof requirements !== 'object' || requirements === null) {
    throw new RangeError('requirements must be an object');
  }
  const { detectionBoundUs, mistakeRecurrenceLowerS, mistakeDurationUpperS, lossProbability } = requirements;
  checkRequirementsCommon(detectionBoundUs, lossProbability);
  requirePositiveSeconds(mistakeRecurrenceLowerS, 'mistakeRecurrenceLowerS');
  requirePositiveSeconds(mistakeDurationUpperS, 'mistakeDurationUpperS');
  const law = delayLaw(requirements.delay);
  const loss = lossProbability;

  const q0 = (1 - loss) * law.cdfBefore(detectionBoundUs);
  if (q0 === 0) {
    return {
      unreachable:
        loss === 1
          ? 'every heartbeat is lost (lossProbability = 1)'
          : `no heartbeat can arrive within the detection bound: Pr(D < ${detectionBoundUs} µs) = 0`,
    };
  }
  const etaMax = Math.min(Math.floor(q0 * mistakeDurationUpperS * US_PER_S), detectionBoundUs - 1);
  if (etaMax < 1) {
    return {
      unreachable:
        detectionBoundUs < 2
          ? 'the detection bound leaves no room for a positive interval and shift'
          : `η_max = min(q'₀·T_M^U, T_D^U − 1 µs) < 1 µs (q'₀ = ${q0}): ` +
            'the mistake-duration bound is too tight',
    };
  }
  const targetUs = mistakeRecurrenceLowerS * US_PER_S;
  for (let eta = etaMax; eta >= 1; eta -= scanStepUs(eta)) {
    // f(η) ≥ target ⟺ Π ≤ η/(q'₀·target).
    const stopAt = eta / (q0 * targetUs);
    if (boundedProduct(law, loss, detectionBoundUs, eta, stopAt) <= stopAt) {
      return { intervalUs: eta, shiftUs: detectionBoundUs - eta };
    }
  }
  return {
    unreachable:
      `no interval η ≤ ${etaMax} µs gives a mean mistake recurrence ≥ ${mistakeRecurrenceLowerS} s ` +
      'within the detection bound',
  };
}

/**
 * Akka's φ (akka-remote PhiAccrualFailureDetector.scala, with its logistic
 * approximation of the normal CDF) and the silence at which it crosses a threshold:
 * closed forms shared by the engine's phi_akka detector (src/sim/detectors) and the
 * scenarios' nominal timeout, so neither layer reaches into the other.
 */

/** The settings φ depends on (a subset of the phi_akka detector's). */
export interface AkkaPhiParameters {
  readonly threshold: number;
  readonly acceptablePauseUs: number;
  readonly minStdDeviationUs: number;
}

/** φ for a silence Δ, with the history's mean and standard deviation (Akka's `phi`). */
export function akkaPhi(silenceUs: number, meanUs: number, stdDeviationUs: number, s: AkkaPhiParameters): number {
  const mu = meanUs + s.acceptablePauseUs;
  const sigma = Math.max(stdDeviationUs, s.minStdDeviationUs);
  const y = (silenceUs - mu) / sigma;
  const e = Math.exp(-y * (1.5976 + 0.070566 * y * y));
  return silenceUs > mu ? -Math.log10(e / (1 + e)) : -Math.log10(1 - 1 / (1 + e));
}

/**
 * The standardised silence y = (Δ − μ) / σ at which φ reaches `threshold`: it depends
 * on the threshold alone, so a detector solves for it once, not at every heartbeat.
 */
export function akkaCrossingY(threshold: number): number {
  const p = Math.pow(10, -threshold);
  // Both of Akka's branches are φ = −log10(e/(1+e)) (split only for precision), so at
  // the crossing e/(1+e) = 10^−threshold, i.e. ln e = ln(p/(1−p)).
  const lnE = Math.log(p / (1 - p));
  // Solve g(y) = 0.070566 y³ + 1.5976 y + ln e = 0; g is strictly increasing.
  let y = -lnE / 1.5976;
  for (let i = 0; i < 60; i++) {
    const g = 0.070566 * y * y * y + 1.5976 * y + lnE;
    const dg = 3 * 0.070566 * y * y + 1.5976;
    const step = g / dg;
    y -= step;
    if (Math.abs(step) < 1e-12 * (1 + Math.abs(y))) break;
  }
  return y;
}

/**
 * The silence at which φ reaches `threshold`, as a real number (µs); `crossingY` is
 * `akkaCrossingY(s.threshold)`, passed by callers that keep it.
 */
export function akkaCrossingSilenceUs(meanUs: number, stdDeviationUs: number, s: AkkaPhiParameters, crossingY = akkaCrossingY(s.threshold)): number {
  const mu = meanUs + s.acceptablePauseUs;
  const sigma = Math.max(stdDeviationUs, s.minStdDeviationUs);
  // A threshold below φ at zero silence (e.g. 1e-9, which the schema allows) is crossed
  // at once: φ already exceeds it when a heartbeat arrives, so the silence is 0, never negative.
  return Math.max(0, mu + sigma * crossingY);
}

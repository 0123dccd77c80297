/**
 * Public surface of the analytic oracle: closed-form / numerically integrated QoS predictions
 * for heartbeat failure detectors under i.i.d. loss and delay (reference
 * /work/shared/reference/failure-detectors.md §1). Pure functions of their inputs; the
 * simulator's statistical tests compare measured λ_M, 1 − P_A, E(T_M) and detection times
 * against these (§1.8). Imports nothing outside src/analytic.
 */

export {
  delayAtoms,
  delayCdf,
  delayLaw,
  delayMean,
  delayPdf,
  delaySurvival,
  delayVariance,
  validateLinkDelay,
  type DelayAtom,
  type DelayDistribution,
  type DelayLaw,
  type LinkDelay,
} from './delay-law.js';
export {
  arrivalTimeoutDetectionLatency,
  arrivalTimeoutQos,
  type ArrivalTimeoutParams,
  type ArrivalTimeoutQos,
  type DetectionLatency,
} from './arrival-timeout.js';
export {
  configureNfds,
  nfdsBoundedRecurrenceS,
  nfdsQos,
  type NfdsBoundedRecurrenceParams,
  type NfdsConfiguration,
  type NfdsParams,
  type NfdsQos,
  type NfdsRequirements,
} from './nfd-s.js';
export { erf, erfc, erfcx, normalCdf, normalPdf, normalSurvival } from './normal.js';

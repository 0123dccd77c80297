/**
 * Closed forms the rare-event estimator is checked against, for the fixed timeout
 * checked continuously with constant delay and no jitter (heartbeat j arrives at
 * jη + d unless lost; m = ⌊TO/η⌋ with TO not a multiple of η):
 *
 * - Gilbert–Elliott loss (loss of message j decided by the state X_j, then the chain
 *   steps, as netem and src/sim/loss.ts do): an onset follows heartbeat 0 iff it is
 *   delivered and heartbeats 1…m are lost, so per heartbeat
 *     π = πₛᵀ · diag(1 − h) · (P · diag(h))^m · 1,
 *   πₛ the stationary law, P the transition matrix, h the loss probability per state.
 *   With one state this is Bernoulli's (1 − p)·p^m (reference §1.7's λ_M · η).
 * - Independent sender pauses on a lossless link (Poisson onsets at rate r, length
 *   L, heartbeats sent during a pause skipped): a pause starting u after a send
 *   silences the link for η·⌈(u + L)/η⌉, an onset iff u + L > mη, so
 *     rate = r · (1/η) ∫₀^η Pr(L > mη − u) du.
 */
import { normalSurvival } from '../analytic/index.js';
import type { DelayDistribution } from '../sim/random/distributions.js';
import type { LossModel } from '../sim/network/loss.js';

const US_PER_DAY = 86_400e6;

function requireFractional(intervalUs: number, timeoutUs: number): number {
  const m = Math.floor(timeoutUs / intervalUs);
  if (m * intervalUs === timeoutUs) throw new RangeError('the closed form needs a timeout that is not a multiple of the interval (a tie between an arrival and the deadline)');
  if (m < 1) throw new RangeError('the closed form needs a timeout longer than the interval');
  return m;
}

/** False suspicions per node-day under loss alone (constant delay, no jitter, continuous check). */
export function lossOnsetsPerNodeDay(loss: LossModel, intervalUs: number, timeoutUs: number): number {
  const m = requireFractional(intervalUs, timeoutUs);
  const perDay = US_PER_DAY / intervalUs;
  if (loss.kind === 'bernoulli') return perDay * (1 - loss.probability) * loss.probability ** m;
  const p = loss.enterBadProbability;
  const r = loss.leaveBadProbability;
  const h = [loss.lossInGoodProbability, loss.lossInBadProbability];
  const P = [
    [1 - p, p],
    [r, 1 - r],
  ];
  // Row vector v = πₛᵀ diag(1 − h), then m times v ← v P diag(h).
  let v = [(r / (p + r)) * (1 - h[0]!), (p / (p + r)) * (1 - h[1]!)];
  for (let k = 0; k < m; k++) {
    v = [(v[0]! * P[0]![0]! + v[1]! * P[1]![0]!) * h[0]!, (v[0]! * P[0]![1]! + v[1]! * P[1]![1]!) * h[1]!];
  }
  return perDay * (v[0]! + v[1]!);
}

function survival(law: DelayDistribution, xUs: number): number {
  if (xUs < 0) return 1;
  switch (law.kind) {
    case 'constant':
      return law.valueUs > xUs ? 1 : 0;
    case 'exponential':
      return Math.exp(-xUs / law.meanUs);
    case 'lognormal':
      return xUs <= 0 ? 1 : normalSurvival((Math.log(xUs) - Math.log(law.medianUs)) / law.sigma);
    default:
      throw new RangeError(`no closed form here for a ${law.kind} pause length`);
  }
}

/** False suspicions per node-day caused by pauses on a lossless link (constant delay, no jitter, continuous check). */
export function pauseOnsetsPerNodeDay(meanGapUs: number, duration: DelayDistribution, intervalUs: number, timeoutUs: number): number {
  const m = requireFractional(intervalUs, timeoutUs);
  // Simpson's rule over one period: the integrand is smooth for these laws.
  const steps = 2000;
  const h = intervalUs / steps;
  let sum = 0;
  for (let i = 0; i <= steps; i++) {
    const weight = i === 0 || i === steps ? 1 : i % 2 === 1 ? 4 : 2;
    sum += weight * survival(duration, m * intervalUs - i * h);
  }
  const perPause = (sum * h) / 3 / intervalUs;
  return (US_PER_DAY / meanGapUs) * perPause;
}

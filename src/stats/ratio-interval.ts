/**
 * A confidence interval for a ratio of sums, R = Σ yᵢ / Σ xᵢ, from independent units
 * (nodes, replications): the fraction of up-time a node was wrongly suspected, pooled
 * over nodes. The standard error is the linearisation (delta-method) one used for
 * ratio estimators in survey sampling: Var(R) ≈ Σ (yᵢ − R·xᵢ)² / (n (n − 1) x̄²).
 * Treating the pooled time as one Bernoulli stream would ignore that suspicions of
 * one node cluster, and give intervals far too narrow.
 */
import { assertConfidence, type Interval } from './interval.js';
import { studentTCritical } from './student-t.js';

export interface RatioInterval extends Interval {
  readonly ratio: number;
  readonly standardError: number;
  readonly units: number;
}

export function ratioInterval(
  numerators: ArrayLike<number>,
  denominators: ArrayLike<number>,
  confidence = 0.95,
): RatioInterval | null {
  assertConfidence(confidence);
  if (numerators.length !== denominators.length) throw new RangeError('numerators and denominators differ in length');
  let n = 0;
  let sumY = 0;
  let sumX = 0;
  for (let i = 0; i < numerators.length; i++) {
    const x = denominators[i]!;
    if (!(x > 0)) continue; // a unit with no exposure carries no information
    n++;
    sumX += x;
    sumY += numerators[i]!;
  }
  if (n < 2 || sumX === 0) return null;
  const ratio = sumY / sumX;
  const meanX = sumX / n;
  let residuals = 0;
  for (let i = 0; i < numerators.length; i++) {
    const x = denominators[i]!;
    if (!(x > 0)) continue;
    const r = numerators[i]! - ratio * x;
    residuals += r * r;
  }
  const standardError = Math.sqrt(residuals / (n * (n - 1))) / meanX;
  const half = studentTCritical(confidence, n - 1) * standardError;
  return { ratio, standardError, units: n, low: ratio - half, high: ratio + half };
}

/**
 * The interval shape returned by every estimator in src/stats, and the one check of a
 * confidence level they all share, so that "confidence" means the same thing (a
 * two-sided coverage probability strictly between 0 and 1) everywhere.
 */

/** A closed interval [low, high] in the units of the quantity it bounds. */
export interface Interval {
  readonly low: number;
  readonly high: number;
}

export function assertConfidence(confidence: number): void {
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`confidence must lie strictly between 0 and 1, got ${confidence}`);
  }
}

/**
 * Confidence intervals for a mean: the plain Student-t interval for independent values,
 * and batch means for values that are correlated in sequence (event counts per time
 * window cluster around network partitions, so their naive standard error is too small).
 * Results are in the units of the values.
 */
import { assertConfidence } from './interval.js';
import { assertAllFinite, meanOf } from './numeric.js';
import { studentTCritical } from './student-t.js';

export interface MeanInterval {
  readonly count: number;
  readonly mean: number;
  readonly standardError: number;
  readonly low: number;
  readonly high: number;
}

export interface BatchMeansResult extends MeanInterval {
  /** Number of batches; the interval uses Student t with batches − 1 degrees of freedom. */
  readonly batches: number;
  readonly degreesOfFreedom: number;
}

/**
 * Σ (values[i] − centre)², scaled by the largest deviation first so that squaring
 * cannot overflow or underflow before the sum is formed.
 */
function sumOfSquaredDeviations(values: ArrayLike<number>, centre: number): number {
  let largest = 0;
  for (let i = 0; i < values.length; i++) largest = Math.max(largest, Math.abs((values[i] as number) - centre));
  if (largest === 0 || !Number.isFinite(largest)) return largest;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const scaled = ((values[i] as number) - centre) / largest;
    sum += scaled * scaled;
  }
  return sum * largest * largest;
}

/**
 * mean ± t_{n−1}·s/√n. Exact when the values are independent and normal, and by the
 * central limit theorem a good approximation for independent values with n in the tens
 * or more; for correlated values use `batchMeans`. null for fewer than 2 values (no
 * spread can be estimated from one).
 */
export function meanInterval(values: ArrayLike<number>, confidence = 0.95): MeanInterval | null {
  assertAllFinite(values, 'values');
  assertConfidence(confidence);
  const count = values.length;
  if (count < 2) return null;
  const mean = meanOf(values);
  const variance = sumOfSquaredDeviations(values, mean) / (count - 1);
  const standardError = Math.sqrt(variance / count);
  const halfWidth = studentTCritical(confidence, count - 1) * standardError;
  return { count, mean, standardError, low: mean - halfWidth, high: mean + halfWidth };
}

/**
 * Batch-means estimate for a sequence of correlated values: split into `batches`
 * contiguous batches (sizes differ by at most one), treat the batch means as independent
 * and use their spread. With batch weights wᵢ = nᵢ/n the mean is the grand mean Σ wᵢ·mᵢ
 * and SE² = k/(k−1)·Σ wᵢ²(mᵢ − mean)², which is the textbook s²_batch/k when sizes are
 * equal. Batches must be long compared with the correlation time for this to be honest;
 * 10–30 batches is the usual compromise. null when there are fewer values than batches.
 */
export function batchMeans(values: ArrayLike<number>, batches: number, confidence = 0.95): BatchMeansResult | null {
  if (!Number.isSafeInteger(batches) || batches < 2) {
    throw new RangeError(`batches must be a whole number ≥ 2, got ${batches}`);
  }
  assertAllFinite(values, 'values');
  assertConfidence(confidence);
  const count = values.length;
  if (count < batches) return null;
  const mean = meanOf(values);
  const weightedDeviations = new Float64Array(batches);
  for (let b = 0; b < batches; b++) {
    const start = Math.floor((b * count) / batches);
    const end = Math.floor(((b + 1) * count) / batches);
    weightedDeviations[b] = ((end - start) / count) * (meanOf(values, start, end) - mean);
  }
  const variance = (batches / (batches - 1)) * sumOfSquaredDeviations(weightedDeviations, 0);
  const standardError = Math.sqrt(variance);
  const degreesOfFreedom = batches - 1;
  const halfWidth = studentTCritical(confidence, degreesOfFreedom) * standardError;
  return {
    count,
    mean,
    standardError,
    low: mean - halfWidth,
    high: mean + halfWidth,
    batches,
    degreesOfFreedom,
  };
}

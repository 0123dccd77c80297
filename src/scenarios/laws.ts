/**
 * From the way people describe loss and delay to the engine's models: bursty loss
 * given as an average rate and a mean burst length (as netem users think of it) to
 * the Gilbert–Elliott chain, and delay statistics (samples, or a few quantiles such
 * as p50/p90/p99) to the equally spaced quantiles of an empirical law.
 *
 * Pure arithmetic on numbers already in µs and probabilities: no units, no files,
 * no zod. The schema calls these to validate, build.ts to convert.
 */

/** The chain of a Gilbert–Elliott loss model (netem `loss gemodel p r 1-h 1-k`). */
export interface GilbertElliott {
  /** p: Pr(good → bad) per message. */
  readonly enterBad: number;
  /** r: Pr(bad → good) per message. */
  readonly leaveBad: number;
  /** 1 − k: loss probability in the good state. */
  readonly lossInGood: number;
  /** 1 − h: loss probability in the bad state. */
  readonly lossInBad: number;
}

/**
 * The simple Gilbert model (nothing lost in the good state, everything in the bad
 * one) with a given long-run loss rate and mean burst length in messages:
 * r = 1/burst (the bad state lasts 1/r messages on average) and, from the stationary
 * loss p/(p+r) = average, p = average·r/(1 − average). Reference §5.3.
 *
 * Returns the largest average loss allowed instead when p would exceed 1: with bursts
 * of B messages, at most B/(B+1) of the messages can be lost.
 */
export function gilbertFromAverage(average: number, burst: number): { readonly ok: true; readonly model: GilbertElliott } | { readonly ok: false; readonly maxAverage: number } {
  if (!(burst >= 1)) throw new RangeError(`the mean burst must be ≥ 1 message, got ${burst}`);
  const leaveBad = 1 / burst;
  const maxAverage = burst / (burst + 1);
  if (average > maxAverage || average >= 1) return { ok: false, maxAverage };
  const enterBad = (average * leaveBad) / (1 - average);
  return { ok: true, model: { enterBad: Math.min(1, enterBad), leaveBad, lossInGood: 0, lossInBad: 1 } };
}


// ------------------------------------------------------------------ empirical laws

/** One known point of a delay distribution: Pr(X ≤ valueUs) = probability. */
export interface QuantilePoint {
  readonly probability: number;
  readonly valueUs: number;
}

const QUANTILE_KEY = /^p(\d{1,3})(?:\.(\d{1,4}))?$/;

/** Reads a quantile name: "p50" → 0.5, "p99.9" → 0.999, "p0" and "p100" for the extremes. */
export function parseQuantileKey(key: string): { readonly ok: true; readonly probability: number; readonly decimals: number } | { readonly ok: false } {
  const m = QUANTILE_KEY.exec(key);
  if (!m) return { ok: false };
  const decimals = m[2]?.length ?? 0;
  const percent = Number(`${m[1]}.${m[2] ?? '0'}`);
  if (percent > 100) return { ok: false };
  return { ok: true, probability: percent / 100, decimals };
}

/** Most grid points an empirical law resampled from quantiles gets (every 0.01 %). */
const MAX_DECIMALS = 2;

/**
 * Equally spaced quantiles (probabilities 0, 1/(n−1), …, 1) of the law whose CDF is
 * piecewise linear through `points`. The grid is fine enough to hold every given
 * probability exactly (every 1 % for p50/p90/p99, every 0.1 % once p99.9 appears,
 * every 0.01 % at most), so the law drawn is exactly the one described.
 *
 * Missing ends: without p0 the law starts at 0 (put a fixed minimum in `base`);
 * without p100 the last segment's slope is extended to probability 1, so the tail
 * ends a little beyond the highest quantile given. `points` must hold at least two
 * distinct probabilities with values that do not decrease.
 */
export function quantilesFromPoints(points: readonly QuantilePoint[], decimals: number): number[] {
  const sorted = [...points].sort((a, b) => a.probability - b.probability);
  if (sorted.length < 2) throw new RangeError('an empirical law needs at least 2 quantiles');
  if (sorted[0]!.probability > 0) sorted.unshift({ probability: 0, valueUs: 0 });
  const last = sorted.at(-1)!;
  if (last.probability < 1) {
    const before = sorted.at(-2)!;
    const slope = (last.valueUs - before.valueUs) / (last.probability - before.probability);
    sorted.push({ probability: 1, valueUs: last.valueUs + slope * (1 - last.probability) });
  }
  const steps = 100 * 10 ** Math.min(MAX_DECIMALS, Math.max(0, decimals));
  const out = new Array<number>(steps + 1);
  let segment = 0;
  for (let i = 0; i <= steps; i++) {
    const p = i / steps;
    while (segment < sorted.length - 2 && sorted[segment + 1]!.probability < p) segment++;
    const a = sorted[segment]!;
    const b = sorted[segment + 1]!;
    const span = b.probability - a.probability;
    const value = span === 0 ? b.valueUs : a.valueUs + ((p - a.probability) / span) * (b.valueUs - a.valueUs);
    out[i] = Math.round(value * 1000) / 1000;
  }
  return out;
}

/** Sorted samples are equally spaced quantiles as they are. */
export function quantilesFromSamples(samplesUs: readonly number[]): number[] {
  return [...samplesUs].sort((a, b) => a - b);
}

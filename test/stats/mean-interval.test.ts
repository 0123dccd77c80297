/**
 * Mean intervals: hand-checked values (scipy t quantiles), coverage by seeded simulation
 * for independent normal values and for autocorrelated AR(1) values, where batch means
 * must hold coverage that the naive interval loses.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { batchMeans, meanInterval } from '../../src/stats/index.js';

/** mulberry32: a tiny seeded PRNG, uniform in [0, 1); the tests never use Math.random. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws by Box–Muller (one of the pair is enough here). */
function normalSource(seed: number): () => number {
  const uniform = mulberry32(seed);
  return () => Math.sqrt(-2 * Math.log1p(-uniform())) * Math.cos(2 * Math.PI * uniform());
}

const finiteDouble = fc.double({ min: -1e6, max: 1e6, noNaN: true });

describe('meanInterval', () => {
  it('gives mean ± t(0.975, 4)·s/√n for 1..5', () => {
    const result = meanInterval([1, 2, 3, 4, 5])!;
    expect(result.count).toBe(5);
    expect(result.mean).toBe(3);
    expect(result.standardError).toBeCloseTo(0.7071067811865476, 14);
    expect(result.low).toBeCloseTo(1.0367568385224428, 12);
    expect(result.high).toBeCloseTo(4.963243161477557, 12);
  });

  it('has zero width when every value is the same', () => {
    expect(meanInterval([2.5, 2.5, 2.5])).toEqual({ count: 3, mean: 2.5, standardError: 0, low: 2.5, high: 2.5 });
  });

  it('returns null for fewer than two values and rejects non-finite ones', () => {
    expect(meanInterval([])).toBeNull();
    expect(meanInterval([1])).toBeNull();
    expect(() => meanInterval([1, Number.NaN])).toThrow(RangeError);
    expect(() => meanInterval([1, 2], 1)).toThrow(/confidence/);
  });

  it('covers the true mean 95 % of the time with only 5 normal values, as Student t should', () => {
    // A normal-quantile interval would cover only about 88 % at n = 5.
    const trials = 2000;
    const normal = normalSource(11);
    let covered = 0;
    for (let trial = 0; trial < trials; trial++) {
      const interval = meanInterval(Array.from({ length: 5 }, normal))!;
      if (interval.low <= 0 && 0 <= interval.high) covered++;
    }
    expect(Math.abs(covered / trials - 0.95)).toBeLessThanOrEqual(4 * Math.sqrt((0.95 * 0.05) / trials));
  });

  it('contains its mean, which lies within the range of the values', () => {
    fc.assert(
      fc.property(fc.array(finiteDouble, { minLength: 2 }), (values) => {
        const result = meanInterval(values)!;
        expect(result.low).toBeLessThanOrEqual(result.mean);
        expect(result.mean).toBeLessThanOrEqual(result.high);
        expect(result.mean).toBeGreaterThanOrEqual(Math.min(...values));
        expect(result.mean).toBeLessThanOrEqual(Math.max(...values));
      }),
    );
  });
});

describe('batchMeans', () => {
  it('uses the spread of the batch means with batches − 1 degrees of freedom', () => {
    // Batch means 1.5, 3.5, 5.5, 7.5: s = 2.582, SE = s/2, t(0.975, 3) = 3.1824.
    const result = batchMeans([1, 2, 3, 4, 5, 6, 7, 8], 4)!;
    expect(result.mean).toBe(4.5);
    expect(result.batches).toBe(4);
    expect(result.degreesOfFreedom).toBe(3);
    expect(result.standardError).toBeCloseTo(1.2909944487358056, 14);
    expect(result.low).toBeCloseTo(0.3914794864789588, 12);
    expect(result.high).toBeCloseTo(8.608520513521041, 12);
  });

  it('reduces to the plain interval when every value is its own batch', () => {
    fc.assert(
      fc.property(fc.array(finiteDouble, { minLength: 2, maxLength: 50 }), (values) => {
        const batched = batchMeans(values, values.length)!;
        const plain = meanInterval(values)!;
        expect(batched.mean).toBe(plain.mean);
        expect(batched.standardError).toBeCloseTo(plain.standardError, 6);
      }),
    );
  });

  it('reports the grand mean when batch sizes are unequal', () => {
    const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 100];
    const result = batchMeans(values, 3)!;
    expect(result.mean).toBe(14.5);
    expect(result.low).toBeLessThan(14.5);
    expect(result.high).toBeGreaterThan(14.5);
  });

  it('keeps 95 % coverage on autocorrelated values where the naive interval collapses', () => {
    // AR(1) with φ = 0.9: the naive standard error is about √19 times too small.
    const trials = 500;
    const normal = normalSource(3);
    let batchCovered = 0;
    let naiveCovered = 0;
    for (let trial = 0; trial < trials; trial++) {
      const values = new Float64Array(2000);
      let previous = 0;
      for (let i = 0; i < values.length; i++) {
        previous = 0.9 * previous + normal();
        values[i] = previous;
      }
      const batched = batchMeans(values, 20)!;
      if (batched.low <= 0 && 0 <= batched.high) batchCovered++;
      const naive = meanInterval(values)!;
      if (naive.low <= 0 && 0 <= naive.high) naiveCovered++;
    }
    expect(batchCovered / trials).toBeGreaterThanOrEqual(0.95 - 4 * Math.sqrt((0.95 * 0.05) / trials));
    expect(naiveCovered / trials).toBeLessThan(0.6);
  });

  it('returns null with fewer values than batches and rejects fewer than two batches', () => {
    expect(batchMeans([1, 2, 3], 4)).toBeNull();
    expect(() => batchMeans([1, 2, 3], 1)).toThrow(RangeError);
    expect(() => batchMeans([1, 2, 3], 2.5)).toThrow(RangeError);
  });
});

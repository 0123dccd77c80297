/**
 * Sorting, type-7 quantiles (hand-computed and numpy values), order-statistic intervals
 * (classical table values, brute force over exact rational binomial probabilities, and
 * coverage by seeded simulation) and the null-safe summary.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  quantile,
  quantileInterval,
  quantileIntervalRanks,
  sortSamples,
  summarize,
} from '../../src/stats/index.js';

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

const finiteDouble = fc.double({ noNaN: true, noDefaultInfinity: true });

describe('sortSamples', () => {
  it('sorts numerically, not as strings', () => {
    expect(Array.from(sortSamples([10, 9, 100, -1, 2.5]))).toEqual([-1, 2.5, 9, 10, 100]);
  });

  it('copies its input instead of sorting it in place', () => {
    const input = new Float64Array([3, 1, 2]);
    sortSamples(input);
    expect(Array.from(input)).toEqual([3, 1, 2]);
  });

  it('refuses NaN and infinite values, naming the offending index', () => {
    expect(() => sortSamples([1, Number.NaN])).toThrow(/values\[1\]/);
    expect(() => sortSamples([Number.POSITIVE_INFINITY])).toThrow(RangeError);
  });

  it('returns an ascending permutation of its input', () => {
    fc.assert(
      fc.property(fc.array(finiteDouble), (values) => {
        const sorted = sortSamples(values);
        expect(sorted.length).toBe(values.length);
        for (let i = 1; i < sorted.length; i++) expect(sorted[i - 1]!).toBeLessThanOrEqual(sorted[i]!);
        const reference = [...values].sort((a, b) => a - b);
        reference.forEach((value, i) => expect(sorted[i] === value).toBe(true));
      }),
    );
  });
});

describe('quantile', () => {
  it('interpolates between order statistics as Hyndman–Fan type 7 does', () => {
    const sorted = sortSamples([4, 1, 3, 2]);
    // h = (n − 1)·p: p = 0.25 → h = 0.75 → 1 + 0.75·(2 − 1).
    expect(quantile(sorted, 0.25)).toBe(1.75);
    expect(quantile(sorted, 0.5)).toBe(2.5);
    expect(quantile(sorted, 1 / 3)).toBe(2);
    expect(quantile(sorted, 0.9)).toBeCloseTo(3.7, 12);
    expect(quantile(sorted, 0)).toBe(1);
    expect(quantile(sorted, 1)).toBe(4);
  });

  it('agrees with numpy.quantile on an unevenly spaced sample', () => {
    const sorted = sortSamples([3, -5, 10, 1, 2]);
    const expected: [number, number][] = [[0, -5], [0.1, -2.6], [0.25, 1], [0.5, 2], [0.9, 7.2], [0.99, 9.72], [1, 10]];
    for (const [p, value] of expected) expect(quantile(sorted, p)).toBeCloseTo(value, 12);
  });

  it('returns the only value of a one-sample set and null for an empty one', () => {
    expect(quantile(sortSamples([7]), 0.3)).toBe(7);
    expect(quantile(sortSamples([]), 0.5)).toBeNull();
  });

  it('rejects probabilities outside [0, 1]', () => {
    const sorted = sortSamples([1, 2]);
    for (const p of [-0.01, 1.01, Number.NaN]) expect(() => quantile(sorted, p)).toThrow(RangeError);
  });

  it('is monotone in p and lies within [min, max]', () => {
    fc.assert(
      fc.property(
        fc.array(finiteDouble, { minLength: 1 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, a, b) => {
          const sorted = sortSamples(values);
          const [p, q] = a <= b ? [a, b] : [b, a];
          const atP = quantile(sorted, p)!;
          const atQ = quantile(sorted, q)!;
          expect(atP).toBeLessThanOrEqual(atQ);
          expect(atP).toBeGreaterThanOrEqual(sorted[0]!);
          expect(atQ).toBeLessThanOrEqual(sorted[sorted.length - 1]!);
        },
      ),
    );
  });
});

/** Exact Binomial(n, a/b) probabilities as integers over the common denominator bⁿ. */
function exactBinomialNumerators(n: number, a: bigint, b: bigint): bigint[] {
  const numerators: bigint[] = [];
  let choose = 1n;
  for (let k = 0; k <= n; k++) {
    numerators.push(choose * a ** BigInt(k) * (b - a) ** BigInt(n - k));
    choose = (choose * BigInt(n - k)) / BigInt(k + 1);
  }
  return numerators;
}

/** x / total as a double, for integers too large to convert separately. */
function ratio(x: bigint, total: bigint): number {
  const scale = 10n ** 30n;
  return Number((x * scale) / total) / 1e30;
}

describe('quantileIntervalRanks', () => {
  it('brackets the median of 10 samples by the 2nd and 9th, as the classical tables do', () => {
    const ranks = quantileIntervalRanks(10, 0.5)!;
    expect([ranks.lowIndex, ranks.highIndex]).toEqual([1, 8]);
    expect(ranks.coverage).toBeCloseTo(1002 / 1024, 12);
  });

  it('needs 6 samples for the median and 59 for the 95th percentile at 95 %', () => {
    expect(quantileIntervalRanks(5, 0.5)).toBeNull();
    expect(quantileIntervalRanks(6, 0.5)).toEqual({ lowIndex: 0, highIndex: 5, coverage: 62 / 64 });
    expect(quantileIntervalRanks(58, 0.95)).toBeNull();
    // 1 − 0.95^59 ≈ 0.9515: the sample maximum is a 95 %/95 % upper bound from 59 samples.
    expect(quantileIntervalRanks(59, 0.95)!.highIndex).toBe(58);
  });

  it('returns null for p = 0 and p = 1, which no sample can bracket', () => {
    expect(quantileIntervalRanks(1000, 0)).toBeNull();
    expect(quantileIntervalRanks(1000, 1)).toBeNull();
  });

  it('picks the narrowest, then most balanced, rank pair found by exhaustive exact search, or none', () => {
    const cases: [number, bigint, bigint][] = [
      [20, 1n, 2n], [37, 1n, 2n], [50, 9n, 10n], [64, 1n, 4n], [80, 1n, 10n], [120, 99n, 100n], [300, 99n, 100n],
    ];
    for (const [n, a, b] of cases) {
      const numerators = exactBinomialNumerators(n, a, b);
      const total = b ** BigInt(n);
      // prefix[j] = bⁿ·P(B < j), exact.
      const prefix: bigint[] = [0n];
      for (const x of numerators) prefix.push(prefix[prefix.length - 1]! + x);
      // Coverage of [x(l), x(u)] is P(l ≤ B < u); 95 % = 19/20, compared exactly.
      const covers = (l: number, u: number): boolean => 20n * (prefix[u]! - prefix[l]!) >= 19n * total;
      let narrowest = Number.POSITIVE_INFINITY;
      for (let l = 1; l <= n; l++) {
        for (let u = l + 1; u <= n; u++) if (covers(l, u)) narrowest = Math.min(narrowest, u - l);
      }
      if (narrowest === Number.POSITIVE_INFINITY) {
        expect(quantileIntervalRanks(n, Number(a) / Number(b))).toBeNull();
        continue;
      }
      const imbalance = (l: number, u: number): number =>
        Math.abs(ratio(prefix[l]! - (total - prefix[u]!), total));
      let leastImbalance = Number.POSITIVE_INFINITY;
      for (let l = 1; l + narrowest <= n; l++) {
        if (covers(l, l + narrowest)) leastImbalance = Math.min(leastImbalance, imbalance(l, l + narrowest));
      }
      const ranks = quantileIntervalRanks(n, Number(a) / Number(b))!;
      const [l, u] = [ranks.lowIndex + 1, ranks.highIndex + 1];
      expect(covers(l, u)).toBe(true);
      expect(u - l).toBe(narrowest);
      expect(imbalance(l, u)).toBeLessThanOrEqual(leastImbalance + 1e-12);
      expect(ranks.coverage).toBeCloseTo(ratio(prefix[u]! - prefix[l]!, total), 12);
    }
  });

  it('stays fast and close to the normal approximation for a million samples', () => {
    const started = performance.now();
    const ranks = quantileIntervalRanks(1_000_000, 0.99)!;
    expect(performance.now() - started).toBeLessThan(1000);
    const sd = Math.sqrt(1_000_000 * 0.99 * 0.01);
    expect(Math.abs(ranks.lowIndex + 1 - (990_000 - 1.96 * sd))).toBeLessThan(3);
    expect(Math.abs(ranks.highIndex + 1 - (990_000 + 1.96 * sd))).toBeLessThan(3);
    expect(ranks.coverage).toBeGreaterThanOrEqual(0.95);
  });

  it('rejects a negative or fractional sample size', () => {
    expect(() => quantileIntervalRanks(-1, 0.5)).toThrow(RangeError);
    expect(() => quantileIntervalRanks(10.5, 0.5)).toThrow(RangeError);
  });
});

describe('quantileInterval', () => {
  const trials = 2000;
  const n = 200;
  const slack = 4 * Math.sqrt((0.95 * 0.05) / trials);

  function simulatedCoverage(seed: number, p: number, draw: (u: number) => number, trueQuantile: number): number {
    const random = mulberry32(seed);
    let covered = 0;
    for (let trial = 0; trial < trials; trial++) {
      const values = Array.from({ length: n }, () => draw(random()));
      const interval = quantileInterval(sortSamples(values), p)!;
      if (interval.low <= trueQuantile && trueQuantile <= interval.high) covered++;
    }
    return covered / trials;
  }

  for (const p of [0.5, 0.9]) {
    it(`covers the ${p} quantile of a uniform distribution at least 95 % of the time`, () => {
      const coverage = simulatedCoverage(20240601 + p * 100, p, (u) => u, p);
      expect(coverage).toBeGreaterThanOrEqual(0.95 - slack);
      // And it is not wildly conservative: close to the exact coverage of its ranks.
      const exact = quantileIntervalRanks(n, p)!.coverage;
      expect(Math.abs(coverage - exact)).toBeLessThanOrEqual(4 * Math.sqrt((exact * (1 - exact)) / trials));
    });
  }

  it('covers the 0.9 quantile of a skewed (exponential) distribution just as well', () => {
    const coverage = simulatedCoverage(7, 0.9, (u) => -Math.log1p(-u), Math.log(10));
    expect(coverage).toBeGreaterThanOrEqual(0.95 - slack);
  });

  it('returns sample values, low ≤ high, and null when there are too few samples', () => {
    const sorted = sortSamples(Array.from({ length: 10 }, (_, i) => (i + 1) * 10));
    expect(quantileInterval(sorted, 0.5)).toEqual({ low: 20, high: 90 });
    expect(quantileInterval(sortSamples([1, 2, 3]), 0.5)).toBeNull();
  });
});

describe('summarize', () => {
  it('reports count, mean, extremes and type-7 percentiles', () => {
    expect(summarize(sortSamples([3, -5, 10, 1, 2]))).toEqual({
      count: 5,
      mean: 2.2,
      min: -5,
      p50: 2,
      p90: expect.closeTo(7.2, 12),
      p99: expect.closeTo(9.72, 12),
      max: 10,
    });
  });

  it('reports nulls, not NaN, for no samples', () => {
    expect(summarize(sortSamples([]))).toEqual({
      count: 0, mean: null, min: null, p50: null, p90: null, p99: null, max: null,
    });
  });

  it('keeps the mean within [min, max] and the percentiles in order, even for extreme values', () => {
    fc.assert(
      fc.property(fc.array(finiteDouble, { minLength: 1 }), (values) => {
        const s = summarize(sortSamples(values));
        expect(Number.isFinite(s.mean)).toBe(true);
        expect(s.mean!).toBeGreaterThanOrEqual(s.min!);
        expect(s.mean!).toBeLessThanOrEqual(s.max!);
        expect(s.min!).toBeLessThanOrEqual(s.p50!);
        expect(s.p50!).toBeLessThanOrEqual(s.p90!);
        expect(s.p90!).toBeLessThanOrEqual(s.p99!);
        expect(s.p99!).toBeLessThanOrEqual(s.max!);
      }),
    );
  });
});

describe('quantileIntervalRanks asked again', () => {
  it('gives the same ranks for the same (n, p, confidence), in a fresh object, and others for another confidence', () => {
    const first = quantileIntervalRanks(500, 0.99)!;
    const again = quantileIntervalRanks(500, 0.99)!;
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
    (again as { lowIndex: number }).lowIndex = -1;
    expect(quantileIntervalRanks(500, 0.99)).toEqual(first);
    const median = quantileIntervalRanks(500, 0.5)!;
    const wider = quantileIntervalRanks(500, 0.5, 0.999)!;
    expect(wider.highIndex - wider.lowIndex).toBeGreaterThan(median.highIndex - median.lowIndex);
    expect(quantileIntervalRanks(500, 0.99, 0.999)).toBeNull();
    expect(quantileIntervalRanks(49, 0.99)).toBeNull();
    expect(quantileIntervalRanks(49, 0.99)).toBeNull();
  });
});

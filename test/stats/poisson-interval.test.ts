/**
 * Garwood Poisson bounds against published/independently computed values (scipy for
 * small k, 40-digit mpmath tail sums for k ≥ 1000), exact frequentist coverage, input
 * validation, and invariants checked with fast-check.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  exposureNeededToShowRateBelow,
  poissonCountInterval,
  poissonRateInterval,
  poissonUpperBound,
} from '../../src/stats/index.js';

function expectRelativelyClose(actual: number, expected: number, tolerance = 1e-10): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.abs(expected));
}

describe('poissonRateInterval', () => {
  it('gives [0, 3.6889] for zero events over one unit of exposure', () => {
    const { low, high } = poissonRateInterval(0, 1);
    expect(low).toBe(0);
    expect(high).toBeCloseTo(3.6889, 4);
    // −ln(0.025): the k = 0 upper bound has a closed form.
    expectRelativelyClose(high, -Math.log(0.025));
  });

  it('gives [0.0253, 5.5716] for one event', () => {
    const { low, high } = poissonRateInterval(1, 1);
    expect(low).toBeCloseTo(0.0253, 4);
    expect(high).toBeCloseTo(5.5716, 4);
    expectRelativelyClose(low, 0.025317807984289876);
    expectRelativelyClose(high, 5.571643390938898);
  });

  it('gives [4.7954, 18.3904] for ten events', () => {
    const { low, high } = poissonRateInterval(10, 1);
    expect(low).toBeCloseTo(4.7954, 4);
    expect(high).toBeCloseTo(18.3904, 4);
    expectRelativelyClose(low, 4.7953886961324335);
    expectRelativelyClose(high, 18.39035604201778);
  });

  it('divides the count interval by the exposure', () => {
    const { low, high } = poissonRateInterval(10, 1000);
    expectRelativelyClose(low, 0.0047953886961324335);
    expectRelativelyClose(high, 0.01839035604201778);
  });

  it('stays exact above 1000 events, where the stdlib gamma quantile drifts by 1e-4', () => {
    const thousand = poissonCountInterval(1000);
    expectRelativelyClose(thousand.low, 938.973018407695, 1e-12);
    expectRelativelyClose(thousand.high, 1063.9521360163, 1e-12);
    const fiveThousand = poissonCountInterval(5000);
    expectRelativelyClose(fiveThousand.low, 4862.3591886949, 1e-12);
    expectRelativelyClose(fiveThousand.high, 5140.548948535, 1e-12);
    expectRelativelyClose(poissonUpperBound(1000, 1), 1053.6031221333, 1e-12);
    expectRelativelyClose(poissonUpperBound(5000, 1), 5117.88607940769, 1e-12);
  });

  it('handles ten million events in well under a second', () => {
    const started = performance.now();
    const { low, high } = poissonCountInterval(10_000_000);
    expect(performance.now() - started).toBeLessThan(1000);
    // Normal approximation: k ± 1.96·√k, good to a few units at this size.
    expect(Math.abs(low - (1e7 - 1.959964 * Math.sqrt(1e7)))).toBeLessThan(3);
    expect(Math.abs(high - (1e7 + 1.959964 * Math.sqrt(1e7)))).toBeLessThan(3);
  });

  it('covers every true mean with probability at least the confidence level', () => {
    // Exact coverage Σ_k P(k; μ)·[low(k) ≤ μ ≤ high(k)], with the Poisson pmf built by
    // its own recurrence so the check shares no code with the implementation.
    const intervals = Array.from({ length: 121 }, (_, k) => poissonCountInterval(k, 0.9));
    for (let mean = 0.05; mean <= 40; mean += 0.37) {
      let pmf = Math.exp(-mean);
      let coverage = 0;
      for (let k = 0; k <= 120; k++) {
        const interval = intervals[k]!;
        if (interval.low <= mean && mean <= interval.high) coverage += pmf;
        pmf *= mean / (k + 1);
      }
      expect(coverage).toBeGreaterThanOrEqual(0.9 - 1e-12);
    }
  });

  it('answers a count it has solved before with the same bounds, per confidence, in a fresh object', () => {
    const first = poissonCountInterval(37);
    const again = poissonCountInterval(37);
    expect(again).not.toBe(first);
    expect(Object.is(again.low, first.low) && Object.is(again.high, first.high)).toBe(true);
    (again as { low: number }).low = -1;
    expect(poissonCountInterval(37).low).toBe(first.low);
    // The key holds the confidence: 90 % is narrower than 95 % for the same count.
    const ninety = poissonCountInterval(37, 0.9);
    expect(ninety.low).toBeGreaterThan(first.low);
    expect(ninety.high).toBeLessThan(first.high);
    expect(poissonCountInterval(37, 0.95).high).toBe(first.high);
  });

  it('rejects counts that are negative, fractional or not finite', () => {
    for (const count of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => poissonRateInterval(count, 1)).toThrow(RangeError);
    }
  });

  it('rejects exposures that are not finite and positive', () => {
    for (const exposure of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => poissonRateInterval(1, exposure)).toThrow(/exposure/);
    }
  });

  it('rejects confidence levels outside (0, 1)', () => {
    for (const confidence of [0, 1, 1.5, -0.1, Number.NaN]) {
      expect(() => poissonRateInterval(1, 1, confidence)).toThrow(/confidence/);
    }
  });

  it('contains the point estimate k/E and has low ≤ high', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20_000 }),
        fc.double({ min: 1e-6, max: 1e9, noNaN: true }),
        fc.double({ min: 0.5, max: 0.9999, noNaN: true }),
        (count, exposure, confidence) => {
          const { low, high } = poissonRateInterval(count, exposure, confidence);
          const estimate = count / exposure;
          expect(low).toBeLessThanOrEqual(estimate);
          expect(estimate).toBeLessThanOrEqual(high);
          expect(low).toBeLessThanOrEqual(high);
          expect(low).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });

  it('widens as the confidence level rises', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5000 }), (count) => {
        const narrow = poissonCountInterval(count, 0.8);
        const wide = poissonCountInterval(count, 0.99);
        expect(wide.low).toBeLessThanOrEqual(narrow.low);
        expect(wide.high).toBeGreaterThan(narrow.high);
      }),
    );
  });
});

describe('poissonUpperBound', () => {
  it('gives 2.9957 for zero events at 95 % one-sided', () => {
    const bound = poissonUpperBound(0, 1);
    expect(bound).toBeCloseTo(2.9957, 4);
    expectRelativelyClose(bound, -Math.log(0.05));
  });

  it('matches the Gamma(k + 1) 95 % quantile for one and ten events', () => {
    expectRelativelyClose(poissonUpperBound(1, 1), 4.743864518390577);
    expectRelativelyClose(poissonUpperBound(10, 1), 16.962219235721903);
    expectRelativelyClose(poissonUpperBound(10, 500), 16.962219235721903 / 500);
  });

  it('lies below the two-sided upper bound at the same confidence', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5000 }),
        fc.double({ min: 0.5, max: 0.9999, noNaN: true }),
        (count, confidence) => {
          expect(poissonUpperBound(count, 1, confidence)).toBeLessThan(
            poissonCountInterval(count, confidence).high,
          );
        },
      ),
    );
  });

  it('grows with the count', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5000 }), (count) => {
        expect(poissonUpperBound(count + 1, 1)).toBeGreaterThan(poissonUpperBound(count, 1));
      }),
    );
  });
});

describe('exposureNeededToShowRateBelow', () => {
  it('needs about 3 / bound of exposure at 95 %', () => {
    expectRelativelyClose(exposureNeededToShowRateBelow(1e-3), 2995.7322735539895);
  });

  it('is the exposure at which zero events put the one-sided upper bound at the target', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-9, max: 1e3, noNaN: true }),
        fc.double({ min: 0.5, max: 0.9999, noNaN: true }),
        (bound, confidence) => {
          const exposure = exposureNeededToShowRateBelow(bound, confidence);
          expectRelativelyClose(poissonUpperBound(0, exposure, confidence), bound, 1e-9);
        },
      ),
    );
  });

  it('rejects bounds that are not finite and positive', () => {
    for (const bound of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => exposureNeededToShowRateBelow(bound)).toThrow(RangeError);
    }
  });
});

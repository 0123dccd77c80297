import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { proportionInterval } from '../../src/stats/index.js';

describe('proportionInterval (Clopper–Pearson)', () => {
  it('matches published exact intervals', () => {
    // Reference values from scipy: beta.ppf(0.025, k, n − k + 1), beta.ppf(0.975, k + 1, n − k).
    const cases: [number, number, number, number][] = [
      [0, 10, 0, 0.308497108],
      [1, 10, 0.00252857854, 0.445016117],
      [5, 10, 0.187086028, 0.812913972],
      [0, 300, 0, 0.0122209747],
      [3, 400, 0.00154935895, 0.0217606685],
    ];
    for (const [k, n, low, high] of cases) {
      const ci = proportionInterval(k, n);
      expect(ci.low).toBeCloseTo(low, 8);
      expect(ci.high).toBeCloseTo(high, 8);
    }
  });

  it('always contains the observed proportion and stays within [0, 1]', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2000 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, f) => {
        const k = Math.round(f * n);
        const ci = proportionInterval(k, n);
        expect(ci.low).toBeGreaterThanOrEqual(0);
        expect(ci.high).toBeLessThanOrEqual(1);
        expect(ci.low).toBeLessThanOrEqual(k / n + 1e-12);
        expect(ci.high).toBeGreaterThanOrEqual(k / n - 1e-12);
      }),
      { numRuns: 200 },
    );
  });
});

/**
 * The shared numerical kernels: log-gamma against scipy.special.gammaln and factorials,
 * and the compensated mean against cases where naive summation fails.
 */
import { describe, it, expect } from 'vitest';
import { lnGamma, meanOf } from '../../src/stats/numeric.js';

describe('lnGamma', () => {
  it('is zero at 1 and 2 and ln((n − 1)!) at whole numbers', () => {
    expect(Math.abs(lnGamma(1))).toBeLessThan(1e-15);
    expect(Math.abs(lnGamma(2))).toBeLessThan(1e-15);
    let lnFactorial = 0;
    for (let n = 2; n <= 30; n++) {
      lnFactorial += Math.log(n - 1);
      expect(lnGamma(n)).toBeCloseTo(lnFactorial, 12);
    }
  });

  it('matches scipy.special.gammaln from tiny to large arguments', () => {
    const expected: [number, number][] = [
      [1e-5, 11.512919692895826],
      [0.5, 0.5723649429247],
      [3.7, 1.428072326665388],
      [10, 12.801827480081469],
      [100, 359.1342053695754],
      [170.5, 704.0044277342047],
      [1e6, 12815504.569147611],
    ];
    for (const [x, value] of expected) {
      expect(Math.abs(lnGamma(x) - value)).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(value)));
    }
  });

  it('rejects arguments that are not finite and positive', () => {
    for (const x of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => lnGamma(x)).toThrow(RangeError);
  });
});

describe('meanOf', () => {
  it('does not lose small terms between large ones of opposite sign', () => {
    // Naive left-to-right summation returns 0 here.
    expect(meanOf([1e16, 1, -1e16])).toBeCloseTo(1 / 3, 15);
  });

  it('does not overflow for values near the largest double', () => {
    expect(meanOf([1.7e308, 1.7e308, 1.7e308])).toBe(1.7e308);
    // n·(MAX/n) can round past MAX for some n; the result must still be MAX, not NaN.
    for (let n = 1; n <= 40; n++) {
      expect(meanOf(new Array<number>(n).fill(Number.MAX_VALUE))).toBe(Number.MAX_VALUE);
      expect(meanOf(new Array<number>(n).fill(-Number.MAX_VALUE))).toBe(-Number.MAX_VALUE);
    }
  });

  it('averages a sub-range when given start and end', () => {
    expect(meanOf([100, 1, 2, 3, 100], 1, 4)).toBe(2);
  });
});

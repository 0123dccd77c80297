import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BinomialLowerTail, binomialWindow } from '../../src/stats/binomial.js';
import { proportionInterval } from '../../src/stats/index.js';

/** Pr(X ≤ k) term by term from binomialWindow: how proportion-interval.ts computed it before BinomialLowerTail. */
function windowCdf(k: number, n: number, p: number): number {
  if (p <= 0) return 1;
  if (p >= 1) return k >= n ? 1 : 0;
  const { start, probabilities } = binomialWindow(n, p);
  let sum = 0;
  for (let i = 0; i < probabilities.length && start + i <= k; i++) sum += probabilities[i]!;
  return Math.min(1, sum);
}

/** The Clopper–Pearson bisection over windowCdf (the former proportionInterval). */
function windowInterval(k: number, n: number): [number, number] {
  const solve = (f: (p: number) => number, target: number): number => {
    let low = 0;
    let high = 1;
    for (let i = 0; i < 100 && high - low > 1e-15; i++) {
      const mid = (low + high) / 2;
      if (f(mid) > target) low = mid;
      else high = mid;
    }
    return (low + high) / 2;
  };
  const tail = (1 - 0.95) / 2;
  return [k === 0 ? 0 : solve((p) => windowCdf(k - 1, n, p), 1 - tail), k === n ? 1 : solve((p) => windowCdf(k, n, p), tail)];
}

/** n from 1 to 200 000 (log-uniform-ish), k in [0, n]. */
const nAndK = fc
  .tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 9 }), fc.double({ min: 0, max: 1, noNaN: true }))
  .map(([decade, digit, f]) => {
    const n = Math.min(200_000, digit * 10 ** decade + (decade > 0 ? Math.round(f * 10 ** (decade - 1)) : 0));
    return { n, k: Math.min(n, Math.round(f * f * n)) };
  });

describe('BinomialLowerTail', () => {
  it('returns the very doubles the term-by-term window sum returns, at any p, reused across p', () => {
    fc.assert(
      fc.property(nAndK, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 12 }), ({ n, k }, ps) => {
        const tail = new BinomialLowerTail(n, k);
        for (const p of ps) expect(Object.is(tail.at(p), windowCdf(k, n, p))).toBe(true);
        // Near k/n, where the bisection spends its steps and the window straddles k.
        for (const d of [-1e-3, -1e-6, 0, 1e-9, 1e-4]) {
          const p = Math.min(1, Math.max(0, k / n + d));
          expect(Object.is(tail.at(p), windowCdf(k, n, p))).toBe(true);
        }
      }),
      { numRuns: 300, seed: 12 },
    );
  });

  it('is the binomial cdf on worked cases (exact sums)', () => {
    // Pr(X ≤ 2 | n = 5, p = 0.5) = (1 + 5 + 10) / 32; Pr(X ≤ 0 | n = 10, p = 0.1) = 0.9^10.
    expect(new BinomialLowerTail(5, 2).at(0.5)).toBeCloseTo(0.5, 14);
    expect(new BinomialLowerTail(10, 0).at(0.1)).toBeCloseTo(0.9 ** 10, 14);
    expect(new BinomialLowerTail(10, 10).at(0.3)).toBeCloseTo(1, 14);
    expect(new BinomialLowerTail(10, 3).at(0)).toBe(1);
    expect(new BinomialLowerTail(10, 3).at(1)).toBe(0);
    // A window far above k sums nothing.
    expect(new BinomialLowerTail(100_000, 10).at(0.5)).toBe(0);
  });
});

describe('proportionInterval over BinomialLowerTail', () => {
  it('gives bit for bit the interval of the term-by-term bisection', () => {
    fc.assert(
      fc.property(nAndK, ({ n, k }) => {
        const ci = proportionInterval(k, n);
        const [low, high] = windowInterval(k, n);
        expect(Object.is(ci.low, low)).toBe(true);
        expect(Object.is(ci.high, high)).toBe(true);
      }),
      { numRuns: 60, seed: 12 },
    );
  });
});

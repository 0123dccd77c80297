import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  delayAtoms,
  delayCdf,
  delayLaw,
  delayMean,
  delayPdf,
  delaySurvival,
  delayVariance,
  validateLinkDelay,
  type DelayDistribution,
  type LinkDelay,
} from '../../src/analytic/delay-law.js';
import { integrateOrThrow } from '../../src/analytic/quadrature.js';

const ld = (random: DelayDistribution, baseUs = 0): LinkDelay => ({ baseUs, random });

/** Laws with a density, each with the points where it is not smooth and a practical upper end. */
const CONTINUOUS: { name: string; delay: LinkDelay }[] = [
  { name: 'uniform', delay: ld({ kind: 'uniform', minUs: 1000, maxUs: 7000 }, 500) },
  { name: 'exponential', delay: ld({ kind: 'exponential', meanUs: 20_000 }, 1000) },
  { name: 'normal (mildly truncated)', delay: ld({ kind: 'normal', meanUs: 10_000, sdUs: 4000 }) },
  { name: 'normal (half-normal)', delay: ld({ kind: 'normal', meanUs: 0, sdUs: 3000 }, 200) },
  { name: 'normal (truncated far in the tail)', delay: ld({ kind: 'normal', meanUs: -30_000, sdUs: 4000 }) },
  { name: 'lognormal', delay: ld({ kind: 'lognormal', medianUs: 5000, sigma: 0.8 }, 100) },
  { name: 'pareto', delay: ld({ kind: 'pareto', scaleUs: 2000, shape: 4.5 }, 300) },
];

/** E[g(D)] by quadrature of the density: an independent route to every moment. */
function expectation(delay: LinkDelay, g: (x: number) => number): number {
  const law = delayLaw(delay);
  const end = Number.isFinite(law.upperUs) ? law.upperUs : law.survivalQuantile(1e-18);
  const pts = [law.lowerUs, end];
  // Geometric splits help the heavier tails.
  for (let d = (end - law.lowerUs) / 2 ** 20; law.lowerUs + d < end; d *= 2) pts.push(law.lowerUs + d);
  return integrateOrThrow((x) => law.pdf(x) * g(x), pts, 'test expectation');
}

describe('delay law moments', () => {
  it('match closed forms for constant, uniform, exponential, lognormal and Pareto delays', () => {
    expect(delayMean(ld({ kind: 'constant', valueUs: 700 }, 300))).toBe(1000);
    expect(delayVariance(ld({ kind: 'constant', valueUs: 700 }, 300))).toBe(0);
    expect(delayMean(ld({ kind: 'uniform', minUs: 10, maxUs: 70 }, 5))).toBe(45);
    expect(delayVariance(ld({ kind: 'uniform', minUs: 10, maxUs: 70 }))).toBeCloseTo(300, 12);
    expect(delayMean(ld({ kind: 'exponential', meanUs: 20_000 }, 1000))).toBe(21_000);
    expect(delayVariance(ld({ kind: 'exponential', meanUs: 20_000 }))).toBe(4e8);
    const ln = ld({ kind: 'lognormal', medianUs: 5000, sigma: 0.8 });
    expect(delayMean(ln)).toBeCloseTo(5000 * Math.exp(0.32), 9);
    expect(delayVariance(ln)).toBeCloseTo(25e6 * Math.exp(0.64) * (Math.exp(0.64) - 1), 3);
    const pa = ld({ kind: 'pareto', scaleUs: 2000, shape: 4.5 });
    expect(delayMean(pa)).toBeCloseTo((4.5 * 2000) / 3.5, 9);
    expect(delayVariance(pa)).toBeCloseTo((4e6 * 4.5) / (3.5 * 3.5 * 2.5), 6);
  });

  it('are infinite for Pareto shapes at or below 1 (mean) and 2 (variance)', () => {
    expect(delayMean(ld({ kind: 'pareto', scaleUs: 10, shape: 1 }))).toBe(Infinity);
    expect(delayVariance(ld({ kind: 'pareto', scaleUs: 10, shape: 2 }))).toBe(Infinity);
    expect(Number.isFinite(delayVariance(ld({ kind: 'pareto', scaleUs: 10, shape: 2.01 })))).toBe(true);
  });

  it('of the truncated normal match the textbook formula μ + σλ, σ²(1 + z₀λ − λ²)', () => {
    // Moderate truncation, where the textbook formula is still well conditioned.
    const mu = 1000;
    const sd = 3000;
    const z0 = -mu / sd;
    const q0 = 0.5 * (1 + erfLike(-z0 / Math.SQRT2));
    const lambda = Math.exp(-0.5 * z0 * z0) / Math.sqrt(2 * Math.PI) / q0;
    const d = ld({ kind: 'normal', meanUs: mu, sdUs: sd });
    expect(Math.abs(delayMean(d) - (mu + sd * lambda)) / delayMean(d)).toBeLessThan(1e-12);
    const v = sd * sd * (1 + z0 * lambda - lambda * lambda);
    expect(Math.abs(delayVariance(d) - v) / v).toBeLessThan(1e-12);
  });

  for (const { name, delay } of CONTINUOUS) {
    it(`of the ${name} law agree with quadrature of its density`, () => {
      const law = delayLaw(delay);
      const mass = expectation(delay, () => 1);
      const mean = expectation(delay, (x) => x);
      const variance = expectation(delay, (x) => (x - law.meanUs) ** 2);
      expect(Math.abs(mass - 1)).toBeLessThan(1e-9);
      expect(Math.abs(mean - law.meanUs) / law.meanUs).toBeLessThan(1e-9);
      expect(Math.abs(variance - law.varianceUs2) / law.varianceUs2).toBeLessThan(1e-8);
      const x = law.survivalQuantile(0.3);
      const excess = expectation(delay, (y) => Math.max(0, y - x));
      expect(Math.abs(excess - law.expectedExcess(x)) / excess).toBeLessThan(1e-8);
    });
  }
});

/** erf via the oracle's own normal CDF would be circular; a plain series suffices for |x| < 1. */
function erfLike(x: number): number {
  let term = x;
  let sum = x;
  for (let n = 1; n < 60; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

describe('delay law CDF, survival and density', () => {
  it('integrate the density to the CDF and keep F + S = 1', () => {
    for (const { delay } of CONTINUOUS) {
      const law = delayLaw(delay);
      for (const p of [0.9, 0.5, 0.1, 1e-3]) {
        const x = law.survivalQuantile(p);
        const byDensity = integrateOrThrow((y) => law.pdf(y), [law.lowerUs, x], 'cdf');
        expect(Math.abs(byDensity - delayCdf(delay, x))).toBeLessThan(1e-10);
        expect(Math.abs(delayCdf(delay, x) + delaySurvival(delay, x) - 1)).toBeLessThan(1e-15);
        expect(Math.abs(delaySurvival(delay, x) - p) / p).toBeLessThan(1e-9);
      }
    }
  });

  it('keep relative accuracy in the far tail of the truncated normal and lognormal', () => {
    // Pr(X > 80 ms) for N(20 ms, 5 ms) truncated at 0 is Q(12)/Q(−4).
    const normal = ld({ kind: 'normal', meanUs: 20_000, sdUs: 5000 });
    const exact = 1.776482112077679e-33 / 0.99996832875816688;
    expect(Math.abs(delaySurvival(normal, 80_000) / exact - 1)).toBeLessThan(1e-13);
    // Lognormal: Pr(X > m·e^{10σ}) = Q(10).
    const lognormal = ld({ kind: 'lognormal', medianUs: 1000, sigma: 0.5 });
    expect(Math.abs(delaySurvival(lognormal, 1000 * Math.exp(5)) / 7.619853024160526e-24 - 1)).toBeLessThan(1e-13);
  });

  it('report a constant delay as one atom, with a zero density and a step CDF', () => {
    const d = ld({ kind: 'constant', valueUs: 700 }, 300);
    expect(delayAtoms(d)).toEqual([{ atUs: 1000, probability: 1 }]);
    expect(delayPdf(d, 1000)).toBe(0);
    expect(delayCdf(d, 999)).toBe(0);
    expect(delayCdf(d, 1000)).toBe(1);
    expect(delayLaw(d).cdfBefore(1000)).toBe(0);
    expect(delayAtoms(ld({ kind: 'exponential', meanUs: 5 }))).toEqual([]);
  });

  it('read an empirical law as equal-weight uniforms between quantiles, with repeats as atoms', () => {
    // Quantiles 10, 20, 20, 20, 60 at probabilities 0, ¼, ½, ¾, 1.
    const d = ld({ kind: 'empirical', quantilesUs: [10, 20, 20, 20, 60] }, 5);
    const law = delayLaw(d);
    expect(law.atoms).toEqual([{ atUs: 25, probability: 0.5 }]);
    expect(law.hasDensity).toBe(true);
    expect(delayCdf(d, 14.9999)).toBe(0);
    expect(delayCdf(d, 20)).toBeCloseTo(0.125, 15);
    expect(law.cdfBefore(25)).toBeCloseTo(0.25, 15);
    expect(delayCdf(d, 25)).toBeCloseTo(0.75, 15);
    expect(delayCdf(d, 45)).toBeCloseTo(0.875, 15);
    expect(delayPdf(d, 25)).toBeCloseTo(0.25 / 40, 15);
    expect(delayMean(d)).toBeCloseTo(5 + (15 + 20 + 20 + 40) / 4, 12);
    // Var = Σ ¼·[(width²/12) + (midpoint − mean)²].
    const mean = 5 + 95 / 4;
    const v = 0.25 * (100 / 12 + (20 - mean) ** 2 + 2 * (25 - mean) ** 2 + 1600 / 12 + (45 - mean) ** 2);
    expect(delayVariance(d)).toBeCloseTo(v, 9);
    expect(law.survivalQuantile(0.5)).toBe(25);
    expect(law.expectedExcess(35)).toBeCloseTo(0.25 * (30 * 30) / 80, 12);
  });

  it('treat degenerate shapes (zero spread) as constant delays, as the simulator does', () => {
    expect(delayAtoms(ld({ kind: 'uniform', minUs: 40, maxUs: 40 }))).toEqual([{ atUs: 40, probability: 1 }]);
    expect(delayAtoms(ld({ kind: 'exponential', meanUs: 0 }, 7))).toEqual([{ atUs: 7, probability: 1 }]);
    expect(delayAtoms(ld({ kind: 'normal', meanUs: 30, sdUs: 0 }))).toEqual([{ atUs: 30, probability: 1 }]);
    expect(delayAtoms(ld({ kind: 'lognormal', medianUs: 9, sigma: 0 }))).toEqual([{ atUs: 9, probability: 1 }]);
    expect(delayAtoms(ld({ kind: 'empirical', quantilesUs: [4, 4, 4] }))).toEqual([{ atUs: 4, probability: 1 }]);
    // A spread below 1e-3 µs is a point mass too (the simulator rounds draws to whole µs).
    const spike = ld({ kind: 'normal', meanUs: -397_041, sdUs: 1 }, 28_276);
    expect(delayAtoms(spike)).toHaveLength(1);
    expect(delayAtoms(spike)[0]!.atUs).toBeCloseTo(28_276, 5);
  });

  it('are monotone and bounded for every law and argument', () => {
    const int = (min: number, max: number) => fc.integer({ min, max });
    const real = (min: number, max: number) => fc.double({ min, max, noNaN: true });
    const arbDelay = fc.oneof(
      fc.record({ kind: fc.constant('uniform' as const), minUs: int(0, 1000), maxUs: int(1001, 5000) }),
      fc.record({ kind: fc.constant('exponential' as const), meanUs: int(1, 1e6) }),
      fc.record({ kind: fc.constant('normal' as const), meanUs: int(-1e5, 1e5), sdUs: int(1, 1e5) }),
      fc.record({ kind: fc.constant('lognormal' as const), medianUs: int(1, 1e6), sigma: real(0.01, 3) }),
      fc.record({ kind: fc.constant('pareto' as const), scaleUs: int(1, 1e5), shape: real(0.2, 10) }),
    );
    fc.assert(
      fc.property(arbDelay, int(0, 1000), real(-1e5, 1e7), real(0, 1e6), (random, baseUs, x, dx) => {
        const d = ld(random, baseUs);
        const f1 = delayCdf(d, x);
        const f2 = delayCdf(d, x + dx);
        expect(f1).toBeGreaterThanOrEqual(0);
        expect(f2).toBeLessThanOrEqual(1);
        expect(f2).toBeGreaterThanOrEqual(f1);
        expect(delayPdf(d, x)).toBeGreaterThanOrEqual(0);
        expect(Math.abs(delaySurvival(d, x) + f1 - 1)).toBeLessThan(1e-12);
      }),
      { numRuns: 300 },
    );
  });
});

describe('delay law validation', () => {
  it('rejects malformed laws with a RangeError that names the field', () => {
    const bad: [unknown, RegExp][] = [
      [ld({ kind: 'constant', valueUs: -1 }), /valueUs/],
      [ld({ kind: 'exponential', meanUs: 10 }, 1.5), /baseUs/],
      [ld({ kind: 'uniform', minUs: 50, maxUs: 10 }), /maxUs/],
      [ld({ kind: 'normal', meanUs: 10, sdUs: -1 }), /sdUs/],
      [ld({ kind: 'normal', meanUs: -10, sdUs: 0 }), /meanUs/],
      [ld({ kind: 'lognormal', medianUs: 0, sigma: 1 }), /medianUs/],
      [ld({ kind: 'pareto', scaleUs: 10, shape: 0 }), /shape/],
      [ld({ kind: 'pareto', scaleUs: Number.NaN, shape: 2 }), /scaleUs/],
      [{ baseUs: 0, random: { kind: 'gamma', k: 2 } }, /unknown delay distribution kind/],
      [{ baseUs: 0 }, /delay\.random/],
      [ld({ kind: 'empirical', quantilesUs: [5] }), /at least 2/],
      [ld({ kind: 'empirical', quantilesUs: [5, 3] }), /ascend/],
    ];
    for (const [delay, message] of bad) {
      expect(() => validateLinkDelay(delay as LinkDelay)).toThrow(RangeError);
      expect(() => validateLinkDelay(delay as LinkDelay)).toThrow(message);
    }
  });
});

describe('delayLaw sharing', () => {
  it('returns one law for equal delays, another for a different one, whatever objects carry them', () => {
    const a = delayLaw({ baseUs: 1000, random: { kind: 'exponential', meanUs: 2000 } });
    const b = delayLaw({ baseUs: 1000, random: { kind: 'exponential', meanUs: 2000 } });
    const c = delayLaw({ baseUs: 1000, random: { kind: 'exponential', meanUs: 2001 } });
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect(c.meanUs).toBe(3001);
    // The shared law answers as a freshly built one does.
    expect(a.survival(4000)).toBe(Math.exp(-1.5));
  });

  it('does not follow later changes to the object it was built from', () => {
    const d: LinkDelay = { baseUs: 0, random: { kind: 'uniform', minUs: 0, maxUs: 10 } };
    const law = delayLaw(d);
    (d.random as { maxUs: number }).maxUs = 20;
    expect(law.upperUs).toBe(10);
    expect(law.cdf(5)).toBe(0.5);
    const changed = delayLaw(d);
    expect(changed).not.toBe(law);
    expect(changed.upperUs).toBe(20);
    expect(delayLaw({ baseUs: 0, random: { kind: 'uniform', minUs: 0, maxUs: 10 } })).toBe(law);
  });

  it('still refuses a bad delay it has seen before in a good form', () => {
    delayLaw({ baseUs: 0, random: { kind: 'exponential', meanUs: 5 } });
    expect(() => delayLaw({ baseUs: 0, random: { kind: 'exponential', meanUs: -5 } })).toThrow(RangeError);
  });
});

import { describe, expect, it } from 'vitest';
import { integrate, integrateOrThrow } from '../../src/analytic/quadrature.js';

describe('adaptive Gauss–Kronrod quadrature', () => {
  it('integrates x^k exactly on one panel for every k ≤ 22 (so the K15 nodes and weights are right)', () => {
    for (let k = 0; k <= 22; k++) {
      const r = integrate((x) => x ** k, [-1, 1], { relTol: 1, absTol: 1, maxIntervals: 1 });
      const exact = k % 2 === 0 ? 2 / (k + 1) : 0;
      expect(Math.abs(r.value - exact)).toBeLessThan(1e-15);
    }
  });

  it('reports a near-zero error estimate only when the G7 rule is exact too (degree ≤ 13)', () => {
    const exact = integrate((x) => x ** 12, [-1, 1], { relTol: 1, absTol: 1, maxIntervals: 1 });
    const inexact = integrate((x) => x ** 16, [-1, 1], { relTol: 1, absTol: 1, maxIntervals: 1 });
    expect(exact.errorEstimate).toBeLessThan(1e-15);
    expect(inexact.errorEstimate).toBeGreaterThan(1e-8);
  });

  it('reaches 1e-10 relative on a sharp peak and on a kink given as a breakpoint', () => {
    const peak = integrateOrThrow((x) => 1 / (1e-6 + x * x), [-1, 1], 'peak');
    expect(Math.abs(peak - 2e3 * Math.atan(1e3)) / peak).toBeLessThan(1e-10);
    const kink = integrateOrThrow((x) => Math.abs(x - 0.3), [0, 0.3, 1], 'kink');
    expect(Math.abs(kink - (0.045 + 0.245))).toBeLessThan(1e-14);
  });

  it('handles a step function exactly when the step is a breakpoint', () => {
    const step = integrateOrThrow((x) => (x < 0.25 ? 1 : 3), [0, 0.25, 1], 'step');
    expect(step).toBeCloseTo(0.25 + 2.25, 14);
  });

  it('refuses a non-finite integrand instead of returning NaN', () => {
    expect(() => integrate((x) => 1 / x, [0, 1])).toThrow(/not finite/);
  });
});

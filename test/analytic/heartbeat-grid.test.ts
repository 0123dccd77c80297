import { describe, expect, it } from 'vitest';
import { delayLaw, type LinkDelay } from '../../src/analytic/delay-law.js';
import { LastArrivalGrid, WindowGrid } from '../../src/analytic/heartbeat-grid.js';
import { lognormal, pareto, uniform } from './support.js';

/** Σ_m ln(1 − c·Pr(x₀ + mη < D ≤ x₀ + mη + w)) over an explicit range of m. */
function bruteWindow(
  delay: LinkDelay,
  loss: number,
  eta: number,
  w: number,
  x0: number,
  skipOwn: boolean,
  from: number,
  to: number,
): number {
  const law = delayLaw(delay);
  let sum = 0;
  for (let m = from; m <= to; m++) {
    if (skipOwn && m === 0) continue;
    const x = x0 + m * eta;
    sum += Math.log1p(-(1 - loss) * law.intervalProbability(x, x + w));
  }
  return sum;
}

describe('heartbeat-grid products', () => {
  const heavy: { name: string; delay: LinkDelay; eta: number; w: number; from: number; to: number }[] = [
    // Older heartbeats (m > 0) are needed until (⌈w/η⌉+1)·Pr(D > mη) < 1e-16.
    { name: 'Pareto (shape 3)', delay: pareto(1000, 3), eta: 100_000, w: 250_000, from: -10, to: 4000 },
    { name: 'lognormal (σ = 1)', delay: lognormal(50_000, 1), eta: 100_000, w: 250_000, from: -10, to: 6000 },
  ];
  for (const { name, delay, eta, w, from, to } of heavy) {
    it(`sum a ${name} tail by Euler–Maclaurin to 1e-12 of the explicit product`, () => {
      const grid = new WindowGrid(delayLaw(delay), 0.01, eta, w);
      expect(grid.usesTailApproximation).toBe(true);
      for (const x0 of [-w, -0.7 * w, 0, 0.013 * eta, 0.5 * eta, 0.99 * eta]) {
        for (const skipOwn of [false, true]) {
          const brute = bruteWindow(delay, 0.01, eta, w, x0, skipOwn, from, to);
          expect(Math.abs(grid.logNoArrival(x0, skipOwn) - brute)).toBeLessThan(1e-12 * Math.max(1, Math.abs(brute)));
        }
      }
    });
  }

  it('give the mistake-start density Σ_k f(x_k)·Π_{j≠k}(1 − c·g(x_j)) on a heavy tail', () => {
    const { delay, eta, w } = heavy[0]!;
    const law = delayLaw(delay);
    const grid = new WindowGrid(law, 0.01, eta, w);
    for (const s of [1000, 1500, 40_000]) {
      // At some phases the density is tiny (1e-13 at s = 40 ms) and dominated by late
      // arrivals from the tail, so the brute sum runs over arrivals up to 40 s and windows up
      // to 100 s; that truncation alone is worth about 1e-10 there.
      let brute = 0;
      for (let k = 0; k <= 400; k++) {
        const x = s + k * eta;
        brute += law.pdf(x) * Math.exp(bruteWindow(delay, 0.01, eta, w, x, true, -10 - k, 1000 - k));
      }
      expect(Math.abs(grid.arrivalThenSilenceDensity(s) / brute - 1)).toBeLessThan(1e-9);
    }
  });

  it('handle a window that surely catches its heartbeat (a zero factor) without dividing by it', () => {
    // p_L = 0, D ~ U[10, 20] ms, w = 50 ms: any window starting below 10 ms catches for sure.
    const delay: LinkDelay = uniform(0, 10_000, 10_000);
    const law = delayLaw(delay);
    const grid = new WindowGrid(law, 0, 30_000, 50_000);
    expect(grid.logNoArrival(-45_000, false)).toBe(Number.NEGATIVE_INFINITY);
    // At phase 15 ms one heartbeat is arriving (x = 15 ms) and every other window either
    // misses the support or surely catches: with two such zero factors the density is 0.
    expect(grid.arrivalThenSilenceDensity(15_000)).toBe(0);
  });

  it('give the last-arrival law Π_{k≥0}(1 − c·Pr(D > a + kη)) along a heavy tail, far out too', () => {
    const delay: LinkDelay = pareto(1000, 3);
    const law = delayLaw(delay);
    const grid = new LastArrivalGrid(law, 0.01, 10_000);
    expect(grid.usesTailApproximation).toBe(true);
    for (const a of [-30_000, 0, 5000, 2e5, 3e6, 8e7]) {
      let brute = 0;
      const terms = 1_000_000;
      for (let k = 0; k < terms; k++) {
        const x = a + k * 10_000;
        brute += x < law.lowerUs ? Math.log(0.01) : Math.log1p(-0.99 * law.survival(x));
      }
      // 10⁶ terms reach 10⁴ s; what is left, ≈ c·E[(D − 10⁴ s)⁺]/η ≈ 5e-18, is added back.
      brute -= (0.99 * law.expectedExcess(a + terms * 10_000)) / 10_000;
      // Relative, because far out the log is tiny (≈ −8e-12 at a = 80 s) and 1 − K is what
      // the mean-latency integral needs.
      expect(Math.abs(grid.logNoneAfter(a) / brute - 1)).toBeLessThan(1e-9);
    }
  });
});

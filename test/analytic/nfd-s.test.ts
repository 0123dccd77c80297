import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { configureNfds, nfdsBoundedRecurrenceS, nfdsQos, type NfdsQos } from '../../src/analytic/nfd-s.js';
import type { LinkDelay } from '../../src/analytic/delay-law.js';
import {
  constant,
  exponentialS as exponential,
  exponentialUs,
  expectPrinted,
  lognormal,
  normal,
  seededUniform,
  uniform,
} from './support.js';

const US = 1_000_000;

function nfds(lossProbability: number, meanDelayS: number, intervalS: number, shiftS: number): NfdsQos {
  return nfdsQos({
    intervalUs: Math.round(intervalS * US),
    shiftUs: Math.round(shiftS * US),
    lossProbability,
    delay: exponential(meanDelayS),
  });
}

/** 1 − P_A straight from the integral, without the cancellation of 1 − queryAccuracy. */
const suspectFraction = (q: NfdsQos, intervalS: number): number => (q.meanMistakeDurationS * q.pS) / intervalS;

describe('NFD-S closed-form QoS (reference §1.3) reproduces the worked examples of §1.4', () => {
  const cases = [
    // case, p_L, E(D), η, δ, T_D bound, u(0), p_S, E(T_MR), E(T_M), 1 − P_A
    ['A', 0.01, 0.02, 1.0, 0.1, '1.10', '0.016671', '0.016504', '60.592', '0.56593', '9.3401e-3'],
    ['B', 0.05, 0.1, 0.5, 0.6, '1.10', '0.020915', '0.019869', '25.165', '0.14822', '5.890e-3'],
    ['C', 0.01, 0.02, 1.0, 0.05, '1.05', '0.091264', '0.090352', '11.068', '0.12520', '1.1312e-2'],
  ] as const;
  for (const [name, loss, mean, eta, delta, bound, u0, pS, etmr, etm, inaccuracy] of cases) {
    it(`matches case ${name} (p_L ${loss}, E(D) ${mean} s, η ${eta} s, δ ${delta} s) to the printed digits`, () => {
      const q = nfds(loss, mean, eta, delta);
      expectPrinted(q.detectionBoundUs / US, bound);
      expectPrinted(q.uAt0, u0);
      expectPrinted(q.pS, pS);
      expectPrinted(q.meanMistakeRecurrenceS, etmr);
      expectPrinted(q.meanMistakeDurationS, etm);
      expectPrinted(1 - q.queryAccuracy, inaccuracy);
    });
  }

  it('matches the hand check of case A: u(0) = 1 − 0.99·(1 − e^−5), 1 − P_A = 0.0091334 + 0.0002067', () => {
    const q = nfds(0.01, 0.02, 1, 0.1);
    expect(q.uAt0).toBeCloseTo(1 - 0.99 * (1 - Math.exp(-5)), 15);
    const first = 0.009 + 0.99 * 0.02 * (Math.exp(-5) - Math.exp(-50));
    const second = 0.01 * (0.1 * 0.01 + 0.99 * 0.02 * (1 - Math.exp(-5)));
    expect(Math.abs(1 - q.queryAccuracy - (first + second))).toBeLessThan(1e-12);
  });

  it('matches every row of the δ sweep (η = 1 s, p_L = 0.01, Exp(0.02 s)) to the printed digits', () => {
    const rows = [
      [0.05, '1.05', '11.068', '0.1252', '1.131e-2'],
      [0.1, '1.10', '60.592', '0.5659', '9.340e-3'],
      [0.2, '1.20', '100.558', '0.8265', '8.219e-3'],
      [0.5, '1.50', '101.01', '0.5301', '5.248e-3'],
      [1.0, '2.00', '101.01', '0.0301', '2.980e-4'],
      [1.05, '2.05', '1 106.8', '0.1252', '1.131e-4'],
      [1.1, '2.10', '6 059.2', '0.5659', '9.340e-5'],
      [1.5, '2.50', '10 101', '0.5301', '5.248e-5'],
      [2.0, '3.00', '10 101', '0.0301', '2.980e-6'],
      [2.1, '3.10', '605 919', '0.5659', '9.340e-7'],
      [3.0, '4.00', '1.0101e6', '0.0301', '2.980e-8'],
    ] as const;
    for (const [delta, bound, etmr, etm, inaccuracy] of rows) {
      const q = nfds(0.01, 0.02, 1, delta);
      expectPrinted(q.detectionBoundUs / US, bound);
      expectPrinted(q.meanMistakeRecurrenceS, etmr);
      expectPrinted(q.meanMistakeDurationS, etm);
      expectPrinted(suspectFraction(q, 1), inaccuracy);
    }
  });

  it('follows E(T_MR) ≈ η/((1−p_L)·p_L^{k+1}) once δ clears the delay tail (small delays)', () => {
    expect(nfds(0.01, 0.02, 1, 0.5).meanMistakeRecurrenceS).toBeCloseTo(1 / (0.99 * 0.01), 5);
    expect(nfds(0.01, 0.02, 1, 1.5).meanMistakeRecurrenceS / (1 / (0.99 * 1e-4)) - 1).toBeLessThan(1e-8);
  });
});

describe('NFD-S with a constant delay (a point mass) follows from the algorithm by hand', () => {
  it('gives p_S = (1−p_L)·p_L and ∫u = p_L(η − δ + d) + p_L²(δ − d) when d < δ < η', () => {
    // Heartbeat m_i is the only rescue of interval i until m_{i+1} lands at τ_i + η − δ + d.
    const eta = 1_000_000;
    const delta = 300_000;
    const d = 120_000;
    const loss = 0.2;
    const q = nfdsQos({ intervalUs: eta, shiftUs: delta, lossProbability: loss, delay: constant(d - 20_000, 20_000) });
    expect(q.pS).toBeCloseTo((1 - loss) * loss, 15);
    const integral = loss * (eta - delta + d) + loss * loss * (delta - d);
    expect(q.queryAccuracy).toBeCloseTo(1 - integral / eta, 14);
    expect(q.meanMistakeDurationS).toBeCloseTo(integral / q.pS / US, 12);
  });

  it('counts a heartbeat that lands exactly on a freshness point as arrived, but not as trusted before it', () => {
    // d = δ: m_i arrives exactly at τ_i, so u(0) = p_L. d = δ + η: m_{i−1} arrives exactly at
    // τ_i, so q did not trust just before τ_i and no S-transition can start there (q₀ = 0).
    const base = { intervalUs: 1000, shiftUs: 400, lossProbability: 0.1 };
    const onPoint = nfdsQos({ ...base, delay: constant(400) });
    expect(onPoint.uAt0).toBeCloseTo(0.1, 15);
    const late = nfdsQos({ ...base, delay: constant(1400) });
    expect(late.pS).toBe(0);
  });

  it('does not lose a delay law far narrower than the period between quadrature nodes', () => {
    // D ≈ 120 ms ± 50 µs against η = 1 s and δ = 300 ms: the constant-delay answer holds.
    const eta = 1_000_000;
    const loss = 0.2;
    const q = nfdsQos({ intervalUs: eta, shiftUs: 300_000, lossProbability: loss, delay: normal(120_000, 50) });
    const integral = loss * (eta - 300_000 + 120_000) + loss * loss * (300_000 - 120_000);
    expect(Math.abs(1 - q.queryAccuracy - integral / eta)).toBeLessThan(1e-4 * (integral / eta));
    expect(q.pS).toBeCloseTo((1 - loss) * loss, 12);
  });

  it('treats a two-point empirical law exactly as the uniform law it interpolates', () => {
    const base = { intervalUs: 100_000, shiftUs: 130_000, lossProbability: 0.05 };
    const a = nfdsQos({ ...base, delay: uniform(20_000, 180_000) });
    const b = nfdsQos({ ...base, delay: { baseUs: 0, random: { kind: 'empirical', quantilesUs: [20_000, 180_000] } } });
    expect(b.pS).toBeCloseTo(a.pS, 15);
    expect(Math.abs(b.queryAccuracy - a.queryAccuracy)).toBeLessThan(1e-13);
  });

  it('reports no mistakes and full accuracy when nothing is lost and every delay is below δ', () => {
    const q = nfdsQos({ intervalUs: 1_000_000, shiftUs: 100_000, lossProbability: 0, delay: uniform(1000, 50_000) });
    expect(q.mistakeRatePerS).toBe(0);
    expect(q.meanMistakeRecurrenceS).toBe(Infinity);
    expect(q.meanMistakeDurationS).toBe(0);
    expect(q.queryAccuracy).toBe(1);
  });
});

describe('NFD-S QoS properties', () => {
  const arbParams = fc.record({
    intervalUs: fc.integer({ min: 10_000, max: 2_000_000 }),
    shiftRatio: fc.double({ min: 0.01, max: 3.5, noNaN: true }),
    lossProbability: fc.oneof(fc.constant(0), fc.double({ min: 1e-6, max: 0.5, noNaN: true })),
    meanRatio: fc.double({ min: 0.001, max: 1, noNaN: true }),
    kind: fc.constantFrom('exponential', 'uniform', 'lognormal'),
  });
  type Raw = { intervalUs: number; shiftRatio: number; lossProbability: number; meanRatio: number; kind: string };
  const build = (p: Raw) => {
    const mean = Math.max(1, Math.round(p.meanRatio * p.intervalUs));
    const delay: LinkDelay =
      p.kind === 'exponential'
        ? exponentialUs(mean)
        : p.kind === 'uniform'
          ? uniform(0, 2 * mean)
          : lognormal(mean, 0.7);
    const shiftUs = Math.max(1, Math.round(p.shiftRatio * p.intervalUs));
    return { intervalUs: p.intervalUs, shiftUs, lossProbability: p.lossProbability, delay };
  };

  it('satisfy E(T_MR) = η/p_S, λ_M = 1/E(T_MR), P_A = 1 − E(T_M)/E(T_MR) and 0 ≤ 1 − P_A ≤ u(0)', () => {
    fc.assert(
      fc.property(arbParams, (raw) => {
        const p = build(raw);
        const q = nfdsQos(p);
        expect(q.detectionBoundUs).toBe(p.shiftUs + p.intervalUs);
        const inaccuracy = 1 - q.queryAccuracy;
        expect(inaccuracy).toBeGreaterThanOrEqual(0);
        // u is non-increasing on [0, η), so its mean is at most u(0).
        expect(inaccuracy).toBeLessThanOrEqual(q.uAt0 * (1 + 1e-9) + 1e-15);
        if (q.pS > 0 && Number.isFinite(q.meanMistakeRecurrenceS)) {
          expect(q.meanMistakeRecurrenceS).toBeCloseTo(p.intervalUs / q.pS / US, 6);
          expect(Math.abs(q.mistakeRatePerS * q.meanMistakeRecurrenceS - 1)).toBeLessThan(1e-12);
          const identity = 1 - q.meanMistakeDurationS / q.meanMistakeRecurrenceS;
          expect(Math.abs(identity - q.queryAccuracy)).toBeLessThan(1e-12);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('never gets worse in E(T_MR) or P_A when δ grows by a whole period', () => {
    fc.assert(
      fc.property(arbParams, (raw) => {
        const p = build(raw);
        const a = nfdsQos(p);
        const b = nfdsQos({ ...p, shiftUs: p.shiftUs + p.intervalUs });
        // One more heartbeat can rescue each interval: u shrinks pointwise.
        expect(b.queryAccuracy).toBeGreaterThanOrEqual(a.queryAccuracy - 1e-12);
        expect(b.uAt0).toBeLessThanOrEqual(a.uAt0 * (1 + 1e-12));
      }),
      { numRuns: 40 },
    );
  });

  it('agrees with an event-exact Monte Carlo for a uniform delay with two heartbeats in flight (z = 4)', () => {
    // η = 100 ms, δ = 150 ms, D ~ U[20, 200] ms, p_L = 0.05: heartbeats overlap and reorder.
    const eta = 100_000;
    const delta = 150_000;
    const loss = 0.05;
    const q = nfdsQos({ intervalUs: eta, shiftUs: delta, lossProbability: loss, delay: uniform(0, 180_000, 20_000) });
    const n = 400_000;
    const draw = seededUniform(20_260_101);
    const arrival = new Float64Array(n);
    for (let i = 0; i < n; i++) arrival[i] = draw() < loss ? Infinity : i * eta + 20_000 + 180_000 * draw();
    // earliest[i] = min over j ≥ i of arrival[j]: q trusts in [τ_i, τ_{i+1}) from earliest[i] on.
    const earliest = new Float64Array(n);
    let running = Infinity;
    for (let i = n - 1; i >= 0; i--) {
      running = Math.min(running, arrival[i]!);
      earliest[i] = running;
    }
    let mistakes = 0;
    let suspected = 0;
    const from = 10;
    const to = n - 10; // stay clear of both ends
    for (let i = from; i < to; i++) {
      const tau = i * eta + delta;
      if (earliest[i]! > tau && earliest[i - 1]! < tau) mistakes++;
      suspected += Math.min(eta, Math.max(0, earliest[i]! - tau));
    }
    const periods = to - from;
    const rate = mistakes / periods; // per freshness point = p_S
    expect(Math.abs(rate - q.pS)).toBeLessThan(4 * Math.sqrt((q.pS * (1 - q.pS)) / periods));
    const fraction = suspected / (periods * eta);
    // Suspicion is a sum of dependent pieces; bound its spread by treating each mistake as
    // one draw of at most η: sd ≤ η·√mistakes / total time.
    expect(Math.abs(fraction - (1 - q.queryAccuracy))).toBeLessThan((4 * Math.sqrt(mistakes)) / periods);
  });
});

/** The worked example of §1.5a: p_L 0.01, Exp(0.02 s), T_D^U 1 s, one mistake a day, T_M^U 1 s. */
const dayWithinOneSecond = {
  detectionBoundUs: US,
  mistakeRecurrenceLowerS: 86_400,
  mistakeDurationUpperS: 1,
  lossProbability: 0.01,
  delay: exponential(0.02),
};

describe('NFD-S configuration (reference §1.5a)', () => {
  const f = (etaS: number): number =>
    nfdsBoundedRecurrenceS({
      intervalUs: Math.round(etaS * US),
      detectionBoundUs: US,
      lossProbability: 0.01,
      delay: exponential(0.02),
    });

  it('reproduces the non-monotone f(η) table (p_L 0.01, Exp(0.02 s), T_D^U = 1 s) to the printed digits', () => {
    const table = [
      [0.25, '252 432'],
      [0.3, '181 776'],
      [0.3091, '86 440'],
      [0.32, '22 449'],
      [0.333, '3 534'],
      [0.334, '3 374'],
      [0.4, '4 022'],
      [0.5, '50.5'],
    ] as const;
    for (const [eta, value] of table) expectPrinted(f(eta), value);
    expect(f(0.4)).toBeGreaterThan(f(0.334)); // the reason bisection is wrong
  });

  it('equals the forward E(T_MR) of NFD-S at δ = T_D^U − η', () => {
    for (const eta of [0.25, 0.3091, 0.334, 0.4]) {
      const forward = nfds(0.01, 0.02, eta, 1 - eta).meanMistakeRecurrenceS;
      expect(Math.abs(f(eta) / forward - 1)).toBeLessThan(1e-12);
    }
  });

  it('finds the worked example: η = 0.30910 s, δ = 0.69090 s for one mistake a day within 1 s', () => {
    const config = configureNfds({ ...dayWithinOneSecond, mistakeRecurrenceLowerS: 86_400 });
    if (!('intervalUs' in config)) throw new Error(config.unreachable);
    expectPrinted(config.intervalUs / US, '0.30910');
    expectPrinted(config.shiftUs / US, '0.69090');
    // The scan is exact on the 1 µs grid: η works, η + 1 µs does not.
    expect(config.intervalUs).toBe(309_104);
    const forward = nfdsQos({ ...config, lossProbability: 0.01, delay: exponential(0.02) });
    expect(forward.detectionBoundUs).toBe(US);
    expect(forward.meanMistakeRecurrenceS).toBeGreaterThanOrEqual(86_400);
    expect(f(0.309105)).toBeLessThan(86_400);
    expectPrinted(forward.meanMistakeDurationS, '0.0863');
    // §1.5a prints the forward E(T_MR) as 86 415 s. At any η that prints as 0.30910 the
    // forward value lies between f(0.309105) ≈ 86 395 and f(0.309095) ≈ 86 485, and at the
    // printed (0.30910, 0.69090) it is 86 440, the f table's own entry; 86 415 matches none
    // of the natural scan grids, so it is checked only to 0.02 %.
    expect(Math.abs(forward.meanMistakeRecurrenceS / 86_415 - 1)).toBeLessThan(2e-4);
    expectPrinted(nfds(0.01, 0.02, 0.3091, 0.6909).meanMistakeRecurrenceS, '86 440');
  });

  it('starts the scan at η_max = q′₀·T_M^U = 0.99 s in the worked example', () => {
    const config = configureNfds({ ...dayWithinOneSecond, mistakeRecurrenceLowerS: 1e-9 });
    expect(config).toEqual({ intervalUs: 990_000, shiftUs: 10_000 });
  });

  it('meets every requirement it accepts, forward-checked with §1.3', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 200_000, max: 3_000_000 }),
        fc.double({ min: 1, max: 1e6, noNaN: true }),
        fc.double({ min: 0.05, max: 5, noNaN: true }),
        fc.double({ min: 0.001, max: 0.2, noNaN: true }),
        fc.integer({ min: 1000, max: 100_000 }),
        (bound, recurrence, duration, loss, meanUs) => {
          const delay = exponentialUs(meanUs);
          const config = configureNfds({
            detectionBoundUs: bound,
            mistakeRecurrenceLowerS: recurrence,
            mistakeDurationUpperS: duration,
            lossProbability: loss,
            delay,
          });
          if (!('intervalUs' in config)) return;
          const q = nfdsQos({ ...config, lossProbability: loss, delay });
          expect(q.detectionBoundUs).toBe(bound);
          expect(q.meanMistakeRecurrenceS).toBeGreaterThanOrEqual(recurrence * (1 - 1e-9));
          expect(q.meanMistakeDurationS).toBeLessThanOrEqual(duration * (1 + 1e-9));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('says why when the requirements cannot be met', () => {
    const tooTight = configureNfds({ ...dayWithinOneSecond, mistakeDurationUpperS: 1e-7 });
    expect(tooTight).toHaveProperty('unreachable');
    expect((tooTight as { unreachable: string }).unreachable).toMatch(/mistake-duration/);
    const tooSlow = configureNfds({ ...dayWithinOneSecond, detectionBoundUs: 10_000, delay: constant(0, 20_000) });
    expect((tooSlow as { unreachable: string }).unreachable).toMatch(/no heartbeat can arrive/);
    const allLost = configureNfds({ ...dayWithinOneSecond, lossProbability: 1 });
    expect((allLost as { unreachable: string }).unreachable).toMatch(/lost/);
  });
});

describe('NFD-S input validation', () => {
  it('rejects non-integer or non-positive durations and out-of-range probabilities with RangeError', () => {
    const ok = { intervalUs: 1000, shiftUs: 100, lossProbability: 0.1, delay: exponential(0.001) };
    expect(() => nfdsQos({ ...ok, intervalUs: 0 })).toThrow(/intervalUs/);
    expect(() => nfdsQos({ ...ok, shiftUs: 1.5 })).toThrow(/shiftUs/);
    expect(() => nfdsQos({ ...ok, lossProbability: 1.2 })).toThrow(/lossProbability/);
    expect(() => nfdsQos({ ...ok, lossProbability: Number.NaN })).toThrow(RangeError);
    expect(() => configureNfds({ ...dayWithinOneSecond, mistakeRecurrenceLowerS: -1 })).toThrow(
      /mistakeRecurrenceLowerS/,
    );
  });
});

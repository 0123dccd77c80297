/**
 * SplitLaw: the exceedance probability of each law at a threshold on its rounded draw,
 * and its two conditional samplers, against the engine's own sampler (DurationSampler)
 * filtered by the same condition. Thresholds are picked so both the rejection path
 * (exceedance ≥ ½) and the law-specific tail/inverse path (small exceedance) run.
 */
import { describe, expect, it } from 'vitest';
import { namedStreamKey } from '../../../src/sim/random/stream-keys.js';
import { normalSurvival } from '../../../src/analytic/normal.js';
import { DurationSampler, type DelayDistribution } from '../../../src/sim/random/distributions.js';
import { StreamBank } from '../../../src/sim/random/streams.js';
import { SplitLaw, normalAtLeast } from '../../../src/sim/skip/split-law.js';
import { ksCritical, ksTwoSample } from './stats.js';

const Z = 4;

function bankWith(key: string): { bank: StreamBank; stream: number } {
  const bank = new StreamBank();
  return { bank, stream: bank.add({ seed: 'split-law', replication: 0 }, namedStreamKey(key)) };
}

/** Pr(round(X) > m) from each law's formula, written independently of SplitLaw. */
function closedFormAbove(law: DelayDistribution, m: number): number {
  const c = m + 0.5;
  switch (law.kind) {
    case 'constant':
      return Math.round(law.valueUs) > m ? 1 : 0;
    case 'uniform':
      return Math.min(1, Math.max(0, (law.maxUs - c) / (law.maxUs - law.minUs)));
    case 'exponential':
      return Math.exp(-c / law.meanUs);
    case 'normal':
      return normalSurvival((c - law.meanUs) / law.sdUs) / normalSurvival(-law.meanUs / law.sdUs);
    case 'lognormal':
      return normalSurvival((Math.log(c) - Math.log(law.medianUs)) / law.sigma);
    case 'pareto':
      return c <= law.scaleUs ? 1 : (law.scaleUs / c) ** law.shape;
    case 'empirical': {
      // Mass of the piecewise-uniform mixture at or above c.
      const q = law.quantilesUs;
      let mass = 0;
      for (let i = 0; i + 1 < q.length; i++) {
        const lo = q[i]!;
        const hi = q[i + 1]!;
        if (hi === lo) mass += lo >= c ? 1 : 0;
        else mass += Math.min(1, Math.max(0, (hi - c) / (hi - lo)));
      }
      return mass / (q.length - 1);
    }
  }
}

/** Each law with a threshold in the bulk (rejection path) and one in the tail (inverse or tail sampler). */
const cases: { law: DelayDistribution; thresholds: number[] }[] = [
  { law: { kind: 'uniform', minUs: 1_000, maxUs: 21_000 }, thresholds: [8_000, 20_800] },
  { law: { kind: 'exponential', meanUs: 2_000 }, thresholds: [500, 10_000] },
  { law: { kind: 'normal', meanUs: 5_000, sdUs: 2_000 }, thresholds: [4_000, 10_500] },
  { law: { kind: 'normal', meanUs: 1_000, sdUs: 3_000 }, thresholds: [2_000, 10_000] },
  { law: { kind: 'lognormal', medianUs: 3_000, sigma: 0.5 }, thresholds: [2_000, 8_500] },
  { law: { kind: 'pareto', scaleUs: 1_000, shape: 2.5 }, thresholds: [1_200, 8_000] },
  { law: { kind: 'empirical', quantilesUs: [400, 500, 520, 520, 600, 900, 2_000, 15_000] }, thresholds: [510, 9_000] },
];

describe('SplitLaw: exceedance probabilities', () => {
  for (const { law, thresholds } of cases) {
    for (const m of thresholds) {
      it(`${law.kind} ${JSON.stringify(law).slice(0, 60)}… at m = ${m}: Pr(round X > m) matches its formula and the engine's draws`, () => {
        const { bank, stream } = bankWith(`p/${law.kind}/${m}`);
        const split = new SplitLaw(law, m, bank);
        expect(split.pAbove).toBeCloseTo(closedFormAbove(law, m), 12);
        const sampler = new DurationSampler(law, bank);
        const n = 200_000;
        let above = 0;
        for (let i = 0; i < n; i++) if (sampler.sampleUs(stream) > m) above++;
        const p = split.pAbove;
        expect(Math.abs(above / n - p)).toBeLessThanOrEqual(Z * Math.sqrt((p * (1 - p)) / n) + 1 / n);
      });
    }
  }

  it('worked cases, exactly', () => {
    const { bank } = bankWith('worked');
    expect(new SplitLaw({ kind: 'constant', valueUs: 3_000 }, 2_999, bank).pAbove).toBe(1);
    expect(new SplitLaw({ kind: 'constant', valueUs: 3_000 }, 3_000, bank).pAbove).toBe(0);
    // Math.round(2999.5) = 3000: a constant of 2999.5 µs is drawn as 3000 µs.
    expect(new SplitLaw({ kind: 'constant', valueUs: 2_999.5 }, 2_999, bank).pAbove).toBe(1);
    expect(new SplitLaw({ kind: 'exponential', meanUs: 2_000 }, 1_999, bank).pAbove).toBe(Math.exp(-1_999.5 / 2_000));
    expect(new SplitLaw({ kind: 'uniform', minUs: 0, maxUs: 1_000 }, 749, bank).pAbove).toBeCloseTo(0.2505, 15);
    expect(new SplitLaw({ kind: 'pareto', scaleUs: 1_000, shape: 2 }, 1_999, bank).pAbove).toBe((1_000 / 1_999.5) ** 2);
    expect(new SplitLaw({ kind: 'empirical', quantilesUs: [0, 100, 200] }, 149, bank).pAbove).toBeCloseTo(0.2525, 15); // Q(u) = 200u reaches 149.5 at u = 0.7475
    expect(new SplitLaw({ kind: 'exponential', meanUs: 2_000 }, -1, bank).pAbove).toBe(1);
  });
});

describe('SplitLaw: conditional draws have the engine’s conditional law', () => {
  for (const { law, thresholds } of cases) {
    for (const m of thresholds) {
      it(`${law.kind} at m = ${m}: above and at-most draws agree with filtered engine draws (two-sample KS)`, () => {
        const { bank, stream } = bankWith(`ks/${law.kind}/${m}`);
        const split = new SplitLaw(law, m, bank);
        const sampler = new DurationSampler(law, bank);
        const wantAbove = 4_000;
        const refAbove: number[] = [];
        const refAtMost: number[] = [];
        while (refAbove.length < wantAbove || refAtMost.length < wantAbove) {
          const x = sampler.sampleUs(stream);
          if (x > m) {
            if (refAbove.length < wantAbove) refAbove.push(x);
          } else if (refAtMost.length < wantAbove) refAtMost.push(x);
        }
        const above = Array.from({ length: 6_000 }, () => split.sampleAboveUs(stream));
        const atMost = Array.from({ length: 6_000 }, () => split.sampleAtMostUs(stream));
        expect(above.every((x) => x > m && Number.isInteger(x))).toBe(true);
        expect(atMost.every((x) => x <= m && Number.isInteger(x))).toBe(true);
        expect(ksTwoSample(above, refAbove)).toBeLessThan(ksCritical(above.length, refAbove.length));
        expect(ksTwoSample(atMost, refAtMost)).toBeLessThan(ksCritical(atMost.length, refAtMost.length));
      });
    }
  }

  it('a deep tail (Pr ≈ 1e-9) is drawn directly, with the conditional mean of the closed form', () => {
    // Exponential: X | X ≥ c is c + Exp(mean), so the conditional mean is c + mean.
    const { bank, stream } = bankWith('deep');
    const split = new SplitLaw({ kind: 'exponential', meanUs: 2_000 }, 42_000, bank);
    expect(split.pAbove).toBeLessThan(1e-9);
    const n = 20_000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const x = split.sampleAboveUs(stream);
      sum += x;
      sumSq += x * x;
    }
    const mean = sum / n;
    const se = Math.sqrt((sumSq / n - mean * mean) / n);
    // Rounding: round(c + E) has mean c + mean + O(1/12 µs²·density) ≈ c + mean within 0.5 µs.
    expect(Math.abs(mean - (42_000.5 + 2_000))).toBeLessThan(Z * se + 0.5);
  });

  it('normalAtLeast (Robert’s method) has the truncated normal’s mean φ(a)/Q(a)', () => {
    const { bank, stream } = bankWith('robert');
    for (const a of [0.7, 2, 5, 9]) {
      const n = 20_000;
      let sum = 0;
      let sumSq = 0;
      let min = Number.POSITIVE_INFINITY;
      for (let i = 0; i < n; i++) {
        const z = normalAtLeast(bank, stream, a);
        sum += z;
        sumSq += z * z;
        min = Math.min(min, z);
      }
      const mean = sum / n;
      const se = Math.sqrt((sumSq / n - mean * mean) / n);
      const expected = Math.exp(-0.5 * a * a) / Math.sqrt(2 * Math.PI) / normalSurvival(a);
      expect(min).toBeGreaterThanOrEqual(a);
      expect(Math.abs(mean - expected)).toBeLessThan(Z * se);
    }
  });

  it('refuses draws on an impossible side', () => {
    const { bank, stream } = bankWith('impossible');
    expect(() => new SplitLaw({ kind: 'constant', valueUs: 10 }, 20, bank).sampleAboveUs(stream)).toThrow(/never exceeds/);
    expect(() => new SplitLaw({ kind: 'constant', valueUs: 30 }, 20, bank).sampleAtMostUs(stream)).toThrow(/always exceeds/);
    expect(() => new SplitLaw({ kind: 'exponential', meanUs: 10 }, 2.5, bank)).toThrow(/whole number/);
  });
});

import { describe, expect, it } from 'vitest';
import { namedStreamKey } from '../../../src/sim/random/stream-keys.js';
import { DurationSampler, type DelayDistribution } from '../../../src/sim/random/distributions.js';
import { StreamBank } from '../../../src/sim/random/streams.js';
import { normalCdf, normalPdf } from '../../../src/analytic/normal.js';

/** Exact mean and variance of each law (µs, µs²), independent of the sampler's code. */
function moments(law: DelayDistribution): { mean: number; variance: number } {
  switch (law.kind) {
    case 'constant':
      return { mean: law.valueUs, variance: 0 };
    case 'uniform':
      return { mean: (law.minUs + law.maxUs) / 2, variance: (law.maxUs - law.minUs) ** 2 / 12 };
    case 'exponential':
      return { mean: law.meanUs, variance: law.meanUs ** 2 };
    case 'normal': {
      // Normal truncated below at 0: α = −μ/σ, λ = φ(α)/(1 − Φ(α)).
      const alpha = -law.meanUs / law.sdUs;
      const lambda = normalPdf(alpha) / (1 - normalCdf(alpha));
      return { mean: law.meanUs + law.sdUs * lambda, variance: law.sdUs ** 2 * (1 + alpha * lambda - lambda * lambda) };
    }
    case 'lognormal': {
      const s2 = law.sigma ** 2;
      return { mean: law.medianUs * Math.exp(s2 / 2), variance: (Math.exp(s2) - 1) * law.medianUs ** 2 * Math.exp(s2) };
    }
    case 'pareto': {
      const a = law.shape;
      return { mean: (a * law.scaleUs) / (a - 1), variance: (law.scaleUs ** 2 * a) / ((a - 1) ** 2 * (a - 2)) };
    }
    case 'empirical': {
      // A mixture of uniforms on [q_i, q_{i+1}], each with probability 1/(n − 1).
      const q = law.quantilesUs;
      let m1 = 0;
      let m2 = 0;
      for (let i = 0; i + 1 < q.length; i++) {
        const a = q[i]!;
        const b = q[i + 1]!;
        m1 += (a + b) / 2;
        m2 += (a * a + a * b + b * b) / 3;
      }
      m1 /= q.length - 1;
      m2 /= q.length - 1;
      return { mean: m1, variance: m2 - m1 * m1 };
    }
  }
}

const laws: DelayDistribution[] = [
  { kind: 'uniform', minUs: 1_000, maxUs: 21_000 },
  { kind: 'exponential', meanUs: 2_000 },
  { kind: 'normal', meanUs: 5_000, sdUs: 2_000 },
  { kind: 'normal', meanUs: 1_000, sdUs: 3_000 }, // heavily truncated
  { kind: 'lognormal', medianUs: 3_000, sigma: 0.5 },
  { kind: 'pareto', scaleUs: 1_000, shape: 6 }, // shape > 4 so the variance of the variance is finite
  { kind: 'empirical', quantilesUs: [400, 500, 520, 600, 900, 2_000, 15_000] }, // a long-tailed ping profile
];

const Z = 4; // ≈ one false alarm in 16 000 per comparison

describe('delay laws', () => {
  for (const law of laws) {
    it(`${JSON.stringify(law)}: sample mean and variance match the law within ${Z} standard errors`, () => {
      const bank = new StreamBank();
      const stream = bank.add({ seed: 'moments', replication: 0 }, namedStreamKey(law.kind));
      const sampler = new DurationSampler(law, bank);
      const n = 200_000;
      const xs = new Float64Array(n);
      for (let i = 0; i < n; i++) xs[i] = sampler.sampleUs(stream);
      let mean = 0;
      for (const x of xs) mean += x;
      mean /= n;
      let m2 = 0;
      let m4 = 0;
      for (const x of xs) {
        const d = x - mean;
        m2 += d * d;
        m4 += d * d * d * d;
      }
      const variance = m2 / (n - 1);
      m4 /= n;
      const expected = moments(law);
      // Rounding to whole µs adds 1/12 µs² of variance; negligible at these scales.
      expect(Math.abs(mean - expected.mean)).toBeLessThan(Z * Math.sqrt(variance / n));
      expect(Math.abs(variance - expected.variance)).toBeLessThan(Z * Math.sqrt((m4 - variance * variance) / n));
      expect(xs.every((x) => x >= 0)).toBe(true);
    });
  }

  it('a constant law always returns its value and draws nothing', () => {
    const bank = new StreamBank();
    const stream = bank.add({ seed: 'c', replication: 0 }, namedStreamKey('x'));
    const sampler = new DurationSampler({ kind: 'constant', valueUs: 1234 }, bank);
    expect(sampler.isConstant).toBe(true);
    for (let i = 0; i < 10; i++) expect(sampler.sampleUs(stream)).toBe(1234);
  });

  it('the ziggurat exponential passes a Kolmogorov–Smirnov test against 1 − e^−x', () => {
    const bank = new StreamBank();
    const stream = bank.add({ seed: 'ks', replication: 0 }, namedStreamKey('exp'));
    // A large mean so that rounding to µs does not show in the CDF.
    const meanUs = 1e9;
    const sampler = new DurationSampler({ kind: 'exponential', meanUs }, bank);
    const n = 100_000;
    const xs = Float64Array.from({ length: n }, () => sampler.sampleUs(stream) / meanUs).sort();
    let d = 0;
    for (let i = 0; i < n; i++) {
      const f = 1 - Math.exp(-xs[i]!);
      d = Math.max(d, Math.abs(f - i / n), Math.abs(f - (i + 1) / n));
    }
    // Critical value of √n·D at α = 0.001 is 1.949 (Kolmogorov distribution).
    expect(Math.sqrt(n) * d).toBeLessThan(1.949);
  });

  it('rejects a law with impossible parameters', () => {
    const bank = new StreamBank();
    expect(() => new DurationSampler({ kind: 'uniform', minUs: 5, maxUs: 1 }, bank)).toThrow(/below min/);
    expect(() => new DurationSampler({ kind: 'pareto', scaleUs: 0, shape: 2 }, bank)).toThrow(/scale/);
    expect(() => new DurationSampler({ kind: 'exponential', meanUs: -1 }, bank)).toThrow(/mean/);
  });
});

/**
 * Test helpers for the analytic oracle: matching numbers "to the printed digits" of the
 * reference tables, and a tiny seeded PRNG for the Monte Carlo cross-checks (the oracle
 * itself never draws random numbers, and these tests must not depend on src/sim/random/streams.ts,
 * which is being written concurrently).
 */
import { expect } from 'vitest';
import type { LinkDelay } from '../../src/analytic/delay-law.js';

/**
 * Asserts that `actual` rounds to the number as printed in the reference, i.e. lies within
 * half a unit in the last printed digit. Spaces used as thousands separators are ignored, so
 * table cells can be pasted as they appear ('1 106.8', '9.3401e-3', '1.0101e6').
 */
export function expectPrinted(actual: number, printed: string): void {
  const text = printed.replace(/\s/g, '');
  const m = /^(-?\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/.exec(text);
  if (!m) throw new Error(`cannot parse printed value ${printed}`);
  const decimals = m[2]?.length ?? 0;
  const exponent = m[3] === undefined ? 0 : Number(m[3]);
  const value = Number(text);
  const halfUlp = 0.5 * 10 ** (exponent - decimals);
  // 1e-12 relative only absorbs binary rounding of `value` itself.
  const tolerance = halfUlp + 1e-12 * Math.abs(value);
  if (!(Math.abs(actual - value) <= tolerance)) {
    expect.fail(`${actual} does not print as ${printed} (allowed ±${halfUlp})`);
  }
}

/** xoshiro128** (Blackman–Vigna) seeded by splitmix32; doubles in (0, 1) with 32 random bits. */
export function seededUniform(seed: number): () => number {
  let s = seed >>> 0;
  const splitmix = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  return () => {
    // xoshiro128** step
    const result = Math.imul(rotl(Math.imul(b, 5) >>> 0, 7), 9) >>> 0;
    const t = (b << 9) >>> 0;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return (result + 0.5) / 4294967296;
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Standard normal draws by Box–Muller from a uniform source. */
export function seededNormal(uniform: () => number): () => number {
  let spare = Number.NaN;
  return () => {
    if (!Number.isNaN(spare)) {
      const v = spare;
      spare = Number.NaN;
      return v;
    }
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const theta = 2 * Math.PI * uniform();
    spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  };
}

/** Short constructors for the delay laws used across the oracle tests. */
export const constant = (valueUs: number, baseUs = 0): LinkDelay => ({ baseUs, random: { kind: 'constant', valueUs } });
export const uniform = (minUs: number, maxUs: number, baseUs = 0): LinkDelay => ({
  baseUs,
  random: { kind: 'uniform', minUs, maxUs },
});
export const exponentialUs = (meanUs: number, baseUs = 0): LinkDelay => ({
  baseUs,
  random: { kind: 'exponential', meanUs },
});
/** Exponential delay with its mean given in seconds, as in the reference tables. */
export const exponentialS = (meanS: number): LinkDelay => exponentialUs(Math.round(meanS * 1e6));
export const normal = (meanUs: number, sdUs: number, baseUs = 0): LinkDelay => ({
  baseUs,
  random: { kind: 'normal', meanUs, sdUs },
});
export const lognormal = (medianUs: number, sigma: number, baseUs = 0): LinkDelay => ({
  baseUs,
  random: { kind: 'lognormal', medianUs, sigma },
});
export const pareto = (scaleUs: number, shape: number, baseUs = 0): LinkDelay => ({
  baseUs,
  random: { kind: 'pareto', scaleUs, shape },
});

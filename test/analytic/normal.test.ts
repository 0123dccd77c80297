import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  erf,
  erfc,
  erfcx,
  inverseNormalSurvivalLog,
  logNormalSurvival,
  normalCdf,
  normalSurvival,
} from '../../src/analytic/normal.js';

// Reference values computed with mpmath at 40 significant digits.
const ERF: [number, number][] = [
  [0.1, 0.11246291601828489],
  [0.3, 0.32862675945912743],
  [0.5, 0.52049987781304654],
  [1, 0.84270079294971487],
  [2, 0.99532226501895273],
  [-1.5, -0.96610514647531073],
];
const ERFC: [number, number][] = [
  [0.2, 0.77729741078952155],
  [1, 0.15729920705028513],
  [3, 2.2090496998585441e-5],
  [5, 1.5374597944280349e-12],
  [10, 2.0884875837625448e-45],
  [26, 5.6631924088561428e-296],
];
const ERFCX: [number, number][] = [
  [-1, 5.0089800807622835],
  [0.3, 0.73459933456765514],
  [1, 0.427583576155807],
  [4.5, 0.12248480427384142],
  [10, 0.056140992743822586],
  [100, 0.0056416137829894329],
  [1e5, 5.6418958351954681e-6],
];
const PHI: [number, number][] = [
  [-5, 2.866515718791939e-7],
  [-8, 6.22096057427178e-16],
  [1, 0.8413447460685429],
  [-1, 0.15865525393145705],
  [-0.5, 0.3085375387259869],
  [3, 0.99865010196836991],
  [-20, 2.7536241186062337e-89],
  [-37, 5.7255712225245768e-300],
];

function relativeError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.abs(expected);
}

describe('error function family', () => {
  it('erf matches 17-digit reference values to 1e-15 relative', () => {
    for (const [x, v] of ERF) expect(relativeError(erf(x), v)).toBeLessThan(1e-15);
  });

  it('erfc keeps 1e-14 relative accuracy deep in the upper tail', () => {
    for (const [x, v] of ERFC) expect(relativeError(erfc(x), v)).toBeLessThan(1e-14);
  });

  it('erfcx stays accurate where erfc itself has underflowed', () => {
    for (const [x, v] of ERFCX) expect(relativeError(erfcx(x), v)).toBeLessThan(1e-14);
  });

  it('erf is odd, erfc(x) + erfc(−x) = 2, and erf + erfc = 1', () => {
    fc.assert(
      fc.property(fc.double({ min: -30, max: 30, noNaN: true }), (x) => {
        expect(erf(-x)).toBe(-erf(x));
        expect(Math.abs(erfc(x) + erfc(-x) - 2)).toBeLessThan(4e-16);
        expect(Math.abs(erf(x) + erfc(x) - 1)).toBeLessThan(4e-16);
      }),
      { numRuns: 300 },
    );
  });
});

describe('standard normal law', () => {
  it('Φ matches known values, including Φ(−5), Φ(−8) and Φ(1), to 1e-14 relative', () => {
    for (const [z, v] of PHI) expect(relativeError(normalCdf(z), v)).toBeLessThan(1e-14);
  });

  it('Q(z) = Φ(−z) and ln Q agrees with Q where Q is representable', () => {
    for (const z of [-3, -0.1, 0, 0.7, 5, 20, 37]) {
      expect(normalSurvival(z)).toBe(normalCdf(-z));
      expect(Math.abs(logNormalSurvival(z) - Math.log(normalSurvival(z)))).toBeLessThan(1e-13 * Math.max(1, z * z));
    }
  });

  it('ln Q stays finite beyond the underflow of Q itself', () => {
    // ln Q(50) = ln(erfcx(50/√2)/2) − 1250, from the asymptotic series.
    expect(Math.abs(logNormalSurvival(50) - -1254.8313611394)).toBeLessThan(1e-9);
  });

  it('the inverse of ln Q round-trips across 300 orders of magnitude', () => {
    fc.assert(
      fc.property(fc.double({ min: -690, max: -1e-6, noNaN: true }), (logP) => {
        const z = inverseNormalSurvivalLog(logP);
        expect(Math.abs(logNormalSurvival(z) - logP)).toBeLessThan(1e-12 * Math.max(1, Math.abs(logP)));
      }),
      { numRuns: 100 },
    );
  });
});

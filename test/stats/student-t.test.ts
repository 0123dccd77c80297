/**
 * Student t and normal critical values against scipy.stats (t.ppf / norm.ppf), on both
 * sides of the switch from the exact series to the Cornish–Fisher expansion.
 */
import { describe, it, expect, vi } from 'vitest';
import fc from 'fast-check';
import { normalCritical, studentTCritical } from '../../src/stats/index.js';

function expectRelativelyClose(actual: number, expected: number, tolerance = 1e-11): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.abs(expected));
}

describe('studentTCritical', () => {
  it('matches scipy t.ppf((1 + c)/2, ν) for small and moderate ν', () => {
    const expected: [number, number, number][] = [
      [0.95, 1, 12.706204736174694],
      [0.95, 2, 4.302652729749462],
      [0.95, 3, 3.1824463052837078],
      [0.95, 4, 2.7764451051977934],
      [0.95, 10, 2.228138851986274],
      [0.95, 19, 2.0930240544083087],
      [0.95, 30, 2.0422724563012378],
      [0.99, 5, 4.032142983555228],
      [0.5, 3, 0.7648923284043444],
      [0.95, 1000, 1.9623390808264083],
    ];
    for (const [confidence, df, value] of expected) expectRelativelyClose(studentTCritical(confidence, df), value);
  });

  it('matches scipy beyond 1000 degrees of freedom, where the asymptotic expansion takes over', () => {
    expectRelativelyClose(studentTCritical(0.95, 1001), 1.9623367052808798);
    expectRelativelyClose(studentTCritical(0.999, 1001), 3.3002728760660403);
    expectRelativelyClose(studentTCritical(0.95, 100_000), 1.9599877075346095);
  });

  it('tends to the normal value as ν grows and equals it at ν = Infinity', () => {
    expect(studentTCritical(0.95, Number.POSITIVE_INFINITY)).toBe(normalCritical(0.95));
    expectRelativelyClose(normalCritical(0.95), 1.959963984540054);
    expectRelativelyClose(normalCritical(0.9), 1.6448536269514722);
  });

  it('shrinks as ν grows and grows with the confidence level', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3000 }),
        fc.double({ min: 0.5, max: 0.999, noNaN: true }),
        (df, confidence) => {
          expect(studentTCritical(confidence, df + 1)).toBeLessThanOrEqual(studentTCritical(confidence, df));
          expect(studentTCritical(confidence, df)).toBeGreaterThan(normalCritical(confidence));
          expect(studentTCritical(Math.min(confidence + 0.0005, 0.9999), df)).toBeGreaterThan(
            studentTCritical(confidence, df),
          );
        },
      ),
    );
  });

  it('remembers each (confidence, ν) it computed without mixing pairs up: the same bits as a fresh module in reverse order', async () => {
    // 300 interleaved pairs (more than the memo keeps, so it is cleared on the way): a key
    // missing either part, or an entry kept across the clear, would hand one pair another's value.
    const pairs: [number, number][] = [];
    for (let i = 0; i < 300; i++) pairs.push([[0.95, 0.99, 0.5][i % 3]!, 1 + ((i * 37) % 1000)]);
    const first = pairs.map(([c, df]) => studentTCritical(c, df));
    const again = pairs.map(([c, df]) => studentTCritical(c, df));
    vi.resetModules();
    const fresh = (await import('../../src/stats/student-t.js')).studentTCritical;
    const reversed = [...pairs].reverse().map(([c, df]) => fresh(c, df)).reverse();
    expect(again).toEqual(first);
    expect(reversed).toEqual(first);
    expect(first[0]).not.toBe(first[1]);
  });

  it('rejects degrees of freedom that are not whole numbers ≥ 1', () => {
    for (const df of [0, -1, 2.5, Number.NaN]) expect(() => studentTCritical(0.95, df)).toThrow(RangeError);
  });
});

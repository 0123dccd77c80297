/**
 * sortPrefix (walk-buffers.ts) sorts a segment's arrivals: insertion sort while the
 * order is near sorted, the builtin sort past a budget of shifts. Both must give the
 * sorted prefix and leave the rest of the buffer alone.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortPrefix } from '../../../src/sim/skip/walk-buffers.js';

function check(values: number[], n: number): void {
  const a = Float64Array.from([...values, -1, -2]); // entries past the prefix stay put
  sortPrefix(a, n);
  const sorted = values.slice(0, n).sort((x, y) => x - y);
  expect(Array.from(a.subarray(0, n))).toEqual(sorted);
  expect(Array.from(a.subarray(n))).toEqual([...values.slice(n), -1, -2]);
}

describe('sortPrefix', () => {
  it('sorts any prefix, in any order, of any length', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1e12, max: 1e12 }), { maxLength: 300 }), fc.nat(), (values, at) => check(values, values.length === 0 ? 0 : at % (values.length + 1))),
      { numRuns: 300 },
    );
  });

  it('sorts arrivals near their order (a few overtaken) and orders far from sorted (the fallback)', () => {
    // Heartbeats 1 s apart, each ~2 ms late, every 10th 3.5 s late: overtaken by three.
    const near = Array.from({ length: 500 }, (_, k) => k * 1e6 + 2_000 + (k % 10 === 0 ? 3_500_000 : 0));
    check(near, near.length);
    // Reversed: n²/2 shifts, far past the budget.
    const reversed = Array.from({ length: 400 }, (_, k) => 400 - k);
    check(reversed, reversed.length);
    check([3, 1, 2, 3, 1], 5); // ties
  });
});

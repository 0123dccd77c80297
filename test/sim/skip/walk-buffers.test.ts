/**
 * sortPrefix (walk-buffers.ts) sorts a segment's arrivals: insertion sort while the
 * order is near sorted, the builtin sort past a budget of shifts. Both must give the
 * sorted prefix and leave the rest of the buffer alone.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Cause } from '../../../src/sim/metrics/recorder.js';
import { CRASH, NEWS, PAUSE_END, PAUSE_START, RECOVER, sortPrefix, VerdictList } from '../../../src/sim/skip/walk-buffers.js';

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

describe('VerdictList.order', () => {
  it('orders entries by time, then by the same-instant key, ties in push order (what a stable comparator sort gives)', () => {
    const entry = fc.record({ time: fc.integer({ min: 0, max: 6 }).map((t) => t * 1e9), pair: fc.nat(3), to: fc.constantFrom(0, 1, 2, PAUSE_START, PAUSE_END, NEWS, CRASH, RECOVER), cause: fc.constantFrom(Cause.heartbeat, Cause.timer, Cause.check) });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 200 }), (entries) => {
        const list = new VerdictList();
        for (const e of entries) list.push(e.time, e.pair, e.to, e.cause);
        const expected = Array.from({ length: list.length }, (_, i) => i);
        expected.sort((a, b) => list.timeUs[a]! - list.timeUs[b]! || list.key[a]! - list.key[b]! || a - b);
        expect(Array.from(list.order())).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});

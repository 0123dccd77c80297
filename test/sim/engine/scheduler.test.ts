import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../../src/sim/engine/scheduler.js';
import { NaiveQueue } from '../../support/naive-queue.js';

/** A script of operations: schedule at now + delta, or pop. */
const operations = fc.array(
  fc.oneof(
    {
      weight: 3,
      arbitrary: fc.record({
        op: fc.constant('push' as const),
        deltaUs: fc.oneof(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 100_000 }), fc.constant(0)),
        rank: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 2 ** 34 })),
      }),
    },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('pop' as const) }) },
  ),
  { maxLength: 400 },
);

describe('Scheduler', () => {
  it('pops events in (time, rank, insertion) order, whatever the bucket sizing, like a naive sorted list', () => {
    fc.assert(
      fc.property(operations, fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 300 }), (ops, widthUs, buckets) => {
        const real = new Scheduler({ bucketWidthUs: widthUs, bucketCount: buckets, initialCapacity: 4 });
        const naive = new NaiveQueue();
        let nowUs = 0;
        let id = 0;
        const drainOne = () => {
          const expected = naive.pop();
          const got = real.pop();
          expect(got).toBe(expected !== undefined);
          if (expected) {
            expect(real.currentTimeUs).toBe(expected.timeUs);
            expect(real.currentTarget).toBe(expected.target);
            nowUs = expected.timeUs;
          }
        };
        for (const step of ops) {
          if (step.op === 'push') {
            real.schedule(nowUs + step.deltaUs, 1, id, 0, 0, step.rank);
            naive.schedule(nowUs + step.deltaUs, 1, id, step.rank);
            id++;
          } else {
            drainOne();
          }
        }
        while (real.length > 0) drainOne();
        expect(real.pop()).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('breaks ties at the same instant by insertion order', () => {
    const q = new Scheduler({ bucketWidthUs: 10, bucketCount: 16 });
    for (let i = 0; i < 100; i++) q.schedule(1_000, 1, i, 0, 0);
    const order: number[] = [];
    while (q.pop()) order.push(q.currentTarget);
    expect(order).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('refuses to schedule in the past', () => {
    const q = new Scheduler({ bucketWidthUs: 10, bucketCount: 16 });
    q.schedule(500, 1, 0, 0, 0);
    q.pop();
    expect(() => q.schedule(499, 1, 0, 0, 0)).toThrow(/cannot schedule/);
  });

  it('peeks at the next instant without consuming it, and +Infinity when empty', () => {
    const q = new Scheduler({ bucketWidthUs: 7, bucketCount: 4 });
    expect(q.peekTimeUs()).toBe(Number.POSITIVE_INFINITY);
    q.schedule(10_000_000, 2, 5, 1.5, 2.5);
    q.schedule(3, 1, 4, 0, 0);
    expect(q.peekTimeUs()).toBe(3);
    expect(q.pop()).toBe(true);
    expect(q.peekTimeUs()).toBe(10_000_000);
    expect(q.pop()).toBe(true);
    expect([q.currentKind, q.currentTarget, q.currentArg, q.currentArg2]).toEqual([2, 5, 1.5, 2.5]);
  });
});

/**
 * SWIM's side queues (side-queue.ts) merged with the engine's Scheduler give the order
 * one Scheduler holding every event gives — (time, insertion order) — whatever lands
 * in a side queue and whatever falls back to the engine's (walks longer than maxWalk),
 * including many events of one instant. Property test against a reference Scheduler.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Scheduler } from '../../../src/sim/engine/scheduler.js';
import { SideQueue, SideQueues } from '../../../src/sim/protocols/swim/side-queue.js';

/** One operation: schedule an event of `kind` `delay` µs after now, or handle the next event. */
type Op = { readonly pop: true } | { readonly pop: false; readonly kind: number; readonly delay: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.constant<Op>({ pop: true }),
  fc.record({
    pop: fc.constant(false as const),
    kind: fc.integer({ min: 0, max: 4 }),
    // Few distinct delays (many same-instant ties), short ones, and far ones.
    delay: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 400 }), fc.constantFrom(1000, 1000, 5000), fc.integer({ min: 0, max: 200_000 })),
  }),
);

function newScheduler(): Scheduler {
  return new Scheduler({ bucketWidthUs: 7, bucketCount: 64, initialCapacity: 16 });
}

/** Runs the operations through one Scheduler, and through side queues + a Scheduler; returns both pop orders. */
function orders(ops: readonly Op[], maxWalk: number): { reference: string[]; merged: string[] } {
  const reference = newScheduler();
  const engine = newScheduler();
  // Kinds 1 and 2 share a side queue, 3 has its own, 0 and 4 always go to the engine.
  const sides = new SideQueues(engine, [[1, 2], [3]], [16, 16], maxWalk);
  const ref: string[] = [];
  const merged: string[] = [];
  let now = 0;
  let id = 0;
  const popBoth = (): void => {
    if (!reference.pop()) return;
    ref.push(`${reference.currentTimeUs}:${reference.currentKind}:${reference.currentTarget}`);
    const side = sides.next();
    if (side !== null) {
      merged.push(`${side.headTime()}:${side.headKind()}:${side.headTarget()}`);
      side.shift();
    } else {
      expect(engine.pop()).toBe(true);
      sides.engineChanged();
      merged.push(`${engine.currentTimeUs}:${engine.currentKind}:${engine.currentTarget}`);
    }
    now = reference.currentTimeUs;
  };
  for (const o of ops) {
    if (o.pop) {
      popBoth();
      continue;
    }
    reference.schedule(now + o.delay, o.kind, id, 0, 0);
    sides.schedule(now + o.delay, o.kind, id, 0, 0);
    id++;
  }
  while (reference.length > 0) popBoth();
  expect(sides.next()).toBeNull();
  expect(engine.length).toBe(0);
  return { reference: ref, merged };
}

describe('side queues merged with the engine queue', () => {
  it('pop in exactly the order of one Scheduler holding every event (fixed seed, 300 programs)', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 400 }), fc.constantFrom(1, 2, 4, 48), (ops, maxWalk) => {
        const { reference, merged } = orders(ops, maxWalk);
        expect(merged).toEqual(reference);
      }),
      { seed: 11, numRuns: 300 },
    );
  });

  it('a worked case of one instant: engine, side, engine, side events pop in insertion order', () => {
    const { reference, merged } = orders(
      [
        { pop: false, kind: 0, delay: 10 },
        { pop: false, kind: 1, delay: 10 },
        { pop: false, kind: 4, delay: 10 },
        { pop: false, kind: 3, delay: 10 },
        { pop: false, kind: 2, delay: 10 },
      ],
      48,
    );
    expect(merged).toEqual(['10:0:0', '10:1:1', '10:4:2', '10:3:3', '10:2:4']);
    expect(merged).toEqual(reference);
  });

  it('refuses an insertion deeper than maxWalk and keeps order as it grows past its capacity', () => {
    const q = new SideQueue(16, 4);
    for (let i = 0; i < 40; i++) expect(q.push(10 * i, 0, i, 1, i, 0, 0)).toBe(true);
    // Belongs before the last 4 or more: refused; before the last 3: accepted.
    expect(q.push(10 * 35 + 5, 0, 40, 1, 99, 0, 0)).toBe(false);
    expect(q.push(10 * 36 + 5, 0, 41, 1, 100, 0, 0)).toBe(true);
    const times: number[] = [];
    while (q.length > 0) {
      times.push(q.headTime());
      q.shift();
    }
    expect(times).toEqual([...Array.from({ length: 37 }, (_, i) => 10 * i), 365, 370, 380, 390]);
  });

  it('keeps order when it grows while wrapped round its ring', () => {
    const q = new SideQueue(16, 8);
    let serial = 0;
    const popped: number[] = [];
    // Fill, drain half (the head moves on), then overfill so the ring wraps and grows.
    for (let i = 0; i < 16; i++) q.push(i, 0, serial++, 1, i, 0, 0);
    for (let i = 0; i < 10; i++) {
      popped.push(q.headTarget());
      q.shift();
    }
    // Near the tail, a little out of order: each lands one or two places back.
    for (let i = 16; i < 60; i++) expect(q.push(i % 3 === 0 ? i - 1.5 : i, 0, serial++, 1, i, 0, 0)).toBe(true);
    while (q.length > 0) {
      popped.push(q.headTarget());
      q.shift();
    }
    const expected = Array.from({ length: 60 }, (_, i) => i).sort((a, b) => (a % 3 === 0 && a >= 16 ? a - 1.5 : a) - (b % 3 === 0 && b >= 16 ? b - 1.5 : b));
    expect(popped).toEqual(expected);
  });
});

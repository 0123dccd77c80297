/**
 * RowPool (row-pool.ts): message rows that stand for their member's live row until the
 * member writes it (copy on write), with the pending snapshots kept per member in flat
 * typed arrays that widen when a member has many. Checked against the plain model — every
 * snapshot a copy made when it is taken — over random operations, with bursts of
 * snapshots of one member (more than the initial room of 4) and releases in any order.
 */
import { describe, expect, it } from 'vitest';
import { RowPool } from '../../../src/sim/protocols/gossip/row-pool.js';

describe('RowPool (snapshots copied on write)', () => {
  it('reads every snapshot as an eager copy would, through widening, unlinking, takeOwn and materialize', () => {
    const members = 6;
    const length = 5;
    const live = Array.from({ length: members }, (_, m) => Int32Array.from({ length }, (_, e) => 100 * m + e));
    const pool = new RowPool(length, live, -1);
    /** slot → the contents an eager copy would hold, and its references. */
    const model = new Map<number, { row: Int32Array; refs: number; member: number }>();
    let x = 7;
    const rnd = (k: number) => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return (x >>> 8) % k;
    };
    let widest = 0;
    let maxModel = 0;
    let tookOwn = 0;
    let copies = 0;
    for (let step = 0; step < 6_000; step++) {
      const op = model.size > 60 ? 5 + rnd(4) : rnd(10); // at most ≈ 60 messages in flight
      if (op < 4) {
        // A burst of snapshots of one member (a round's SYNs, ACKs to many SYNs).
        const member = rnd(members);
        for (let b = 1 + rnd(op === 0 ? 12 : 3); b > 0; b--) {
          const slot = pool.acquire();
          pool.snapshot(slot, member);
          model.set(slot, { row: live[member]!.slice(), refs: 1, member });
          if (rnd(4) === 0) {
            pool.retain(slot); // a duplicate in flight
            model.get(slot)!.refs++;
          }
        }
        widest = Math.max(widest, pool.pendingSnapshots);
        maxModel = Math.max(maxModel, model.size);
      } else if (op < 6 && model.size > 0) {
        // A member writes its row: its pending snapshots get their copies first.
        const member = rnd(members);
        const before = pool.copiedOnWrite;
        pool.materialize(member);
        copies += pool.copiedOnWrite - before;
        for (let e = 0; e < length; e++) live[member]![e] = live[member]![e]! + 1 + rnd(5);
      } else if (op < 9 && model.size > 0) {
        // Messages are delivered: read, then released (or read live as their initiator's own digests).
        for (let r = 0; r < 4 && model.size > 0; r++) {
        const slots = [...model.keys()];
        const slot = slots[rnd(slots.length)]!;
        const want = model.get(slot)!;
        if (op >= 7 && pool.takeOwn(slot, want.member)) {
          // Its only holder reads the member's live row as the snapshot (the slot's own contents are stale).
          tookOwn++;
          expect(Array.from(live[want.member]!)).toEqual(Array.from(want.row));
        } else expect(Array.from(pool.rowOf(slot))).toEqual(Array.from(want.row));
        pool.release(slot);
        if (--want.refs === 0) model.delete(slot);
        }
      } else {
        for (const [slot, want] of model) expect(Array.from(pool.rowOf(slot))).toEqual(Array.from(want.row));
      }
    }
    expect(widest).toBeGreaterThan(4); // more pending than one member's initial room (bursts of up to 12 widen it)
    expect(maxModel).toBeLessThan(400);
    expect(tookOwn).toBeGreaterThan(50);
    expect(copies).toBeGreaterThan(1_000);
    for (const slot of [...model.keys()]) while (model.get(slot)!.refs-- > 0) pool.release(slot);
    expect(pool.pendingSnapshots).toBe(0);
  });
});

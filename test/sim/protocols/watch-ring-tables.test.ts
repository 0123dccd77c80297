/**
 * The sparse tables behind watch rings and member faults, against naive models
 * (property tests, fixed seeds): the view table (records only where a member differs
 * from the newest verdict, open addressing with backward-shift deletion) and the
 * partitions (cuts of groups, both ways or one way, nested).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Partitions } from '../../../src/sim/faults/partitions.js';
import { Views } from '../../../src/sim/protocols/watch-ring/views.js';

const ALIVE = 0;
const DEAD = 2;

describe('Views: every member\'s belief, stored only where it differs from the newest verdict', () => {
  it('agrees with a dense table of (state, stamp) per (observer, subject) under random issues, news and restarts', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('issue' as const), o: fc.nat(11), s: fc.nat(11), dead: fc.boolean(), up: fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }) }),
      fc.record({ kind: fc.constant('hold' as const), o: fc.nat(11), s: fc.nat(11), dead: fc.boolean(), back: fc.nat(5) }),
      fc.record({ kind: fc.constant('forget' as const), o: fc.nat(11) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const n = 12;
        const views = new Views(n);
        const state = new Array<number>(n * n).fill(ALIVE);
        const stamp = new Array<number>(n * n).fill(-1);
        const latestState = new Array<number>(n).fill(ALIVE);
        const latestStamp = new Array<number>(n).fill(-1);
        let now = 0;
        for (const x of ops) {
          now += 1;
          if (x.kind === 'issue') {
            if (x.o === x.s) continue;
            const st = x.dead ? DEAD : ALIVE;
            views.issue(x.o, x.s, st, now, (m) => x.up[m]!);
            // The model: the issuer holds it; members that are down follow the newest verdict (they are reset at restart).
            for (let m = 0; m < n; m++) if (m !== x.o && m !== x.s && !x.up[m] && state[m * n + x.s] === latestState[x.s] && stamp[m * n + x.s] === latestStamp[x.s]) {
              state[m * n + x.s] = st;
              stamp[m * n + x.s] = now;
            }
            state[x.o * n + x.s] = st;
            stamp[x.o * n + x.s] = now;
            state[x.s * n + x.s] = st;
            stamp[x.s * n + x.s] = now;
            latestState[x.s] = st;
            latestStamp[x.s] = now;
          } else if (x.kind === 'hold') {
            if (x.o === x.s) continue;
            // News of some earlier verdict (or the latest one).
            const st = x.back === 0 ? latestState[x.s]! : x.dead ? DEAD : ALIVE;
            const at = x.back === 0 ? latestStamp[x.s]! : Math.max(-1, latestStamp[x.s]! - x.back);
            views.hold(x.o, x.s, st, at);
            state[x.o * n + x.s] = st;
            stamp[x.o * n + x.s] = at;
          } else {
            views.forget(x.o);
            for (let s = 0; s < n; s++) {
              if (s === x.o) continue;
              // "Knows nothing" is ALIVE; a newest ALIVE verdict is taken as that (its stamp aside).
              state[x.o * n + s] = ALIVE;
              stamp[x.o * n + s] = latestState[s] === ALIVE ? latestStamp[s]! : -1;
            }
          }
          const wrong: string[] = [];
          for (let o = 0; o < n; o++) {
            for (let s = 0; s < n; s++) {
              if (o !== s && (views.stateOf(o, s) !== state[o * n + s] || views.stampOf(o, s) !== stamp[o * n + s])) wrong.push(`${o}>${s}`);
            }
          }
          expect(wrong).toEqual([]);
        }
        // Records are exactly the (observer, subject) pairs that differ from the newest verdict.
        let differing = 0;
        for (let o = 0; o < n; o++) for (let s = 0; s < n; s++) if (o !== s && (state[o * n + s] !== latestState[s] || stamp[o * n + s] !== latestStamp[s])) differing++;
        expect(views.records).toBe(differing);
      }),
      { seed: 11, numRuns: 120 },
    );
  });
});

describe('Partitions: cuts between a group and the rest', () => {
  it('blocks a message exactly when some active cut separates its ends in a direction it covers', () => {
    const cutOp = fc.record({ group: fc.uniqueArray(fc.nat(9), { minLength: 1, maxLength: 5 }), direction: fc.constantFrom('both' as const, 'toObserver' as const, 'fromObserver' as const) });
    fc.assert(
      fc.property(fc.array(fc.oneof(cutOp.map((c) => ({ ...c, heal: -1 })), fc.nat(7).map((i) => ({ group: [] as number[], direction: 'both' as const, heal: i }))), { maxLength: 40 }), (ops) => {
        const p = new Partitions(10);
        const live: { key: object; group: Set<number>; direction: string }[] = [];
        for (const op of ops) {
          if (op.heal >= 0) {
            const gone = live.splice(op.heal % Math.max(1, live.length), 1)[0];
            if (gone) p.heal(gone.key);
          } else {
            const key = {};
            p.cut(key, op.group, op.direction);
            live.push({ key, group: new Set(op.group), direction: op.direction });
          }
          expect(p.activeCount).toBe(live.length);
          const wrong: string[] = [];
          for (let a = 0; a < 10; a++) {
            for (let b = 0; b < 10; b++) {
              if (a === b) continue;
              const expected = live.some((c) => {
                const inA = c.group.has(a);
                const inB = c.group.has(b);
                if (inA === inB) return false;
                return c.direction === 'both' || (c.direction === 'toObserver' ? inA : inB);
              });
              if (p.blocked(a, b) !== expected) wrong.push(`${a}>${b}`);
            }
          }
          expect(wrong).toEqual([]);
        }
      }),
      { seed: 11, numRuns: 200 },
    );
  });
});

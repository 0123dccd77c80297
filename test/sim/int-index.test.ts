import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IntIndex, NOT_FOUND } from '../../src/sim/int-index.js';
import { IntList } from '../../src/sim/int-list.js';

describe('IntIndex', () => {
  it('interns and finds keys like a Map, across growth and keys past 2³² that share their low bits', () => {
    const key = fc.oneof(
      fc.integer({ min: 0, max: 1000 }),
      fc.integer({ min: 0, max: 2 ** 31 }),
      // Same low 32 bits, different high bits: the hash must mix both halves.
      fc.integer({ min: 0, max: 2 ** 20 }).map((hi) => hi * 2 ** 32 + 7),
      fc.constant(Number.MAX_SAFE_INTEGER),
    );
    fc.assert(
      fc.property(fc.array(key, { maxLength: 600 }), fc.array(key, { maxLength: 50 }), fc.nat(700), fc.nat(600), (keys, probes, reserveBefore, reserveAt) => {
        const index = new IntIndex();
        // Reserving room (before, or midway with keys in place) must change nothing but the table's size.
        index.reserve(reserveBefore);
        const reference = new Map<number, number>();
        keys.forEach((k, at) => {
          if (at === reserveAt) index.reserve(reserveAt + reserveBefore);
          const id = reference.get(k) ?? reference.size;
          expect(index.intern(k, reference.size)).toBe(id);
          reference.set(k, id);
        });
        for (const [k, id] of reference) expect(index.get(k)).toBe(id);
        for (const k of probes) expect(index.get(k)).toBe(reference.get(k) ?? NOT_FOUND);
      }),
      { numRuns: 200, seed: 12 },
    );
  });

  it('gives the central topology\'s 300 000 link and pair keys at 100 k nodes their ids back', () => {
    const n = 100_001;
    const links = new IntIndex();
    for (let i = 0; i < n - 1; i++) expect(links.intern(i * n + (n - 1), i)).toBe(i);
    for (let i = 0; i < n - 1; i++) expect(links.intern((n - 1) * n + i, n - 1 + i)).toBe(n - 1 + i);
    for (let i = 0; i < n - 1; i += 997) {
      expect(links.get(i * n + (n - 1))).toBe(i);
      expect(links.get((n - 1) * n + i)).toBe(n - 1 + i);
      expect(links.intern(i * n + (n - 1), -5)).toBe(i);
    }
    expect(links.get(n * n)).toBe(NOT_FOUND);
  });
});

describe('IntList', () => {
  it('keeps what is pushed, in order, across growth and reserve', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { maxLength: 300 }), fc.nat(400), fc.nat(300), (values, capacity, reserveAt) => {
        const list = new IntList(1 + (capacity % 7));
        values.forEach((v, at) => {
          if (at === reserveAt) list.reserve(capacity);
          list.push(v);
        });
        expect(list.length).toBe(values.length);
        expect([...list.view()]).toEqual(values);
        values.forEach((v, i) => expect(list.get(i)).toBe(v));
      }),
      { numRuns: 200, seed: 13 },
    );
  });
});

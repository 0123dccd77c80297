/**
 * LinkKeys (stream-keys.ts) derives the keys of the links between the nodes of one list
 * with each name hashed once; it must give linkStreamKey's digests bit for bit (results
 * contract: a changed bit moves every result), whatever the order links are keyed in.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LinkKeys, linkStreamKey } from '../../../src/sim/random/stream-keys.js';

/** Names as scenarios spell them, and anything else a string can hold (odd lengths, surrogates, empty). */
const name = fc.oneof(
  fc.nat(99_999).map((i) => `node-${String(i).padStart(5, '0')}`),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 9 }),
);
const purpose = fc.constantFrom('delay', 'loss', 'loss-state', 'duplicate', 'duplicate-delay', 'ack-delay', 'x');

describe('LinkKeys', () => {
  it('derives linkStreamKey bit for bit for any names, links and purposes, in any order', () => {
    fc.assert(
      fc.property(
        fc.array(name, { minLength: 2, maxLength: 8 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(), purpose), { minLength: 1, maxLength: 40 }),
        (names, asks) => {
          const keys = new LinkKeys(names);
          for (const [i, j, p] of asks) {
            const from = i % names.length;
            const to = j % names.length;
            // Twice in a row (the remembered link), then interleaved with the next ask.
            expect(keys.key(from, to, p)).toEqual(linkStreamKey(names[from]!, names[to]!, p));
            expect(keys.key(from, to, p)).toEqual(linkStreamKey(names[from]!, names[to]!, p));
          }
        },
      ),
      { numRuns: 300, seed: 20261205 },
    );
  });

  it('tells the two directions of a link and its purposes apart', () => {
    const keys = new LinkKeys(['a', 'b', 'c']);
    const seen = new Set<string>();
    for (const [from, to] of [[0, 1], [1, 0], [0, 2], [2, 0], [1, 2]] as const) {
      for (const p of ['delay', 'loss']) {
        const k = keys.key(from, to, p);
        seen.add(`${k.hi}:${k.lo}`);
      }
    }
    expect(seen.size).toBe(10);
  });
});

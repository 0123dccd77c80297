/**
 * NodeKeyFamily (stream-keys.ts) and the digest entry points of streams.ts derive keys
 * and stream states in place, for the walk's first run; they must give the very same
 * digests and states as the string-keyed functions they stand in for (results contract
 * hbsim.streams/4: a changed bit moves every result).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { heartbeatPhaseUs } from '../../../src/sim/fast/node-streams.js';
import { linkStreamKey, NodeKeyFamily, nodeStreamKey } from '../../../src/sim/random/stream-keys.js';
import { firstUniform, firstUniformOf, initialState, StreamBank } from '../../../src/sim/random/streams.js';

/** Names as scenarios spell them, and anything else a string can hold (odd lengths, surrogates, empty). */
const name = fc.oneof(
  fc.nat(99_999).map((i) => `node-${String(i).padStart(5, '0')}`),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 9 }),
);
const purpose = fc.constantFrom('phase', 'skip', 'jitter', 'delay', 'loss', 'loss-state', 'x');

describe('NodeKeyFamily', () => {
  it('derives nodeStreamKey and linkStreamKey bit for bit, whatever the order of names', () => {
    fc.assert(
      fc.property(fc.array(name, { minLength: 1, maxLength: 8 }), name, purpose, purpose, (names, peer, p, q) => {
        const nodes = NodeKeyFamily.node(p);
        const links = NodeKeyFamily.linkTo(peer, q);
        // Repeats and interleavings exercise the remembered name.
        for (const n of [...names, ...names.slice().reverse(), names[0]!]) {
          nodes.of(n);
          expect({ hi: nodes.hi, lo: nodes.lo }).toEqual(nodeStreamKey(n, p));
          links.of(n);
          expect({ hi: links.hi, lo: links.lo }).toEqual(linkStreamKey(n, peer, q));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives streams the states and first uniforms of their keys', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 6 }), fc.nat(1000), fc.array(name, { minLength: 1, maxLength: 6 }), (seed, replication, names) => {
        const root = { seed, replication };
        const byKey = new StreamBank(2);
        const byDigest = new StreamBank(2);
        const skip = NodeKeyFamily.linkTo('monitor', 'skip');
        for (const n of names) {
          const key = linkStreamKey(n, 'monitor', 'skip');
          skip.of(n);
          const a = byKey.add(root, key);
          const b = byDigest.addDigest(root, skip.hi, skip.lo);
          // The state itself (initialState is hash4 written out), then a few draws.
          const [, s0] = initialState(root, key);
          expect(firstUniformOf(root, skip.hi, skip.lo)).toBe(firstUniform(root, key));
          expect(firstUniform(root, key)).toBe(((2_091_639 * s0 + 1) % 4_294_967_296) / 4_294_967_296);
          for (let i = 0; i < 4; i++) expect(byDigest.next(b)).toBe(byKey.next(a));
        }
        // Another root in between re-derives the root's lanes.
        const other = { seed: `${seed}!`, replication };
        const k = nodeStreamKey(names[0]!, 'phase');
        expect(byDigest.next(byDigest.addDigest(other, k.hi, k.lo))).toBe(byKey.next(byKey.add(other, k)));
        expect(firstUniformOf(other, k.hi, k.lo)).toBe(firstUniform(other, k));
      }),
      { numRuns: 200 },
    );
  });

  it("heartbeatPhaseUs is the first draw of the node's phase stream", () => {
    const root = { seed: 'phase', replication: 2 };
    const phases = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const n = `node-${i}`;
      const phase = heartbeatPhaseUs(root, n, 1_000_000);
      expect(phase).toBe(Math.floor(firstUniform(root, nodeStreamKey(n, 'phase')) * 1_000_000));
      phases.add(phase);
    }
    expect(phases.size).toBeGreaterThan(190); // distinct nodes, distinct phases
  });
});

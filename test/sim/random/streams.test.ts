import fc from 'fast-check';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { absorb, finish, hashString } from '../../../src/sim/random/hash.js';
import {
  crashStreamKey,
  faultStreamKey,
  linkStreamKey,
  memberOfNode,
  memberOfRack,
  namedStreamKey,
  nodeStreamKey,
  observedPairStreamKey,
  pairStreamKey,
} from '../../../src/sim/random/stream-keys.js';
import { firstUniform, initialState, StreamBank, streamFor, STREAMS_VERSION } from '../../../src/sim/random/streams.js';

const TWO_32 = 4_294_967_296;

describe('random streams', () => {
  it("step exactly as seedrandom's Alea from the same state, bit for bit", () => {
    fc.assert(
      fc.property(fc.string(), fc.nat(50), fc.string({ minLength: 1 }), (seed, replication, path) => {
        const key = namedStreamKey(path);
        const ours = streamFor({ seed, replication }, key);
        const [c, s0, s1, s2] = initialState({ seed, replication }, key);
        const reference = seedrandom.alea('', { state: { c, s0: s0 / TWO_32, s1: s1 / TWO_32, s2: s2 / TWO_32 } } as Parameters<typeof seedrandom.alea>[1]);
        for (let i = 0; i < 50; i++) expect(ours.next()).toBe(reference());
      }),
      { numRuns: 100 },
    );
  });

  it('depend on the key, the seed and the replication, not on creation order', () => {
    const first = (seed: string, replication: number, name: string) => streamFor({ seed, replication }, linkStreamKey(name, 'monitor', 'loss')).next();
    const a = first('s', 0, 'n1');
    streamFor({ seed: 's', replication: 0 }, linkStreamKey('n0', 'monitor', 'loss')).next(); // another entity in between
    expect(first('s', 0, 'n1')).toBe(a);
    expect(first('s', 0, 'n2')).not.toBe(a);
    expect(first('t', 0, 'n1')).not.toBe(a);
    expect(first('s', 1, 'n1')).not.toBe(a);
    // In one bank, in either order, with streams of other roots in between.
    const forward = new StreamBank(2);
    const x = forward.add({ seed: 's', replication: 0 }, linkStreamKey('n1', 'monitor', 'loss'));
    forward.add({ seed: 'other', replication: 3 }, nodeStreamKey('n1', 'jitter'));
    const y = forward.add({ seed: 's', replication: 0 }, linkStreamKey('n2', 'monitor', 'loss'));
    const backward = new StreamBank(2);
    const y2 = backward.add({ seed: 's', replication: 0 }, linkStreamKey('n2', 'monitor', 'loss'));
    const x2 = backward.add({ seed: 's', replication: 0 }, linkStreamKey('n1', 'monitor', 'loss'));
    for (let i = 0; i < 20; i++) {
      expect(forward.next(x)).toBe(backward.next(x2));
      expect(forward.next(y)).toBe(backward.next(y2));
    }
  });

  it('give the first uniform of a stream without keeping it', () => {
    fc.assert(
      fc.property(fc.string(), fc.nat(1000), fc.string(), (seed, replication, name) => {
        const key = nodeStreamKey(name, 'phase');
        expect(firstUniform({ seed, replication }, key)).toBe(streamFor({ seed, replication }, key).next());
      }),
      { numRuns: 200 },
    );
  });

  it('keep keys of different kinds, owners and purposes apart', () => {
    const keys = [
      linkStreamKey('a', 'b', 'delay'),
      linkStreamKey('b', 'a', 'delay'),
      linkStreamKey('a', 'b', 'loss'),
      linkStreamKey('ab', '', 'delay'),
      nodeStreamKey('a', 'delay'),
      nodeStreamKey('b', 'delay'),
      pairStreamKey('a', 'delay'),
      observedPairStreamKey('a', 'b', 'delay'),
      faultStreamKey(0, 'senderPause', memberOfNode('a')),
      faultStreamKey(1, 'senderPause', memberOfNode('a')),
      faultStreamKey(0, 'slowIo', memberOfNode('a')),
      crashStreamKey(0, memberOfNode('a')),
      crashStreamKey(0, memberOfRack(0)),
      crashStreamKey(0, memberOfRack(1)),
      namedStreamKey('a'),
    ];
    const seen = new Set(keys.map((k) => `${k.hi}:${k.lo}`));
    expect(seen.size).toBe(keys.length);
    // Spelled the same, the same key.
    expect(linkStreamKey('a', 'b', 'delay')).toEqual(keys[0]);
  });

  it('give 100 000 nodes distinct streams whose first draws are independent uniforms', () => {
    // Neighbouring names must not give related streams: the hash has to scatter them.
    const n = 100_000;
    const root = { seed: 'scatter', replication: 0 };
    const states = new Set<string>();
    const first = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const key = linkStreamKey(`node-${String(i + 1).padStart(6, '0')}`, 'monitor', 'delay');
      const [, s0, s1, s2] = initialState(root, key);
      states.add(`${s0},${s1},${s2}`);
      first[i] = firstUniform(root, key);
    }
    expect(states.size).toBe(n);
    // Uniform marginal: a χ² over 100 bins (99 d.o.f.; the 1e-4 critical value is 153).
    const bins = new Float64Array(100);
    for (const u of first) bins[Math.floor(u * 100)]!++;
    const chi2 = bins.reduce((a, o) => a + (o - n / 100) ** 2 / (n / 100), 0);
    expect(chi2).toBeLessThan(153);
    // Neighbours uncorrelated: the lag-1 correlation of n − 1 pairs has SE 1/√n; 4 SE.
    let sxy = 0;
    for (let i = 1; i < n; i++) sxy += (first[i]! - 0.5) * (first[i - 1]! - 0.5);
    const correlation = sxy / (n - 1) / (1 / 12);
    expect(Math.abs(correlation)).toBeLessThan(4 / Math.sqrt(n));
  });

  it('name their derivation in one version string', () => {
    expect(STREAMS_VERSION).toBe('hbsim.streams/7');
  });

  it('hash strings by their UTF-16 code units with full avalanche', () => {
    expect(hashString('node-01')).toEqual(hashString('node-01'));
    expect(hashString('node-01')).not.toEqual(hashString('node-10'));
    expect(hashString('')).not.toEqual(hashString('\u0000'));
    // One flipped input bit flips each output bit with probability ½ (4 SE over 32 000 bits).
    let flipped = 0;
    let total = 0;
    for (let w = 0; w < 1000; w++) {
      const base = finish(absorb(0x243f6a88, w * 2654435761), 1);
      const other = finish(absorb(0x243f6a88, (w * 2654435761) ^ (1 << w % 32)), 1);
      let x = (base ^ other) >>> 0;
      while (x !== 0) {
        flipped += x & 1;
        x >>>= 1;
      }
      total += 32;
    }
    expect(Math.abs(flipped / total - 0.5)).toBeLessThan(4 * Math.sqrt(0.25 / total));
  });

  it('draw uniforms in [0, 1) with the right mean and variance', () => {
    const stream = streamFor({ seed: 'uniform', replication: 0 }, namedStreamKey('check'));
    const n = 200_000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const u = stream.next();
      expect(u >= 0 && u < 1).toBe(true);
      sum += u;
      sumSq += u * u;
    }
    const mean = sum / n;
    // z = 4 on the standard errors of a U(0,1) mean (1/√(12n)) and second moment.
    expect(Math.abs(mean - 0.5)).toBeLessThan(4 / Math.sqrt(12 * n));
    expect(Math.abs(sumSq / n - 1 / 3)).toBeLessThan(4 * Math.sqrt(4 / 45 / n));
  });

  it('refuse a replication index that is not a small non-negative integer', () => {
    expect(() => streamFor({ seed: 's', replication: -1 }, namedStreamKey('x'))).toThrow(/replication/);
    expect(() => streamFor({ seed: 's', replication: 1.5 }, namedStreamKey('x'))).toThrow(/replication/);
  });

  it('draw normals by the polar method in a bank grown after its first normal', () => {
    const bank = new StreamBank(1);
    const a = bank.add({ seed: 'normal', replication: 0 }, namedStreamKey('a'));
    const firstA = bank.normal(a);
    for (let i = 0; i < 10; i++) bank.add({ seed: 'normal', replication: 0 }, namedStreamKey(`b${i}`));
    const b = bank.add({ seed: 'normal', replication: 0 }, namedStreamKey('b'));
    expect(Number.isFinite(bank.normal(b))).toBe(true);
    const solo = new StreamBank(1);
    const a2 = solo.add({ seed: 'normal', replication: 0 }, namedStreamKey('a'));
    expect(solo.normal(a2)).toBe(firstA);
    expect(solo.normal(a2)).toBe(bank.normal(a)); // the kept spare survives the growth
  });

  it('draw the same from wide records seeded at an index (addAt) as from add, and leave the owner words alone', () => {
    const root = { seed: 'wide', replication: 2 };
    const plain = new StreamBank(1);
    const wide = new StreamBank(5, 8);
    const words = wide.words();
    for (let s = 0; s < 5; s++) {
      words[8 * s + 4] = 0xdead0000 + s;
      words[8 * s + 7] = 0xbeef0000 + s;
    }
    // Seeded out of order, as links are on their first message.
    for (const s of [3, 0, 4, 1]) wide.addAt(s, root, namedStreamKey(`w${s}`));
    expect(wide.size).toBe(5);
    for (const s of [0, 1, 3, 4]) {
      const p = plain.add(root, namedStreamKey(`w${s}`));
      for (let i = 0; i < 20; i++) expect(wide.next(s)).toBe(plain.next(p));
      for (let i = 0; i < 7; i++) expect(wide.normal(s)).toBe(plain.normal(p));
      expect(words[8 * s + 4]).toBe(0xdead0000 + s);
      expect(words[8 * s + 7]).toBe(0xbeef0000 + s);
    }
    expect(words[8 * 2 + 4]).toBe(0xdead0002); // never seeded, never touched
    expect(() => wide.addAt(5, root, namedStreamKey('w5'))).toThrow(/outside the bank's 5 streams/);
    expect(() => new StreamBank(4, 3)).toThrow(/at least 4 words/);
  });

  it('draw the same from storage the owner placed and after a reserve, which keeps the words array through the adds it made room for', () => {
    const root = { seed: 'reserve', replication: 1 };
    const plain = new StreamBank(1);
    const placed = new StreamBank(3, 8, new Uint32Array(40));
    expect(placed.words().length).toBe(32); // the bank's own capacity (at least 4 streams), not the whole storage
    const reserved = new StreamBank(2);
    const a = reserved.add(root, namedStreamKey('r0'));
    reserved.next(a); // a drawn stream keeps its state through the reserve
    reserved.reserve(50);
    const words = reserved.words();
    expect(words.length).toBe(200);
    for (let s = 1; s < 50; s++) expect(reserved.add(root, namedStreamKey(`r${s}`))).toBe(s);
    expect(reserved.words()).toBe(words); // no growth
    reserved.reserve(10); // never shrinks
    expect(reserved.words()).toBe(words);
    const p0 = plain.add(root, namedStreamKey('r0'));
    plain.next(p0);
    for (let i = 0; i < 5; i++) expect(reserved.next(a)).toBe(plain.next(p0));
    for (let s = 1; s < 50; s++) {
      const p = plain.add(root, namedStreamKey(`r${s}`));
      if (s < 3) placed.addAt(s, root, namedStreamKey(`r${s}`));
      for (let i = 0; i < 5; i++) {
        const want = plain.next(p);
        expect(reserved.next(s)).toBe(want);
        if (s < 3) expect(placed.next(s)).toBe(want);
      }
    }
    expect(reserved.add(root, namedStreamKey('r50'))).toBe(50); // grows past the reserve as before
    expect(() => new StreamBank(3, 8, new Uint32Array(31))).toThrow(/needs 32 words of storage, got 31/);
    expect(() => reserved.reserve(-1)).toThrow(/a stream count/);
  });
});

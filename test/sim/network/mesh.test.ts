/**
 * Bulk registration of a full mesh (`Network.mesh`, for gossip members): the ids that
 * registering link by link in (from, to) order gives, by formula; lookups that see the
 * links although nothing was hashed; and the same message fates as a network registered
 * link by link, although a mesh's table keeps each link's record at its id (dense
 * records) and keys its streams through LinkKeys.
 */
import { describe, expect, it } from 'vitest';
import type { LinkConfig } from '../../../src/sim/config.js';
import { DROPPED, Network } from '../../../src/sim/network/network.js';
import { StreamBank } from '../../../src/sim/random/streams.js';

const lossy: LinkConfig = { lossProbability: 0.1, duplicateProbability: 0.2, delay: { baseUs: 200, random: { kind: 'exponential', meanUs: 300 } } };
const names = (n: number) => Array.from({ length: n }, (_, i) => `node-${String(i + 1).padStart(3, '0')}`);
const root = { seed: 'mesh', replication: 2 };

describe('Network.mesh', () => {
  it('numbers links as link() in (from, to) order would: from·(n − 1) + to − (to > from)', () => {
    const n = 7;
    const bulk = new Network(names(n), { default: lossy });
    const one = new Network(names(n), { default: lossy });
    const ids = new Int32Array(n * n).fill(-1);
    expect(bulk.mesh(ids)).toBe(true);
    expect(bulk.linkCount).toBe(n * (n - 1));
    for (let from = 0; from < n; from++) {
      for (let to = 0; to < n; to++) {
        if (to === from) {
          expect(ids[from * n + to]).toBe(-1);
          continue;
        }
        const id = one.link(from, to);
        expect(ids[from * n + to]).toBe(id);
        expect(id).toBe(from * (n - 1) + to - (to > from ? 1 : 0));
        expect(bulk.find(from, to)).toBe(id);
        expect(bulk.endsOf(id)).toEqual({ from, to });
      }
    }
    // A link asked for again is the known one; after opening, links are looked up.
    expect(bulk.link(3, 5)).toBe(ids[3 * n + 5]);
    bulk.open(new StreamBank(), root);
    expect(bulk.link(6, 0)).toBe(ids[6 * n + 0]);
  });

  it('with links already registered, keeps one id per link and says the ids are not the formula', () => {
    const n = 5;
    const net = new Network(names(n), { default: lossy });
    const first = net.link(4, 1);
    const ids = new Int32Array(n * n).fill(-1);
    expect(net.mesh(ids)).toBe(false);
    expect(ids[4 * n + 1]).toBe(first);
    expect(net.linkCount).toBe(n * (n - 1));
    const seen = new Set<number>();
    for (let from = 0; from < n; from++) for (let to = 0; to < n; to++) if (to !== from) seen.add(ids[from * n + to]!);
    expect(seen.size).toBe(n * (n - 1));
    expect(() => net.mesh(new Int32Array(3))).toThrow(/needs 25 entries/);
  });

  // 40 members: records in an ordinary buffer; 200 (39 800 links, 1.27 MB of records): in a WebAssembly memory (links.ts MIN_ALIGNED_BYTES).
  it.each([40, 200])('decides every message as a network registered link by link does (pair-adjacent dense records, LinkKeys): %i members', (n) => {
    const bulk = new Network(names(n), { default: lossy });
    const one = new Network(names(n), { default: lossy });
    const ids = new Int32Array(n * n);
    bulk.mesh(ids);
    for (let from = 0; from < n; from++) for (let to = 0; to < n; to++) if (to !== from) one.link(from, to);
    bulk.open(new StreamBank(4), root);
    one.open(new StreamBank(4), root);
    let x = 99;
    let dropped = 0;
    let duplicated = 0;
    for (let i = 0; i < 30_000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const from = (x >>> 4) % n;
      const to = (from + 1 + ((x >>> 16) % (n - 1))) % n;
      const t = 50 * i;
      // As a gossip exchange: a → b, then (every other time) b → a, the record beside it.
      for (const [f, r] of i % 2 === 0 ? [[from, to]] : [[from, to], [to, from]]) {
        const got = bulk.transmit(ids[f! * n + r!]!, t);
        expect(got).toBe(one.transmit(one.find(f!, r!), t));
        expect(bulk.duplicateArrivalUs).toBe(one.duplicateArrivalUs);
        if (got === DROPPED) dropped++;
        if (bulk.duplicateArrivalUs !== DROPPED) duplicated++;
      }
    }
    expect(dropped).toBeGreaterThan(2_000);
    expect(duplicated).toBeGreaterThan(4_000);
  });
});

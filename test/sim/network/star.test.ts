/**
 * Bulk registration of the central topology (`Network.star`, `PairBooks.observeAll`):
 * the same ids as registering link by link, and lookups (`link`, `find`, `observe`)
 * that see bulk-registered links and pairs although nothing was hashed when they were
 * added.
 */
import { describe, expect, it } from 'vitest';
import type { LinkConfig } from '../../../src/sim/config.js';
import { PairBooks } from '../../../src/sim/metrics/books.js';
import { Network } from '../../../src/sim/network/network.js';
import { StreamBank } from '../../../src/sim/random/streams.js';

const link: LinkConfig = { lossProbability: 0, duplicateProbability: 0, delay: { baseUs: 1_000, random: { kind: 'constant', valueUs: 0 } } };
const names = (n: number) => Array.from({ length: n }, (_, i) => `n${i}`);
const books = { warmupUs: 0, transitionLogLimit: 0, flapWindowUs: 60_000_000 };

describe('Network.star', () => {
  it('numbers links as one link() per pair would: node i → hub is i, hub → node i is hub + i', () => {
    const n = 9;
    const bulk = new Network(names(n), { default: link });
    const one = new Network(names(n), { default: link });
    expect(bulk.star(n - 1)).toBe(0);
    for (let i = 0; i < n - 1; i++) one.link(i, n - 1);
    for (let i = 0; i < n - 1; i++) one.link(n - 1, i);
    expect(bulk.linkCount).toBe(2 * (n - 1));
    for (let i = 0; i < n - 1; i++) {
      expect(bulk.find(i, n - 1)).toBe(one.find(i, n - 1));
      expect(bulk.find(n - 1, i)).toBe(n - 1 + i);
      expect(bulk.endsOf(n - 1 + i)).toEqual({ from: n - 1, to: i });
    }
    expect(bulk.find(0, 1)).toBe(-1);
    // A link asked for again is the known one; a new one comes after the star's.
    expect(bulk.link(3, n - 1)).toBe(3);
    expect(bulk.link(0, 1)).toBe(2 * (n - 1));
    expect(bulk.link(n - 1, 5)).toBe(n - 1 + 5);
    // After opening, links are looked up (a partition cuts a star link by its ends).
    bulk.open(new StreamBank(), { seed: 's', replication: 0 });
    expect(bulk.link(n - 1, 2)).toBe(n - 1 + 2);
    expect(() => bulk.link(1, 2)).toThrow(/after the network opened/);
  });

  it('with links already registered, keeps one id per link and refuses another order', () => {
    const n = 5;
    const net = new Network(names(n), { default: link });
    net.link(0, 1);
    expect(() => net.star(n - 1)).not.toThrow();
    expect(net.find(2, n - 1)).toBe(1 + 2);
    const clash = new Network(names(n), { default: link });
    clash.link(n - 1, 0);
    expect(() => clash.star(n - 1)).toThrow(/another order/);
    expect(() => new Network(names(n), { default: link }).star(0)).toThrow(/the hub is the last node/);
  });
});

describe('PairBooks.observeAll', () => {
  it('registers pair i as (observer, node i), found again by observe before and after opening', () => {
    const n = 7;
    const b = new PairBooks(n);
    expect(b.observeAll(n - 1)).toBe(0);
    expect(b.pairCount).toBe(n - 1);
    for (let i = 0; i < n - 1; i++) {
      expect(b.observerOfPair(i)).toBe(n - 1);
      expect(b.targetOfPair(i)).toBe(i);
    }
    expect(b.observe(n - 1, 4)).toBe(4);
    expect(b.observe(2, 3)).toBe(n - 1);
    b.open(books);
    expect(b.observe(n - 1, 5)).toBe(5);
    expect(() => b.observe(3, 2)).toThrow(/before the run starts/);
    const late = new PairBooks(n);
    late.observe(0, 1);
    expect(late.observeAll(n - 1)).toBe(1);
    expect(late.observe(n - 1, 0)).toBe(1);
  });
});

/**
 * Watch rings (src/sim/protocols/watch-ring.ts) on worked cases: a ring's detection
 * path with one and with two consecutive crashed members, moving on, Akka's hashed
 * monitor ring (each member monitored by exactly k), and false verdicts under i.i.d.
 * loss against their closed form.
 */
import { describe, expect, it } from 'vitest';
import type { DetectorConfig, LinkConfig } from '../../../src/sim/config.js';
import { runProtocols, type ProtocolRunSpec } from '../../../src/sim/engine/run-protocols.js';
import { ANNOUNCE_RETRIES, ringOrder, watchRing } from '../../../src/sim/protocols/watch-ring.js';

const link = (delayUs: number, loss = 0): LinkConfig => ({
  lossProbability: loss,
  duplicateProbability: 0,
  delay: { baseUs: delayUs, random: { kind: 'constant', valueUs: 0 } },
});
const timeout = (timeoutUs: number): DetectorConfig => ({ kind: 'timeout', timeoutUs, deadAfterUs: Infinity, checkIntervalUs: 0 });
const names = ['a', 'b', 'c', 'd', 'e', 'f'];
const spec = (over: Partial<ProtocolRunSpec>): ProtocolRunSpec => ({
  seed: 'ring',
  replication: 0,
  nodeNames: names,
  durationUs: 60_000_000,
  warmupUs: 0,
  links: { default: link(1_000) },
  typicalIntervalUs: 1_000_000,
  ...over,
});
const crash = (who: string[], atUs: number) => [{ kind: 'crashAt' as const, nodes: { kind: 'named' as const, names: who }, atUs, downUs: null }];
const I = 1_000_000;
const T = 2_500_000;

describe('ring: each member watches its successor', () => {
  it('one crash: the predecessor declares it DEAD one timeout after its last reply, moves on, and the broadcast reaches all', () => {
    const m = watchRing({ order: 'index', watched: 1, intervalUs: I, detector: timeout(T) });
    const r = runProtocols(spec({ crashes: crash(['c'], 40_000_000) }), [m]);
    const t = m.membership(r.endUs);
    expect(t.firstDeadLatenciesUs.length).toBe(1);
    const first = t.firstDeadLatenciesUs[0]!;
    // The last reply: request at b's last tick ≤ 40 s, back 2 ms later; DEAD a timeout after it.
    expect(first).toBeGreaterThan(T - I + 2_000 - 1);
    expect(first).toBeLessThanOrEqual(T + 2_000);
    // One link delay later every live member holds c DEAD.
    expect(t.disseminationLatenciesUs[0]).toBe(first + 1_000);
    for (const o of [0, 1, 3, 4, 5]) expect(m.viewOf(o, 2)).toBe(2);
    // b keeps c (DEAD, still watched) and moves on to d.
    expect(m.watchedBy(1)).toEqual([2, 3]);
    expect(t.deathsOriginated).toBe(0);
    expect(t.disseminationIncomplete).toBe(0);
    // Per member: one request and one reply per interval, one broadcast of n − 1.
    // a, d, e, f ack at once; the crashed c never does: 1 + ANNOUNCE_RETRIES sends.
    expect(t.messages[5]).toBe(4 + 1 + ANNOUNCE_RETRIES);
  });

  it('a polling detector (check_interval 1 s) judges at the watcher\'s rounds: the DEAD comes at the first round after the deadline', () => {
    const run = (checkIntervalUs: number) => {
      const m = watchRing({ order: 'index', watched: 1, intervalUs: I, detector: { ...timeout(T), checkIntervalUs } });
      const r = runProtocols(spec({ crashes: crash(['c'], 40_000_000) }), [m]);
      return m.membership(r.endUs).firstDeadLatenciesUs[0]!;
    };
    // Same seed, same phases: the deadline is b's last tick + 2 ms + T + 1 µs; b's rounds
    // fall on its ticks, so the polled verdict waits until the tick 3 s after the last one.
    expect(run(I) - run(0)).toBe(3 * I - (2_000 + T + 1));
  });

  it('two consecutive crashes: d is found by b after c, one grace interval plus one timeout later', () => {
    const m = watchRing({ order: 'index', watched: 1, intervalUs: I, detector: timeout(T) });
    const r = runProtocols(spec({ crashes: crash(['c', 'd'], 40_000_000) }), [m]);
    const t = m.membership(r.endUs);
    const lat = [...t.firstDeadLatenciesUs].sort((x, y) => x - y);
    expect(lat.length).toBe(2);
    // c's only watcher (b) finds it as above; d's watcher c is down, so d waits for b to
    // move on: added at c's DEAD, no reply within expected-response-after (1 interval),
    // the detector starts then and expires one timeout later (silence > T: the µs after).
    expect(lat[1]! - lat[0]!).toBe(I + T + 1);
    expect(m.watchedBy(1)).toEqual([2, 3, 4]);
    for (const o of [0, 1, 4, 5]) {
      expect(m.viewOf(o, 2)).toBe(2);
      expect(m.viewOf(o, 3)).toBe(2);
    }
    expect(t.disseminationLatenciesUs.length).toBe(2);
  });

  it('k = 2 successors: one crash is found by both watchers, and a restart is trusted again', () => {
    const m = watchRing({ order: 'index', watched: 2, intervalUs: I, detector: timeout(T) });
    const r = runProtocols(spec({ crashes: [{ kind: 'crashAt', nodes: { kind: 'named', names: ['c'] }, atUs: 20_000_000, downUs: 10_000_000 }] }), [m]);
    const t = m.membership(r.endUs);
    expect(t.firstDeadLatenciesUs.length).toBe(1);
    // Both a and b watch c: per-pair verdicts (books) = 2 detections.
    expect(r.tallies.detectionLatenciesUs.length).toBe(2);
    // After the restart c answers its watchers again; they announce it ALIVE.
    for (const o of [0, 1, 3, 4, 5]) expect(m.viewOf(o, 2)).toBe(0);
    expect(m.watchedBy(1)).toEqual([2, 3]);
    expect(r.tallies.falseSuspicions).toBe(0);
  });
});

describe('monitors: Akka heartbeat ring by address hash', () => {
  it('every member is monitored by exactly k others, and a crash reaches all', () => {
    const many = Array.from({ length: 12 }, (_, i) => `node-${i}`);
    const m = watchRing({ order: 'hashed', watched: 3, intervalUs: I, detector: timeout(T) });
    const r = runProtocols(spec({ nodeNames: many, crashes: crash(['node-7'], 30_000_000) }), [m]);
    const monitors = new Array(12).fill(0);
    for (let o = 0; o < 12; o++) if (o !== 7) for (const s of m.watchedBy(o)) if (s !== 7) monitors[s]++;
    // The ring order is a permutation, not the index order.
    const ring = [...ringOrder(many, 'hashed')];
    expect(ring).not.toEqual([...ring].sort((x, y) => x - y));
    // After node-7's predecessors moved on, everyone alive is again watched by 3 live members.
    for (let s = 0; s < 12; s++) if (s !== 7) expect(monitors[s]).toBe(3);
    const t = m.membership(r.endUs);
    expect(t.firstDeadLatenciesUs.length).toBe(1);
    expect(t.disseminationLatenciesUs.length).toBe(1);
  });
});

describe('false verdicts under i.i.d. loss (closed form)', () => {
  it('all-to-all: mistakes start at rate (1 − q)·q² per request, q = 1 − (1 − p)² the round trip loss', () => {
    const p = 0.15;
    const q = 1 - (1 - p) ** 2;
    const m = watchRing({ order: 'index', watched: 3, intervalUs: I, detector: timeout(T) });
    const r = runProtocols(spec({ nodeNames: ['a', 'b', 'c', 'd'], links: { default: link(1_000, p) }, durationUs: 4_000 * I, warmupUs: 10 * I }), [m]);
    const t = m.membership(r.endUs);
    // A reply m lands, m+1 and m+2 are lost: the 2.5 s timeout expires before m+3 (≥ 0.5 s later).
    const expected = t.probes * (1 - q) * q * q;
    expect(Math.abs(r.tallies.falseSuspicions - expected)).toBeLessThan(4 * Math.sqrt(expected));
    // Failed requests (no reply by the next tick) are q of them (binomial).
    const sd = Math.sqrt(t.probes * q * (1 - q));
    expect(Math.abs(t.failedProbes - t.probes * q)).toBeLessThan(4 * sd + 12);
  });

  it('ring, timeout = 3 intervals, random delays: a mistake needs 2 lost round trips and the 3rd lost or slower than the last, (1 − q)q²(q + (1 − q)/2)', () => {
    // Replies land at their request tick + a round trip; the deadline is the last landing
    // + 3 s, so reply m+3 is late exactly when its round trip is longer than reply m's
    // (probability 1/2 for i.i.d. continuous delays).
    const p = 0.05;
    const q = 1 - (1 - p) ** 2;
    const m = watchRing({ order: 'index', watched: 1, intervalUs: I, detector: timeout(3 * I) });
    const expDelay: LinkConfig = { lossProbability: p, duplicateProbability: 0, delay: { baseUs: 1_000, random: { kind: 'exponential', meanUs: 1_000 } } };
    const many = Array.from({ length: 20 }, (_, i) => `n${i}`);
    const r = runProtocols(spec({ nodeNames: many, links: { default: expDelay }, durationUs: 7_200 * I, warmupUs: 10 * I }), [m]);
    const t = m.membership(r.endUs);
    const expected = t.probes * (1 - q) * q * q * (q + (1 - q) / 2);
    expect(Math.abs(r.tallies.falseSuspicions - expected)).toBeLessThan(4 * Math.sqrt(expected));
    // With one watcher per member, each pair's mistake is one DEAD verdict of a live member where it started.
    expect(t.deathsOriginated).toBe(r.tallies.falseSuspicions);
  });

  it('is deterministic', () => {
    const run = () => {
      const m = watchRing({ order: 'hashed', watched: 2, intervalUs: I, detector: timeout(T) });
      const r = runProtocols(spec({ links: { default: link(1_000, 0.1) } }), [m]);
      return { t: r.tallies, mem: m.membership(r.endUs), e: r.events };
    };
    expect(run()).toEqual(run());
  });
});

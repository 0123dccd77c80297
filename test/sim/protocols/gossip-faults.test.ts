/**
 * Gossip members under every member fault (ctx.faults): pauses (with Cassandra's
 * MAX_LOCAL_PAUSE guard), CPU starvation, partitions (group, one way, isolation), clock
 * faults, link classes as zones, and determinism with every fault at once.
 *
 * Worked cases (derived by hand): 4 members, fanout 3 (everyone gossips to every other
 * member it holds UP each round), 1 ms links, I = 1 s, a fixed timeout T = 5 s (van
 * Renesse's T_fail: convicted the µs after T of silence) and a 5 s local-pause guard.
 * A member's versions only originate at itself, and every path that carries them needs
 * a round trip with it (SYN → ACK → ACK2), so:
 * - a member paused P > T + I stops all news of itself: each other member convicts it
 *   once, then marks it UP after its resume (newer heartbeat → echo → realMarkAlive);
 *   the paused member's own first round after the resume is more than 5 s after its
 *   previous one, so the guard stops it convicting anybody (without the guard it would
 *   convict all three others at that round: their last news is P old);
 * - a one-way cut (either direction) stops every exchange with the cut member: both
 *   sides convict each other, as for a full cut;
 * - CPU starvation of c with a constant handling delay X: every path of c's versions
 *   passes through c handling a message, so they arrive X late; the one gap of ≈ X at
 *   the onset convicts c (and c convicts the others, whose news c handles X late) iff
 *   X > T (roughly: the gap is X plus under a round).
 */
import { describe, expect, it } from 'vitest';
import type { DetectorConfig, Fault, LinkConfig, SimConfig } from '../../../src/sim/config.js';
import { runProtocols, type ProtocolRunSpec } from '../../../src/sim/engine/run-protocols.js';
import { gossipHeartbeats, type GossipConfig } from '../../../src/sim/protocols/gossip/gossip.js';
import { UP } from '../../../src/sim/protocols/gossip/membership-accounting.js';
import { runProtocol } from '../../../src/sim/run-protocol.js';

const I = 1_000_000;
const T = 5_000_000;
const S = 20_500_000; // fault start
const names = ['a', 'b', 'c', 'd'];
const link = (delayUs: number, loss = 0): LinkConfig => ({
  lossProbability: loss,
  duplicateProbability: 0,
  delay: { baseUs: delayUs, random: { kind: 'constant', valueUs: 0 } },
});
const named = (...who: string[]) => ({ kind: 'named' as const, names: who });
const constant = (valueUs: number) => ({ kind: 'constant' as const, valueUs });
const config = (over: Partial<GossipConfig> = {}): GossipConfig => ({
  intervalUs: I,
  fanout: 3,
  seeds: 0,
  gossipToUnreachable: true,
  rule: { kind: 'timeout', timeoutUs: T },
  maxLocalPauseUs: 5_000_000,
  ...over,
});
const spec = (over: Partial<ProtocolRunSpec>): ProtocolRunSpec => ({
  seed: 'gossip-faults',
  replication: 0,
  nodeNames: names,
  durationUs: 80_000_000,
  warmupUs: 0,
  links: { default: link(1_000) },
  typicalIntervalUs: I,
  ...over,
});

function run(faults: Fault[], over: Partial<GossipConfig> = {}, runOver: Partial<ProtocolRunSpec> = {}) {
  const m = gossipHeartbeats(config(over));
  const r = runProtocols(spec({ faults, ...runOver }), [m]);
  const mem = m.membership(r.endUs);
  const views = names.map((_, o) => names.map((__, s) => (o === s ? UP : m.viewOf(o, s))));
  return { m, r, mem, views };
}
const allUp = names.map(() => names.map(() => UP));
const pause = (who: string, durationUs: number): Fault => ({ kind: 'senderPause', nodes: named(who), onset: { kind: 'at', atUs: S }, duration: constant(durationUs), afterPause: 'skip' });

describe('pauses: the paused member is convicted once by everyone; its own local-pause guard spares the others', () => {
  it('c paused 20 s: a, b and d each convict c exactly once, then mark it UP; c convicts nobody (guard)', () => {
    const { mem, views, r } = run([pause('c', 20_000_000)]);
    expect(mem.deadViews).toBe(3);
    expect(views).toEqual(allUp);
    expect(r.events).toBeGreaterThan(0);
  });

  it('without the guard (maxLocalPause = ∞) the resumed c convicts all three others at its first round back', () => {
    const { mem, views } = run([pause('c', 20_000_000)], { maxLocalPauseUs: Infinity });
    expect(mem.deadViews).toBe(6);
    expect(views).toEqual(allUp); // their backlog of news marks them UP again
  });

  it('a pause shorter than T − I − 3 link delays convicts nobody', () => {
    const { mem } = run([pause('c', T - I - 10_000)]);
    expect(mem.deadViews).toBe(0);
  });
});

describe('CPU starvation: messages to the starving member are handled late', () => {
  const starve = (extraUs: number): Fault => ({ kind: 'cpuStarvation', nodes: named('c'), onset: { kind: 'at', atUs: S }, duration: constant(10_000_000), extraDelay: constant(extraUs) });
  it('a handling delay of 8 s > T: c and the three others convict each other once each (6), all UP at the end', () => {
    const { mem, views } = run([starve(8_000_000)]);
    expect(mem.deadViews).toBe(6);
    expect(views).toEqual(allUp);
  });
  it('a handling delay of 2 s < T − I: nobody is convicted', () => {
    expect(run([starve(2_000_000)]).mem.deadViews).toBe(0);
  });
});

describe('partitions: groups, one way, isolation', () => {
  const cut = (who: string[], direction: 'both' | 'toObserver' | 'fromObserver', scope: 'group' | 'each' = 'group'): Fault => ({
    kind: 'partition',
    nodes: named(...who),
    scope,
    direction,
    onset: { kind: 'at', atUs: S },
    duration: constant(10_000_000),
  });
  it('{a, b} | {c, d} for 10 s: each side convicts each member of the other once (8), all UP after the heal', () => {
    const { mem, views } = run([cut(['a', 'b'], 'both')]);
    expect(mem.deadViews).toBe(8);
    expect(views).toEqual(allUp);
  });
  it('one way out of c: every exchange with c needs both directions, so c and the others convict each other (6)', () => {
    const { mem, views } = run([cut(['c'], 'toObserver')]);
    expect(mem.deadViews).toBe(6);
    expect(views).toEqual(allUp);
  });
  it('one way into c: the same (6)', () => {
    expect(run([cut(['c'], 'fromObserver')]).mem.deadViews).toBe(6);
  });
  it('isolation (scope each) of a and c: each is cut from everyone, including the other: 2·3 + 2·3 − 2 = 10 verdicts', () => {
    // a convicts b, c, d; c convicts a, b, d; b and d convict a and c: 3 + 3 + 2 + 2.
    expect(run([cut(['a', 'c'], 'both', 'each')]).mem.deadViews).toBe(10);
  });
  it('a partition of 3 s < T − I convicts nobody', () => {
    const short: Fault = { ...cut(['a', 'b'], 'both'), duration: constant(3_000_000) } as Fault;
    expect(run([short]).mem.deadViews).toBe(0);
  });
});

describe('clocks: Cassandra\'s detector reads a monotonic clock (System.nanoTime)', () => {
  it('a wall-clock step of b (±3 s) changes no verdict and no view', () => {
    const step = (stepUs: number): Fault => ({ kind: 'clockStep', nodes: named('b'), observer: false, onset: { kind: 'at', atUs: S }, stepUs });
    const base = run([pause('c', 20_000_000)]);
    for (const s of [3_000_000, -3_000_000]) {
      const stepped = run([pause('c', 20_000_000), step(s)]);
      expect(stepped.mem).toEqual(base.mem);
      expect(stepped.views).toEqual(base.views);
    }
  });
  it('drift of the paused member (+50 000 ppm) shortens its rounds, not the others\' verdicts: still 3 convictions', () => {
    const drift: Fault = { kind: 'clockDrift', nodes: named('c'), observer: false, ppm: 50_000 };
    expect(run([pause('c', 20_000_000), drift]).mem.deadViews).toBe(3);
  });
});

describe('the scenario path (runProtocol): link classes are zones, faults reach the members', () => {
  const detector: DetectorConfig = { kind: 'timeout', timeoutUs: T, deadAfterUs: Infinity, checkIntervalUs: 0 };
  const sim = (over: Partial<SimConfig>): SimConfig => ({
    seed: 'gossip-faults',
    replication: 0,
    durationUs: 60_000_000,
    warmupUs: 0,
    nodeNames: names,
    monitorName: 'monitor',
    heartbeat: { intervalUs: I, jitter: { kind: 'constant', valueUs: 0 } },
    link: link(1_000),
    crashes: [],
    detector,
    transitionLogLimit: 0,
    protocol: { kind: 'gossip', intervalUs: I, fanout: 3, seeds: 0, gossipToUnreachable: true },
    ...over,
  });
  it('two zones {a, b}, {c, d} over 1 ms links, everything else lost: each side convicts the other for good (8)', () => {
    const classes = [{ nodes: named('a', 'b'), toObserver: link(1_000) }, { nodes: named('c', 'd'), toObserver: link(1_000) }];
    const r = runProtocol(sim({ link: link(1_000, 1), linkOverrides: classes }), { kind: 'gossip', intervalUs: I, fanout: 3, seeds: 0, gossipToUnreachable: true });
    expect(r.tallies.membership!.deadViews).toBe(8);
  });
  it('a pause in the scenario reaches the members; a timeout detector (van Renesse) has no local-pause guard, so the resumed c convicts too (6)', () => {
    const r = runProtocol(sim({ faults: [pause('c', 20_000_000)], durationUs: 80_000_000, seed: 'gossip-faults' }), { kind: 'gossip', intervalUs: I, fanout: 3, seeds: 0, gossipToUnreachable: true });
    expect(r.tallies.membership!.deadViews).toBe(6);
  });
});

describe('determinism under every member fault at once', () => {
  it('the same seed gives the same run with crashes, pauses, starvation, slow I/O, partitions, drift and steps all random', () => {
    const many = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const faults: Fault[] = [
      { kind: 'senderPause', nodes: { kind: 'all' }, onset: { kind: 'poisson', meanGapUs: 40_000_000 }, duration: { kind: 'exponential', meanUs: 4_000_000 }, afterPause: 'skip' },
      { kind: 'cpuStarvation', nodes: named('b', 'e'), onset: { kind: 'poisson', meanGapUs: 30_000_000 }, duration: constant(5_000_000), extraDelay: { kind: 'exponential', meanUs: 2_000_000 } },
      { kind: 'slowIo', nodes: named('d'), extraDelay: { kind: 'uniform', minUs: 0, maxUs: 500_000 } },
      { kind: 'partition', nodes: named('a', 'b', 'c'), scope: 'group', direction: 'toObserver', onset: { kind: 'poisson', meanGapUs: 60_000_000 }, duration: constant(8_000_000) },
      { kind: 'partition', nodes: named('h'), scope: 'each', direction: 'both', onset: { kind: 'poisson', meanGapUs: 60_000_000 }, duration: constant(7_000_000) },
      { kind: 'clockDrift', nodes: { kind: 'all' }, observer: false, ppm: 200 },
      { kind: 'clockStep', nodes: named('f'), observer: false, onset: { kind: 'poisson', meanGapUs: 50_000_000 }, stepUs: -2_000_000 },
    ];
    const once = () => {
      const m = gossipHeartbeats(config({ fanout: 1, seeds: 2 }));
      const r = runProtocols(
        spec({ nodeNames: many, faults, links: { default: link(1_000, 0.05) }, durationUs: 400_000_000, crashes: [{ kind: 'crashAt', nodes: named('g'), atUs: 100_000_000, downUs: 30_000_000 }] }),
        [m],
      );
      return { t: r.tallies, mem: m.membership(r.endUs), e: r.events };
    };
    const a = once();
    expect(a.mem.deadViews).toBeGreaterThan(0);
    expect(once()).toEqual(a);
  });
});

/**
 * Member faults on watch rings (src/sim/faults/member-faults.ts through ctx.faults):
 * worked cases derived by hand from the members' phases (constant 1 ms links, no loss,
 * request every I = 1 s, fixed timeout T = 2.5 s), and a statistical check of pauses
 * against their closed form.
 *
 * Reading the cases: member o's requests leave at its ticks phase_o + m·I and reach the
 * watched member 1 ms later, whose reply lands 2 ms after the tick. A fixed timeout
 * judges DEAD at the last reply + T + 1 µs (silence longer than T). Events of one
 * instant run world → send → deliver → timer, so a paused member's backlog at its
 * resume is: its tick, then the messages that reached it, then its deadlines.
 */
import { describe, expect, it } from 'vitest';
import type { DetectorConfig, Fault, LinkConfig, SimConfig } from '../../../src/sim/config.js';
import { runProtocols, type ProtocolRunSpec } from '../../../src/sim/engine/run-protocols.js';
import type { ProtocolModule } from '../../../src/sim/protocols/protocol.js';
import { watchRing } from '../../../src/sim/protocols/watch-ring.js';
import { nodeStreamKey } from '../../../src/sim/random/stream-keys.js';
import { firstUniform } from '../../../src/sim/random/streams.js';
import { memberLinkRules, runProtocol } from '../../../src/sim/run-protocol.js';

const I = 1_000_000;
const T = 2_500_000;
const S = 20_000_000; // fault start
const link = (delayUs: number, loss = 0): LinkConfig => ({
  lossProbability: loss,
  duplicateProbability: 0,
  delay: { baseUs: delayUs, random: { kind: 'constant', valueUs: 0 } },
});
const timeout = (timeoutUs: number): DetectorConfig => ({ kind: 'timeout', timeoutUs, deadAfterUs: Infinity, checkIntervalUs: 0 });
const names = ['a', 'b', 'c', 'd', 'e', 'f'];
const SEED = 'ring-faults';
const spec = (over: Partial<ProtocolRunSpec>): ProtocolRunSpec => ({
  seed: SEED,
  replication: 0,
  nodeNames: names,
  durationUs: 60_000_000,
  warmupUs: 0,
  links: { default: link(1_000) },
  typicalIntervalUs: I,
  ...over,
});
const named = (...who: string[]) => ({ kind: 'named' as const, names: who });
const constant = (valueUs: number) => ({ kind: 'constant' as const, valueUs });

/** Member `name`'s heartbeat phase, as the module draws it (its `watch-phase` stream). */
const phaseOf = (name: string, seed = SEED) => Math.floor(firstUniform({ seed, replication: 0 }, nodeStreamKey(name, 'watch-phase')) * I);
/** The last tick of `name` strictly before `beforeUs`. */
const lastTickBefore = (name: string, beforeUs: number) => {
  const phase = phaseOf(name);
  return phase + Math.floor((beforeUs - 1 - phase) / I) * I;
};

/** Runs a ring (k watched each) with `faults`; per-pair false suspicions by (watcher, watched) name. */
function ring(k: number, faults: Fault[], over: Partial<ProtocolRunSpec> = {}) {
  const m = watchRing({ order: 'index', watched: k, intervalUs: I, detector: timeout(T) });
  const r = runProtocols(spec({ faults, ...over }), [m]);
  const t = m.membership(r.endUs);
  const W = Math.min(names.length - 1, k + 8);
  const falseBy = new Map<string, number>();
  r.tallies.perPairFalseSuspicions.forEach((count, p) => {
    if (count === 0) return;
    const o = Math.floor(p / W);
    falseBy.set(`${names[o]}>${names[(o + (p % W) + 1) % names.length]}`, count);
  });
  // Per pair: from the watcher's DEAD to its ALIVE; cluster-level: until the last live member holding it DEAD lets go.
  const cluster = m.clusterTallies(r.tallies);
  const sorted = (a: Float64Array) => [...a].sort((x, y) => x - y);
  return { m, r, t, falseBy, reach: sorted(t.falseDeadReach), durations: sorted(r.tallies.mistakeDurationsUs), clusterDurations: sorted(cluster.mistakeDurationsUs) };
}

describe('pauses: a paused member answers and judges nothing until it resumes, then works off its backlog', () => {
  const pause = (who: string, durationUs: number): Fault => ({ kind: 'senderPause', nodes: named(who), onset: { kind: 'at', atUs: S }, duration: constant(durationUs), afterPause: 'skip' });

  it('k = 1, c paused 10 s: b accuses c once; c, resuming, accuses d from its backlog; both mistakes end one round trip after the resume', () => {
    const R = S + 10_000_000;
    const { t, falseBy, reach, durations, clusterDurations } = ring(1, [pause('c', 10_000_000)]);
    // b's last reply from c: its last request that reached c before the pause, + 2 ms.
    const deadC = lastTickBefore('b', S - 1_000) + 2_000 + T + 1;
    // c's last request before the pause; its reply reached c before the pause only if sent 2 ms before it.
    const tc = lastTickBefore('c', S);
    const cAccusesD = tc + 2_000 < S ? 1 : 0;
    expect(falseBy.get('b>c')).toBe(1);
    expect(falseBy.get('c>d') ?? 0).toBe(cAccusesD);
    expect(falseBy.size).toBe(1 + cAccusesD);
    expect(t.deathsOriginated).toBe(1 + cAccusesD);
    // Everyone but c holds c DEAD (b, then a, d, e, f on b's broadcast); d the same from c at R.
    expect(reach).toEqual(cAccusesD ? [5, 5] : [5]);
    // c answers b's queued requests at R, b holds it ALIVE at R + 1 ms and the others 1 ms later.
    // c's own verdict on d (at R) ends when d's reply to c's resumed tick lands (R + 2 ms), news 1 ms later.
    const byPair = cAccusesD ? [2_000, R + 1_000 - deadC] : [R + 1_000 - deadC];
    expect(durations).toEqual(byPair.sort((x, y) => x - y));
    expect(clusterDurations).toEqual(byPair.map((d) => d + 1_000).sort((x, y) => x - y));
  });

  it('k = 2: a pause longer than the timeout gives exactly one false DEAD per watcher of the paused member', () => {
    const { falseBy, m } = ring(2, [pause('c', 10_000_000)]);
    expect(falseBy.get('a>c')).toBe(1);
    expect(falseBy.get('b>c')).toBe(1);
    // The others' mistakes are the paused member's own (its backlog of deadlines), never about anyone else.
    for (const [pair] of falseBy) expect(pair.endsWith('>c') || pair.startsWith('c>')).toBe(true);
    for (let o = 0; o < 6; o++) for (let s = 0; s < 6; s++) if (o !== s) expect(m.viewOf(o, s)).toBe(0);
  });

  it('a pause shorter than the timeout minus a round: nobody is accused', () => {
    const { falseBy } = ring(2, [pause('c', T - I - 10_000)]);
    expect(falseBy.size).toBe(0);
  });
});

describe('CPU starvation: a starved member reads every arriving message late (Lifeguard\'s case)', () => {
  it('b starved 10 s with 2 s scheduling delay: b accuses its healthy successor c, and b\'s watcher a accuses b, once each, 500 999 µs each', () => {
    const starve: Fault = { kind: 'cpuStarvation', nodes: named('b'), onset: { kind: 'at', atUs: S }, duration: constant(10_000_000), extraDelay: constant(2_000_000) };
    const { t, falseBy, reach, durations, clusterDurations } = ring(1, [starve]);
    // b's last reply read on time at r0 (< S); the next lands at r0 + I, read at r0 + I + 2 s:
    // DEAD at r0 + T + 1 µs, ALIVE at r0 + 3 s (I + 2 s − T − 1 µs), the others 1 ms later.
    // a's requests are read 2 s late by b, so a's replies come 2 s late: the same arithmetic.
    expect(falseBy.get('b>c')).toBe(1);
    expect(falseBy.get('a>b')).toBe(1);
    expect(falseBy.size).toBe(2);
    expect(t.deathsOriginated).toBe(2);
    expect(durations).toEqual([I + 2_000_000 - T - 1, I + 2_000_000 - T - 1]);
    expect(clusterDurations).toEqual([I + 2_000_000 + 1_000 - T - 1, I + 2_000_000 + 1_000 - T - 1]);
    expect(reach).toEqual([5, 5]);
  });

  it('a scheduling delay shorter than the timeout minus a round: no verdict changes', () => {
    const starve: Fault = { kind: 'cpuStarvation', nodes: named('b'), onset: { kind: 'at', atUs: S }, duration: constant(10_000_000), extraDelay: constant(T - I - 10_000) };
    expect(ring(1, [starve]).falseBy.size).toBe(0);
  });
});

describe('slow I/O: every send waits', () => {
  it('b writes 2 s late: its replies to a come late and its own requests leave late, so a accuses b, and b accuses c', () => {
    const slow: Fault = { kind: 'slowIo', nodes: named('b'), extraDelay: constant(2_000_000) };
    const { falseBy } = ring(1, [slow]);
    // Steady state: every reply 2 s late but regular — nobody is accused after the start,
    // where the first reply of each pair comes 2 s + RTT after the first request.
    expect([...falseBy.keys()].every((pair) => pair === 'a>b' || pair === 'b>c')).toBe(true);
  });
});

describe('partitions between groups of members', () => {
  const cut = (who: string[], direction: 'both' | 'toObserver' | 'fromObserver'): Fault => ({
    kind: 'partition',
    nodes: named(...who),
    scope: 'group',
    direction,
    onset: { kind: 'at', atUs: S },
    duration: constant(3_500_000),
  });
  const heal = S + 3_500_000;
  /**
   * A cut member's verdict announced into the cut reaches the other side only if a resend
   * goes out after the heal while the verdict stands: the resend at DEAD + 2 s (t + 4.502 s)
   * when the first reply after the heal comes at t + 5.002 s (t + 4 s < heal), or the resend
   * at t + 3.502 s already after the heal.
   */
  const crossesAfterHeal = (t: number) => t + 4 * I < heal || t + 2_000 + T + 1 + I >= heal;

  it('{a, b, c} | {d, e, f} for 3.5 s: exactly the two watch pairs across the cut accuse, once', () => {
    const { t, falseBy, reach } = ring(1, [cut(['a', 'b', 'c'], 'both')]);
    expect([...falseBy.entries()].sort()).toEqual([
      ['c>d', 1],
      ['f>a', 1],
    ]);
    expect(t.deathsOriginated).toBe(2);
    // Each verdict reaches its own side (3) at once, the other side only through a resend after the heal.
    const tc = lastTickBefore('c', S - 1_000);
    const tf = lastTickBefore('f', S - 1_000);
    expect(reach).toEqual([crossesAfterHeal(tc) ? 5 : 3, crossesAfterHeal(tf) ? 5 : 3].sort((x, y) => x - y));
  });

  it('one way, out of c only (to_monitor): b hears no reply and accuses c, c hears none and accuses d; c\'s news is lost, b\'s is not', () => {
    const { falseBy, reach } = ring(1, [cut(['c'], 'toObserver')]);
    expect([...falseBy.entries()].sort()).toEqual([
      ['b>c', 1],
      ['c>d', 1],
    ]);
    const tc = lastTickBefore('c', S);
    expect(reach).toEqual([crossesAfterHeal(tc) ? 5 : 1, 5].sort((x, y) => x - y));
  });

  it('one way, into c only (from_monitor): the same two accusations, and c\'s news reaches everyone', () => {
    const { falseBy, reach } = ring(1, [cut(['c'], 'fromObserver')]);
    expect([...falseBy.entries()].sort()).toEqual([
      ['b>c', 1],
      ['c>d', 1],
    ]);
    expect(reach).toEqual([5, 5]);
  });

  it('isolation (scope each) of two members: each is cut from everyone, including the other', () => {
    const isolate: Fault = { kind: 'partition', nodes: named('b', 'e'), scope: 'each', direction: 'both', onset: { kind: 'at', atUs: S }, duration: constant(3_500_000) };
    const { falseBy } = ring(1, [isolate]);
    expect([...falseBy.keys()].sort()).toEqual(['a>b', 'b>c', 'd>e', 'e>f']);
  });
});

describe('clocks: drift and steps of members go to ctx.clocks', () => {
  const step: Fault = { kind: 'clockStep', nodes: named('b'), observer: false, onset: { kind: 'at', atUs: S }, stepUs: 3_000_000 };
  const run = (clock: 'wall' | 'monotonic') => {
    const m = watchRing({ order: 'index', watched: 1, intervalUs: I, detector: { kind: 'timeout', timeoutUs: T, deadAfterUs: Infinity, checkIntervalUs: 0, clock } });
    const r = runProtocols(spec({ faults: [step] }), [m]);
    return r.tallies;
  };

  it("a 3 s step of b's wall clock: a wall-clock timeout accuses c at the step, until c's next reply; a monotonic one sees nothing", () => {
    const wall = run('wall');
    expect(wall.falseSuspicions).toBe(1);
    // c's next reply to b lands 2 ms after b's first tick past S − 2 ms.
    const nextReply = lastTickBefore('b', S - 2_000 + 1) + I + 2_000;
    expect([...wall.mistakeDurationsUs]).toEqual([nextReply - S]);
    expect(run('monotonic').falseSuspicions).toBe(0);
  });
});

describe('link classes by zone', () => {
  it('members of one zone talk over the zone\'s link, across zones over the default: only watch pairs that cross a slow link accuse', () => {
    const slow: LinkConfig = link(3_000_000);
    const placement = names.map((_, i) => ({ zone: i < 3 ? 'z1' : 'z2' }));
    const zone = (name: string) => (names.indexOf(name) < 3 ? 'z1' : 'z2');
    const { falseBy } = ring(1, [], { placement, links: { default: slow, withinZone: new Map([['z1', link(1_000)], ['z2', link(1_000)]]) }, durationUs: 30_000_000 });
    // c → d and f → a cross: replies take 6 s > T. Each then moves on to the next member of the
    // other zone (e, b): slow too. Pairs inside a zone never accuse.
    expect([...falseBy.keys()].sort()).toEqual(['c>d', 'c>e', 'f>a', 'f>b']);
    for (const pair of falseBy.keys()) expect(zone(pair.split('>')[0]!)).not.toBe(zone(pair.split('>')[1]!));
    // Without the zones every link is the slow one: everyone accuses its successor.
    const flat = ring(1, [], { links: { default: slow }, durationUs: 30_000_000 });
    for (const [o, s] of names.map((x, i) => [x, names[(i + 1) % 6]!])) expect(flat.falseBy.get(`${o}>${s}`)).toBeGreaterThan(0);
  });
});

describe('pauses against their closed form', () => {
  it('Poisson pauses of D = 2 s on every other member: the watcher accuses with probability (I + D − T − 1 µs)/I, the paused member its successor with (I + D − T − RTT)/I', () => {
    const many = Array.from({ length: 20 }, (_, i) => `m${String(i).padStart(2, '0')}`);
    const paused = many.filter((_, i) => i % 2 === 0);
    const D = 2_000_000;
    const fault: Fault = { kind: 'senderPause', nodes: named(...paused), onset: { kind: 'poisson', meanGapUs: 200_000_000 }, duration: constant(D), afterPause: 'skip' };
    const pauses = new Array<number>(many.length).fill(0);
    const counter: ProtocolModule = {
      name: 'pause-counter',
      install(ctx) {
        ctx.faults.listen({ onPause: (node) => pauses[node]!++ });
      },
    };
    const m = watchRing({ order: 'index', watched: 1, intervalUs: I, detector: timeout(T) });
    const durationUs = 20_000 * I;
    const r = runProtocols(spec({ nodeNames: many, durationUs, faults: [fault] }), [m, counter]);
    const W = 9;
    let watcherAccuses = 0;
    let pausedAccuses = 0;
    r.tallies.perPairFalseSuspicions.forEach((count, p) => {
      if (p % W !== 0) return; // only the first successor's pair: k = 1
      const o = Math.floor(p / W);
      if (o % 2 === 1) watcherAccuses += count; // odd o watches an even (paused) member
      else pausedAccuses += count;
    });
    const n = pauses.reduce((a, b) => a + b, 0);
    expect(n).toBeGreaterThan(800);
    // The watcher's last reply came U after its last tick before the pause, U uniform on (1 ms, I + 1 ms];
    // the paused member answers at the resume R, its reply lands at R + 1 ms: DEAD iff U > T + 1 µs + 1 ms − D − 1 ms.
    const pw = (I + D - T - 1) / I;
    // The paused member's last reply (tick + 2 ms) must land before the pause and be older than T at R.
    const pp = (I + D - T - 2_000) / I;
    expect(Math.abs(watcherAccuses - n * pw)).toBeLessThan(4 * Math.sqrt(n * pw * (1 - pw)));
    expect(Math.abs(pausedAccuses - n * pp)).toBeLessThan(4 * Math.sqrt(n * pp * (1 - pp)));
  });
});

describe('the scenario path (runProtocol): faults and link classes reach the ring', () => {
  const config = (over: Partial<SimConfig>): SimConfig => ({
    seed: SEED,
    replication: 0,
    durationUs: 60_000_000,
    warmupUs: 0,
    nodeNames: names,
    monitorName: 'monitor',
    heartbeat: { intervalUs: I, jitter: { kind: 'constant', valueUs: 0 } },
    link: link(1_000),
    crashes: [],
    detector: timeout(T),
    transitionLogLimit: 0,
    protocol: { kind: 'ring', watched: 1, intervalUs: I },
    ...over,
  });

  it('a pause in the scenario gives the same run as the same fault given to the kernel', () => {
    const pause: Fault = { kind: 'senderPause', nodes: named('c'), onset: { kind: 'at', atUs: S }, duration: constant(10_000_000), afterPause: 'skip' };
    const viaScenario = runProtocol(config({ faults: [pause] }), { kind: 'ring', watched: 1, intervalUs: I });
    const direct = ring(1, [pause]);
    expect(viaScenario.tallies.falseDeaths).toBe(direct.t.deathsOriginated);
    expect(viaScenario.tallies.membership!.falseDeadReach).toEqual(direct.t.falseDeadReach);
    expect(viaScenario.events).toBe(direct.r.events);
  });

  it('a link class is a zone: its members talk over its link, everyone else over `link`', () => {
    const slow = link(3_000_000);
    const fast = link(1_000);
    const classes = [{ nodes: named('a', 'b', 'c'), toObserver: fast }, { nodes: named('d', 'e', 'f'), toObserver: fast }];
    const rules = memberLinkRules(config({ link: slow, linkOverrides: classes }));
    expect(rules.placement!.map((p) => p.zone)).toEqual(['class-0', 'class-0', 'class-0', 'class-1', 'class-1', 'class-1']);
    const r = runProtocol(config({ link: slow, linkOverrides: classes, durationUs: 30_000_000 }), { kind: 'ring', watched: 1, intervalUs: I });
    // As with zones given directly: only c → d, f → a (and the members they move on to, e, b) accuse.
    expect(r.tallies.falseDeaths).toBe(4);
  });
});

describe('determinism under every member fault', () => {
  it('the same seed gives the same run, with pauses, starvation, slow I/O, partitions and clock faults all random', () => {
    const faults: Fault[] = [
      { kind: 'senderPause', nodes: { kind: 'all' }, onset: { kind: 'poisson', meanGapUs: 20_000_000 }, duration: { kind: 'exponential', meanUs: 3_000_000 }, afterPause: 'skip' },
      { kind: 'cpuStarvation', nodes: named('b', 'e'), onset: { kind: 'poisson', meanGapUs: 30_000_000 }, duration: constant(5_000_000), extraDelay: { kind: 'exponential', meanUs: 1_000_000 } },
      { kind: 'slowIo', nodes: named('d'), extraDelay: { kind: 'uniform', minUs: 0, maxUs: 500_000 } },
      { kind: 'partition', nodes: named('a', 'b'), scope: 'group', direction: 'toObserver', onset: { kind: 'poisson', meanGapUs: 40_000_000 }, duration: constant(4_000_000) },
      { kind: 'clockDrift', nodes: { kind: 'all' }, observer: false, ppm: 200 },
      { kind: 'clockStep', nodes: named('f'), observer: false, onset: { kind: 'poisson', meanGapUs: 50_000_000 }, stepUs: -2_000_000 },
    ];
    const run = () => {
      const m = watchRing({ order: 'hashed', watched: 2, intervalUs: I, detector: { kind: 'timeout', timeoutUs: T, deadAfterUs: Infinity, checkIntervalUs: 0, clock: 'wall' } });
      const r = runProtocols(spec({ faults, links: { default: link(1_000, 0.01) }, durationUs: 300_000_000 }), [m]);
      return { t: r.tallies, mem: m.membership(r.endUs), e: r.events };
    };
    const a = run();
    expect(a.mem.deathsOriginated).toBeGreaterThan(0);
    expect(run()).toEqual(a);
  });
});

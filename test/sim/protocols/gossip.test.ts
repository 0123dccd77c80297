/**
 * Gossip heartbeats (src/sim/protocols/gossip): Cassandra's arrival windows against
 * the phi_cassandra detector they reuse; worked cases derived by hand (a 3-member
 * cluster's version flow and the instant each member convicts a crashed one; a restart
 * with a new generation); and the mean time to the first DOWN and to every member's
 * DOWN against their closed forms, within 4 standard errors.
 */
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import type { CrashFault, LinkConfig } from '../../../src/sim/config.js';
import { PhiCassandraDetector } from '../../../src/sim/detectors/phi-cassandra.js';
import { runProtocols, type ProtocolRunSpec } from '../../../src/sim/engine/run-protocols.js';
import { Msg } from '../../../src/sim/metrics/membership-tallies.js';
import { ArrivalWindows, type ConvictionRule } from '../../../src/sim/protocols/gossip/arrival-windows.js';
import { gossipHeartbeats, type GossipConfig } from '../../../src/sim/protocols/gossip/gossip.js';
import { DOWN, UP } from '../../../src/sim/protocols/gossip/membership-accounting.js';

const I = 1_000_000;
const D = 1_000; // one-way delay
const link = (delayUs: number, loss = 0): LinkConfig => ({
  lossProbability: loss,
  duplicateProbability: 0,
  delay: { baseUs: delayUs, random: { kind: 'constant', valueUs: 0 } },
});
const phi = (over: Partial<Extract<ConvictionRule, { kind: 'phi' }>> = {}): ConvictionRule => ({
  kind: 'phi',
  threshold: 8,
  initialIntervalUs: 2_000_000,
  maxIntervalUs: 2_000_000,
  sampleSize: 1_000,
  ...over,
});
const cassandra = (over: Partial<GossipConfig> = {}): GossipConfig => ({
  intervalUs: I,
  fanout: 1,
  seeds: 0,
  gossipToUnreachable: true,
  rule: phi(),
  maxLocalPauseUs: 5_000_000,
  ...over,
});
const spec = (names: readonly string[], over: Partial<ProtocolRunSpec>): ProtocolRunSpec => ({
  seed: 'gossip',
  replication: 0,
  nodeNames: names,
  durationUs: 60_000_000,
  warmupUs: 0,
  links: { default: link(D) },
  typicalIntervalUs: I,
  ...over,
});
const crashAt = (who: string, atUs: number, downUs: number | null = null): CrashFault[] => [
  { kind: 'crashAt', nodes: { kind: 'named', names: [who] }, atUs, downUs },
];
const phiSettings = { convictThreshold: 8, initialIntervalUs: 2_000_000, maxIntervalUs: 2_000_000, sampleSize: 1_000, maxLocalPauseUs: 5_000_000, confirmAfterUs: 0 };

/** The distance between two phases on the interval's circle. */
const apart = (x: number, y: number) => Math.min((((x - y) % I) + I) % I, (((y - x) % I) + I) % I);

describe("arrival windows: Cassandra's ArrivalWindow in flat arrays", () => {
  it('with sample_size ≤ 10 the conviction instants equal the phi_cassandra detector\'s, interval for interval', () => {
    const random = seedrandom('windows');
    for (const sampleSize of [1, 3, 7, 10]) {
      const w = new ArrivalWindows(1, phi({ sampleSize }));
      const d = new PhiCassandraDetector(1, { ...phiSettings, sampleSize }, 0);
      w.start(0, 0);
      let t = 0;
      for (let k = 0; k < 300; k++) {
        // Mostly ~1 s, some over MAX_INTERVAL (not recorded), some tiny.
        t += Math.floor(random() < 0.1 ? 2_000_000 + random() * 3_000_000 : random() * 1_800_000) + 1;
        w.report(0, t);
        d.onHeartbeat(0, t);
        expect(w.convictFromUs(0)).toBe(d.nextChangeUs(0, t));
      }
    }
  });

  it('with sample_size 1 000 the mean is exact until the window fills, then over the last 901–1 000 recorded intervals', () => {
    const random = seedrandom('blocks');
    const w = new ArrivalWindows(2, phi());
    const d = new PhiCassandraDetector(1, phiSettings, 0);
    w.start(1, 0);
    const recorded = [2_000_000];
    let t = 0;
    for (let k = 0; k < 3_000; k++) {
      const gap = Math.floor(random() < 0.05 ? 2_500_000 : 200_000 + random() * 1_600_000);
      t += gap;
      w.report(1, t);
      d.onHeartbeat(0, t);
      if (gap <= 2_000_000) recorded.push(gap);
      const count = w.countOf(1);
      if (recorded.length <= 1_000) {
        expect(count).toBe(recorded.length);
        expect(w.convictFromUs(1)).toBe(d.nextChangeUs(0, t));
      } else {
        expect(count).toBeGreaterThanOrEqual(901);
        expect(count).toBeLessThanOrEqual(1_000);
        const last = recorded.slice(-count);
        expect(w.mean(1)).toBeCloseTo(last.reduce((a, b) => a + b, 0) / count, 6);
      }
    }
    // Pair 0 was never touched: the windows are per pair.
    expect(w.lastOf(0)).toBe(0);
  });

  it('a fixed timeout (van Renesse T_fail) convicts the µs after T of silence', () => {
    const w = new ArrivalWindows(1, { kind: 'timeout', timeoutUs: 5_000_000 });
    w.start(0, 0);
    w.report(0, 1_234_567);
    expect(w.convictFromUs(0)).toBe(1_234_567 + 5_000_000 + 1);
  });
});

/**
 * The straightforward model of the block window (what the telescoped ArrivalWindows
 * must equal): tLast, and block sums kept by addition — each recorded interval added
 * to its block and to the window's sum; a full block opens the next, evicting the
 * oldest when B are held; intervals over MAX_INTERVAL not recorded; a restart
 * (fd.remove + the first report) records INITIAL_VALUE again.
 */
class BlockWindow {
  last = 0;
  sum = 0;
  count = 0;
  inBlock = 0;
  head = 0;
  blocks: number[];
  constructor(
    readonly B: number,
    readonly size: number,
    readonly initialUs: number,
    readonly maxUs: number,
  ) {
    this.blocks = new Array<number>(B).fill(0);
  }
  start(t: number): void {
    this.last = t;
    this.blocks.fill(0);
    this.blocks[0] = this.initialUs;
    this.sum = this.initialUs;
    this.count = 1;
    this.inBlock = 1;
    this.head = 0;
  }
  report(t: number): void {
    const x = t - this.last;
    if (x <= 0) return;
    this.last = t;
    if (x > this.maxUs) return;
    if (this.inBlock === this.size) {
      this.head = (this.head + 1) % this.B;
      if (this.count === this.B * this.size) {
        this.sum -= this.blocks[this.head]!;
        this.count -= this.size;
      }
      this.blocks[this.head] = 0;
      this.inBlock = 0;
    }
    this.blocks[this.head]! += x;
    this.inBlock++;
    this.sum += x;
    this.count++;
  }
  convictFromUs(threshold: number): number {
    return this.last + Math.floor(threshold * Math.LN10 * (this.sum / this.count)) + 1;
  }
}

describe('arrival windows: compact records (Int32 tLast relative to a moving epoch per row)', () => {
  it('equal the windows in doubles report for report over 3 h; a pair silent for an hour is clamped yet convictable, and its next report leaves the same window', () => {
    const random = seedrandom('epochs');
    const rule = phi();
    const compact = new ArrivalWindows(6, rule, undefined, 3); // two rows of three pairs
    const doubles = new ArrivalWindows(6, rule, undefined, 3, false);
    expect(compact.compact).toBe(true);
    expect(doubles.compact).toBe(false);
    for (const w of [compact, doubles]) w.startRange(0, 6, 0);
    let t = 0;
    let silentChecked = 0;
    const mismatches: string[] = [];
    for (let k = 0; k < 11_000; k++) {
      t += 1 + Math.floor(random() * 2_100_000);
      // Pairs 0 and 3 report all along; pair 1 is silent from 60 s to 1 h, then reports again; pair 2 never reports.
      const pairs = [0, 3, ...(t < 60 * I || t > 3_600 * I ? [1] : []), ...(random() < 0.3 ? [4] : [])];
      for (const pair of pairs) {
        compact.report(pair, t);
        doubles.report(pair, t);
      }
      // (Compared without expect per step: 11 000 steps.)
      for (const pair of [0, 1, 3, 4]) {
        if (compact.countOf(pair) !== doubles.countOf(pair) || compact.mean(pair) !== doubles.mean(pair)) mismatches.push(`${k}: pair ${pair} window`);
      }
      for (const pair of pairs) if (compact.convictFromUs(pair) !== doubles.convictFromUs(pair)) mismatches.push(`${k}: pair ${pair} conviction instant`);
      if (t > 2_000 * I && t < 3_600 * I) {
        // Silent over 2³⁰ µs: clamped, and convictable either way.
        if (!(compact.convictFromUs(1) < t && doubles.convictFromUs(1) < t)) mismatches.push(`${k}: silent pair not convictable`);
        silentChecked++;
      }
    }
    expect(mismatches).toEqual([]);
    expect(t).toBeGreaterThan(3 * 3_600 * I);
    expect(compact.rebased).toBeGreaterThan(2 * 15); // every ≈ 9 min in each row
    expect(compact.clamped).toBeGreaterThan(1); // pair 1 (and pair 2, never reported)
    expect(silentChecked).toBeGreaterThan(100);
    expect(compact.lastOf(0)).toBe(t);
    expect(compact.lastOf(2)).not.toBe(doubles.lastOf(2)); // the one thing clamping changes
  });

  it('are used only where clamping is provably invisible', () => {
    expect(new ArrivalWindows(1, phi()).compact).toBe(true);
    expect(new ArrivalWindows(1, phi({ sampleSize: 2_000 })).compact).toBe(false); // 2 000 × 2 s ≥ 2³¹ µs
    expect(new ArrivalWindows(1, phi({ maxIntervalUs: 600 * I, initialIntervalUs: 600 * I, sampleSize: 3 })).compact).toBe(false); // horizon 18.4 × 600 s ≥ 2²⁹ µs
    expect(new ArrivalWindows(1, { kind: 'timeout', timeoutUs: I }).compact).toBe(false);
  });
});

describe('arrival windows: telescoped (sum = tLast − base) against block sums kept by addition', () => {
  it('equal count, mean and conviction instant after every report, with dropped intervals, same-instant reports and restarts', () => {
    const random = seedrandom('telescope');
    for (const sampleSize of [1, 7, 10, 25, 1_000]) {
      const w = new ArrivalWindows(3, phi({ sampleSize }));
      const B = Math.min(10, sampleSize);
      const model = new BlockWindow(B, Math.ceil(sampleSize / B), 2_000_000, 2_000_000);
      const pair = 1; // a neighbour on each side: a pair's record must not touch another's
      w.start(0, 0);
      w.start(2, 0);
      w.start(pair, 5_000);
      model.start(5_000);
      let t = 5_000;
      let dropped = 0;
      let restarts = 0;
      let evictions = 0;
      for (let k = 0; k < 6_000; k++) {
        const u = random();
        if (u < 0.002) {
          // a DOWN then a new generation: fd.remove and the first report again
          t += 30_000_000;
          w.start(pair, t);
          model.start(t);
          restarts++;
        } else {
          const gap = u < 0.05 ? 2_000_001 + Math.floor(random() * 4_000_000) : u < 0.07 ? 0 : u < 0.08 ? 2_000_000 : 1 + Math.floor(random() * 1_600_000);
          if (gap > 2_000_000) dropped++;
          t += gap;
          const before = model.count;
          w.report(pair, t);
          model.report(t);
          if (gap > 0 && gap <= 2_000_000 && model.count !== before + 1) evictions++;
        }
        expect(w.countOf(pair)).toBe(model.count);
        expect(w.lastOf(pair)).toBe(model.last);
        expect(w.mean(pair)).toBe(model.sum / model.count);
        expect(w.convictFromUs(pair)).toBe(model.convictFromUs(8));
      }
      expect(w.lastOf(0)).toBe(0);
      expect(w.lastOf(2)).toBe(0);
      expect(w.countOf(2)).toBe(1);
      // The sequence did exercise every path.
      expect(dropped).toBeGreaterThan(100);
      expect(restarts).toBeGreaterThan(3);
      if (sampleSize < 1_000) expect(evictions).toBeGreaterThan(10);
    }
  });

  it("the merge loop's conviction bound stays at or below every conviction instant a member holds UP (12 members, loss, crashes and restarts)", () => {
    const names = Array.from({ length: 12 }, (_, k) => `m${k}`);
    const crashes: CrashFault[] = [{ kind: 'crashRecover', nodes: { kind: 'all' }, mttfUs: 120_000_000, mttrUs: 25_000_000 }];
    let checked = 0;
    for (const end of [37_000_000, 91_000_000, 203_000_000, 401_000_000]) {
      const m = gossipHeartbeats(cassandra({ seeds: 2 }));
      const r = runProtocols(spec(names, { links: { default: link(D, 0.3) }, crashes, durationUs: end }), [m]);
      expect(m.clusterTallies(r.tallies).crashes).toBeGreaterThan(0);
      for (let o = 0; o < names.length; o++) {
        let earliest = Infinity;
        for (let s = 0; s < names.length; s++) if (s !== o && m.viewOf(o, s) === UP) earliest = Math.min(earliest, m.convictFromUs(o, s));
        expect(m.checkBoundUs(o)).toBeLessThanOrEqual(earliest);
        checked++;
      }
    }
    expect(checked).toBe(48);
  });
});

describe('gossip: worked cases', () => {
  const names = ['a', 'b', 'c'];

  it('3 members, everyone gossips to both others: c\'s versions reach a and b three link delays after each of c\'s rounds, and both convict it at their first round after tLast + ⌊8·ln10·mean⌋ + 1', () => {
    const m = gossipHeartbeats(cassandra({ fanout: 2 }));
    const Tc = 30_500_000;
    const r = runProtocols(spec(names, { crashes: crashAt('c', Tc), durationUs: 80_000_000 }), [m]);
    const t = m.membership(r.endUs);
    const [pa, pb, pc] = [0, 1, 2].map((o) => m.phaseOf(o));
    // Preconditions of the derivation: no member's round within 2 ms of another's
    // (else a round's own ACK could bring c's version before c's ACK2 does).
    expect(Math.min(apart(pa!, pc!), apart(pb!, pc!), apart(pa!, pb!))).toBeGreaterThan(2_000);
    // c's rounds k = 0..K before the crash; each reaches a and b by c's ACK2, 3 delays later.
    const K = Math.floor((Tc - 1 - pc!) / I);
    const detector = new PhiCassandraDetector(1, phiSettings, 0);
    for (let k = 0; k <= K; k++) detector.onHeartbeat(0, pc! + k * I + 3 * D);
    const tLast = pc! + K * I + 3 * D;
    const from = detector.nextChangeUs(0, tLast);
    // The window: INITIAL_VALUE 2 s, the first interval (pc + 3 ms), then K intervals of 1 s.
    expect(m.meanIntervalUs(0, 2)).toBe((2_000_000 + pc! + 3 * D + K * I) / (K + 2));
    expect(from).toBe(tLast + Math.floor(8 * Math.LN10 * ((2_000_000 + pc! + 3 * D + K * I) / (K + 2))) + 1);
    expect(m.convictFromUs(0, 2)).toBe(from);
    expect(m.convictFromUs(1, 2)).toBe(from);
    // Each convicts at its own first round at or after `from` (doStatusCheck runs every round).
    const roundAfter = (phase: number) => phase + Math.ceil((from - phase) / I) * I;
    const convictions = [roundAfter(pa!), roundAfter(pb!)].map((x) => x - Tc).sort((x, y) => x - y);
    expect([...t.firstDeadLatenciesUs]).toEqual([convictions[0]]);
    expect([...t.firstSuspicionLatenciesUs]).toEqual([convictions[0]]);
    expect([...t.disseminationLatenciesUs]).toEqual([convictions[1]]);
    expect(m.viewOf(0, 2)).toBe(DOWN);
    expect(m.viewOf(1, 2)).toBe(DOWN);
    expect(t.deathsOriginated).toBe(0);
    // c's last version is held by both; a and b know each other's latest-but-at-most-one.
    expect(m.versionOf(0, 2)).toEqual({ generation: 1, version: K + 1 });
    expect(m.versionOf(1, 2)).toEqual({ generation: 1, version: K + 1 });
    const ownA = m.versionOf(0, 0).version;
    expect(ownA).toBe(Math.floor((r.endUs - 1 - pa!) / I) + 1);
    expect(ownA - m.versionOf(1, 0).version).toBeLessThanOrEqual(1);
    expect(m.versionOf(1, 0).generation).toBe(1);
  });

  it('each round sends one SYN per target, answered by one ACK and one ACK2 (3 members, fanout 2, no loss)', () => {
    const m = gossipHeartbeats(cassandra({ fanout: 2 }));
    const r = runProtocols(spec(names, { durationUs: 10_000_000 }), [m]);
    const t = m.membership(r.endUs);
    const rounds = [0, 1, 2].reduce((sum, o) => sum + Math.floor((r.endUs - 1 - m.phaseOf(o)) / I) + 1, 0);
    expect(t.messages[Msg.syn]).toBe(2 * rounds - uncompleted(m, r.endUs, 1));
    // An exchange started less than 1 (ACK) or 2 (ACK2) delays before the end is cut short.
    expect(t.messages[Msg.syn]! + uncompleted(m, r.endUs, 1) - t.messages[Msg.ack]!).toBe(2 * uncompleted(m, r.endUs, 1));
    expect(t.messages[Msg.ack]! - t.messages[Msg.ack2]!).toBe(2 * (uncompleted(m, r.endUs, 2) - uncompleted(m, r.endUs, 1)));
    // A SYN carries one digest per member: 70 + 3·17 bytes.
    expect(t.bytes[Msg.syn]).toBe(t.messages[Msg.syn]! * (70 + 3 * 17));
    expect(t.deathsOriginated).toBe(0);
  });

  it('a restart has a new generation: the others clear their window (fd.remove), echo, mark it UP, and relearn its intervals', () => {
    const m = gossipHeartbeats(cassandra({ fanout: 2 }));
    const Tc = 30_500_000;
    const back = Tc + 30_000_000;
    const end = 80_000_000;
    const r = runProtocols(spec(names, { crashes: crashAt('c', Tc, 30_000_000), durationUs: end }), [m]);
    const t = m.membership(r.endUs);
    expect(t.firstDeadLatenciesUs.length).toBe(1); // convicted while down
    expect(t.deathsOriginated).toBe(0);
    expect(t.disseminationIncomplete).toBe(0);
    for (const o of [0, 1]) {
      expect(m.viewOf(o, 2)).toBe(UP);
      // The restarted process gossips from its restart on: rounds at back + k·I, version k + 1.
      const K = Math.floor((end - 1 - 3 * D - back) / I);
      expect(m.versionOf(o, 2)).toEqual({ generation: 2, version: K + 1 });
      // The window restarted at the first new-generation report: INITIAL_VALUE, then K intervals of exactly 1 s.
      expect(m.meanIntervalUs(o, 2)).toBe((2_000_000 + K * I) / (K + 1));
    }
    expect(m.versionOf(2, 2).generation).toBe(2);
    // a and b each sent one echo and got one reply.
    expect(t.messages[Msg.echo]).toBe(4);
    // The restarted member trusts everyone and knows their current versions.
    expect(m.viewOf(2, 0)).toBe(UP);
    expect(m.versionOf(2, 0).generation).toBe(1);
  });

  it('is deterministic: the same seed gives the same tallies', () => {
    const run = () => {
      const m = gossipHeartbeats(cassandra({ seeds: 2 }));
      const r = runProtocols(spec(['a', 'b', 'c', 'd', 'e', 'f', 'g'], { links: { default: link(D, 0.2) }, crashes: crashAt('d', 20_000_000, 15_000_000) }), [m]);
      return m.clusterTallies(r.tallies);
    };
    expect(run()).toEqual(run());
  });

  it('refuses a cluster of one and a fanout larger than the cluster', () => {
    expect(() => runProtocols(spec(['a'], {}), [gossipHeartbeats(cassandra())])).toThrow(/at least 2 members/);
    expect(() => runProtocols(spec(names, {}), [gossipHeartbeats(cassandra({ fanout: 3 }))])).toThrow(/fanout must be a whole number within 1\.\.2/);
  });
});

/** Exchanges started by the members' last rounds that had not reached hop `hops` by the end (constant delay D). */
function uncompleted(m: ReturnType<typeof gossipHeartbeats>, endUs: number, hops: number): number {
  let cut = 0;
  for (let o = 0; o < 3; o++) {
    const lastRound = m.phaseOf(o) + Math.floor((endUs - 1 - m.phaseOf(o)) / I) * I;
    if (lastRound + hops * D >= endUs) cut += 2;
  }
  return cut;
}

describe('gossip: time to the first DOWN and to every DOWN against the closed form', () => {
  // n members gossip to all others (fanout n − 1), constant delay d, no loss: every
  // observer records c's versions at c's rounds + 3d, so each convicts at its first
  // round after tLast + H (H = T + 1 µs for a timeout; ⌊8·ln10·mean⌋ + 1 for phi with
  // a one-interval window, mean = I). With phases uniform, the crash falls U(0, I) after
  // c's last round and the m = n − 1 observers' waits are i.i.d. U(0, I), independent:
  //   E[first DOWN] = H + 3d − I/2 + I/(m + 1),  E[all DOWN] = H + 3d − I/2 + I·m/(m + 1).
  const n = 12;
  const names = Array.from({ length: n }, (_, i) => `m${i}`);
  const R = 160;
  const check = (rule: ConvictionRule, H: number) => {
    const first: number[] = [];
    const all: number[] = [];
    for (let rep = 0; rep < R; rep++) {
      const m = gossipHeartbeats(cassandra({ fanout: n - 1, rule }));
      // Warm-up 10 s: a one-interval window convicts falsely while its first interval (the phase) is short.
      const r = runProtocols(spec(names, { replication: rep, warmupUs: 10_000_000, crashes: crashAt('m0', 25_000_000), durationUs: 48_000_000 }), [m]);
      const t = m.membership(r.endUs);
      expect(t.deathsOriginated).toBe(0);
      first.push(t.firstDeadLatenciesUs[0]!);
      all.push(t.disseminationLatenciesUs[0]!);
    }
    const mm = n - 1;
    const within4se = (xs: number[], expected: number) => {
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
      expect(Math.abs(mean - expected)).toBeLessThan((4 * sd) / Math.sqrt(xs.length));
    };
    within4se(first, H + 3 * D - I / 2 + I / (mm + 1));
    within4se(all, H + 3 * D - I / 2 + (I * mm) / (mm + 1));
  };

  it('fixed timeout T = 5 s', () => check({ kind: 'timeout', timeoutUs: 5_000_000 }, 5_000_001));

  it('phi at threshold 8 with a one-interval window: convicted 18.42 × mean after the last arrival', () =>
    check(phi({ sampleSize: 1 }), Math.floor(8 * Math.LN10 * I) + 1));
});

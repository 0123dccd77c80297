/**
 * Clock drift on memberlist's timers (issue 11: every fault applies to every member,
 * the detecting ones included). memberlist's timers — the probe ticker, the probe
 * timeout, the round's deadline, the relay's nack timer, the suspicion timer and its
 * Lifeguard re-arming (time.Since), the gossip and push/pull tickers, and
 * GossipToTheDeadTime — are Go timers on the member's monotonic clock, which sees drift
 * (faults/clock.ts): a local duration L lasts L/(1 + ppm·10⁻⁶) of true time. Worked
 * cases derived by hand, the clocks' code path at 0 ppm against the run without it, a
 * scenario file's `clock_drift` wired through, and SWIM §3.1's time to first suspicion
 * on fast clocks within 4 standard errors.
 */
import { describe, expect, it } from 'vitest';
import type { Fault } from '../../../src/sim/config.js';
import { expectedTimeToFirstProbe } from '../../../src/analytic/swim.js';
import { runProtocol } from '../../../src/sim/run-protocol.js';
import { loadScenarioText } from '../../../src/scenarios/load.js';
import { build } from '../../../src/scenarios/build.js';
import { SwimSimulation } from '../../../src/sim/protocols/swim/swim-simulation.js';
import { PK_PING } from '../../../src/sim/protocols/swim/swim-core.js';
import { View } from '../../../src/sim/protocols/swim/views.js';
import { MS, S, swimConfig, type SwimTestOptions } from './support.js';

const drift = (names: string[], ppm: number): Fault => ({ kind: 'clockDrift', nodes: { kind: 'named', names }, observer: false, ppm });
const crashAt = (name: string, atUs: number) => ({ kind: 'crashAt' as const, nodes: { kind: 'named' as const, names: [name] }, atUs, downUs: null });
const pauseOf = (name: string, atUs: number, durationUs: number): Fault => ({
  kind: 'senderPause',
  nodes: { kind: 'named', names: [name] },
  onset: { kind: 'at', atUs },
  duration: { kind: 'constant', valueUs: durationUs },
  afterPause: 'skip',
});

/** Records the instant of every direct probe (a ping with a positive sequence number) by prober. */
class RecordingSwim extends SwimSimulation {
  readonly pings = new Map<number, number[]>();
  protected override sendPacket(from: number, to: number, type: number, seq: number, subject: number, kind: number, size: number, attach: number, nowUs: number): number {
    if (type === PK_PING && seq > 0) {
      const list = this.pings.get(from) ?? [];
      list.push(nowUs);
      this.pings.set(from, list);
    }
    return super.sendPacket(from, to, type, seq, subject, kind, size, attach, nowUs);
  }
}

function recording(o: SwimTestOptions): RecordingSwim {
  const config = swimConfig(o);
  return new RecordingSwim(config, config.protocol);
}

describe('the probe ticker runs on the prober’s clock', () => {
  // Two members, no loss, 1 ms links: every probe is acked within the round, so each
  // member pings at every tick of its ticker. Ticks are phase + k·ProbeInterval on the
  // member's clock, i.e. k · 1 s / (1 + ppm·10⁻⁶) apart in true time, to the µs the
  // integer clock allows (±1 µs, not accumulating: the grid is on the local clock).
  for (const ppm of [250_000, -200_000, 50, -15]) {
    it(`a member at ${ppm > 0 ? '+' : ''}${ppm} ppm pings every 1 s / ${1 + ppm * 1e-6}; the member at 0 ppm every 1 s exactly`, () => {
      const sim = recording({ members: 2, durationUs: 600 * S, faults: [drift(['node-01'], ppm)], memberlist: { disableTcpPings: true } });
      sim.run();
      const period = S / (1 + ppm * 1e-6);
      const fast = sim.pings.get(0)!;
      expect(fast.length).toBeGreaterThan(Math.floor((600 * S) / period) - 2);
      for (let k = 1; k < fast.length; k++) expect(Math.abs(fast[k]! - fast[0]! - k * period)).toBeLessThanOrEqual(1);
      const steady = sim.pings.get(1)!;
      for (let k = 1; k < steady.length; k++) expect(steady[k]! - steady[0]!).toBe(k * S);
    });
  }

  it('the first tick is the random stagger read on the local clock: the same draw, scaled', () => {
    const plain = recording({ members: 2, durationUs: 3 * S, memberlist: { disableTcpPings: true } });
    plain.run();
    const fast = recording({ members: 2, durationUs: 3 * S, faults: [drift(['node-01'], 250_000)], memberlist: { disableTcpPings: true } });
    fast.run();
    const stagger = plain.pings.get(0)![0]!;
    // local(t) = t + ⌊t/4⌋: the first t whose reading reaches the stagger is ⌈stagger / 1.25⌉ (±1 for the floor).
    expect(Math.abs(fast.pings.get(0)![0]! - stagger / 1.25)).toBeLessThanOrEqual(1);
    expect(fast.pings.get(1)![0]).toBe(plain.pings.get(1)![0]);
  });
});

describe('the round and the suspicion timer run on the observer’s clock', () => {
  // The two-member case of swim.test.ts: no relays, no TCP, so the survivor suspects at
  // its round's deadline (ProbeInterval after the ping, on its clock) and declares DEAD
  // SuspicionMult · ProbeInterval = 4 s (its clock) later. At +250 000 ppm (1.25×) those
  // are 0.8 s and 3.2 s of true time; at −200 000 ppm (0.8×), 1.25 s and 5 s.
  for (const [ppm, deadlineUs, deadUs] of [
    [250_000, 800 * MS, 3_200 * MS],
    [-200_000, 1_250 * MS, 5_000 * MS],
    [0, 1_000 * MS, 4_000 * MS],
  ] as const) {
    for (const lifeguard of [true, false]) {
      it(`${ppm} ppm, lifeguard ${lifeguard}: suspicion ${deadlineUs / MS} ms after the last ping, DEAD ${deadUs / MS} ms after that`, () => {
        const sim = recording({ members: 2, durationUs: 60 * S, crashes: [crashAt('node-02', 20_300 * MS)], lifeguard, faults: ppm === 0 ? [] : [drift(['node-01'], ppm)], memberlist: { disableTcpPings: true } });
        const r = sim.run();
        const m = r.tallies.membership!;
        const crashUs = 20_300 * MS;
        const suspicionUs = crashUs + m.firstSuspicionLatenciesUs[0]!;
        const lastPing = sim.pings.get(0)!.filter((t) => t <= crashUs).at(-1)!;
        const failedPing = sim.pings.get(0)!.find((t) => t > crashUs)!;
        // The ping before the crash was answered; the first one after it failed.
        expect(failedPing).toBeGreaterThan(lastPing);
        expect(Math.abs(suspicionUs - failedPing - deadlineUs)).toBeLessThanOrEqual(1);
        expect(Math.abs(m.firstDeadLatenciesUs[0]! - m.firstSuspicionLatenciesUs[0]! - deadUs)).toBeLessThanOrEqual(1);
        expect(m.deathsOriginated).toBe(0);
        expect(sim.viewOf(0, 1).state).toBe(View.dead);
      });
    }
  }
});

describe('a drifting observer accuses earlier (or later)', () => {
  // node-02 is paused from 20 s; node-01 (the only other member, SWIM without Lifeguard,
  // no TCP) pings it at its first tick t ≥ 20 s, suspects at t + 1 s (its clock) and
  // declares DEAD 4 s (its clock) later; node-02 refutes as soon as it resumes (it reads
  // the queued suspect gossip), and its ack to a queued ping carries the refutation back
  // within ~1 ms. So node-01 declares a false DEAD iff its DEAD comes before the resume.
  // At 0 ppm: t ∈ [20, 21) s, DEAD ∈ [25, 26) s. At +250 000 ppm: t ∈ [20, 20.8),
  // DEAD = t + 4 s / 1.25 ∈ [24, 24.8). At −200 000 ppm: t ∈ [20, 21.25), DEAD = t + 5 s / 0.8 ∈ [26.25, 27.5).
  const falseDeaths = (ppm: number, pauseUs: number) => {
    const faults = [pauseOf('node-02', 20 * S, pauseUs), ...(ppm === 0 ? [] : [drift(['node-01'], ppm)])];
    const config = swimConfig({ members: 2, durationUs: 60 * S, lifeguard: false, faults, memberlist: { disableTcpPings: true } });
    const m = new SwimSimulation(config, config.protocol).run().tallies.membership!;
    expect(m.suspicionsOriginated).toBe(1);
    return m.deathsOriginated;
  };

  it('a pause of 4.9 s: the observer at +250 000 ppm declares a false DEAD, the one at 0 ppm does not', () => {
    expect(falseDeaths(250_000, 4_900 * MS)).toBe(1);
    expect(falseDeaths(0, 4_900 * MS)).toBe(0);
  });

  it('a pause of 6 s: the observer at 0 ppm declares a false DEAD, the one at −200 000 ppm does not', () => {
    expect(falseDeaths(0, 6 * S)).toBe(1);
    expect(falseDeaths(-200_000, 6 * S)).toBe(0);
  });

  it('the paused member’s own clock does not matter to its accuser', () => {
    const faults = [pauseOf('node-02', 20 * S, 4_900 * MS), drift(['node-02'], 250_000)];
    const config = swimConfig({ members: 2, durationUs: 60 * S, lifeguard: false, faults, memberlist: { disableTcpPings: true } });
    expect(new SwimSimulation(config, config.protocol).run().tallies.membership!.deathsOriginated).toBe(0);
  });
});

describe('no drift costs nothing and changes nothing', () => {
  const lan = { lossProbability: 0.01, duplicateProbability: 0, delay: { baseUs: 200, random: { kind: 'exponential' as const, meanUs: 300 } } };
  const churn: SwimTestOptions = {
    members: 30,
    durationUs: 600 * S,
    link: lan,
    crashes: [{ kind: 'crashRecover', nodes: { kind: 'all' }, mttfUs: 900 * S, mttrUs: 30 * S }],
    faults: [
      { kind: 'senderPause', nodes: { kind: 'all' }, onset: { kind: 'poisson', meanGapUs: 600 * S }, duration: { kind: 'exponential', meanUs: 4 * S }, afterPause: 'skip' },
      { kind: 'partition', nodes: { kind: 'named', names: ['node-01', 'node-02', 'node-03'] }, scope: 'group', direction: 'both', onset: { kind: 'poisson', meanGapUs: 200 * S }, duration: { kind: 'exponential', meanUs: 15 * S } },
    ],
  };
  const runWith = (faults: readonly Fault[]) => {
    const config = swimConfig({ ...churn, faults: [...churn.faults!, ...faults] });
    const sim = new SwimSimulation(config, config.protocol);
    const r = sim.run();
    const views: number[] = [];
    for (let o = 0; o < 30; o++) for (let s = 0; s < 30; s++) if (o !== s) views.push(sim.viewOf(o, s).state, sim.viewOf(o, s).inc);
    return { tallies: r.tallies, events: r.events, views: views.join(',') };
  };

  it('every member at 0 ppm through the clocks (a drift set, then reset to 0): the same run as without clocks', () => {
    const without = runWith([]);
    // The first rule makes the run build clocks; the second puts node-01 back at 0 ppm: every timer goes through them at 0 ppm.
    const zero = runWith([drift(['node-01'], 40), drift(['node-01'], 0)]);
    expect(zero).toEqual(without);
    expect(without.tallies.crashes).toBeGreaterThan(5);
    // And the comparison can fail: 40 ppm on one member moves the run.
    expect(runWith([drift(['node-01'], 40)]).events).not.toBe(without.events);
  });

  it('clock steps change nothing (Go’s timers read the monotonic clock)', () => {
    const step: Fault = { kind: 'clockStep', nodes: { kind: 'all' }, observer: false, onset: { kind: 'poisson', meanGapUs: 60 * S }, stepUs: -2 * S };
    const stepped = runWith([step]);
    const plain = runWith([]);
    // The steps' own onset events are the only difference.
    expect(stepped.events).toBeGreaterThan(plain.events);
    expect({ ...stepped, events: 0 }).toEqual({ ...plain, events: 0 });
  });
});

describe('a scenario file’s clock_drift reaches the members', () => {
  it('`clock_drift: { nodes: all, ppm: 100000 }` makes every member probe 1.1× as often', () => {
    const text = (faults: string) => `name: drift\nduration: 10m\nseed: 7\ncluster: { nodes: 20 }\nlink: { loss: 0.5% }\nprotocol: { kind: swim }\n${faults}`;
    const run = (faults: string) => {
      const config = build(loadScenarioText(text(faults), 'drift.yaml').scenario).config;
      return runProtocol(config, config.protocol!).tallies.membership!;
    };
    const plain = run('');
    const fast = run('faults:\n  - clock_drift: { nodes: all, ppm: 100000 }\n');
    // 20 members × 600 ticks each, less the stagger; the fast ones fit 1.1× as many.
    expect(plain.probes).toBeGreaterThan(20 * 598);
    expect(Math.abs(fast.probes / plain.probes - 1.1)).toBeLessThan(0.005);
  });
});

describe('against SWIM §3.1 on fast clocks (random targets, no Lifeguard, no TCP)', () => {
  it('every member at +100 000 ppm: the mean time from a crash to the first suspicion is (E[W] + T′)/1.1 within 4 standard errors', () => {
    // Every survivor's ticker runs 1.1× fast, so its period is T = 1 s / 1.1 and its round
    // (ProbeInterval on its clock) too: E[W](n, T) + T. The unscaled value is far off.
    const n = 10;
    const samples: number[] = [];
    for (let rep = 0; rep < 1000; rep++) {
      const config = swimConfig({ members: n, durationUs: 40 * S, replication: rep, targetSelection: 'random', lifeguard: false, memberlist: { disableTcpPings: true }, crashes: [crashAt('node-04', 20 * S)], faults: [{ kind: 'clockDrift', nodes: { kind: 'all' }, observer: false, ppm: 100_000 }] });
      samples.push(new SwimSimulation(config, config.protocol).run().tallies.membership!.firstSuspicionLatenciesUs[0]! / S);
    }
    const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
    const sd = Math.sqrt(samples.reduce((a, b) => a + (b - mean) ** 2, 0) / (samples.length - 1));
    const se = sd / Math.sqrt(samples.length);
    const period = 1 / 1.1;
    const expected = expectedTimeToFirstProbe(n, period) + period;
    expect(Math.abs(mean - expected)).toBeLessThan(4 * se);
    expect(Math.abs(mean - (expectedTimeToFirstProbe(n, 1) + 1))).toBeGreaterThan(4 * se);
  }, 60_000);
});

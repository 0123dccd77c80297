/**
 * Realistic faults (issue 6): each model checked against its own parameters within
 * sampling error, and worked cases whose answers are known exactly.
 */
import { describe, expect, it } from 'vitest';
import { Clocks } from '../../../src/sim/faults/clock.js';
import type { Fault, SimConfig } from '../../../src/sim/config.js';
import { runOnce } from '../../../src/sim/run-once.js';
import { meanInterval, poissonCountInterval } from '../../../src/stats/index.js';
import { simConfig } from '../../support/sim-config.js';

const Z = 4;
const S = 1_000_000;

/** Lossless, delay-free, 1 s heartbeats, 3 s timeout, exact timers, plus the given faults. */
const withFaults = (faults: Fault[], overrides: Partial<SimConfig> & { nodes?: number } = {}) =>
  runOnce(simConfig({ nodes: 50, durationUs: 120 * S, faults, transitionLogLimit: 10_000, ...overrides }));

const onePause = (durationUs: number, afterPause: 'skip' | 'burst'): Fault => ({
  kind: 'senderPause',
  nodes: { kind: 'all' },
  onset: { kind: 'uniformOnce', fromUs: 20 * S, toUs: 60 * S },
  duration: { kind: 'constant', valueUs: durationUs },
  afterPause,
});

describe('sender pauses (worked cases: lossless 1 s heartbeats, 3 s timeout)', () => {
  for (const afterPause of ['skip', 'burst'] as const) {
    it(`a 5 s pause causes exactly one false suspicion per pause (${afterPause})`, () => {
      const t = withFaults([onePause(5 * S, afterPause)]).tallies;
      expect(t.pauses).toBe(50);
      expect(t.falseSuspicions).toBe(50);
      expect(t.pausesWithSuspicion).toBe(50);
      expect(Array.from(t.perPairFalseSuspicions)).toEqual(new Array(50).fill(1));
    });

    it(`a 1.5 s pause causes none (${afterPause})`, () => {
      const t = withFaults([onePause(1.5 * S, afterPause)]).tallies;
      expect(t.pauses).toBe(50);
      expect(t.falseSuspicions).toBe(0);
      expect(t.heartbeatsMissedWhilePaused).toBeGreaterThanOrEqual(50);
    });
  }

  it('a burst after the pause sends every missed beat at once; skipping sends none of them', () => {
    const skip = withFaults([onePause(5.5 * S, 'skip')]).tallies;
    const burst = withFaults([onePause(5.5 * S, 'burst')]).tallies;
    expect(burst.heartbeatsSent - skip.heartbeatsSent).toBe(skip.heartbeatsMissedWhilePaused);
  });

  it('Poisson pause onsets and lognormal durations match their parameters', () => {
    // Mean gap 10 min, median 200 ms (σ 1): mean duration 200·e^0.5 ≈ 329.7 ms; overlaps are negligible.
    const meanGapUs = 600 * S;
    const run = withFaults(
      [{ kind: 'senderPause', nodes: { kind: 'all' }, onset: { kind: 'poisson', meanGapUs }, duration: { kind: 'lognormal', medianUs: 200_000, sigma: 1 }, afterPause: 'skip' }],
      { nodes: 200, durationUs: 6 * 3600 * S },
    );
    const t = run.tallies;
    const expectedCount = (200 * 6 * 3600 * S) / meanGapUs;
    const ci = poissonCountInterval(t.pauses, 0.9999); // ≈ ±4 σ
    expect(expectedCount).toBeGreaterThan(ci.low);
    expect(expectedCount).toBeLessThan(ci.high);
    const expectedMeanUs = 200_000 * Math.exp(0.5);
    // Lognormal σ = 1: sd = mean·√(e − 1).
    const se = (expectedMeanUs * Math.sqrt(Math.E - 1)) / Math.sqrt(t.pauses);
    expect(Math.abs(t.pausedUs / t.pauses - expectedMeanUs)).toBeLessThan(Z * se);
  });
});

describe('observer pauses', () => {
  const pause = (backlog: 'checksFirst' | 'messagesFirst'): Fault => ({
    kind: 'observerPause',
    onset: { kind: 'at', atUs: 30 * S },
    duration: { kind: 'constant', valueUs: 5 * S },
    backlog,
  });

  it('checks before reading the backlog accuse every live node at once', () => {
    const t = withFaults([pause('checksFirst')]).tallies;
    expect(t.falseSuspicions).toBe(50);
    expect(t.maxSimultaneousFalseSuspicions).toBe(50);
    expect(t.massSuspicionEvents).toBe(1);
  });

  it('reading the backlog first accuses nobody', () => {
    const t = withFaults([pause('messagesFirst')]).tallies;
    expect(t.falseSuspicions).toBe(0);
    expect(t.maxSimultaneousFalseSuspicions).toBe(0);
  });
});

describe('partitions', () => {
  it('a scheduled group partition longer than the timeout suspects the group once', () => {
    const t = withFaults([
      {
        kind: 'partition',
        nodes: { kind: 'named', names: ['n1', 'n2', 'n3'] },
        scope: 'group',
        direction: 'toObserver',
        onset: { kind: 'at', atUs: 30 * S },
        duration: { kind: 'constant', valueUs: 10 * S },
      },
    ]).tallies;
    expect(t.falseSuspicions).toBe(3);
    expect(t.maxSimultaneousFalseSuspicions).toBe(3);
    expect(t.heartbeatsPartitioned).toBeGreaterThanOrEqual(27);
    expect(t.heartbeatsPartitioned).toBeLessThanOrEqual(33);
  });

  it('a one-way cut of the other direction does not stop heartbeats', () => {
    const t = withFaults([
      { kind: 'partition', nodes: { kind: 'all' }, scope: 'each', direction: 'fromObserver', onset: { kind: 'at', atUs: 30 * S }, duration: { kind: 'constant', valueUs: 10 * S } },
    ]).tallies;
    expect(t.falseSuspicions).toBe(0);
    expect(t.heartbeatsPartitioned).toBe(0);
  });

  it('random partitions cover the fraction 1 − exp(−rate × mean duration) of the time', () => {
    // Poisson onsets (mean gap 20 min), exponential durations (mean 2 min); overlapping
    // episodes merge, so the down fraction is the M/G/∞ busy probability.
    const fault: Fault = {
      kind: 'partition',
      nodes: { kind: 'all' },
      scope: 'each',
      direction: 'both',
      onset: { kind: 'poisson', meanGapUs: 1200 * S },
      duration: { kind: 'exponential', meanUs: 120 * S },
    };
    const expected = 1 - Math.exp(-120 / 1200);
    // Replications are independent: their spread is an honest standard error.
    const fractions = Array.from({ length: 8 }, (_, replication) => {
      const t = runOnce(simConfig({ nodes: 50, durationUs: 6 * 3600 * S, faults: [fault], replication })).tallies;
      return t.heartbeatsPartitioned / t.heartbeatsSent;
    });
    const m = meanInterval(fractions)!;
    expect(Math.abs(m.mean - expected)).toBeLessThan(Z * m.standardError);
  });
});

describe('bursty loss', () => {
  it('Gilbert–Elliott loss at the same average rate as Bernoulli loss causes far more false suspicions', () => {
    const base = { nodes: 25, durationUs: 24 * 3600 * S, detector: { kind: 'timeout' as const, timeoutUs: 2_500_000, deadAfterUs: Number.POSITIVE_INFINITY, checkIntervalUs: 0 } };
    const delay = { baseUs: 1_000, random: { kind: 'exponential' as const, meanUs: 2_000 } };
    const bernoulli = runOnce(simConfig({ ...base, link: { lossProbability: 0.01, duplicateProbability: 0, delay } })).tallies;
    // Simple Gilbert: mean burst 1/r = 4 messages, average loss p/(p + r) = 1 %.
    const r = 0.25;
    const p = (0.01 * r) / 0.99;
    const bursty = runOnce(
      simConfig({
        ...base,
        link: { lossProbability: 0, loss: { kind: 'gilbertElliott', enterBadProbability: p, leaveBadProbability: r, lossInGoodProbability: 0, lossInBadProbability: 1 }, duplicateProbability: 0, delay },
      }),
    ).tallies;
    const lossRate = (t: typeof bursty) => t.heartbeatsLost / t.heartbeatsSent;
    expect(Math.abs(lossRate(bursty) - 0.01)).toBeLessThan(0.002);
    const b = poissonCountInterval(bernoulli.falseSuspicions);
    const g = poissonCountInterval(bursty.falseSuspicions);
    // Bernoulli needs two independent losses (≈ p² per beat); a burst supplies them together.
    expect(bernoulli.falseSuspicions).toBeGreaterThan(100);
    expect(g.low / b.high).toBeGreaterThan(10);
    if (process.env.HBSIM_VERBOSE) console.log(`bursty/Bernoulli false suspicions: ${bursty.falseSuspicions}/${bernoulli.falseSuspicions}`);
  });
});

describe('CPU starvation and slow I/O', () => {
  it('a starvation window adding 4 s to every send suspects each node once, at the window start', () => {
    const t = withFaults([
      { kind: 'cpuStarvation', nodes: { kind: 'all' }, onset: { kind: 'at', atUs: 30 * S }, duration: { kind: 'constant', valueUs: 20 * S }, extraDelay: { kind: 'constant', valueUs: 4 * S } },
    ]).tallies;
    expect(t.falseSuspicions).toBe(50);
  });

  it('slow I/O on the heartbeat path delays detection of a crash by the I/O time', () => {
    const crash = [{ kind: 'crashAt' as const, nodes: { kind: 'all' as const }, atUs: 60 * S, downUs: null }];
    const plain = withFaults([], { nodes: 400, crashes: crash }).tallies;
    const slow = withFaults([{ kind: 'slowIo', nodes: { kind: 'all' }, extraDelay: { kind: 'constant', valueUs: 500_000 } }], { nodes: 400, crashes: crash }).tallies;
    // Same phases (common random numbers): every node's last heartbeat lands exactly 0.5 s
    // later. (The engine commits a send when its I/O starts, so a crash during the I/O
    // does not stop that heartbeat: a documented simplification.)
    const shifts = Array.from(slow.detectionLatenciesUs, (l, i) => l - plain.detectionLatenciesUs[i]!);
    expect(shifts).toHaveLength(400);
    expect(shifts.every((d) => d === 500_000)).toBe(true);
  });
});

describe('clocks', () => {
  it('a 50 ppm drift puts a monotonic clock 4.32 s ahead after one day, and steps move only the wall clock', () => {
    const clocks = new Clocks(1);
    clocks.setDrift(0, 50);
    const day = 86_400 * S;
    expect(clocks.monotonicUs(0, day) - day).toBe(4_320_000);
    clocks.step(0, -2 * S);
    expect(clocks.wallUs(0, day) - clocks.monotonicUs(0, day)).toBe(-2 * S);
    expect(clocks.trueInstantOf(0, clocks.monotonicUs(0, day), false, 0)).toBe(day);
  });

  it('an observer wall-clock step of +10 s accuses every node when the detector reads the wall clock, and none on the monotonic clock', () => {
    const step: Fault = { kind: 'clockStep', nodes: null, observer: true, onset: { kind: 'at', atUs: 30 * S }, stepUs: 10 * S };
    const detector = (clock: 'wall' | 'monotonic') => ({ kind: 'timeout' as const, timeoutUs: 3 * S, deadAfterUs: 6 * S, checkIntervalUs: 0, clock });
    const wall = withFaults([step], { detector: detector('wall') }).tallies;
    const monotonic = withFaults([step], { detector: detector('monotonic') }).tallies;
    expect(wall.falseSuspicions).toBe(50);
    expect(wall.falseDeaths).toBe(50);
    expect(monotonic.falseSuspicions).toBe(0);
  });
});

describe('crash models', () => {
  it('racks crash and recover together, and a restart delay lengthens every outage', () => {
    const run = runOnce(
      simConfig({
        nodes: 20,
        durationUs: 24 * 3600 * S,
        transitionLogLimit: 100_000,
        crashes: [{ kind: 'crashRecover', nodes: { kind: 'all' }, mttfUs: 3600 * S, mttrUs: 60 * S, restartDelayUs: 30 * S, rackSize: 5 }],
      }),
    );
    const log = run.log;
    const crashesAt = new Map<number, number[]>();
    const downSince = new Map<number, number>();
    const outages: number[] = [];
    for (let i = 0; i < log.length; i++) {
      if (log.kind[i] === 1) {
        crashesAt.set(log.timeUs[i]!, [...(crashesAt.get(log.timeUs[i]!) ?? []), log.pair[i]!]);
        downSince.set(log.pair[i]!, log.timeUs[i]!);
      } else if (log.kind[i] === 2) {
        outages.push(log.timeUs[i]! - downSince.get(log.pair[i]!)!);
      }
    }
    expect(crashesAt.size).toBeGreaterThan(20);
    for (const nodes of crashesAt.values()) {
      expect(nodes).toHaveLength(5);
      const rack = Math.floor(nodes[0]! / 5);
      expect(nodes.every((node) => Math.floor(node / 5) === rack)).toBe(true);
    }
    expect(Math.min(...outages)).toBeGreaterThanOrEqual(30 * S);
  });
});

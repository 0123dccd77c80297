/**
 * The skipping walk of the fixed-timeout detector against the engine. Worked cases where
 * nothing is random but the phases (drawn from the same streams) must agree exactly;
 * random cases must agree on every tally within 4 standard errors over independent
 * replications (two-sample, per-replication values).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SimConfig } from '../../../src/sim/config.js';
import type { DelayDistribution } from '../../../src/sim/random/distributions.js';
import type { RunTallies } from '../../../src/sim/metrics/recorder.js';
import { Simulation } from '../../../src/sim/engine/simulation.js';
import { runTimeoutWalk, timeoutWalkRefusal } from '../../../src/sim/skip/timeout-walk.js';
import { meanAndSe } from './stats.js';

const Z = 4;

function config(over: Partial<SimConfig> & { nodes?: number }): SimConfig {
  const nodes = over.nodes ?? 20;
  const { nodes: _n, ...rest } = over;
  return {
    seed: 'walk',
    replication: 0,
    durationUs: 3_600_000_000,
    warmupUs: 60_000_000,
    nodeNames: Array.from({ length: nodes }, (_, i) => `n${i}`),
    monitorName: 'monitor',
    heartbeat: { intervalUs: 1_000_000, jitter: { kind: 'constant', valueUs: 0 } },
    link: { lossProbability: 0.01, duplicateProbability: 0, delay: { baseUs: 1_000, random: { kind: 'exponential', meanUs: 2_000 } } },
    crashes: [],
    detector: { kind: 'timeout', timeoutUs: 3_000_000, deadAfterUs: 6_000_000, checkIntervalUs: 0 },
    transitionLogLimit: 0,
    ...rest,
  };
}

const scalar = (t: RunTallies) => ({
  upUs: t.upUs,
  upSuspectedUs: t.upSuspectedUs,
  falseSuspicions: t.falseSuspicions,
  falseDeaths: t.falseDeaths,
  heartbeatsSent: t.heartbeatsSent,
  heartbeatsDelivered: t.heartbeatsDelivered,
  heartbeatsLost: t.heartbeatsLost,
  flaps: t.flaps,
  mistakes: Array.from(t.mistakeDurationsUs),
});

describe('timeout walk: worked cases, exactly as the engine', () => {
  const cases: [string, Partial<SimConfig>][] = [
    ['no loss, constant delay, exact timers', { link: { lossProbability: 0, duplicateProbability: 0, delay: { baseUs: 1_000, random: { kind: 'constant', valueUs: 700 } } } }],
    [
      'no loss, constant delay, polling every 500 ms',
      {
        link: { lossProbability: 0, duplicateProbability: 0, delay: { baseUs: 1_000, random: { kind: 'constant', valueUs: 700 } } },
        detector: { kind: 'timeout', timeoutUs: 3_000_000, deadAfterUs: 6_000_000, checkIntervalUs: 500_000 },
      },
    ],
    ['every heartbeat lost: suspected and dead once, never trusted again', { link: { lossProbability: 1, duplicateProbability: 0, delay: { baseUs: 1_000, random: { kind: 'constant', valueUs: 0 } } } }],
    [
      'every heartbeat lost, polling, no warm-up',
      {
        warmupUs: 0,
        link: { lossProbability: 1, duplicateProbability: 0, delay: { baseUs: 1_000, random: { kind: 'constant', valueUs: 0 } } },
        detector: { kind: 'timeout', timeoutUs: 2_500_000, deadAfterUs: 2_500_000, checkIntervalUs: 700_000 },
      },
    ],
    ['every heartbeat late (constant delay beyond θ) but none missing', { link: { lossProbability: 0, duplicateProbability: 0, delay: { baseUs: 0, random: { kind: 'constant', valueUs: 2_500_000 } } } }],
    [
      'a constant delay past the timeout: the start-up suspicion only',
      { link: { lossProbability: 0, duplicateProbability: 0, delay: { baseUs: 0, random: { kind: 'constant', valueUs: 3_500_000 } } } , warmupUs: 0 },
    ],
  ];
  for (const [name, over] of cases) {
    it(name, () => {
      const c = config({ ...over, durationUs: 600_000_000, transitionLogLimit: 100 });
      expect(timeoutWalkRefusal(c)).toBeNull();
      const walk = runTimeoutWalk(c);
      const engine = new Simulation(c).run();
      expect(scalar(walk.tallies)).toEqual(scalar(engine.tallies));
      // The sample timeline too: the same transitions, in the same order.
      const entries = (log: typeof walk.log) =>
        Array.from({ length: log.length }, (_, i) => [log.timeUs[i], log.kind[i], log.pair[i], log.from[i], log.to[i], log.cause[i]]);
      expect(entries(walk.log)).toEqual(entries(engine.log));
    });
  }
});

describe('timeout walk: the same law as the engine (every tally within 4 SE)', () => {
  const cases: [string, Partial<SimConfig> & { nodes?: number }][] = [
    [
      '10 % loss, T = 2.5 s, exact timers',
      {
        link: { lossProbability: 0.1, duplicateProbability: 0, delay: { baseUs: 1_000, random: { kind: 'exponential', meanUs: 2_000 } } },
        detector: { kind: 'timeout', timeoutUs: 2_500_000, deadAfterUs: 4_000_000, checkIntervalUs: 0 },
      },
    ],
    [
      'bursty loss (5 %, bursts of 3), lognormal delay, polling every 500 ms',
      {
        link: {
          lossProbability: 0,
          loss: { kind: 'gilbertElliott', enterBadProbability: 0.0175, leaveBadProbability: 1 / 3, lossInGoodProbability: 0, lossInBadProbability: 1 },
          duplicateProbability: 0,
          delay: { baseUs: 5_000, random: { kind: 'lognormal', medianUs: 50_000, sigma: 1 } },
        },
        detector: { kind: 'timeout', timeoutUs: 3_000_000, deadAfterUs: 6_000_000, checkIntervalUs: 500_000 },
      },
    ],
    [
      'heavy-tailed Pareto delays (late heartbeats arrive after later ones), jitter, T = 2 s',
      {
        heartbeat: { intervalUs: 1_000_000, jitter: { kind: 'uniform', minUs: 0, maxUs: 20_000 } },
        link: { lossProbability: 0.03, duplicateProbability: 0, delay: { baseUs: 1_000, random: { kind: 'pareto', scaleUs: 20_000, shape: 1.2 } } },
        detector: { kind: 'timeout', timeoutUs: 2_000_000, deadAfterUs: 3_000_000, checkIntervalUs: 0 },
      },
    ],
  ];
  const R = 16;
  for (const [name, over] of cases) {
    it(name, () => {
      const { walk, engine } = agreeWithin4Se(over, R);
      const durations = (ts: RunTallies[]) => meanAndSe(ts.flatMap((t) => Array.from(t.mistakeDurationsUs)));
      const a = durations(walk);
      const b = durations(engine);
      expect(Math.abs(a.mean - b.mean), `mistake duration: walk ${a.mean}, engine ${b.mean}`).toBeLessThanOrEqual(Z * Math.hypot(a.se, b.se));
      expect(engine.reduce((s, t) => s + t.falseSuspicions, 0)).toBeGreaterThan(30); // the comparison has teeth
    });
  }
});

/** Walk and engine over R independent replications each (the walk draws differently by design): every tally within 4 SE. */
function agreeWithin4Se(over: Partial<SimConfig> & { nodes?: number }, R: number): { walk: RunTallies[]; engine: RunTallies[] } {
  const walk: RunTallies[] = [];
  const engine: RunTallies[] = [];
  for (let r = 0; r < R; r++) {
    walk.push(runTimeoutWalk(config({ ...over, replication: r })).tallies);
    engine.push(new Simulation(config({ ...over, replication: R + r })).run().tallies);
  }
  const fields: (keyof RunTallies)[] = ['upSuspectedUs', 'falseSuspicions', 'falseDeaths', 'heartbeatsSent', 'heartbeatsDelivered', 'heartbeatsLost', 'flaps'];
  for (const field of fields) {
    const a = meanAndSe(walk.map((t) => t[field] as number));
    const b = meanAndSe(engine.map((t) => t[field] as number));
    expect(Math.abs(a.mean - b.mean), `${field}: walk ${a.mean} ± ${a.se}, engine ${b.mean} ± ${b.se}`).toBeLessThanOrEqual(Z * Math.hypot(a.se, b.se) + 1e-9 * Math.abs(b.mean));
  }
  expect(walk.map((t) => t.upUs)).toEqual(engine.map((t) => t.upUs));
  return { walk, engine };
}

describe('timeout walk: property — the same law as the engine over random configurations', () => {
  const delay = fc.oneof(
    fc.record({ kind: fc.constant('exponential' as const), meanUs: fc.integer({ min: 500, max: 50_000 }) }),
    fc.record({ kind: fc.constant('lognormal' as const), medianUs: fc.integer({ min: 1_000, max: 100_000 }), sigma: fc.double({ min: 0.2, max: 1.5, noNaN: true }) }),
    fc.record({ kind: fc.constant('pareto' as const), scaleUs: fc.integer({ min: 1_000, max: 30_000 }), shape: fc.double({ min: 1.1, max: 3, noNaN: true }) }),
    fc.record({ kind: fc.constant('uniform' as const), minUs: fc.constant(0), maxUs: fc.integer({ min: 1_000, max: 900_000 }) }),
  ) as fc.Arbitrary<DelayDistribution>;
  it('every tally agrees within 4 SE (fixed fast-check seed)', () => {
    fc.assert(
      fc.property(
        fc.record({
          loss: fc.double({ min: 0.03, max: 0.2, noNaN: true }),
          bursty: fc.boolean(),
          delay,
          jitterMaxUs: fc.constantFrom(0, 20_000, 300_000),
          timeoutIntervals: fc.double({ min: 1.2, max: 3.5, noNaN: true }),
          checkIntervalUs: fc.constantFrom(0, 250_000, 500_000),
          warmupUs: fc.constantFrom(0, 30_000_000),
        }),
        (p) => {
          const intervalUs = 1_000_000;
          const timeoutUs = Math.round(p.timeoutIntervals * intervalUs);
          const loss = p.bursty
            ? { kind: 'gilbertElliott' as const, enterBadProbability: p.loss / (1 - p.loss) / 2, leaveBadProbability: 0.5, lossInGoodProbability: 0, lossInBadProbability: 1 }
            : undefined;
          agreeWithin4Se(
            {
              nodes: 10,
              durationUs: 1_200_000_000,
              warmupUs: p.warmupUs,
              heartbeat: { intervalUs, jitter: p.jitterMaxUs === 0 ? { kind: 'constant', valueUs: 0 } : { kind: 'uniform', minUs: 0, maxUs: p.jitterMaxUs } },
              link: { lossProbability: p.loss, ...(loss ? { loss } : {}), duplicateProbability: 0, delay: { baseUs: 1_000, random: p.delay } },
              detector: { kind: 'timeout', timeoutUs, deadAfterUs: 2 * timeoutUs, checkIntervalUs: p.checkIntervalUs },
            },
            10,
          );
        },
      ),
      { numRuns: 8, seed: 1, endOnFailure: true },
    );
  });
});

describe('timeout walk: scope', () => {
  it('refuses what it does not model', () => {
    expect(timeoutWalkRefusal(config({ crashes: [{ kind: 'crashAt', nodes: { kind: 'all' }, atUs: 5, downUs: null }] }))).toBeNull();
    expect(timeoutWalkRefusal(config({ crashes: [{ kind: 'crashRecover', nodes: { kind: 'all' }, mttfUs: 9e8, mttrUs: 6e7, rackSize: 4 }] }))).toMatch(/racks/);
    expect(timeoutWalkRefusal(config({ crashes: [{ kind: 'crashAt', nodes: { kind: 'all' }, atUs: 5.5, downUs: null }] }))).toMatch(/whole/);
    expect(timeoutWalkRefusal(config({ link: { lossProbability: 0, duplicateProbability: 0.1, delay: { baseUs: 0, random: { kind: 'constant', valueUs: 0 } } } }))).toMatch(/duplicated/);
    expect(timeoutWalkRefusal(config({ detector: { kind: 'nfdS', shiftUs: 100, confirmAfterUs: 0, checkIntervalUs: 0 } }))).toMatch(/fixed-timeout/);
    expect(() => runTimeoutWalk(config({ detector: { kind: 'timeout', timeoutUs: 500_000, deadAfterUs: 600_000, checkIntervalUs: 0 } }))).toThrow(/below zero/);
  });
});

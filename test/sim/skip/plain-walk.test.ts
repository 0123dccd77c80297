/**
 * The walk's lean path for plain nodes (src/sim/skip/plain-walk.ts) against its general
 * path (`{ general: true }`): the same draws in the same order, so the same run,
 * tally for tally, sample for sample and timeline entry for entry (`toStrictEqual`),
 * over random plain configurations: phases, intervals, timeouts and dead-after, exact
 * timers or polling, warm-up, Bernoulli loss from none to all, bounded jitter laws,
 * every delay law, base delays, heartbeats past the end, the timeline.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SimConfig } from '../../../src/sim/config.js';
import type { DelayDistribution } from '../../../src/sim/random/distributions.js';
import { plainWalkApplies, runTimeoutWalk, timeoutWalkRefusal } from '../../../src/sim/skip/timeout-walk.js';
import { runPathFor } from '../../../src/sim/run-once.js';

function config(over: Partial<SimConfig> & { nodes?: number }): SimConfig {
  const nodes = over.nodes ?? 20;
  const { nodes: _n, ...rest } = over;
  return {
    seed: 'plain',
    replication: 0,
    durationUs: 3_600_000_000,
    warmupUs: 0,
    nodeNames: Array.from({ length: nodes }, (_, i) => `node-${i}`),
    monitorName: 'monitor',
    heartbeat: { intervalUs: 1_000_000, jitter: { kind: 'constant', valueUs: 0 } },
    link: { lossProbability: 0.01, duplicateProbability: 0, delay: { baseUs: 1_000, random: { kind: 'exponential', meanUs: 2_000 } } },
    crashes: [],
    detector: { kind: 'timeout', timeoutUs: 3_000_000, deadAfterUs: 6_000_000, checkIntervalUs: 500_000 },
    transitionLogLimit: 0,
    ...rest,
  };
}

/** Both paths' runs, or the error each threw (an edge the laws refuse, e.g. a loss of 5e-324: the same on both). */
const both = (c: SimConfig) => {
  const attempt = (general: boolean) => {
    try {
      return runTimeoutWalk(c, undefined, { general });
    } catch (error) {
      return String(error);
    }
  };
  return { plain: attempt(false), general: attempt(true) };
};

describe('the lean path for plain nodes', () => {
  it('takes workload B and leaves faults, crashes, bursty loss and link classes to the general path', () => {
    const b = config({ nodes: 1000 });
    expect(runPathFor(b)).toBe('walk');
    expect(plainWalkApplies(b)).toBe(true);
    expect(plainWalkApplies(config({ crashes: [{ kind: 'crashAt', nodes: { kind: 'named', names: ['node-1'] }, atUs: 1_000_000, downUs: null }] as SimConfig['crashes'] }))).toBe(false);
    expect(plainWalkApplies(config({ link: { lossProbability: 0, loss: { kind: 'gilbertElliott', enterBadProbability: 0.01, leaveBadProbability: 0.5, lossInGoodProbability: 0, lossInBadProbability: 1 }, duplicateProbability: 0, delay: { baseUs: 1_000, random: { kind: 'constant', valueUs: 0 } } } as SimConfig['link'] }))).toBe(false);
    const far = { lossProbability: 0.02, duplicateProbability: 0, delay: { baseUs: 40_000, random: { kind: 'exponential', meanUs: 2_000 } } } as SimConfig['link'];
    expect(plainWalkApplies(config({ linkOverrides: [{ nodes: { kind: 'named', names: ['node-1'] }, toObserver: far }] as SimConfig['linkOverrides'] }))).toBe(false);
    // An override naming every node is one class again: plain.
    expect(plainWalkApplies(config({ nodes: 2, linkOverrides: [{ nodes: { kind: 'named', names: ['node-0', 'node-1'] }, toObserver: far }] as SimConfig['linkOverrides'] }))).toBe(true);
  });

  it('workload B (200 nodes, 1 h, with the timeline): the same run on both paths, with suspicions to compare', () => {
    const c = config({ nodes: 200, link: { lossProbability: 0.2, duplicateProbability: 0, delay: { baseUs: 1_000, random: { kind: 'exponential', meanUs: 2_000 } } }, transitionLogLimit: 500 });
    const plain = runTimeoutWalk(c);
    expect(plain.tallies.falseSuspicions).toBeGreaterThan(100);
    expect(plain.log.length).toBeGreaterThan(100);
    expect(plain).toStrictEqual(runTimeoutWalk(c, undefined, { general: true }));
  });

  it('late-heavy links (jitter and delay both late, late arrivals carried past later heartbeats): the same run on both paths', () => {
    // θ = T − I = 300 ms: a uniform jitter up to 800 ms is late by itself, a lognormal delay with a 250 ms median often.
    const c = config({
      nodes: 40,
      durationUs: 1_800_000_000,
      warmupUs: 30_000_000,
      heartbeat: { intervalUs: 1_000_000, jitter: { kind: 'uniform', minUs: 0, maxUs: 800_000 } },
      link: { lossProbability: 0.25, duplicateProbability: 0, delay: { baseUs: 5_000, random: { kind: 'lognormal', medianUs: 250_000, sigma: 1.2 } } },
      detector: { kind: 'timeout', timeoutUs: 1_300_000, deadAfterUs: 4_000_000, checkIntervalUs: 0 },
      transitionLogLimit: 2_000,
    });
    const plain = runTimeoutWalk(c);
    expect(plain.tallies.falseSuspicions).toBeGreaterThan(500);
    expect(plain).toStrictEqual(runTimeoutWalk(c, undefined, { general: true }));
  });

  it('heavy-tailed delays (an isolated late heartbeat lands seconds later, after a suspicion its group did not see): the same run on both paths', () => {
    const c = config({
      nodes: 300,
      durationUs: 3_600_000_000,
      link: { lossProbability: 0.03, duplicateProbability: 0, delay: { baseUs: 1_000, random: { kind: 'pareto', scaleUs: 30_000, shape: 0.9 } } },
      detector: { kind: 'timeout', timeoutUs: 2_500_000, deadAfterUs: 5_000_000, checkIntervalUs: 250_000 },
    });
    const plain = runTimeoutWalk(c);
    expect(plain.tallies.falseSuspicions).toBeGreaterThan(100);
    expect(plain).toStrictEqual(runTimeoutWalk(c, undefined, { general: true }));
  });

  const delayLaw: fc.Arbitrary<DelayDistribution> = fc.oneof(
    fc.record({ kind: fc.constant('exponential' as const), meanUs: fc.integer({ min: 0, max: 600_000 }) }),
    fc.record({ kind: fc.constant('constant' as const), valueUs: fc.integer({ min: 0, max: 3_000_000 }) }),
    fc.record({ kind: fc.constant('uniform' as const), minUs: fc.integer({ min: 0, max: 100_000 }), maxUs: fc.integer({ min: 100_000, max: 2_500_000 }) }),
    fc.record({ kind: fc.constant('lognormal' as const), medianUs: fc.integer({ min: 1_000, max: 300_000 }), sigma: fc.double({ min: 0.1, max: 2, noNaN: true }) }),
    fc.record({ kind: fc.constant('normal' as const), meanUs: fc.integer({ min: 0, max: 500_000 }), sdUs: fc.integer({ min: 1, max: 400_000 }) }),
    fc.record({ kind: fc.constant('pareto' as const), scaleUs: fc.integer({ min: 1_000, max: 100_000 }), shape: fc.double({ min: 1.1, max: 4, noNaN: true }) }),
  );
  const jitterLaw = (intervalUs: number): fc.Arbitrary<DelayDistribution> =>
    fc.oneof(
      fc.record({ kind: fc.constant('constant' as const), valueUs: fc.integer({ min: 0, max: intervalUs - 1 }) }),
      fc.integer({ min: 0, max: intervalUs - 1 }).map((maxUs) => ({ kind: 'uniform' as const, minUs: 0, maxUs })),
      fc.integer({ min: 2, max: intervalUs - 1 }).map((top) => ({ kind: 'empirical' as const, quantilesUs: [0, Math.floor(top / 2), top] })),
    );

  it('random plain configurations: tallies, samples and timeline equal the general path’s (property, 80 runs)', () => {
    const arb = fc
      .record({
        intervalUs: fc.integer({ min: 100_000, max: 2_000_000 }),
        // Whole multiples of the interval too: with constant laws, arrivals then fall exactly on the judging instants' edges.
        timeoutFactor: fc.oneof(fc.constantFrom(1, 2, 3, 2.5), fc.double({ min: 1, max: 6, noNaN: true }), fc.double({ min: 1, max: 1.5, noNaN: true })),
        deadAfter: fc.option(fc.double({ min: 1, max: 3, noNaN: true }), { nil: undefined }),
        polling: fc.boolean(),
        loss: fc.oneof(fc.constant(0), fc.constant(1), fc.double({ min: 0, max: 0.5, noNaN: true }), fc.double({ min: 0.01, max: 0.3, noNaN: true })),
        baseUs: fc.integer({ min: 0, max: 200_000 }),
        delay: fc.oneof(delayLaw, fc.constant({ kind: 'constant' as const, valueUs: 0 })),
        nodes: fc.integer({ min: 1, max: 12 }),
        durationS: fc.integer({ min: 1, max: 900 }),
        warmupS: fc.integer({ min: 0, max: 120 }),
        seed: fc.string({ minLength: 1, maxLength: 6 }),
        log: fc.constantFrom(0, 50, 2_000),
      })
      .chain((r) => jitterLaw(r.intervalUs).map((jitter) => ({ ...r, jitter })));
    let walked = 0;
    let suspicions = 0;
    fc.assert(
      fc.property(arb, (r) => {
        const T = Math.round(r.intervalUs * r.timeoutFactor);
        const c = config({
          seed: r.seed,
          nodes: r.nodes,
          durationUs: r.durationS * 1_000_000,
          warmupUs: Math.min(r.warmupS, r.durationS) * 1_000_000,
          heartbeat: { intervalUs: r.intervalUs, jitter: r.jitter },
          link: { lossProbability: r.loss, duplicateProbability: 0, delay: { baseUs: r.baseUs, random: r.delay } },
          detector: {
            kind: 'timeout',
            timeoutUs: T,
            deadAfterUs: r.deadAfter === undefined ? Number.POSITIVE_INFINITY : Math.round(T * r.deadAfter),
            checkIntervalUs: r.polling ? Math.round(r.intervalUs / 2) : 0,
          },
          transitionLogLimit: r.log,
        });
        if (timeoutWalkRefusal(c) !== null) return; // e.g. a jitter law the walk refuses
        expect(plainWalkApplies(c)).toBe(true);
        walked++;
        const { plain, general } = both(c);
        if (typeof plain !== 'string') suspicions += plain.tallies.falseSuspicions;
        expect(plain).toStrictEqual(general);
      }),
      { numRuns: 80, seed: 1205 },
    );
    expect(walked).toBeGreaterThan(60);
    expect(suspicions).toBeGreaterThan(50);
  });
});

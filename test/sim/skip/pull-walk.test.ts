/**
 * Pull health checks on the skipping walk (src/sim/skip/pull-walk.ts) against the
 * engine. Worked cases with nothing random but the faults and the probe phases (which
 * the walk takes from the engine's own streams) agree exactly — every tally and the
 * timeline, entry for entry; random cases (losses on both links, delay laws, timeouts
 * shorter and longer than the interval, crashes, pauses) agree on every tally and on
 * the mean detection latency and mistake duration within 4 standard errors, over
 * independent replications, in a fast-check property with a fixed seed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CrashFault, DetectorConfig, LinkConfig, SimConfig } from '../../../src/sim/config.js';
import { LogKind, type RunTallies } from '../../../src/sim/metrics/recorder.js';
import type { DelayDistribution } from '../../../src/sim/random/distributions.js';
import { pullWalkRefusal, runPullWalk } from '../../../src/sim/skip/pull-walk.js';
import { agreeWithin4Se as agreeWithin4SeOf, expectRefused, expectWalkEqualsEngine, S, senderPause, walkConfig, type Walker, type WalkCase } from './walk-vs-engine.js';

type PullCheck = Extract<DetectorConfig, { kind: 'pullCheck' }>;

const pullCheck = (over: Partial<PullCheck> = {}): PullCheck => ({
  kind: 'pullCheck',
  probeTimeoutUs: 1_000_000,
  unhealthyThreshold: 2,
  healthyThreshold: 3,
  deadThreshold: 4,
  schedule: 'fixedRate',
  checkIntervalUs: 0,
  ...over,
});

const link = (baseUs: number, random: DelayDistribution, lossProbability = 0): LinkConfig => ({ lossProbability, duplicateProbability: 0, delay: { baseUs, random } });

/** 10 nodes probed every 2 s, quiet links (constant delays, no loss): only the faults are random. */
const config = (over: WalkCase): SimConfig =>
  walkConfig('pull-walk', {
    heartbeat: { intervalUs: 2 * S, jitter: { kind: 'constant', valueUs: 0 } },
    link: link(1_000, { kind: 'constant', valueUs: 700 }),
    detector: pullCheck(),
    ...over,
  });

const crashAt = (atUs: number, downUs: number | null, nodes: CrashFault['nodes'] = { kind: 'all' }): CrashFault => ({ kind: 'crashAt', nodes, atUs, downUs });
const crashRecover = (mttfUs: number, mttrUs: number): CrashFault => ({ kind: 'crashRecover', nodes: { kind: 'all' }, mttfUs, mttrUs });

const PULL_WALK: Walker = { path: 'pullWalk', run: runPullWalk, refusal: pullWalkRefusal };

describe('pull walk: worked cases, exactly as the engine', () => {
  const cases: [string, WalkCase][] = [
    ['every node crashes at 100.3 s and restarts 20 s later (2 failures suspect, 4 kill, 3 successes restore)', { crashes: [crashAt(100_300_000, 20 * S)] }],
    ['crash/recover processes (mttf 60 s, mttr 5 s), no DEAD state', { crashes: [crashRecover(60 * S, 5 * S)], detector: pullCheck({ deadThreshold: Number.POSITIVE_INFINITY }) }],
    [
      'trusted again only after 6 successes, more than a segment holds: the segment grows until the node is trusted',
      { crashes: [crashRecover(80 * S, 7 * S)], detector: pullCheck({ unhealthyThreshold: 1, healthyThreshold: 6, deadThreshold: 2 }) },
    ],
    [
      'a crash with no restart, one before the first probe, one in the warm-up',
      { crashes: [crashAt(200 * S + 1, null, { kind: 'named', names: ['n1', 'n4'] }), crashAt(0, 7 * S + 3, { kind: 'named', names: ['n2'] }), crashAt(30 * S, 10 * S)] },
    ],
    [
      'pauses: probes wait in the socket and are answered on resume, late (a failure) or in time',
      { faults: [senderPause({ kind: 'periodic', periodUs: 50 * S }, { kind: 'constant', valueUs: 2_700_000 })], detector: pullCheck({ unhealthyThreshold: 1, healthyThreshold: 1 }) },
    ],
    [
      'a timeout longer than the interval (probes overlap) and 1.7 s pauses: replies of queued probes race the next probes',
      {
        heartbeat: { intervalUs: S, jitter: { kind: 'constant', valueUs: 0 } },
        faults: [senderPause({ kind: 'poisson', meanGapUs: 30 * S }, { kind: 'uniform', minUs: 500_000, maxUs: 4_000_000 })],
        detector: pullCheck({ probeTimeoutUs: 2_500_000, unhealthyThreshold: 1, healthyThreshold: 2, deadThreshold: 3 }),
      },
    ],
    [
      'crashes inside pauses (the queued probes die with the process), restarts inside pauses, and a pause past the end',
      {
        crashes: [crashAt(101 * S, 3 * S), crashAt(300 * S, 52 * S), crashAt(358 * S, 5 * S)],
        faults: [
          senderPause({ kind: 'periodic', periodUs: 50 * S }, { kind: 'constant', valueUs: 2_700_000 }),
          senderPause({ kind: 'at', atUs: 355 * S }, { kind: 'constant', valueUs: 10 * S }),
          senderPause({ kind: 'at', atUs: 3_590 * S }, { kind: 'constant', valueUs: 30 * S }),
        ],
        detector: pullCheck({ unhealthyThreshold: 1, healthyThreshold: 2 }),
      },
    ],
    [
      'a reverse link of its own, and a round trip always over the timeout: every probe fails',
      { reverseLink: link(300_000, { kind: 'constant', valueUs: 400_000 }), link: link(200_000, { kind: 'constant', valueUs: 200_000 }), crashes: [crashRecover(200 * S, 10 * S)] },
    ],
    [
      "nodes' clock drift and steps change nothing a pull check reads",
      {
        crashes: [crashRecover(90 * S, 4 * S)],
        faults: [
          { kind: 'clockDrift', nodes: { kind: 'all' }, observer: false, ppm: 500 },
          { kind: 'clockStep', nodes: { kind: 'all' }, observer: false, onset: { kind: 'periodic', periodUs: 100 * S }, stepUs: -4 * S },
        ],
      },
    ],
  ];
  for (const [name, over] of cases) {
    it(name, () => {
      const { engine } = expectWalkEqualsEngine(config({ durationUs: 900 * S, transitionLogLimit: 2_000, ...over }), PULL_WALK);
      // Each case must exercise something: verdicts move.
      expect(Array.from(engine.log.kind.subarray(0, engine.log.length))).toContain(LogKind.verdict);
    });
  }

  it('refuses what it does not model, with a reason', () => {
    const tcp: LinkConfig = { ...link(1_000, { kind: 'constant', valueUs: 0 }), transport: 'tcp' } as LinkConfig;
    const refusals: [Partial<SimConfig>, RegExp][] = [
      [{ detector: { kind: 'timeout', timeoutUs: 3 * S, deadAfterUs: 6 * S, checkIntervalUs: 0 } }, /only the pull check/],
      [{ detector: pullCheck({ schedule: 'afterCompletion' }) }, /completed/],
      [{ detector: pullCheck({ checkIntervalUs: 500_000 }) }, /polling/],
      [{ link: tcp }, /TCP/],
      [{ reverseLink: { ...link(1_000, { kind: 'constant', valueUs: 0 }), duplicateProbability: 0.01 } }, /duplicated/],
      [{ link: { ...link(1_000, { kind: 'constant', valueUs: 0 }), loss: { kind: 'gilbertElliott', enterBadProbability: 0.01, leaveBadProbability: 0.5, lossInGoodProbability: 0, lossInBadProbability: 1 } } }, /Gilbert/],
      [{ link: link(600_000, { kind: 'constant', valueUs: 0 }), reverseLink: link(600_000, { kind: 'constant', valueUs: 0 }) }, /exceed the probe timeout/],
      [{ crashes: [{ kind: 'crashRecover', nodes: { kind: 'all' }, mttfUs: 60 * S, mttrUs: 5 * S, rackSize: 2 }] }, /racks/],
      [{ faults: [{ kind: 'unhealthy', nodes: { kind: 'all' }, onset: { kind: 'at', atUs: S }, duration: { kind: 'constant', valueUs: S } } as never] }, /unhealthy/],
      [{ faults: [{ kind: 'clockDrift', nodes: null, observer: true, ppm: 100 }] }, /clockDrift/],
      [{ linkOverrides: [{ nodes: { kind: 'named', names: ['n1'] }, toObserver: link(5_000, { kind: 'constant', valueUs: 0 }) }] }, /overrides/],
    ];
    for (const [over, reason] of refusals) expectRefused(config(over), reason, PULL_WALK, JSON.stringify(over));
  });
});

const FIELDS: (keyof RunTallies)[] = [
  'upUs',
  'upSuspectedUs',
  'falseSuspicions',
  'falseDeaths',
  'crashes',
  'crashesUndetected',
  'heartbeatsSent',
  'heartbeatsDelivered',
  'heartbeatsLost',
  'probesSent',
  'flaps',
  'pauses',
  'pausesWithSuspicion',
];

/** Walk and engine over R independent replications each (the walk's 0..R−1, the engine's R..2R−1): every tally and the two means within 4 SE. */
const agreeWithin4Se = (over: WalkCase, R: number) =>
  agreeWithin4SeOf((r) => config({ ...over, replication: r }), R, FIELDS, true, PULL_WALK);

const delayLaws: DelayDistribution[] = [
  { kind: 'exponential', meanUs: 150_000 },
  { kind: 'lognormal', medianUs: 80_000, sigma: 1.2 },
  { kind: 'pareto', scaleUs: 20_000, shape: 1.6 },
  { kind: 'uniform', minUs: 0, maxUs: 700_000 },
];

describe('pull walk: the same law as the engine', () => {
  it('lossy links, heavy-tailed delays, crashes and pauses: every tally within 4 SE, and false suspicions happen', () => {
    const { walk } = agreeWithin4Se(
      {
        link: link(1_000, { kind: 'lognormal', medianUs: 60_000, sigma: 1.3 }, 0.03),
        reverseLink: link(2_000, { kind: 'exponential', meanUs: 100_000 }, 0.02),
        crashes: [crashRecover(600 * S, 30 * S)],
        faults: [senderPause({ kind: 'poisson', meanGapUs: 120 * S }, { kind: 'lognormal', medianUs: 700_000, sigma: 1 })],
        detector: pullCheck({ unhealthyThreshold: 2, healthyThreshold: 2, deadThreshold: 5 }),
      },
      12,
    );
    expect(walk.reduce((s, t) => s + t.falseSuspicions, 0)).toBeGreaterThan(50);
    expect(walk.reduce((s, t) => s + t.pausesWithSuspicion, 0)).toBeGreaterThan(0);
  });

  it('probes that overlap (a 2.5 s timeout, probes every second, Redis Sentinel-like): every tally within 4 SE', () => {
    agreeWithin4Se(
      {
        durationUs: 1_800 * S,
        heartbeat: { intervalUs: S, jitter: { kind: 'constant', valueUs: 0 } },
        link: link(1_000, { kind: 'pareto', scaleUs: 50_000, shape: 1.3 }, 0.04),
        reverseLink: link(1_000, { kind: 'exponential', meanUs: 200_000 }, 0.01),
        crashes: [crashRecover(500 * S, 10 * S)],
        detector: pullCheck({ probeTimeoutUs: 2_500_000, unhealthyThreshold: 1, healthyThreshold: 1, deadThreshold: 3 }),
      },
      10,
    );
  });

  it('skips: on an ALB-like cell (0.1 % loss each way, 1 ms delays, crashes) it draws under 5 % of the probes it counts', () => {
    const c = config({
      durationUs: 6 * 3_600 * S,
      heartbeat: { intervalUs: 10 * S, jitter: { kind: 'constant', valueUs: 0 } },
      link: link(1_000, { kind: 'exponential', meanUs: 1_000 }, 0.001),
      crashes: [crashRecover(12 * 3_600 * S, 600 * S)],
      detector: pullCheck({ probeTimeoutUs: 5 * S, unhealthyThreshold: 2, healthyThreshold: 5, deadThreshold: Number.POSITIVE_INFINITY }),
    });
    const stats = { drawnProbes: 0 };
    const t = runPullWalk(c, undefined, stats).tallies;
    expect(t.probesSent).toBeGreaterThan(20_000);
    expect(stats.drawnProbes).toBeGreaterThan(0);
    expect(stats.drawnProbes).toBeLessThan(0.05 * t.probesSent);
  });

  it('property: random losses, delay laws, timeouts (shorter or longer than the interval), thresholds, crashes and pauses (fixed fast-check seed)', () => {
    fc.assert(
      fc.property(
        fc.record({
          lossReply: fc.double({ min: 0, max: 0.08, noNaN: true }),
          lossRequest: fc.double({ min: 0, max: 0.08, noNaN: true }),
          replyLaw: fc.integer({ min: 0, max: delayLaws.length - 1 }),
          requestLaw: fc.integer({ min: 0, max: delayLaws.length - 1 }),
          intervalS: fc.constantFrom(1, 2, 5),
          timeoutS: fc.double({ min: 0.5, max: 3, noNaN: true }),
          unhealthy: fc.integer({ min: 1, max: 3 }),
          healthy: fc.integer({ min: 1, max: 4 }),
          crashes: fc.boolean(),
          pauses: fc.boolean(),
        }),
        (p) => {
          agreeWithin4Se(
            {
              durationUs: 1_800 * S,
              heartbeat: { intervalUs: p.intervalS * S, jitter: { kind: 'constant', valueUs: 0 } },
              link: link(1_000, delayLaws[p.replyLaw]!, p.lossReply),
              reverseLink: link(500, delayLaws[p.requestLaw]!, p.lossRequest),
              crashes: p.crashes ? [crashRecover(400 * S, 20 * S)] : [],
              faults: p.pauses ? [senderPause({ kind: 'poisson', meanGapUs: 90 * S }, { kind: 'lognormal', medianUs: 1_000_000, sigma: 0.8 })] : [],
              detector: pullCheck({ probeTimeoutUs: Math.round(p.timeoutS * S), unhealthyThreshold: p.unhealthy, healthyThreshold: p.healthy, deadThreshold: p.unhealthy + 2 }),
            },
            8,
          );
        },
      ),
      { numRuns: 6, seed: 12, endOnFailure: true },
    );
  });
});

/**
 * Crashes and restarts on the skipping walk against the engine. The crash processes
 * draw from the engine's own streams (src/sim/fast/crash-processes.ts), so worked cases
 * with nothing else random agree exactly — every tally, detection and dead latencies,
 * mistake durations and the timeline; random cases agree on every tally within 4
 * standard errors over independent replications.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CrashFault, SimConfig } from '../../../src/sim/config.js';
import { LogKind, type RunTallies } from '../../../src/sim/metrics/recorder.js';
import { Simulation } from '../../../src/sim/engine/simulation.js';
import { agreeWithin4Se as agreeBothWithin4Se, expectWalkEqualsEngine, S, senderPause, walkConfig, type WalkCase } from './walk-vs-engine.js';

const config = (over: WalkCase): SimConfig => walkConfig('walk-crashes', over);

const crashAt = (atUs: number, downUs: number | null, nodes: CrashFault['nodes'] = { kind: 'all' }): CrashFault => ({ kind: 'crashAt', nodes, atUs, downUs });
const crashRecover = (mttfUs: number, mttrUs: number, restartDelayUs?: number): CrashFault => ({
  kind: 'crashRecover',
  nodes: { kind: 'all' },
  mttfUs,
  mttrUs,
  ...(restartDelayUs === undefined ? {} : { restartDelayUs }),
});
const pause = senderPause;

describe('timeout walk with crashes: worked cases, exactly as the engine', () => {
  const quiet: Partial<SimConfig> = { link: { lossProbability: 0, duplicateProbability: 0, delay: { baseUs: 1_000, random: { kind: 'constant', valueUs: 700 } } } };
  const polling: SimConfig['detector'] = { kind: 'timeout', timeoutUs: 2 * S, deadAfterUs: 5 * S, checkIntervalUs: 500_000 };
  const cases: [string, Partial<SimConfig>][] = [
    ['every node crashes at 100.3 s and restarts 20 s later (sends at once, then on its new phase)', { ...quiet, crashes: [crashAt(100_300_000, 20 * S)] }],
    [
      'a constant 150 ms send jitter: a restart sends at once, without it',
      { ...quiet, heartbeat: { intervalUs: S, jitter: { kind: 'constant', valueUs: 150_000 } }, crashes: [crashRecover(100 * S, 2 * S)] },
    ],
    ['a crash with no restart, and one in the warm-up', { ...quiet, crashes: [crashAt(200 * S + 1, null, { kind: 'named', names: ['n1', 'n4'] }), crashAt(30 * S, 10 * S)] }],
    ['crash/recover processes (mttf 60 s, mttr 5 s + 2 s restart), polling every 500 ms', { ...quiet, crashes: [crashRecover(60 * S, 5 * S, 2 * S)], detector: polling }],
    ['two overlapping crash rules (a crash of a node already down changes nothing)', { ...quiet, crashes: [crashRecover(80 * S, 20 * S), crashRecover(120 * S, 3 * S)] }],
    ['a crash before the first heartbeat, never restarted (the node sends nothing)', { ...quiet, crashes: [crashAt(0, null, { kind: 'named', names: ['n2'] }), crashAt(0, 3 * S + 7, { kind: 'named', names: ['n3'] })] }],
    [
      'crashes with pauses (burst): a crash inside a pause, a restart inside one, both inside one',
      {
        ...quiet,
        // Crash at 101 s inside the pause [100, 102.7); restart at 352 s inside [350, 352.7); crash at 358 s and
        // restart at 363 s both inside [355, 365): the restarted process bursts only what it missed itself.
        crashes: [crashAt(101 * S, 3 * S), crashAt(300 * S, 52 * S), crashAt(358 * S, 5 * S)],
        faults: [pause({ kind: 'periodic', periodUs: 50 * S }, { kind: 'constant', valueUs: 2_700_000 }, 'burst'), pause({ kind: 'at', atUs: 355 * S }, { kind: 'constant', valueUs: 10 * S }, 'burst')],
      },
    ],
    [
      'crash/recover with GC pauses (skip), polling',
      { ...quiet, crashes: [crashRecover(90 * S, 4 * S)], faults: [pause({ kind: 'poisson', meanGapUs: 40 * S }, { kind: 'constant', valueUs: 2_500_000 })], detector: polling },
    ],
  ];
  for (const [name, over] of cases) {
    it(name, () => {
      const { engine } = expectWalkEqualsEngine(config({ ...over, durationUs: 600 * S, transitionLogLimit: 2_000 }));
      expect(Array.from(engine.log.kind.subarray(0, engine.log.length))).toContain(LogKind.crash);
    });
  }
});

const FIELDS: (keyof RunTallies)[] = [
  'upUs',
  'upSuspectedUs',
  'falseSuspicions',
  'falseDeaths',
  'crashes',
  'crashesUndetected',
  'crashesCensored',
  'heartbeatsSent',
  'heartbeatsDelivered',
  'heartbeatsLost',
  'heartbeatsMissedWhilePaused',
  'flaps',
  'pauses',
  'pausesWithSuspicion',
];

/** Walk and engine over R independent replications each: every tally, and the mean detection latency and mistake duration, within 4 SE. */
function agreeWithin4Se(over: WalkCase, R: number): void {
  const { walk } = agreeBothWithin4Se((r) => config({ ...over, replication: r }), R, FIELDS);
  // The crash processes are the engine's own draws: the same replication crashes alike on both paths.
  for (let r = 0; r < R; r++) {
    const a = config({ ...over, replication: r });
    const e = new Simulation(a).run().tallies;
    expect(walk[r]!.crashes).toBe(e.crashes);
    expect(walk[r]!.upUs).toBe(e.upUs);
  }
}

describe('timeout walk with crashes: the same law as the engine', () => {
  it('crash/recover with bursty loss, jitter and polling: every tally within 4 SE', () => {
    agreeWithin4Se(
      {
        crashes: [crashRecover(300 * S, 20 * S, 5 * S)],
        heartbeat: { intervalUs: S, jitter: { kind: 'uniform', minUs: 0, maxUs: 100_000 } },
        link: {
          lossProbability: 0,
          loss: { kind: 'gilbertElliott', enterBadProbability: 0.02, leaveBadProbability: 0.5, lossInGoodProbability: 0, lossInBadProbability: 1 },
          duplicateProbability: 0,
          delay: { baseUs: 1_000, random: { kind: 'exponential', meanUs: 20_000 } },
        },
        detector: { kind: 'timeout', timeoutUs: 3 * S, deadAfterUs: 6 * S, checkIntervalUs: 500_000 },
      },
      12,
    );
  });

  it('property: random crash rates, loss, jitter, timeouts, with and without pauses (fixed fast-check seed)', () => {
    fc.assert(
      fc.property(
        fc.record({
          loss: fc.double({ min: 0.005, max: 0.08, noNaN: true }),
          mttfS: fc.integer({ min: 60, max: 900 }),
          mttrS: fc.integer({ min: 0, max: 60 }),
          restartS: fc.integer({ min: 0, max: 10 }),
          pauses: fc.boolean(),
          burst: fc.boolean(),
          jitterMaxUs: fc.constantFrom(0, 20_000, 300_000),
          timeoutIntervals: fc.double({ min: 1.5, max: 4, noNaN: true }),
          checkIntervalUs: fc.constantFrom(0, 500_000),
        }),
        (p) => {
          const timeoutUs = Math.round(p.timeoutIntervals * S);
          agreeWithin4Se(
            {
              durationUs: 1_800 * S,
              heartbeat: { intervalUs: S, jitter: p.jitterMaxUs === 0 ? { kind: 'constant', valueUs: 0 } : { kind: 'uniform', minUs: 0, maxUs: p.jitterMaxUs } },
              link: { lossProbability: p.loss, duplicateProbability: 0, delay: { baseUs: 1_000, random: { kind: 'exponential', meanUs: 5_000 } } },
              crashes: [crashRecover(p.mttfS * S, p.mttrS * S, p.restartS * S)],
              faults: p.pauses ? [pause({ kind: 'poisson', meanGapUs: 60 * S }, { kind: 'lognormal', medianUs: 1_500_000, sigma: 0.8 }, p.burst ? 'burst' : 'skip')] : [],
              detector: { kind: 'timeout', timeoutUs, deadAfterUs: 2 * timeoutUs, checkIntervalUs: p.checkIntervalUs },
            },
            8,
          );
        },
      ),
      { numRuns: 6, seed: 12, endOnFailure: true },
    );
  });
});

/**
 * Sender pauses (stop-the-world GC) on the skipping walk against the engine. The pause
 * windows come from the same fault streams on both paths, so worked cases with nothing
 * else random agree exactly (tallies, pause attribution, timeline); random cases agree
 * on every tally within 4 standard errors over independent replications.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SimConfig } from '../../../src/sim/config.js';
import type { RunTallies } from '../../../src/sim/metrics/recorder.js';
import { runTimeoutWalk } from '../../../src/sim/skip/timeout-walk.js';
import { agreeWithin4Se as agreeBothWithin4Se, expectWalkEqualsEngine, S, senderPause, walkConfig, type WalkCase } from './walk-vs-engine.js';

const config = (over: WalkCase): SimConfig => walkConfig('walk-pauses', over);
const pause = senderPause;

const FIELDS: (keyof RunTallies)[] = [
  'upSuspectedUs',
  'falseSuspicions',
  'falseDeaths',
  'heartbeatsSent',
  'heartbeatsDelivered',
  'heartbeatsLost',
  'heartbeatsMissedWhilePaused',
  'flaps',
  'pauses',
  'pausesWithSuspicion',
  'pausedUs',
];

describe('timeout walk with sender pauses: worked cases, exactly as the engine', () => {
  const quiet: Partial<SimConfig> = { link: { lossProbability: 0, duplicateProbability: 0, delay: { baseUs: 1_000, random: { kind: 'constant', valueUs: 700 } } } };
  const cases: [string, WalkCase][] = [
    ['one 4.5 s pause at 100.3 s, missed beats skipped', { ...quiet, faults: [pause({ kind: 'at', atUs: 100_300_000 }, { kind: 'constant', valueUs: 4_500_000 })] }],
    ['one 4.5 s pause, missed beats sent at once on resume', { ...quiet, faults: [pause({ kind: 'at', atUs: 100_300_000 }, { kind: 'constant', valueUs: 4_500_000 }, 'burst')] }],
    [
      'periodic 2.2 s pauses every 40 s, polling every 500 ms',
      { ...quiet, faults: [pause({ kind: 'periodic', periodUs: 40 * S }, { kind: 'constant', valueUs: 2_200_000 })], detector: { kind: 'timeout', timeoutUs: 2 * S, deadAfterUs: 3 * S, checkIntervalUs: 500_000 } },
    ],
    ['a pause that outlasts the run (no resume)', { ...quiet, faults: [pause({ kind: 'at', atUs: 590 * S }, { kind: 'constant', valueUs: 60 * S })] }],
    [
      'two rules whose pauses overlap, and one in the warm-up',
      {
        ...quiet,
        faults: [pause({ kind: 'periodic', periodUs: 50 * S }, { kind: 'constant', valueUs: 3_300_000 }, 'burst'), pause({ kind: 'at', atUs: 30 * S }, { kind: 'constant', valueUs: 40 * S }, 'burst')],
      },
    ],
    [
      // A send in [104.6 s, 105 s) arrives in the second pause (a 400 ms delay): not the first pause's news when it
      // lands in the second, and the two windows join in one raw stretch when the second's first beat is near
      // (timeout-walk.ts newsAfterPauses and enterWindows, their rare branches).
      'two close pauses, 200 ms apart, a 400 ms delay: arrivals of the first pause’s end land in the second',
      {
        link: { lossProbability: 0, duplicateProbability: 0, delay: { baseUs: 1_000, random: { kind: 'constant', valueUs: 399_000 } } },
        faults: [pause({ kind: 'at', atUs: 100_300_000 }, { kind: 'constant', valueUs: 4_500_000 }), pause({ kind: 'at', atUs: 105_000_000 }, { kind: 'constant', valueUs: 4_000_000 })],
        nodes: 40,
      },
    ],
  ];
  for (const [name, over] of cases) {
    it(name, () => {
      const { engine } = expectWalkEqualsEngine(config({ ...over, durationUs: 600 * S, transitionLogLimit: 1_000 }));
      expect(engine.tallies.pauses).toBeGreaterThan(0);
    });
  }
});

/** Walk and engine over R independent replications each: every tally within 4 SE, and the same up-time (no crashes here). */
function agreeWithin4Se(over: WalkCase, R: number): void {
  const { walk, engine } = agreeBothWithin4Se((r) => config({ ...over, replication: r }), R, FIELDS, false);
  expect(walk.map((t) => t.upUs)).toEqual(engine.map((t) => t.upUs));
}

describe('timeout walk with sender pauses: the same law as the engine', () => {
  it('GC pauses (Poisson, lognormal) with bursty loss, polling: every tally within 4 SE', () => {
    agreeWithin4Se(
      {
        faults: [pause({ kind: 'poisson', meanGapUs: 120 * S }, { kind: 'lognormal', medianUs: 1_500_000, sigma: 1 })],
        link: {
          lossProbability: 0,
          loss: { kind: 'gilbertElliott', enterBadProbability: 0.02, leaveBadProbability: 0.5, lossInGoodProbability: 0, lossInBadProbability: 1 },
          duplicateProbability: 0,
          delay: { baseUs: 1_000, random: { kind: 'exponential', meanUs: 20_000 } },
        },
        detector: { kind: 'timeout', timeoutUs: 3 * S, deadAfterUs: 6 * S, checkIntervalUs: 500_000 },
      },
      16,
    );
  });

  it('property: random pause laws, resume modes, loss and jitter (fixed fast-check seed)', () => {
    fc.assert(
      fc.property(
        fc.record({
          loss: fc.double({ min: 0.005, max: 0.08, noNaN: true }),
          bursty: fc.boolean(),
          burst: fc.boolean(),
          meanGapS: fc.integer({ min: 30, max: 300 }),
          medianMs: fc.integer({ min: 200, max: 3_000 }),
          sigma: fc.double({ min: 0.2, max: 1.2, noNaN: true }),
          jitterMaxUs: fc.constantFrom(0, 20_000, 300_000),
          timeoutIntervals: fc.double({ min: 1.5, max: 4, noNaN: true }),
          checkIntervalUs: fc.constantFrom(0, 500_000),
        }),
        (p) => {
          const timeoutUs = Math.round(p.timeoutIntervals * S);
          const loss = p.bursty
            ? { kind: 'gilbertElliott' as const, enterBadProbability: p.loss / (1 - p.loss) / 2, leaveBadProbability: 0.5, lossInGoodProbability: 0, lossInBadProbability: 1 }
            : undefined;
          agreeWithin4Se(
            {
              durationUs: 1_800 * S,
              heartbeat: { intervalUs: S, jitter: p.jitterMaxUs === 0 ? { kind: 'constant', valueUs: 0 } : { kind: 'uniform', minUs: 0, maxUs: p.jitterMaxUs } },
              link: { lossProbability: p.loss, ...(loss ? { loss } : {}), duplicateProbability: 0, delay: { baseUs: 1_000, random: { kind: 'exponential', meanUs: 5_000 } } },
              faults: [pause({ kind: 'poisson', meanGapUs: p.meanGapS * S }, { kind: 'lognormal', medianUs: p.medianMs * 1_000, sigma: p.sigma }, p.burst ? 'burst' : 'skip')],
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

describe('timeout walk, pausesOnly (the pause-survival search): the pause tallies draw for draw', () => {
  it('property: pauses and pausesWithSuspicion equal a full walk’s, every other tally partial (fixed fast-check seed)', () => {
    let stoppedEarly = 0;
    fc.assert(
      fc.property(
        fc.record({
          loss: fc.double({ min: 0.005, max: 0.2, noNaN: true }),
          burst: fc.boolean(),
          atS: fc.integer({ min: 20, max: 40 }),
          pauseMs: fc.integer({ min: 100, max: 8_000 }),
          jitterMaxUs: fc.constantFrom(0, 300_000),
          timeoutIntervals: fc.double({ min: 1.5, max: 6, noNaN: true }),
          checkIntervalUs: fc.constantFrom(0, 500_000),
          pareto: fc.boolean(),
        }),
        (p) => {
          const timeoutUs = Math.round(p.timeoutIntervals * S);
          // As a probe: one pause per node at a uniform instant, then a long margin.
          const c = config({
            nodes: 60,
            durationUs: 120 * S,
            warmupUs: 15 * S,
            heartbeat: { intervalUs: S, jitter: p.jitterMaxUs === 0 ? { kind: 'constant', valueUs: 0 } : { kind: 'uniform', minUs: 0, maxUs: p.jitterMaxUs } },
            link: { lossProbability: p.loss, duplicateProbability: 0, delay: { baseUs: 1_000, random: p.pareto ? { kind: 'pareto', scaleUs: 20_000, shape: 1.2 } : { kind: 'exponential', meanUs: 5_000 } } },
            faults: [pause({ kind: 'uniformOnce', fromUs: p.atS * S, toUs: (p.atS + 10) * S }, { kind: 'constant', valueUs: p.pauseMs * 1_000 }, p.burst ? 'burst' : 'skip')],
            detector: { kind: 'timeout', timeoutUs, deadAfterUs: 2 * timeoutUs, checkIntervalUs: p.checkIntervalUs },
          });
          const full = runTimeoutWalk(c).tallies;
          const probe = runTimeoutWalk(c, undefined, { pausesOnly: true }).tallies;
          expect(probe.pauses).toBe(full.pauses);
          expect(probe.pausesWithSuspicion).toBe(full.pausesWithSuspicion);
          if (probe.heartbeatsSent < full.heartbeatsSent) stoppedEarly++;
        },
      ),
      { numRuns: 25, seed: 7, endOnFailure: true },
    );
    expect(stoppedEarly).toBeGreaterThan(20); // it did stop early
  });
});

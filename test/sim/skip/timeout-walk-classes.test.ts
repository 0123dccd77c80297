/**
 * Per-link classes (link overrides), slow I/O, CPU starvation and the nodes' clock faults on the skipping walk,
 * against the engine: worked cases with nothing random but the schedule agree exactly
 * (every tally, the timeline); random cases agree on every tally within 4 standard
 * errors over independent replications, in a fast-check property with a fixed seed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Fault, LinkConfig, SimConfig } from '../../../src/sim/config.js';
import type { RunTallies } from '../../../src/sim/metrics/recorder.js';
import { timeoutWalkRefusal } from '../../../src/sim/skip/timeout-walk.js';
import { agreeWithin4Se as agreeBothWithin4Se, expectWalkEqualsEngine, expectWithin4Se, S, walkConfig, type WalkCase } from './walk-vs-engine.js';

const config = (over: WalkCase): SimConfig => walkConfig('walk-classes', over);

const named = (...names: string[]) => ({ kind: 'named' as const, names });
const constantLink = (baseUs: number, randomUs: number, lossProbability = 0): LinkConfig => ({
  lossProbability,
  duplicateProbability: 0,
  delay: { baseUs, random: { kind: 'constant', valueUs: randomUs } },
});
/** A worked case: equal to the engine on every tally and the timeline; the engine's tallies. */
const expectEqualToEngine = (c: SimConfig): RunTallies => expectWalkEqualsEngine(c).engine.tallies;

describe('timeout walk with link classes, slow I/O and node clock faults: worked cases, exactly as the engine', () => {
  const quiet = constantLink(1_000, 700);
  it('three link classes: a near zone, a far one (late but within T − I), a dead link; the last override wins', () => {
    const c = config({
      durationUs: 600 * S,
      transitionLogLimit: 2_000,
      link: quiet,
      linkOverrides: [
        { nodes: named('n1', 'n2', 'n3'), toObserver: constantLink(80_000, 900_000) },
        { nodes: named('n3', 'n4'), toObserver: constantLink(5_000, 0, 1) },
        { nodes: named('n5'), fromObserver: constantLink(1, 1, 1) }, // the reverse link carries nothing here
      ],
      crashes: [{ kind: 'crashAt', nodes: named('n1', 'n6'), atUs: 200_300_000, downUs: 30 * S }],
    });
    const tallies = expectEqualToEngine(c);
    // n3 and n4 lose every heartbeat (suspected from 3 s on, before the warm-up ends); n0, n2 and n5 never are.
    for (const pair of [3, 4]) expect(tallies.perPairUpSuspectedUs[pair]).toBe(tallies.perPairUpUs[pair]);
    for (const pair of [0, 2, 5]) expect(tallies.perPairUpSuspectedUs[pair]).toBe(0);
    expect(tallies.detectionLatenciesUs.length).toBe(2);
  });

  it('node clock drift and wall-clock steps change no verdict of a fixed timeout (the wall clock on the observer too)', () => {
    const faults: Fault[] = [
      { kind: 'clockDrift', nodes: { kind: 'all' }, observer: false, ppm: 500 },
      { kind: 'clockStep', nodes: named('n2', 'n7'), observer: false, onset: { kind: 'periodic', periodUs: 100 * S }, stepUs: -4 * S },
      { kind: 'senderPause', nodes: named('n7'), onset: { kind: 'at', atUs: 250_500_000 }, duration: { kind: 'constant', valueUs: 5 * S }, afterPause: 'skip' },
    ];
    for (const clock of ['monotonic', 'wall'] as const) {
      const c = config({ durationUs: 600 * S, transitionLogLimit: 2_000, link: quiet, faults, detector: { kind: 'timeout', timeoutUs: 3 * S, deadAfterUs: 6 * S, checkIntervalUs: 0, clock } });
      expect(expectEqualToEngine(c).falseSuspicions).toBe(1); // the pause
    }
  });

  it('slow I/O: a constant extra delay on some nodes (one of them late on every send), the last rule wins', () => {
    const slow = (names: string[], valueUs: number): Fault => ({ kind: 'slowIo', nodes: named(...names), extraDelay: { kind: 'constant', valueUs } });
    const c = config({
      durationUs: 600 * S,
      transitionLogLimit: 2_000,
      link: quiet,
      faults: [slow(['n1', 'n2', 'n3'], 300_000), slow(['n3'], 2_500_000)],
      crashes: [{ kind: 'crashAt', nodes: named('n2', 'n3'), atUs: 200_300_000, downUs: 30 * S }],
    });
    const tallies = expectEqualToEngine(c);
    expect(tallies.detectionLatenciesUs.length).toBe(2);
  });

  it('CPU starvation windows: every send within one waits an extra delay (late enough to suspect), with pauses, crashes and slow I/O', () => {
    const starve = (names: string[], periodUs: number, durationUs: number, valueUs: number): Fault => ({
      kind: 'cpuStarvation',
      nodes: named(...names),
      onset: { kind: 'periodic', periodUs },
      duration: { kind: 'constant', valueUs: durationUs },
      extraDelay: { kind: 'constant', valueUs },
    });
    const c = config({
      durationUs: 600 * S,
      transitionLogLimit: 2_000,
      link: quiet,
      faults: [
        starve(['n1', 'n2', 'n3'], 70 * S, 8_300_000, 2_600_000),
        starve(['n4', 'n5'], 45 * S, 20 * S, 400_000),
        { kind: 'senderPause', nodes: named('n2', 'n5'), onset: { kind: 'periodic', periodUs: 90 * S }, duration: { kind: 'constant', valueUs: 4_100_000 }, afterPause: 'burst' },
        { kind: 'slowIo', nodes: named('n3', 'n5'), extraDelay: { kind: 'constant', valueUs: 150_000 } },
      ],
      crashes: [{ kind: 'crashAt', nodes: named('n1', 'n4'), atUs: 142_300_000, downUs: 9 * S }],
    });
    const tallies = expectEqualToEngine(c);
    expect(tallies.falseSuspicions).toBeGreaterThan(10); // the 2.6 s waits, and the pauses
  });

  it('refuses what couples nodes or cannot be skipped', () => {
    const starve: Fault = { kind: 'cpuStarvation', nodes: named('n1'), onset: { kind: 'periodic', periodUs: S }, duration: { kind: 'constant', valueUs: 1 }, extraDelay: { kind: 'constant', valueUs: 1 } };
    expect(timeoutWalkRefusal(config({ faults: [starve, { ...starve, nodes: { kind: 'all' } }] }))).toMatch(/two CPU starvation rules/);
    const observerDrift: Fault = { kind: 'clockDrift', nodes: null, observer: true, ppm: 100 };
    expect(timeoutWalkRefusal(config({ faults: [observerDrift] }))).toMatch(/observer/);
    const tcp: LinkConfig = { ...constantLink(1_000, 0), transport: 'tcp' } as LinkConfig;
    expect(timeoutWalkRefusal(config({ linkOverrides: [{ nodes: named('n1'), toObserver: tcp }] }))).toMatch(/TCP/);
    const dup: LinkConfig = { ...constantLink(1_000, 0), duplicateProbability: 0.01 };
    expect(timeoutWalkRefusal(config({ linkOverrides: [{ nodes: named('n1'), toObserver: dup }] }))).toMatch(/duplicated/);
    expect(timeoutWalkRefusal(config({ linkOverrides: [{ nodes: named('n1'), fromObserver: dup }] }))).toBeNull();
  });
});

const FIELDS: (keyof RunTallies)[] = [
  'upUs',
  'upSuspectedUs',
  'falseSuspicions',
  'falseDeaths',
  'crashes',
  'heartbeatsSent',
  'heartbeatsDelivered',
  'heartbeatsLost',
  'heartbeatsMissedWhilePaused',
  'flaps',
  'pausesWithSuspicion',
];
function agreeWithin4Se(over: WalkCase, R: number): void {
  const { walk, engine } = agreeBothWithin4Se((r) => config({ ...over, replication: r }), R, FIELDS);
  // Per-pair false suspicions: the classes' own rates, not only the total.
  for (const pair of [0, 1, 2, 9]) expectWithin4Se(`false suspicions of n${pair}`, walk.map((t) => t.perPairFalseSuspicions[pair]!), engine.map((t) => t.perPairFalseSuspicions[pair]!));
}

describe('timeout walk with link classes and slow I/O: the same law as the engine', () => {
  it('property: per-class loss models and delay laws, slow I/O, CPU starvation, with crashes and pauses (fixed fast-check seed)', () => {
    const delayLaw = fc.oneof(
      fc.record({ kind: fc.constant('exponential' as const), meanUs: fc.integer({ min: 1_000, max: 200_000 }) }),
      fc.record({ kind: fc.constant('lognormal' as const), medianUs: fc.integer({ min: 1_000, max: 200_000 }), sigma: fc.double({ min: 0.3, max: 1.5, noNaN: true }) }),
      fc.record({ kind: fc.constant('pareto' as const), scaleUs: fc.integer({ min: 1_000, max: 50_000 }), shape: fc.double({ min: 1.5, max: 3, noNaN: true }) }),
    );
    const link = fc.record({ loss: fc.double({ min: 0.005, max: 0.1, noNaN: true }), bursty: fc.boolean(), baseUs: fc.integer({ min: 0, max: 100_000 }), delay: delayLaw });
    const linkOf = (l: { loss: number; bursty: boolean; baseUs: number; delay: LinkConfig['delay']['random'] }): LinkConfig => ({
      lossProbability: l.loss,
      ...(l.bursty ? { loss: { kind: 'gilbertElliott' as const, enterBadProbability: l.loss / (1 - l.loss) / 2, leaveBadProbability: 0.5, lossInGoodProbability: 0, lossInBadProbability: 1 } } : {}),
      duplicateProbability: 0,
      delay: { baseUs: l.baseUs, random: l.delay },
    });
    fc.assert(
      fc.property(fc.record({ near: link, far: link, crashes: fc.boolean(), pauses: fc.boolean(), slowIo: fc.option(delayLaw, { nil: null }), starvation: fc.option(fc.record({ kind: fc.constant('exponential' as const), meanUs: fc.integer({ min: 100_000, max: 2_000_000 }) }), { nil: null }), checkIntervalUs: fc.constantFrom(0, 500_000) }), (p) => {
        agreeWithin4Se(
          {
            durationUs: 1_800 * S,
            heartbeat: { intervalUs: S, jitter: { kind: 'uniform', minUs: 0, maxUs: 50_000 } },
            linkOverrides: [
              { nodes: named('n0', 'n3', 'n4', 'n5'), toObserver: linkOf(p.near) },
              { nodes: named('n1', 'n6', 'n7', 'n8'), toObserver: linkOf(p.far) },
            ],
            crashes: p.crashes ? [{ kind: 'crashRecover', nodes: { kind: 'all' }, mttfUs: 600 * S, mttrUs: 20 * S }] : [],
            faults: [
              ...(p.pauses ? [{ kind: 'senderPause' as const, nodes: { kind: 'all' as const }, onset: { kind: 'poisson' as const, meanGapUs: 120 * S }, duration: { kind: 'lognormal' as const, medianUs: 1_500_000, sigma: 0.8 }, afterPause: 'skip' as const }] : []),
              // Slow I/O on one node of each class and one of the default link (fsync before send).
              ...(p.slowIo === null ? [] : [{ kind: 'slowIo' as const, nodes: named('n0', 'n1', 'n2'), extraDelay: p.slowIo }]),
              // CPU starvation windows on a few nodes of each class.
              ...(p.starvation === null
                ? []
                : [{ kind: 'cpuStarvation' as const, nodes: named('n0', 'n1', 'n9'), onset: { kind: 'poisson' as const, meanGapUs: 200 * S }, duration: { kind: 'exponential' as const, meanUs: 20 * S }, extraDelay: p.starvation }]),
            ],
            detector: { kind: 'timeout', timeoutUs: 2_500_000, deadAfterUs: 5 * S, checkIntervalUs: p.checkIntervalUs },
          },
          8,
        );
      }),
      { numRuns: 6, seed: 21, endOnFailure: true },
    );
  });
});

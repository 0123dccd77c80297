/**
 * NFD-S on the skipping walk (src/sim/skip/nfd-s-walk.ts) against the engine. Worked
 * cases with nothing random but the crash processes and the phases (which the walk takes
 * from the engine's own streams) agree exactly — every tally and the timeline, entry for
 * entry; random cases (Bernoulli and Gilbert–Elliott losses, delay and jitter laws, shifts
 * δ from the threshold's edge to several intervals, confirm-after, polling, crashes)
 * agree on every tally and on the mean detection latency and mistake duration within
 * 4 standard errors over independent replications, in a fast-check property with a fixed
 * seed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CrashFault, DetectorConfig, LinkConfig, SimConfig } from '../../../src/sim/config.js';
import { LogKind, type RunTallies } from '../../../src/sim/metrics/recorder.js';
import type { DelayDistribution } from '../../../src/sim/random/distributions.js';
import { heartbeatPhaseUs } from '../../../src/sim/fast/node-streams.js';
import { nfdSWalkRefusal, runNfdSWalk, runNfdSWalkWithStats } from '../../../src/sim/skip/nfd-s-walk.js';
import { Status } from '../../../src/sim/status.js';
import { agreeWithin4Se as agreeWithin4SeOf, expectRefused, expectWalkEqualsEngine, S, senderPause, walkConfig, type Walker, type WalkCase } from './walk-vs-engine.js';

type NfdS = Extract<DetectorConfig, { kind: 'nfdS' }>;

const nfdS = (over: Partial<NfdS> = {}): NfdS => ({ kind: 'nfdS', shiftUs: 500_000, confirmAfterUs: 2 * S, checkIntervalUs: 0, ...over });

const link = (baseUs: number, random: DelayDistribution, lossProbability = 0): LinkConfig => ({ lossProbability, duplicateProbability: 0, delay: { baseUs, random } });

/** 10 nodes beating every second over quiet links (constant delays, no loss): only the crashes are random. */
const config = (over: WalkCase): SimConfig =>
  walkConfig('nfd-s-walk', {
    heartbeat: { intervalUs: S, jitter: { kind: 'constant', valueUs: 0 } },
    link: link(1_000, { kind: 'constant', valueUs: 700 }),
    detector: nfdS(),
    ...over,
  });

const crashAt = (atUs: number, downUs: number | null, nodes: CrashFault['nodes'] = { kind: 'all' }): CrashFault => ({ kind: 'crashAt', nodes, atUs, downUs });
const crashRecover = (mttfUs: number, mttrUs: number): CrashFault => ({ kind: 'crashRecover', nodes: { kind: 'all' }, mttfUs, mttrUs });

/** Node `name`'s heartbeat phase in these tests (the engine's own draw): its sends are at phase + k s. */
const phaseOf = (name: string) => heartbeatPhaseUs({ seed: 'nfd-s-walk', replication: 0 }, name, S);

const NFD_S_WALK: Walker = { path: 'nfdSWalk', run: (c) => runNfdSWalk(c), refusal: nfdSWalkRefusal };

describe('NFD-S walk: worked cases, exactly as the engine', () => {
  const cases: [string, WalkCase][] = [
    ['every node crashes at 100.3 s and restarts 20 s later', { crashes: [crashAt(100_300_000, 20 * S)] }],
    ['crash/recover processes (mttf 60 s, mttr 5 s), no DEAD state', { crashes: [crashRecover(60 * S, 5 * S)], detector: nfdS({ confirmAfterUs: Number.POSITIVE_INFINITY }) }],
    [
      'a crash with no restart, one before the first heartbeat, one in the warm-up, one at a heartbeat’s very send instant (it cancels the send) and one a microsecond after',
      {
        crashes: [
          crashAt(200 * S + 1, null, { kind: 'named', names: ['n1', 'n4'] }),
          crashAt(0, 7 * S + 3, { kind: 'named', names: ['n2'] }),
          crashAt(30 * S, 10 * S, { kind: 'named', names: ['n6'] }),
          crashAt(phaseOf('n3') + 300 * S + 400_000, 10 * S, { kind: 'named', names: ['n3'] }),
          crashAt(phaseOf('n5') + 300 * S + 400_001, 10 * S, { kind: 'named', names: ['n5'] }),
        ],
        heartbeat: { intervalUs: S, jitter: { kind: 'constant', valueUs: 400_000 } },
      },
    ],
    [
      'crashes and restarts sooner than an interval (the restart lattice starts afresh) with a 0.4 s send jitter',
      { heartbeat: { intervalUs: S, jitter: { kind: 'constant', valueUs: 400_000 } }, crashes: [crashRecover(30 * S, 300_000)], detector: nfdS({ shiftUs: 450_000, confirmAfterUs: 0 }) },
    ],
    [
      'a delay beyond the shift: every heartbeat is late, suspected 149 ms before each arrival restores trust',
      { link: link(1_000, { kind: 'constant', valueUs: 248_000 }), detector: nfdS({ shiftUs: 100_000 }), crashes: [crashRecover(300 * S, 10 * S)] },
    ],
    [
      'arrivals after their own freshness point (3 s delay, δ = 0.5 s, DEAD 2 s after F): stale news moves DEAD back to SUSPECTED each second',
      { link: link(1_000, { kind: 'constant', valueUs: 3 * S }), detector: nfdS({ confirmAfterUs: 2 * S }) },
    ],
    [
      'polling rounds every 700 ms (a suspicion is seen at the next round, trust at the arrival)',
      { crashes: [crashRecover(90 * S, 6 * S)], detector: nfdS({ checkIntervalUs: 700_000, confirmAfterUs: 3 * S }) },
    ],
    [
      'a shift at the threshold’s edge (θ = δ − b − 1 = the delay): every heartbeat ordinary, only crashes and edges drawn',
      { link: link(1_000, { kind: 'constant', valueUs: 98_999 }), detector: nfdS({ shiftUs: 100_000 }), crashes: [crashRecover(120 * S, 3 * S)] },
    ],
    [
      'stale news under polling rounds every 5 s, no warm-up: an arrival never moves a verdict up (the first stale one finds the books still ALIVE), only a round does',
      { warmupUs: 0, link: link(1_000, { kind: 'constant', valueUs: 3 * S }), detector: nfdS({ checkIntervalUs: 5 * S }) },
    ],
    [
      "the nodes' clocks drift (−400 ppm on half the nodes, +300 ppm on the rest): σ is stamped on the node's clock, so a crash is suspected up to 1.44 s sooner (slow clock) or 1.08 s later (fast one) within the hour",
      {
        durationUs: 3_600 * S,
        link: link(1_000, { kind: 'constant', valueUs: 300 }),
        detector: nfdS({ shiftUs: 1_500_000 }),
        crashes: [crashRecover(900 * S, 5 * S)],
        faults: [
          { kind: 'clockDrift', nodes: { kind: 'all' }, observer: false, ppm: 300 },
          { kind: 'clockDrift', nodes: { kind: 'named', names: ['n0', 'n2', 'n4', 'n6', 'n8'] }, observer: false, ppm: -400 },
        ],
      },
    ],
    [
      'link classes: two overrides (a slow link whose delay is beyond the shift, a lossless fast one), the last naming a node wins',
      {
        crashes: [crashRecover(200 * S, 4 * S)],
        linkOverrides: [
          { nodes: { kind: 'named', names: ['n1', 'n2', 'n3'] }, toObserver: link(300_000, { kind: 'constant', valueUs: 250_000 }) },
          { nodes: { kind: 'named', names: ['n3', 'n7'] }, toObserver: link(200, { kind: 'constant', valueUs: 100 }) },
        ],
      },
    ],
    [
      'sender pauses (2.7 s every 50 s, timers skip what they missed): suspected δ + I after the last send before the pause, news at the first arrival after it',
      { faults: [senderPause({ kind: 'periodic', periodUs: 50 * S }, { kind: 'constant', valueUs: 2_700_000 })] },
    ],
    [
      'sender pauses with bursting timers, a shift of four intervals, 3.5 s delays: heartbeats sent before a pause land in it or after it (the news), a burst brings fresh news late',
      {
        link: link(1_000, { kind: 'constant', valueUs: 3_500_000 }),
        detector: nfdS({ shiftUs: 4 * S, confirmAfterUs: S }),
        faults: [
          senderPause({ kind: 'poisson', meanGapUs: 20 * S }, { kind: 'uniform', minUs: 300_000, maxUs: 6_000_000 }, 'burst'),
          senderPause({ kind: 'at', atUs: 880 * S }, { kind: 'constant', valueUs: 60 * S }, 'burst'),
        ],
      },
    ],
    [
      'short pauses (20–400 ms, every 3 s on average) with a 0.3 s jitter under polling rounds: sends held back or not, by the jitter',
      {
        heartbeat: { intervalUs: S, jitter: { kind: 'constant', valueUs: 300_000 } },
        detector: nfdS({ shiftUs: 350_000, checkIntervalUs: 100_000 }),
        faults: [senderPause({ kind: 'poisson', meanGapUs: 3 * S }, { kind: 'uniform', minUs: 20_000, maxUs: 400_000 }, 'burst'), { kind: 'clockDrift', nodes: { kind: 'all' }, observer: false, ppm: 50 }],
      },
    ],
    ['every heartbeat lost', { link: link(1_000, { kind: 'constant', valueUs: 700 }, 1) }],
  ];
  for (const [name, over] of cases) {
    it(name, () => {
      const { engine } = expectWalkEqualsEngine(config({ durationUs: 900 * S, transitionLogLimit: 2_000, ...over }), NFD_S_WALK);
      // Each case must exercise something: verdicts move.
      expect(Array.from(engine.log.kind.subarray(0, engine.log.length))).toContain(LogKind.verdict);
    });
  }

  it('the stale-news case does move DEAD back to SUSPECTED on an arrival (the rule the walk must copy)', () => {
    const { walk } = expectWalkEqualsEngine(config({ durationUs: 100 * S, warmupUs: 0, transitionLogLimit: 2_000, link: link(1_000, { kind: 'constant', valueUs: 3 * S }), detector: nfdS({ confirmAfterUs: 2 * S }) }), NFD_S_WALK);
    const log = walk.log;
    let back = 0;
    for (let i = 0; i < log.length; i++) if (log.kind[i] === LogKind.verdict && log.from[i] === Status.dead && log.to[i] === Status.suspected) back++;
    expect(back).toBeGreaterThan(50);
  });

  it('refuses what it does not model, with a reason', () => {
    const tcp: LinkConfig = { ...link(1_000, { kind: 'constant', valueUs: 0 }), transport: 'tcp' } as LinkConfig;
    const refusals: [Partial<SimConfig>, RegExp][] = [
      [{ detector: { kind: 'timeout', timeoutUs: 3 * S, deadAfterUs: 6 * S, checkIntervalUs: 0 } }, /only the NFD-S/],
      [{ link: tcp }, /TCP/],
      [{ link: { ...link(1_000, { kind: 'constant', valueUs: 0 }), duplicateProbability: 0.01 } }, /duplicated/],
      [{ detector: nfdS({ shiftUs: 1_000 }) }, /below zero/],
      [{ heartbeat: { intervalUs: S, jitter: { kind: 'exponential', meanUs: 10_000 } } }, /jitter can reach the interval/],
      [{ crashes: [{ kind: 'crashRecover', nodes: { kind: 'all' }, mttfUs: 60 * S, mttrUs: 5 * S, rackSize: 2 }] }, /racks/],
      [{ faults: [{ kind: 'slowIo', nodes: { kind: 'all' }, extraDelay: { kind: 'constant', valueUs: 1_000 } } as never] }, /faults other than crashes/],
      [{ faults: [senderPause({ kind: 'periodic', periodUs: 50 * S }, { kind: 'constant', valueUs: S })], crashes: [crashRecover(60 * S, 5 * S)] }, /pauses together with crashes/],
      [{ faults: [senderPause({ kind: 'periodic', periodUs: 50 * S }, { kind: 'constant', valueUs: S }), senderPause({ kind: 'periodic', periodUs: 70 * S }, { kind: 'constant', valueUs: S }, 'burst')] }, /resume modes/],
      [{ faults: [{ kind: 'clockDrift', nodes: null, observer: true, ppm: 100 }] }, /observer's clock/],
      [{ faults: [{ kind: 'clockStep', nodes: { kind: 'all' }, observer: false, onset: { kind: 'periodic', periodUs: 100 * S }, stepUs: -S }] }, /clockStep/],
      // −200 ppm over the hour: the clock ends 0.72 s slow, more than δ − b.
      [{ faults: [{ kind: 'clockDrift', nodes: { kind: 'named', names: ['n4'] }, observer: false, ppm: -200 }] }, /below zero/],
      [{ linkOverrides: [{ nodes: { kind: 'named', names: ['n1'] }, toObserver: tcp }] }, /TCP/],
    ];
    for (const [over, reason] of refusals) expectRefused(config(over), reason, NFD_S_WALK, JSON.stringify(over));
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
  'flaps',
];

/** Walk and engine over R independent replications each: every tally and the two means within 4 SE. */
const agreeWithin4Se = (over: WalkCase, R: number) => agreeWithin4SeOf((r) => config({ ...over, replication: r }), R, FIELDS, true, NFD_S_WALK);

const delayLaws: DelayDistribution[] = [
  { kind: 'exponential', meanUs: 60_000 },
  { kind: 'lognormal', medianUs: 30_000, sigma: 1.2 },
  { kind: 'pareto', scaleUs: 10_000, shape: 1.5 },
  { kind: 'uniform', minUs: 0, maxUs: 300_000 },
];

describe('NFD-S walk: the same law as the engine', () => {
  it('lossy links, heavy-tailed delays, a uniform jitter and crashes: every tally within 4 SE, and false suspicions happen', () => {
    const { walk } = agreeWithin4Se(
      {
        heartbeat: { intervalUs: S, jitter: { kind: 'uniform', minUs: 0, maxUs: 100_000 } },
        link: link(1_000, { kind: 'lognormal', medianUs: 40_000, sigma: 1.3 }, 0.03),
        crashes: [crashRecover(600 * S, 30 * S)],
        detector: nfdS({ shiftUs: 300_000, confirmAfterUs: 1_500_000 }),
      },
      10,
    );
    expect(walk.reduce((s, t) => s + t.falseSuspicions, 0)).toBeGreaterThan(100);
    expect(walk.reduce((s, t) => s + t.falseDeaths, 0)).toBeGreaterThan(0);
  });

  it('lossy heavy-tailed links and sender pauses (bursting timers), no crashes: every tally within 4 SE, and pauses lead to suspicions', () => {
    const { walk } = agreeWithin4SeOf(
      (r) =>
        config({
          replication: r,
          heartbeat: { intervalUs: S, jitter: { kind: 'uniform', minUs: 0, maxUs: 200_000 } },
          link: link(1_000, { kind: 'pareto', scaleUs: 20_000, shape: 1.4 }, 0.02),
          faults: [senderPause({ kind: 'poisson', meanGapUs: 60 * S }, { kind: 'lognormal', medianUs: 400_000, sigma: 1.2 }, 'burst')],
          detector: nfdS({ shiftUs: 600_000, confirmAfterUs: 2 * S }),
        }),
      10,
      [...FIELDS, 'pauses', 'pausesWithSuspicion', 'heartbeatsMissedWhilePaused'],
      true,
      NFD_S_WALK,
    );
    expect(walk.reduce((s, t) => s + t.pausesWithSuspicion, 0)).toBeGreaterThan(20);
  });

  it('bursty Gilbert–Elliott loss and polling rounds: every tally within 4 SE', () => {
    agreeWithin4Se(
      {
        durationUs: 1_800 * S,
        link: {
          ...link(2_000, { kind: 'exponential', meanUs: 30_000 }),
          loss: { kind: 'gilbertElliott', enterBadProbability: 0.01, leaveBadProbability: 0.3, lossInGoodProbability: 0.001, lossInBadProbability: 0.7 },
        } as LinkConfig,
        crashes: [crashRecover(500 * S, 10 * S)],
        detector: nfdS({ shiftUs: 200_000, confirmAfterUs: 2 * S, checkIntervalUs: 250_000 }),
      },
      10,
    );
  });

  it('skips: on a quiet cell (0.1 % loss, 1 ms + Exp(1 ms) delays, crashes) it draws under 3 % of the heartbeats it accounts for', () => {
    const c = config({
      durationUs: 6 * 3_600 * S,
      link: link(1_000, { kind: 'exponential', meanUs: 1_000 }, 0.001),
      crashes: [crashRecover(12 * 3_600 * S, 600 * S)],
      detector: nfdS({ shiftUs: 50_000 }),
    });
    const stats = { drawn: 0, accounted: 0 };
    const t = runNfdSWalkWithStats(c, stats).tallies;
    expect(t.heartbeatsSent).toBeGreaterThan(200_000);
    expect(stats.accounted).toBeGreaterThan(t.heartbeatsSent);
    expect(stats.drawn).toBeGreaterThan(0);
    expect(stats.drawn).toBeLessThan(0.03 * stats.accounted);
  });

  it('property: random losses, delay and jitter laws, shifts, confirm-after, polling and crashes (fixed fast-check seed)', () => {
    fc.assert(
      fc.property(
        fc.record({
          loss: fc.double({ min: 0, max: 0.08, noNaN: true }),
          law: fc.integer({ min: 0, max: delayLaws.length - 1 }),
          jitterMs: fc.integer({ min: 0, max: 400 }),
          intervalS: fc.constantFrom(1, 2, 5),
          shiftMs: fc.integer({ min: 0, max: 3_000 }),
          confirmS: fc.constantFrom(0, 1, 4, Number.POSITIVE_INFINITY),
          pollMs: fc.constantFrom(0, 0, 300),
          crashes: fc.boolean(),
          driftPpm: fc.constantFrom(0, 0, 40, -40),
          pauses: fc.constantFrom('none', 'skip', 'burst'),
          override: fc.boolean(),
        }),
        (p) => {
          agreeWithin4Se(
            {
              durationUs: 1_800 * S,
              heartbeat: { intervalUs: p.intervalS * S, jitter: { kind: 'uniform', minUs: 0, maxUs: p.jitterMs * 1_000 } },
              link: link(1_000, delayLaws[p.law]!, p.loss),
              // Crashes, or pauses (the walk does not take both together).
              crashes: p.crashes && p.pauses === 'none' ? [crashRecover(400 * S, 20 * S)] : [],
              faults: [
                ...(p.driftPpm === 0 ? [] : [{ kind: 'clockDrift', nodes: { kind: 'named', names: ['n0', 'n1', 'n2', 'n3', 'n4'] }, observer: false, ppm: p.driftPpm } as const]),
                ...(p.pauses === 'none' ? [] : [senderPause({ kind: 'poisson', meanGapUs: 90 * S }, { kind: 'lognormal', medianUs: 1_000_000, sigma: 0.8 }, p.pauses)]),
              ],
              linkOverrides: p.override ? [{ nodes: { kind: 'named', names: ['n5', 'n6'] }, toObserver: link(5_000, delayLaws[(p.law + 1) % delayLaws.length]!, p.loss / 2) }] : [],
              detector: nfdS({ shiftUs: p.shiftMs * 1_000 + 80_000, confirmAfterUs: p.confirmS * S, checkIntervalUs: p.pollMs * 1_000 }),
            },
            8,
          );
        },
      ),
      { numRuns: 8, seed: 13, endOnFailure: true },
    );
  });
});

describe('NFD-S walk: exact on quiet links, whatever the timing', () => {
  it('property: constant delays and jitters, shifts, intervals, edges, crashes or pauses, polling — every tally and the timeline equal to the engine (fixed fast-check seed)', () => {
    fc.assert(
      fc.property(
        fc.record({
          intervalMs: fc.integer({ min: 50, max: 3_000 }),
          jitterFrac: fc.double({ min: 0, max: 0.95, noNaN: true }),
          delayMs: fc.integer({ min: 0, max: 4_000 }),
          baseMs: fc.integer({ min: 0, max: 50 }),
          extraShiftMs: fc.integer({ min: 1, max: 3_000 }),
          confirmMs: fc.constantFrom(0, 700, 2_500, Number.POSITIVE_INFINITY),
          pollMs: fc.constantFrom(0, 0, 130, 1_000),
          durationS: fc.integer({ min: 1, max: 300 }),
          warmupS: fc.integer({ min: 0, max: 30 }),
          faults: fc.constantFrom('none', 'crashes', 'skip', 'burst'),
          lossAll: fc.boolean(),
        }),
        (p) => {
          const I = p.intervalMs * 1_000;
          const delay = p.delayMs * 1_000;
          const b = p.baseMs * 1_000;
          const jitter = Math.min(I - 1, Math.round(p.jitterFrac * I));
          const durationUs = p.durationS * S;
          const c = config({
            nodes: 6,
            durationUs,
            warmupUs: Math.min(p.warmupS * S, durationUs - 1),
            transitionLogLimit: 500,
            heartbeat: { intervalUs: I, jitter: { kind: 'constant', valueUs: jitter } },
            link: link(b, { kind: 'constant', valueUs: delay }, p.lossAll ? 1 : 0),
            crashes: p.faults === 'crashes' ? [crashRecover(40 * S, 3 * S)] : [],
            faults: p.faults === 'skip' || p.faults === 'burst' ? [senderPause({ kind: 'poisson', meanGapUs: 15 * S }, { kind: 'uniform', minUs: 10_000, maxUs: 5 * S }, p.faults)] : [],
            detector: nfdS({ shiftUs: b + p.extraShiftMs * 1_000, confirmAfterUs: p.confirmMs * 1_000, checkIntervalUs: p.pollMs * 1_000 }),
          });
          expectWalkEqualsEngine(c, NFD_S_WALK);
        },
      ),
      { numRuns: 60, seed: 1312, endOnFailure: true },
    );
  });
});

/**
 * The per-node timeout kernel against the general engine: every field of RunTallies,
 * every array element in the same order, and the engine's event count, for random
 * qualifying configurations and for hand-made ones aimed at the hard ties.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TCP_DEFAULTS, type SimConfig, type TcpSettings } from '../../../src/sim/config.js';
import type { RunTallies } from '../../../src/sim/metrics/recorder.js';
import { fastPathApplies } from '../../../src/sim/fast/qualify.js';
import { runTimeoutKernel } from '../../../src/sim/fast/timeout-kernel.js';
import { runOnce, runPathFor } from '../../../src/sim/run-once.js';
import { Simulation } from '../../../src/sim/engine/simulation.js';
import { simConfig } from '../../support/sim-config.js';
import { longConfig, qualifyingConfig, tcpConfig } from './configs.js';

/** Kernel and engine on one configuration; the kernel must run it (it has no way to decline). Returns the engine's tallies. */
function compare(config: SimConfig): RunTallies {
  expect(fastPathApplies(config)).toBe(true);
  const engine = new Simulation(config).run();
  const fast = runTimeoutKernel(config);
  expect(fast).toBeTypeOf('object');
  expect(fast).not.toBeNull();
  expect(fast.tallies).toStrictEqual(engine.tallies);
  expect(fast.events).toBe(engine.events);
  expect(fast.endUs).toBe(engine.endUs);
  // The transition log: same entries, same order, same count of those the limit dropped.
  expect(fast.log).toStrictEqual(engine.log);
  if (config.transitionLogLimit === 0) expect(fast.log.length).toBe(0);
  else if (engine.tallies.falseSuspicions + engine.tallies.crashes > 0) expect(fast.log.length).toBeGreaterThan(0);
  ran++;
  return engine.tallies;
}
let ran = 0;

/** Runs `check` and asserts the kernel ran exactly `expected` configurations in it. */
function expectKernelRuns(expected: () => number, check: () => void): void {
  const before = ran;
  check();
  expect(ran - before).toBe(expected());
}

describe('the timeout kernel gives the engine’s tallies', () => {
  it('for random qualifying configurations (ties, reordering, bursts, crashes, warm-up)', () => {
    let runs = 0;
    expectKernelRuns(
      () => runs,
      () =>
        fc.assert(
          fc.property(qualifyingConfig, (config) => {
            runs++;
            compare(config);
          }),
          { numRuns: 400 },
        ),
    );
    expect(runs).toBe(400);
  });

  it('for long runs with many ties between nodes', () => {
    let runs = 0;
    expectKernelRuns(
      () => runs,
      () =>
        fc.assert(
          fc.property(longConfig, (config) => {
            runs++;
            compare(config);
          }),
          { numRuns: 25 },
        ),
    );
  });

  it('when heartbeats land exactly on wake-ups, polling rounds and crashes', () => {
    const cases: SimConfig[] = [];
    for (const checkIntervalUs of [0, 50, 100, 30, 7]) {
      for (const timeoutUs of [199, 200, 201, 300]) {
        for (const delay of [0, 1, 100, 199, 201]) {
          cases.push(
            simConfig({
              seed: `tie-${checkIntervalUs}-${timeoutUs}-${delay}`,
              nodes: 6,
              durationUs: 20_000,
              warmupUs: 1_000,
              heartbeat: { intervalUs: 100, jitter: { kind: 'constant', valueUs: 0 } },
              link: { lossProbability: 0.3, duplicateProbability: 0, delay: { baseUs: delay, random: { kind: 'constant', valueUs: 0 } } },
              detector: { kind: 'timeout', timeoutUs, deadAfterUs: timeoutUs + 100, checkIntervalUs },
              crashes: [
                { kind: 'crashAt', nodes: { kind: 'all' }, atUs: 5_000, downUs: 1_000 },
                { kind: 'crashAt', nodes: { kind: 'named', names: ['n1', 'n2'] }, atUs: 5_500, downUs: 300 },
                { kind: 'crashRecover', nodes: { kind: 'named', names: ['n3'] }, mttfUs: 3_000, mttrUs: 200 },
              ],
            }),
          );
        }
      }
    }
    expectKernelRuns(
      () => cases.length,
      () => cases.forEach(compare),
    );
  });

  it('when a mass restart lines nodes up on a fixed schedule (ties between nodes at every heartbeat)', () => {
    for (const checkIntervalUs of [0, 250_000, 333_333]) {
      const config = simConfig({
        seed: `aligned-${checkIntervalUs}`,
        nodes: 12,
        durationUs: 600_000_000,
        link: { lossProbability: 0.3, duplicateProbability: 0, delay: { baseUs: 200_000, random: { kind: 'constant', valueUs: 0 } } },
        detector: { kind: 'timeout', timeoutUs: 1_500_000, deadAfterUs: 3_000_000, checkIntervalUs },
        crashes: [{ kind: 'crashAt', nodes: { kind: 'all' }, atUs: 20_000_000, downUs: 3_500_000 }],
      });
      compare(config);
    }
  });

  it('on the benchmark’s workload, scaled down', () => {
    const config = simConfig({
      seed: 'bench-like',
      nodes: 50,
      durationUs: 600_000_000,
      link: { lossProbability: 0.01, duplicateProbability: 0, delay: { baseUs: 1_000, random: { kind: 'exponential', meanUs: 2_000 } } },
      detector: { kind: 'timeout', timeoutUs: 3_000_000, deadAfterUs: 6_000_000, checkIntervalUs: 500_000 },
      crashes: [{ kind: 'crashRecover', nodes: { kind: 'all' }, mttfUs: 120_000_000, mttrUs: 20_000_000 }],
    });
    compare(config);
  });
});

describe('the timeout kernel over TCP gives the engine’s tallies, transport counters and log', () => {
  it('for random configurations (RTO backoff, breaks, reconnections, user timeouts, crashes, ties)', () => {
    let runs = 0;
    let retransmitted = 0;
    let broken = 0;
    let stalledSuspicions = 0;
    expectKernelRuns(
      () => runs,
      () =>
        fc.assert(
          fc.property(tcpConfig, (config) => {
            runs++;
            const t = compare(config).transport!;
            if (t.retransmissions > 0) retransmitted++;
            if (t.connectionBreaks > 0) broken++;
            if (t.falseSuspicionsDuringStall > 0) stalledSuspicions++;
          }),
          { numRuns: 250 },
        ),
    );
    // The property reached what it is about.
    const reached = `retransmitted ${retransmitted}, broken ${broken}, suspected in a stall ${stalledSuspicions}`;
    // Under the suite's fixed fast-check seed: 49, 58 and 53 of the 250 runs.
    expect(retransmitted, reached).toBeGreaterThan(30);
    expect(broken, reached).toBeGreaterThan(30);
    expect(stalledSuspicions, reached).toBeGreaterThan(30);
  });

  /** A node → monitor TCP link with these settings (Linux's defaults otherwise). */
  function tcpCase(name: string, loss: number, settings: Partial<TcpSettings>, extra: Partial<SimConfig> = {}): SimConfig {
    return simConfig({
      seed: name,
      nodes: 10,
      durationUs: 1_800_000_000,
      link: { lossProbability: loss, duplicateProbability: 0, delay: { baseUs: 1_000, random: { kind: 'exponential', meanUs: 1_000 } }, transport: 'tcp', tcp: { ...TCP_DEFAULTS, ...settings } },
      detector: { kind: 'timeout', timeoutUs: 3_000_000, deadAfterUs: 6_000_000, checkIntervalUs: 0 },
      transitionLogLimit: 10_000,
      ...extra,
    });
  }

  it('through loss bursts that back the RTO off, breaks and reconnections, user timeouts, crashes; exact timers and polling', () => {
    const bursts = { kind: 'gilbertElliott' as const, enterBadProbability: 0.01, leaveBadProbability: 0.1, lossInGoodProbability: 0, lossInBadProbability: 0.9 };
    const crashes = [{ kind: 'crashRecover' as const, nodes: { kind: 'all' as const }, mttfUs: 300_000_000, mttrUs: 20_000_000 }];
    const cases: [SimConfig, (t: NonNullable<RunTallies['transport']>) => boolean][] = [
      // Bursts: retransmissions back off (1 s, 2 s, 4 s, ...); heartbeats wait behind the hole.
      [tcpCase('bursts', 0, {}, { link: { ...tcpCase('x', 0, {}).link, loss: bursts } }), (t) => t.retransmissions > 100 && t.headOfLineStalls > 10],
      // Few retries: the connection breaks, messages are dropped with it, and it reconnects.
      [tcpCase('breaks', 0.3, { retries2: 2, reconnectDelayUs: 5_000_000 }), (t) => t.connectionBreaks > 10 && t.droppedByBreaks > 10],
      // TCP_USER_TIMEOUT: the oldest unacknowledged segment gives up after 2 s.
      [tcpCase('user-timeout', 0.3, { userTimeoutUs: 2_000_000, reconnectDelayUs: 0 }), (t) => t.connectionBreaks > 10],
      // Crashes reset the connection (queued messages lost; a restart opens a fresh one).
      [tcpCase('crashes', 0.2, { retries2: 4 }, { crashes }), (t) => t.retransmissions > 100],
      // The same, judged by polling rounds (the kernel's own check event), without the log.
      [tcpCase('polling', 0.2, { retries2: 4 }, { crashes, transitionLogLimit: 0, detector: { kind: 'timeout', timeoutUs: 3_000_000, deadAfterUs: 6_000_000, checkIntervalUs: 500_000 } }), (t) => t.retransmissions > 100],
    ];
    for (const [config, reached] of cases) {
      const transport = compare(config).transport!;
      expect(reached(transport), `${config.seed}: ${JSON.stringify(transport)}`).toBe(true);
      expect(transport.falseSuspicionsDuringStall).toBeGreaterThan(0);
    }
  });

  it('when timers, sends and deliveries fall on the same microsecond (constant laws, RTO = interval)', () => {
    for (const checkIntervalUs of [0, 50, 7]) {
      for (const delay of [0, 100, 300]) {
        compare(
          simConfig({
            seed: `tcp-tie-${checkIntervalUs}-${delay}`,
            nodes: 6,
            durationUs: 50_000,
            warmupUs: 1_000,
            heartbeat: { intervalUs: 100, jitter: { kind: 'constant', valueUs: 0 } },
            link: {
              lossProbability: 0.3,
              duplicateProbability: 0,
              delay: { baseUs: delay, random: { kind: 'constant', valueUs: 0 } },
              transport: 'tcp',
              tcp: { rtoMinUs: 100, rtoInitialUs: 100, rtoMaxUs: 400, retries2: 3, reconnectDelayUs: 200, userTimeoutUs: 0 },
            },
            reverseLink: { lossProbability: 0, duplicateProbability: 0, delay: { baseUs: 0, random: { kind: 'constant', valueUs: 0 } } },
            detector: { kind: 'timeout', timeoutUs: 200, deadAfterUs: 400, checkIntervalUs },
            crashes: [{ kind: 'crashAt', nodes: { kind: 'all' }, atUs: 5_000, downUs: 1_000 }],
            transitionLogLimit: 1_000,
          }),
        );
      }
    }
  });
});

describe('runOnce', () => {
  it('uses the kernel when it applies, with the engine’s results', () => {
    const config = simConfig({
      nodes: 5,
      link: { lossProbability: 0.2, duplicateProbability: 0.1, delay: { baseUs: 1_000, random: { kind: 'exponential', meanUs: 400_000 } } },
      detector: { kind: 'timeout', timeoutUs: 1_500_000, deadAfterUs: 3_000_000, checkIntervalUs: 0 },
    });
    expect(fastPathApplies(config)).toBe(true);
    const viaRunOnce = runOnce(config);
    expect(viaRunOnce.tallies).toStrictEqual(new Simulation(config).run().tallies);
    expect(viaRunOnce.log.length).toBe(0);
  });

  it('runs the kernel on ties between nodes at every instant (which made the insertion-order kernel decline)', () => {
    // Jitter of 0–2 µs on a 3 µs interval: different nodes' send chains coincide at
    // instants where the order matters; (instant, class, entity) decides every one.
    const config = simConfig({
      seed: 'G',
      nodeNames: ['m0', 'm1', 'm2', 'm3', 'm4', 'm5'],
      durationUs: 36_000,
      heartbeat: { intervalUs: 3, jitter: { kind: 'uniform', minUs: 0, maxUs: 2 } },
      link: { lossProbability: 0.31818473808477193, duplicateProbability: 0, delay: { baseUs: 1, random: { kind: 'constant', valueUs: 0 } } },
      crashes: [
        { kind: 'crashAt', nodes: { kind: 'all' }, atUs: 3_600, downUs: 27 },
        { kind: 'crashRecover', nodes: { kind: 'named', names: ['m0', 'm1'] }, mttfUs: 12_000, mttrUs: 15 },
      ],
      detector: { kind: 'timeout', timeoutUs: 5, deadAfterUs: 8, checkIntervalUs: 0 },
    });
    expect(fastPathApplies(config)).toBe(true);
    const engine = new Simulation(config).run();
    expect(runTimeoutKernel(config).tallies).toStrictEqual(engine.tallies);
    // runOnce takes the skipping walk here (crashes are walked: the same law with other
    // draws, test/sim/skip/timeout-walk-crashes.test.ts); the kernel stays the exact verifier.
    expect(runPathFor(config)).toBe('walk');
    expect(engine.tallies.maxSimultaneousFalseSuspicions).toBeGreaterThan(1);
  });

  it('keeps the engine for what the kernel does not do', () => {
    const base = simConfig({ nodes: 3, crashes: [{ kind: 'crashAt', nodes: { kind: 'all' }, atUs: 10_000_000, downUs: null }] });
    const others: SimConfig[] = [
      { ...base, transitionLogLimit: 1.5 },
      { ...base, detector: { kind: 'nfdS', shiftUs: 1_500_000, confirmAfterUs: 1_000_000, checkIntervalUs: 0 } },
      { ...base, faults: [{ kind: 'slowIo', nodes: { kind: 'all' }, extraDelay: { kind: 'constant', valueUs: 10 } }] },
      { ...base, linkOverrides: [{ nodes: { kind: 'all' }, toObserver: base.link }] },
      { ...base, crashes: [{ kind: 'crashRecover', nodes: { kind: 'all' }, mttfUs: 10_000_000, mttrUs: 1_000_000, rackSize: 2 }] },
      { ...base, trace: { arrivalsUs: [new Float64Array([1]), new Float64Array([1]), new Float64Array([1])], seqs: [null, null, null], sentUs: [null, null, null] } },
    ];
    for (const config of others) expect(fastPathApplies(config)).toBe(false);
  });

  it('runs the kernel with a transition log (the engine’s entries, order and limit)', () => {
    // Duplication keeps the walk away; crashes and loss give verdicts, crashes and recoveries to log.
    for (const transitionLogLimit of [7, 100_000]) {
      const config = simConfig({
        nodes: 8,
        link: { lossProbability: 0.3, duplicateProbability: 0.1, delay: { baseUs: 1_000, random: { kind: 'exponential', meanUs: 400_000 } } },
        detector: { kind: 'timeout', timeoutUs: 1_500_000, deadAfterUs: 3_000_000, checkIntervalUs: 0 },
        crashes: [{ kind: 'crashRecover', nodes: { kind: 'all' }, mttfUs: 10_000_000, mttrUs: 2_000_000 }],
        transitionLogLimit,
      });
      expect(fastPathApplies(config)).toBe(true);
      const engine = new Simulation(config).run();
      const viaRunOnce = runOnce(config);
      expect(viaRunOnce.log).toStrictEqual(engine.log);
      expect(viaRunOnce.tallies).toStrictEqual(engine.tallies);
      expect(engine.log.length).toBe(Math.min(transitionLogLimit, engine.log.length + engine.log.dropped));
      if (transitionLogLimit === 7) expect(engine.log.dropped).toBeGreaterThan(0);
      else expect(new Set(engine.log.kind)).toEqual(new Set([0, 1, 2])); // verdicts, crashes and recoveries
    }
  });

  it('leaves invalid configurations to the engine and its messages', () => {
    expect(fastPathApplies(simConfig({ warmupUs: 60_000_000 }))).toBe(false);
    expect(() => runOnce(simConfig({ warmupUs: 60_000_000 }))).toThrow(/warm-up must be shorter/);
    expect(() => runOnce(simConfig({ detector: { kind: 'timeout', timeoutUs: 3_000_000, deadAfterUs: 1_000_000, checkIntervalUs: 0 } }))).toThrow(/dead-after/);
    expect(() => runOnce(simConfig({ crashes: [{ kind: 'crashAt', nodes: { kind: 'named', names: ['nobody'] }, atUs: 1, downUs: null }] }))).toThrow(/unknown node/);
  });
});

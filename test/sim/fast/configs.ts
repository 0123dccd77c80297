/**
 * Random configurations the timeout kernel qualifies for, built to hit the cases where
 * exactness is hard: microsecond ties (small intervals, constant laws, timeouts at
 * multiples of the interval ± 1 µs, polling rounds that divide the interval or not),
 * heartbeats overtaking each other (heavy-tailed delays, duplicates), bursty loss,
 * crashes on the same instant as sends and arrivals, several crash rules on one node,
 * restarts that line nodes up, and warm-up.
 */
import fc from 'fast-check';
import type { CrashFault, LinkConfig, SimConfig } from '../../../src/sim/config.js';
import type { DelayDistribution } from '../../../src/sim/random/distributions.js';
import type { LossModel } from '../../../src/sim/network/loss.js';

/** A law scaled to about `scaleUs` (0: constant zero allowed). */
function law(scaleUs: number): fc.Arbitrary<DelayDistribution> {
  const s = Math.max(1, Math.floor(scaleUs));
  return fc.oneof(
    fc.constantFrom<DelayDistribution>({ kind: 'constant', valueUs: 0 }),
    fc.integer({ min: 0, max: s }).map((v): DelayDistribution => ({ kind: 'constant', valueUs: v })),
    fc.tuple(fc.integer({ min: 0, max: s }), fc.integer({ min: 0, max: s })).map(([a, b]): DelayDistribution => ({ kind: 'uniform', minUs: Math.min(a, b), maxUs: Math.max(a, b) })),
    fc.integer({ min: 0, max: s }).map((m): DelayDistribution => ({ kind: 'exponential', meanUs: m })),
    fc.tuple(fc.integer({ min: 0, max: s }), fc.integer({ min: 0, max: s })).map(([m, sd]): DelayDistribution => ({ kind: 'normal', meanUs: m, sdUs: sd })),
    fc.tuple(fc.integer({ min: 1, max: s }), fc.double({ min: 0, max: 1.5, noNaN: true })).map(([m, sigma]): DelayDistribution => ({ kind: 'lognormal', medianUs: m, sigma })),
    // Heavy tails: shape below 1 has no mean, and reorders heartbeats a lot.
    fc.tuple(fc.integer({ min: 1, max: s }), fc.double({ min: 0.4, max: 3, noNaN: true })).map(([scale, shape]): DelayDistribution => ({ kind: 'pareto', scaleUs: scale, shape })),
    fc.array(fc.integer({ min: 0, max: 2 * s }), { minLength: 2, maxLength: 6 }).map((q): DelayDistribution => ({ kind: 'empirical', quantilesUs: [...q].sort((x, y) => x - y) })),
  );
}

const lossModel: fc.Arbitrary<LossModel | undefined> = fc.oneof(
  fc.constant(undefined),
  fc
    .tuple(fc.double({ min: 0, max: 0.5, noNaN: true }), fc.double({ min: 0.05, max: 1, noNaN: true }), fc.double({ min: 0, max: 0.2, noNaN: true }), fc.double({ min: 0.3, max: 1, noNaN: true }))
    .map(([p, r, good, badLoss]): LossModel => ({ kind: 'gilbertElliott', enterBadProbability: p, leaveBadProbability: r, lossInGoodProbability: good, lossInBadProbability: badLoss })),
);

function link(intervalUs: number): fc.Arbitrary<LinkConfig> {
  return fc
    .record({
      lossProbability: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.6, noNaN: true }), fc.constant(1)),
      loss: lossModel,
      duplicateProbability: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.double({ min: 0, max: 0.5, noNaN: true }) }),
      baseUs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2 * intervalUs })),
      random: fc.oneof(law(intervalUs / 4), law(3 * intervalUs)),
    })
    .map(({ lossProbability, loss, duplicateProbability, baseUs, random }): LinkConfig => ({
      lossProbability,
      ...(loss ? { loss } : {}),
      duplicateProbability,
      delay: { baseUs, random },
    }));
}

function crashes(names: readonly string[], durationUs: number, intervalUs: number): fc.Arbitrary<CrashFault[]> {
  const selector = fc.oneof(
    fc.constant({ kind: 'all' as const }),
    fc.array(fc.constantFrom(...names), { minLength: 1, maxLength: Math.min(4, names.length + 1) }).map((picked) => ({ kind: 'named' as const, names: picked })),
  );
  const instant = fc.oneof(fc.integer({ min: 0, max: durationUs }), fc.integer({ min: 0, max: 40 }).map((k) => k * intervalUs));
  const crashAt = fc.record({
    kind: fc.constant('crashAt' as const),
    nodes: selector,
    atUs: instant,
    downUs: fc.oneof(fc.constant(null), fc.integer({ min: 1, max: 6 * intervalUs }), fc.integer({ min: 1, max: 5 }).map((k) => k * intervalUs)),
  });
  const crashRecover = fc
    .record({
      nodes: selector,
      mttfUs: fc.integer({ min: 1, max: Math.max(2, Math.floor(durationUs / 2)) }),
      mttrUs: fc.integer({ min: 0, max: 10 * intervalUs }),
      restartDelayUs: fc.option(fc.integer({ min: 0, max: 3 * intervalUs }), { nil: undefined }),
      rackSize: fc.option(fc.constant(1), { nil: undefined }),
    })
    .map((c): CrashFault => ({
      kind: 'crashRecover',
      nodes: c.nodes,
      mttfUs: c.mttfUs,
      mttrUs: c.mttrUs,
      ...(c.restartDelayUs !== undefined ? { restartDelayUs: c.restartDelayUs } : {}),
      ...(c.rackSize !== undefined ? { rackSize: c.rackSize } : {}),
    }));
  return fc.array(fc.oneof(crashAt, crashRecover), { maxLength: 3 });
}

/** A configuration `fastPathApplies` admits. */
export const qualifyingConfig: fc.Arbitrary<SimConfig> = fc
  .record({
    nodes: fc.integer({ min: 1, max: 20 }),
    intervalUs: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 10, max: 400 }), fc.integer({ min: 1_000, max: 50_000 })),
    intervals: fc.integer({ min: 5, max: 300 }),
    seed: fc.string({ minLength: 1, maxLength: 6 }),
    replication: fc.integer({ min: 0, max: 3 }),
  })
  .chain(({ nodes, intervalUs, intervals, seed, replication }) => {
    const names = Array.from({ length: nodes }, (_, i) => `n${i}`);
    const durationUs = intervalUs * intervals;
    const timeout = fc
      .tuple(fc.integer({ min: 1, max: 4 }), fc.constantFrom(-1, 0, 1, 7), fc.integer({ min: 1, max: 5 * intervalUs }), fc.boolean())
      .map(([k, off, free, multiple]) => Math.max(1, multiple ? k * intervalUs + off : free));
    const checkInterval = fc.oneof(
      fc.constant(0),
      fc.constant(0),
      fc.constantFrom(1, 2, 3, 4, 5).map((d) => Math.max(1, Math.floor(intervalUs / d))),
      fc.integer({ min: 1, max: 3 * intervalUs }),
    );
    return fc.record({
      seed: fc.constant(seed),
      replication: fc.constant(replication),
      names: fc.shuffledSubarray(names, { minLength: nodes, maxLength: nodes }),
      durationUs: fc.constant(durationUs),
      warmupUs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: Math.floor(durationUs / 2) })),
      intervalUs: fc.constant(intervalUs),
      jitter: fc.oneof(fc.constant<DelayDistribution>({ kind: 'constant', valueUs: 0 }), law(intervalUs / 3), law(2 * intervalUs)),
      link: link(intervalUs),
      reverseLink: fc.option(link(intervalUs), { nil: undefined }),
      timeoutUs: timeout,
      deadExtra: fc.oneof(fc.constant(0), fc.constant(Number.POSITIVE_INFINITY), fc.integer({ min: 0, max: 4 * intervalUs })),
      checkIntervalUs: checkInterval,
      clock: fc.constantFrom(undefined, 'monotonic' as const, 'wall' as const),
      crashes: crashes(names, durationUs, intervalUs),
      flapWindowUs: fc.option(fc.integer({ min: 0, max: 10 * intervalUs }), { nil: undefined }),
      // No log, a short one (the limit cuts it: which entries come first is the engine's order), or all of it.
      transitionLogLimit: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 12 }), fc.constant(100_000)),
    });
  })
  .map(
    (c): SimConfig => ({
      seed: c.seed,
      replication: c.replication,
      durationUs: c.durationUs,
      warmupUs: c.warmupUs >= c.durationUs ? 0 : c.warmupUs,
      nodeNames: c.names,
      monitorName: 'monitor',
      heartbeat: { intervalUs: c.intervalUs, jitter: c.jitter },
      link: c.link,
      ...(c.reverseLink ? { reverseLink: c.reverseLink } : {}),
      crashes: c.crashes,
      detector: {
        kind: 'timeout',
        timeoutUs: c.timeoutUs,
        deadAfterUs: c.timeoutUs + c.deadExtra,
        checkIntervalUs: c.checkIntervalUs,
        ...(c.clock ? { clock: c.clock } : {}),
      },
      ...(c.flapWindowUs !== undefined ? { flapWindowUs: c.flapWindowUs } : {}),
      transitionLogLimit: c.transitionLogLimit,
    }),
  );

/**
 * Long runs of a few nodes on small integer laws: more events per node than the
 * kernel's ring of recent events remembers, so ancestries must come from the send
 * segments and the kept crash events.
 */
export const longConfig: fc.Arbitrary<SimConfig> = fc
  .record({
    nodes: fc.integer({ min: 2, max: 8 }),
    intervalUs: fc.integer({ min: 2, max: 20 }),
    seed: fc.string({ minLength: 1, maxLength: 4 }),
    jitter: fc.constantFrom<DelayDistribution>({ kind: 'constant', valueUs: 0 }, { kind: 'constant', valueUs: 3 }, { kind: 'uniform', minUs: 0, maxUs: 2 }),
    delay: fc.constantFrom<DelayDistribution>({ kind: 'constant', valueUs: 0 }, { kind: 'constant', valueUs: 7 }, { kind: 'uniform', minUs: 0, maxUs: 3 }),
    loss: fc.double({ min: 0.05, max: 0.4, noNaN: true }),
    timeoutMultiple: fc.integer({ min: 1, max: 3 }),
    timeoutOffset: fc.constantFrom(-1, 0, 1),
    checkDivisor: fc.constantFrom(0, 1, 2, 3),
    downIntervals: fc.integer({ min: 1, max: 50 }),
    transitionLogLimit: fc.constantFrom(0, 40, 1_000_000),
  })
  .map((c): SimConfig => {
    const durationUs = c.intervalUs * 12_000;
    const timeoutUs = Math.max(1, c.timeoutMultiple * c.intervalUs + c.timeoutOffset);
    return {
      seed: c.seed,
      replication: 0,
      durationUs,
      warmupUs: 0,
      nodeNames: Array.from({ length: c.nodes }, (_, i) => `m${i}`),
      monitorName: 'monitor',
      heartbeat: { intervalUs: c.intervalUs, jitter: c.jitter },
      link: { lossProbability: c.loss, duplicateProbability: 0, delay: { baseUs: 1, random: c.delay } },
      crashes: [
        { kind: 'crashAt', nodes: { kind: 'all' }, atUs: Math.floor(durationUs / 10), downUs: c.downIntervals * c.intervalUs },
        { kind: 'crashRecover', nodes: { kind: 'named', names: ['m0', 'm1'] }, mttfUs: Math.floor(durationUs / 3), mttrUs: 5 * c.intervalUs },
      ],
      detector: {
        kind: 'timeout',
        timeoutUs,
        deadAfterUs: timeoutUs + c.intervalUs,
        checkIntervalUs: c.checkDivisor === 0 ? 0 : Math.max(1, Math.floor(c.intervalUs / c.checkDivisor)),
      },
      transitionLogLimit: c.transitionLogLimit,
    };
  });

/**
 * A qualifying configuration over TCP (the node → monitor link; the reverse one too at
 * times), with settings scaled to the interval so that retransmission timeouts, backoff,
 * breaks, reconnections and user timeouts all happen within a short run, and fall on
 * the same microsecond as sends, deliveries and wake-ups.
 */
export const tcpConfig: fc.Arbitrary<SimConfig> = qualifyingConfig.chain((config) => {
  const i = config.heartbeat.intervalUs;
  return fc
    .record({
      rtoMinUs: fc.integer({ min: 1, max: 3 * i }),
      rtoInitialUs: fc.oneof(fc.constant(i), fc.integer({ min: 1, max: 5 * i })),
      rtoMaxExtra: fc.integer({ min: 0, max: 20 * i }),
      retries2: fc.integer({ min: 0, max: 5 }),
      reconnectDelayUs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 5 * i })),
      userTimeoutUs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 10 * i })),
      reverseTcp: fc.boolean(),
    })
    .map(({ rtoMinUs, rtoInitialUs, rtoMaxExtra, retries2, reconnectDelayUs, userTimeoutUs, reverseTcp }): SimConfig => {
      const tcp = { rtoMinUs, rtoInitialUs, rtoMaxUs: Math.max(rtoMinUs, rtoInitialUs) + rtoMaxExtra, retries2, reconnectDelayUs, userTimeoutUs };
      return {
        ...config,
        link: { ...config.link, transport: 'tcp', tcp },
        ...(config.reverseLink && reverseTcp ? { reverseLink: { ...config.reverseLink, transport: 'tcp' as const } } : {}),
      };
    });
});

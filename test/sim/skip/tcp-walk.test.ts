/**
 * The TCP walk (src/sim/skip/tcp-walk.ts) against the engine (src/sim/network/tcp.ts):
 *   - worked cases whose outcome the seeds cannot change (constant delays, loss 0 or 1)
 *     equal the engine on every tally, the transport tallies and the timeline;
 *   - random TCP cells (lossy, heavy-tailed, timeouts a few RTOs long) agree with the
 *     engine within 4 standard errors on every tally, the transport ones included;
 *   - the walk skips where the bounds decide (k8s-like cells), and materialises the
 *     skipped RTT samples where they do not (etcd-like cells: RTO ≈ 2 intervals);
 *   - refusals.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CrashFault, LinkConfig, SimConfig, TcpSettings } from '../../../src/sim/config.js';
import { TCP_DEFAULTS } from '../../../src/sim/config.js';
import type { RunTallies } from '../../../src/sim/metrics/recorder.js';
import type { DelayDistribution } from '../../../src/sim/random/distributions.js';
import { Simulation } from '../../../src/sim/engine/simulation.js';
import { runPathFor } from '../../../src/sim/run-once.js';
import { runTcpWalk, runTcpWalkWithStats, tcpWalkRefusal } from '../../../src/sim/skip/tcp-walk.js';
import { heartbeatPhaseUs } from '../../../src/sim/fast/node-streams.js';
import type { Fault } from '../../../src/sim/config.js';
import { expectRefused, expectWalkEqualsEngine, expectWithin4Se, S, senderPause, walkConfig, type Walker, type WalkCase } from './walk-vs-engine.js';

const TCP_WALK: Walker = { path: 'tcpWalk', run: runTcpWalk, refusal: tcpWalkRefusal };
const MS = 1_000;

const tcpLink = (loss: number, baseUs: number, random: DelayDistribution, tcp?: TcpSettings): LinkConfig => ({
  lossProbability: loss,
  duplicateProbability: 0,
  delay: { baseUs, random },
  transport: 'tcp',
  ...(tcp === undefined ? {} : { tcp }),
});
const constant = (valueUs: number): DelayDistribution => ({ kind: 'constant', valueUs });
const tcpCell = (seed: string, over: WalkCase): SimConfig => walkConfig(`tcp-walk/${seed}`, { link: tcpLink(0.01, MS, { kind: 'exponential', meanUs: 2 * MS }), ...over });
const crashAt = (atUs: number, downUs: number | null, node = 'n0'): CrashFault => ({ kind: 'crashAt', nodes: { kind: 'named', names: [node] }, atUs, downUs });

describe('worked cases: the TCP walk equals the engine tally for tally', () => {
  it('no loss, constant delays, crashes and restarts: each connection’s first RTT sample, resets, polling', () => {
    const c = tcpCell('quiet', {
      nodes: 3,
      durationUs: 600 * S,
      link: tcpLink(0, 2 * MS, constant(3 * MS)),
      reverseLink: tcpLink(0, 5 * MS, constant(40 * MS)),
      crashes: [crashAt(100 * S, 20 * S), crashAt(250 * S, null, 'n1'), crashAt(300 * S + 1, 1 * S, 'n2')],
      detector: { kind: 'timeout', timeoutUs: 3 * S, deadAfterUs: 8 * S, checkIntervalUs: 500 * MS },
      transitionLogLimit: 1000,
    });
    const { walk } = expectWalkEqualsEngine(c, TCP_WALK);
    expect(walk.tallies.crashes).toBeGreaterThan(0);
    expect(walk.tallies.transport).toEqual({ retransmissions: 0, headOfLineStalls: 0, connectionBreaks: 0, droppedByBreaks: 0, falseSuspicionsDuringStall: 0 });
  });

  it('every segment lost: backoff from rto_initial, breaks after retries2, reconnects, sends to a broken connection, suspicions during the stall', () => {
    const tcp: TcpSettings = { ...TCP_DEFAULTS, retries2: 3, reconnectDelayUs: 2 * S };
    const c = tcpCell('lost', {
      nodes: 2,
      durationUs: 300 * S,
      warmupUs: 20 * S,
      link: tcpLink(1, MS, constant(2 * MS), tcp),
      detector: { kind: 'timeout', timeoutUs: 4 * S, deadAfterUs: 10 * S, checkIntervalUs: 0 },
      transitionLogLimit: 1000,
    });
    const { walk } = expectWalkEqualsEngine(c, TCP_WALK);
    const t = walk.tallies.transport!;
    expect(t.retransmissions).toBeGreaterThan(10);
    expect(t.connectionBreaks).toBeGreaterThan(5);
    expect(t.droppedByBreaks).toBeGreaterThan(5);
    expect(walk.tallies.heartbeatsLost).toBeGreaterThan(0);
  });

  it('every segment lost under a user timeout, with a crash right after a loss (the queue dies with the process)', () => {
    const tcp: TcpSettings = { ...TCP_DEFAULTS, userTimeoutUs: 2_500 * MS, reconnectDelayUs: 0 };
    const c = tcpCell('user-timeout', {
      nodes: 2,
      durationUs: 120 * S,
      warmupUs: 0,
      link: tcpLink(1, MS, constant(MS), tcp),
      crashes: [crashAt(30 * S + 500 * MS, 5 * S), crashAt(61 * S, 3 * S, 'n1')],
      detector: { kind: 'timeout', timeoutUs: 3 * S, deadAfterUs: Number.POSITIVE_INFINITY, checkIntervalUs: 0 },
      transitionLogLimit: 1000,
    });
    const { walk } = expectWalkEqualsEngine(c, TCP_WALK);
    expect(walk.tallies.transport!.connectionBreaks).toBeGreaterThan(0);
  });

  /**
   * Deterministic losses: a partition of one node's link (onset `at`) drops whatever
   * leaves while it lasts, with no random draw. One node, no jitter, constant delays:
   * the sends are at phase + k·I, so a cut placed around send k loses exactly the
   * transmissions that leave inside it, on both paths.
   */
  const cutCase = (seed: string, over: WalkCase, cuts: (sendOf: (k: number) => number) => [number, number][], extra: Partial<SimConfig> = {}) => {
    const base = tcpCell(seed, {
      nodes: 1,
      durationUs: 200 * S,
      warmupUs: 5 * S,
      link: tcpLink(0, MS, constant(2 * MS)),
      reverseLink: tcpLink(0, 5 * MS, constant(40 * MS)),
      detector: { kind: 'timeout', timeoutUs: 1_200 * MS, deadAfterUs: 5 * S, checkIntervalUs: 0 },
      transitionLogLimit: 1000,
      ...over,
    });
    const phase = heartbeatPhaseUs({ seed: base.seed, replication: 0 }, 'n0', base.heartbeat.intervalUs);
    const sendOf = (k: number) => phase + k * base.heartbeat.intervalUs;
    const faults: Fault[] = cuts(sendOf).map(([atUs, forUs]) => ({ kind: 'partition', nodes: { kind: 'all' }, scope: 'each', direction: 'toObserver', onset: { kind: 'at', atUs }, duration: constant(forUs) }));
    return { ...base, faults, ...extra };
  };

  it('a single loss: retransmitted one RTO later (SRTT + rto_min after constant samples), delivered; a suspicion it causes ends at the retransmission', () => {
    const c = cutCase('single-loss', {}, (send) => [[send(100) - MS, 10 * MS]]);
    const { walk } = expectWalkEqualsEngine(c, TCP_WALK);
    expect(walk.tallies.transport!.retransmissions).toBe(1);
    expect(walk.tallies.falseSuspicions).toBe(1);
    const { stats } = runTcpWalkWithStats(c);
    expect(stats.materialisations).toBeGreaterThan(0); // the RTO needed the skipped samples: drawn (constants here)
    expect(stats.materialisedSamples).toBeGreaterThan(50);
  });

  it('a loss whose retransmission is lost again: backoff doubles the RTO', () => {
    const c = cutCase('backoff', {}, (send) => [[send(100) - MS, 700 * MS]]);
    const { walk } = expectWalkEqualsEngine(c, TCP_WALK);
    expect(walk.tallies.transport!.retransmissions).toBe(2);
  });

  it('a crash right after a loss: the queued heartbeat dies with the process, the restart opens a fresh connection', () => {
    const c = cutCase('crash-after-loss', {}, (send) => [[send(100) - MS, 10 * MS]]);
    const phase = heartbeatPhaseUs({ seed: c.seed, replication: 0 }, 'n0', S);
    const crashed = { ...c, crashes: [crashAt(phase + 100 * S + 100 * MS, 5 * S)], faults: c.faults };
    const { walk } = expectWalkEqualsEngine(crashed, TCP_WALK);
    expect(walk.tallies.transport!.retransmissions).toBe(0);
    expect(walk.tallies.crashes).toBe(1);
  });

  it('a heavy ack delay: RTT ≈ 0.8 s, so the RTO (≈ 1 s) reaches the next send: head-of-line stalls behind the hole', () => {
    const c = cutCase('heavy-ack', { reverseLink: tcpLink(0, 5 * MS, constant(800 * MS)), detector: { kind: 'timeout', timeoutUs: 3 * S, deadAfterUs: 9 * S, checkIntervalUs: 0 } }, (send) => [[send(100) + 500 * MS, 10 * MS], [send(150) - MS, 10 * MS]]);
    const { walk } = expectWalkEqualsEngine(c, TCP_WALK);
    expect(walk.tallies.transport!.retransmissions).toBeGreaterThanOrEqual(1);
    expect(walk.tallies.transport!.headOfLineStalls).toBeGreaterThan(0);
  });

  it('the first RTT sample of a connection: the first segment lost (RTO = rto_initial), then the second after one sample', () => {
    const c = cutCase('first-sample', { warmupUs: 0 }, (send) => [[send(0) - 1, 10 * MS], [send(2) - MS, 10 * MS]]);
    const { walk } = expectWalkEqualsEngine(c, TCP_WALK);
    expect(walk.tallies.transport!.retransmissions).toBe(2);
  });

  it.each(['skip', 'burst'] as const)('sender pauses (%s on resume): held heartbeats, bursts onto the connection, the first news after each pause', (mode) => {
    for (const loss of [0, 1]) {
      const c = tcpCell(`pauses-${mode}-${loss}`, {
        nodes: 3,
        durationUs: 400 * S,
        link: tcpLink(loss, MS, constant(2 * MS), { ...TCP_DEFAULTS, retries2: 4 }),
        faults: [senderPause({ kind: 'periodic', periodUs: 47 * S }, { kind: 'constant', valueUs: 4_300 * MS }, mode)],
        detector: { kind: 'timeout', timeoutUs: 3 * S, deadAfterUs: 9 * S, checkIntervalUs: 0 },
        transitionLogLimit: 1000,
      });
      const { walk } = expectWalkEqualsEngine(c, TCP_WALK);
      expect(walk.tallies.pauses).toBeGreaterThan(10);
      expect(walk.tallies.heartbeatsMissedWhilePaused).toBeGreaterThan(30);
      if (loss === 0) expect(walk.tallies.pausesWithSuspicion).toBeGreaterThan(5);
    }
  });
});

/** Every tally the engine keeps for a TCP cell, as numbers. */
const SCALARS = ['heartbeatsSent', 'heartbeatsDelivered', 'heartbeatsLost', 'falseSuspicions', 'falseDeaths', 'crashes', 'upSuspectedUs', 'upUs', 'flaps', 'pauses', 'pausesWithSuspicion', 'heartbeatsMissedWhilePaused'] as const;
const TRANSPORT = ['retransmissions', 'headOfLineStalls', 'connectionBreaks', 'droppedByBreaks', 'falseSuspicionsDuringStall'] as const;
const mean = (a: Float64Array) => (a.length === 0 ? 0 : a.reduce((x, y) => x + y, 0) / a.length);

/** Walk (replications 0..R−1) and engine (R..2R−1) within 4 SE on every tally; returns the walk's statistics summed. */
function agree(config: (r: number) => SimConfig, R: number): { walk: RunTallies[]; engine: RunTallies[]; materialisations: number; benign: number } {
  const walk: RunTallies[] = [];
  const engine: RunTallies[] = [];
  let materialisations = 0;
  let benign = 0;
  for (let r = 0; r < R; r++) {
    expect(runPathFor(config(r))).toBe('tcpWalk');
    const w = runTcpWalkWithStats(config(r));
    walk.push(w.result.tallies);
    materialisations += w.stats.materialisations;
    benign += w.stats.benign;
    engine.push(new Simulation(config(R + r)).run().tallies);
  }
  for (const f of SCALARS) expectWithin4Se(f, walk.map((t) => t[f] as number), engine.map((t) => t[f] as number));
  for (const f of TRANSPORT) expectWithin4Se(`transport.${f}`, walk.map((t) => t.transport![f]), engine.map((t) => t.transport![f]));
  expectWithin4Se('detections', walk.map((t) => t.detectionLatenciesUs.length), engine.map((t) => t.detectionLatenciesUs.length));
  expectWithin4Se('mean detection latency', walk.map((t) => mean(t.detectionLatenciesUs)), engine.map((t) => mean(t.detectionLatenciesUs)));
  expectWithin4Se('mean mistake duration', walk.map((t) => mean(t.mistakeDurationsUs)), engine.map((t) => mean(t.mistakeDurationsUs)));
  return { walk, engine, materialisations, benign };
}

const sum = (ts: RunTallies[], f: (t: RunTallies) => number) => ts.reduce((a, t) => a + f(t), 0);

describe('the TCP walk agrees with the engine within 4 SE', () => {
  it('isolated losses settled from the bounds (k8s-like: 10 s interval, 50 s grace, 5 s checks, crashes)', () => {
    const cfg = (r: number) =>
      tcpCell('k8s-like', {
        replication: r,
        nodes: 30,
        durationUs: 6 * 3_600 * S,
        warmupUs: 300 * S,
        heartbeat: { intervalUs: 10 * S, jitter: { kind: 'uniform', minUs: 0, maxUs: 100 * MS } },
        link: tcpLink(0.02, MS, { kind: 'exponential', meanUs: MS }),
        crashes: [{ kind: 'crashRecover', nodes: { kind: 'all' }, mttfUs: 3 * 3_600 * S, mttrUs: 600 * S }],
        detector: { kind: 'timeout', timeoutUs: 50 * S, deadAfterUs: 350 * S, checkIntervalUs: 5 * S },
      });
    const { walk, benign } = agree(cfg, 12);
    expect(sum(walk, (t) => t.transport!.retransmissions)).toBeGreaterThan(500);
    expect(benign).toBeGreaterThan(400);
  });

  it('skipping skips on the k8s preset’s cell (0.1 % loss, 1 d, a crash per node every 2 d): few heartbeats drawn, RTT samples almost never', () => {
    const c = tcpCell('k8s-preset', {
      nodes: 100,
      durationUs: 86_400 * S,
      warmupUs: 300 * S,
      heartbeat: { intervalUs: 10 * S, jitter: { kind: 'uniform', minUs: 0, maxUs: 100 * MS } },
      link: tcpLink(0.001, MS, { kind: 'exponential', meanUs: MS }),
      crashes: [{ kind: 'crashRecover', nodes: { kind: 'all' }, mttfUs: 2 * 86_400 * S, mttrUs: 1_800 * S }],
      detector: { kind: 'timeout', timeoutUs: 50 * S, deadAfterUs: 350 * S, checkIntervalUs: 5 * S },
    });
    const { result, stats } = runTcpWalkWithStats(c);
    expect(result.tallies.transport!.retransmissions).toBeGreaterThan(300);
    expect(stats.benign).toBeGreaterThan(300);
    expect(stats.drawnInRegions / stats.heartbeats).toBeLessThan(0.05);
    expect(stats.materialisedSamples / stats.heartbeats).toBeLessThan(0.02);
  });

  it('timeouts close to the RTO (etcd-like: 100 ms interval, RTO ≈ 200 ms): head-of-line stalls, backoff, materialisation', () => {
    const cfg = (r: number) =>
      tcpCell('etcd-like', {
        replication: r,
        nodes: 4,
        durationUs: 1_200 * S,
        warmupUs: 10 * S,
        heartbeat: { intervalUs: 100 * MS, jitter: { kind: 'uniform', minUs: 0, maxUs: 5 * MS } },
        link: tcpLink(0.03, 200, { kind: 'exponential', meanUs: 50 }),
        crashes: [{ kind: 'crashRecover', nodes: { kind: 'all' }, mttfUs: 300 * S, mttrUs: 10 * S }],
        detector: { kind: 'timeout', timeoutUs: 500 * MS, deadAfterUs: Number.POSITIVE_INFINITY, checkIntervalUs: 100 * MS },
      });
    const { walk, materialisations } = agree(cfg, 12);
    expect(sum(walk, (t) => t.transport!.headOfLineStalls)).toBeGreaterThan(100);
    expect(sum(walk, (t) => t.falseSuspicions)).toBeGreaterThan(20);
    expect(sum(walk, (t) => t.transport!.falseSuspicionsDuringStall)).toBeGreaterThan(20);
    expect(materialisations).toBeGreaterThan(100);
  });

  it('a heavy, variable ack delay (RTTVAR term above rto_min) on a lossy pareto link', () => {
    const cfg = (r: number) =>
      tcpCell('heavy-ack', {
        replication: r,
        nodes: 8,
        durationUs: 1_800 * S,
        heartbeat: { intervalUs: 500 * MS, jitter: { kind: 'constant', valueUs: 0 } },
        link: tcpLink(0.05, 2 * MS, { kind: 'pareto', scaleUs: 2 * MS, shape: 1.5 }),
        reverseLink: tcpLink(0, 5 * MS, { kind: 'lognormal', medianUs: 60 * MS, sigma: 1 }),
        detector: { kind: 'timeout', timeoutUs: 1_500 * MS, deadAfterUs: 4 * S, checkIntervalUs: 0 },
      });
    const { walk } = agree(cfg, 12);
    expect(sum(walk, (t) => t.falseSuspicions)).toBeGreaterThan(20);
  });

  it('sender pauses (lognormal, bursting) on a lossy link: the pause tallies too', () => {
    const cfg = (r: number) =>
      tcpCell('pauses', {
        replication: r,
        nodes: 10,
        durationUs: 1_800 * S,
        heartbeat: { intervalUs: 500 * MS, jitter: { kind: 'uniform', minUs: 0, maxUs: 20 * MS } },
        link: tcpLink(0.05, MS, { kind: 'lognormal', medianUs: 2 * MS, sigma: 1 }),
        faults: [senderPause({ kind: 'poisson', meanGapUs: 60 * S }, { kind: 'lognormal', medianUs: 900 * MS, sigma: 0.6 }, 'burst')],
        detector: { kind: 'timeout', timeoutUs: 1_500 * MS, deadAfterUs: 5 * S, checkIntervalUs: 0 },
      });
    const { walk, engine } = agree(cfg, 12);
    for (const f of ['pauses', 'pausesWithSuspicion', 'heartbeatsMissedWhilePaused'] as const) expectWithin4Se(f, walk.map((t) => t[f] as number), engine.map((t) => t[f] as number));
    expect(sum(walk, (t) => t.pausesWithSuspicion)).toBeGreaterThan(30);
  });

  it('random link cuts (partitions of one node) on a loss-free, exponential link: retransmissions, backoff, stalls', () => {
    const I = 100 * MS;
    const cfg = (r: number) =>
      tcpCell('cuts', {
        replication: r,
        nodes: 6,
        durationUs: 3_000 * I,
        warmupUs: 20 * I,
        heartbeat: { intervalUs: I, jitter: { kind: 'uniform', minUs: 0, maxUs: 10 * MS } },
        link: tcpLink(0, MS, { kind: 'exponential', meanUs: 2 * MS }),
        reverseLink: tcpLink(0, MS, { kind: 'exponential', meanUs: 2 * MS }),
        faults: [{ kind: 'partition', nodes: { kind: 'all' }, scope: 'each', direction: 'both', onset: { kind: 'poisson', meanGapUs: 150 * I }, duration: { kind: 'lognormal', medianUs: 1.5 * I, sigma: 0.8 } }],
        detector: { kind: 'timeout', timeoutUs: 2 * I, deadAfterUs: 6 * I, checkIntervalUs: 0 },
      });
    const { walk } = agree(cfg, 16);
    expect(sum(walk, (t) => t.transport!.retransmissions)).toBeGreaterThan(1_000);
    expect(sum(walk, (t) => t.falseSuspicions)).toBeGreaterThan(1_000);
  });

  it('a property: random lossy, heavy-tailed TCP cells with crashes or sender pauses and tight timeouts', () => {
    const laws: DelayDistribution[] = [
      { kind: 'exponential', meanUs: 2 * MS },
      { kind: 'lognormal', medianUs: 3 * MS, sigma: 1.2 },
      { kind: 'pareto', scaleUs: MS, shape: 1.3 },
      { kind: 'uniform', minUs: 0, maxUs: 30 * MS },
    ];
    fc.assert(
      fc.property(
        fc.record({
          loss: fc.double({ min: 0.01, max: 0.15, noNaN: true }),
          law: fc.integer({ min: 0, max: laws.length - 1 }),
          ackLaw: fc.integer({ min: 0, max: laws.length - 1 }),
          intervalMs: fc.constantFrom(100, 250, 1_000),
          timeoutIntervals: fc.constantFrom(2, 3, 5),
          jitterFrac: fc.double({ min: 0, max: 0.3, noNaN: true }),
          pollMs: fc.constantFrom(0, 0, 100),
          episodes: fc.constantFrom('none', 'crashes', 'pauses'),
          burst: fc.boolean(),
          retries2: fc.constantFrom(15, 2),
          userTimeout: fc.boolean(),
        }),
        (p) => {
          const I = p.intervalMs * MS;
          const cfg = (r: number) =>
            tcpCell('property', {
              replication: r,
              nodes: 6,
              durationUs: Math.round(3_000 * I),
              warmupUs: 20 * I,
              heartbeat: { intervalUs: I, jitter: { kind: 'uniform', minUs: 0, maxUs: Math.round(p.jitterFrac * I) } },
              link: tcpLink(p.loss, MS, laws[p.law]!, { ...TCP_DEFAULTS, retries2: p.retries2, userTimeoutUs: p.userTimeout ? 3 * I : 0, reconnectDelayUs: I }),
              reverseLink: tcpLink(0, MS, laws[p.ackLaw]!),
              crashes: p.episodes === 'crashes' ? [{ kind: 'crashRecover', nodes: { kind: 'all' }, mttfUs: 600 * I, mttrUs: 30 * I }] : [],
              faults:
                p.episodes === 'pauses'
                  ? [senderPause({ kind: 'poisson', meanGapUs: 100 * I }, { kind: 'lognormal', medianUs: 2 * I, sigma: 0.7 }, p.burst ? 'burst' : 'skip')]
                  : [],
              detector: { kind: 'timeout', timeoutUs: p.timeoutIntervals * I, deadAfterUs: 3 * p.timeoutIntervals * I, checkIntervalUs: p.pollMs * MS },
            });
          if (tcpWalkRefusal(cfg(0)) !== null) return;
          agree(cfg, 10);
        },
      ),
      { seed: 1412, numRuns: 8 },
    );
  });
});

describe('refusals', () => {
  const base = tcpCell('refused', { nodes: 2 });
  it('takes the plain TCP cell', () => expect(tcpWalkRefusal(base)).toBeNull());
  it.each<[string, SimConfig, RegExp]>([
    ['UDP', { ...base, link: { ...base.link, transport: 'udp' } }, /not a TCP link/],
    ['partitions on a lossy link', { ...base, faults: [{ kind: 'partition', nodes: { kind: 'all' }, scope: 'each', direction: 'both', onset: { kind: 'at', atUs: 10 * S }, duration: constant(S) }] } as SimConfig, /partitions on a lossy TCP link/],
    ['a group partition', { ...base, faults: [{ kind: 'partition', nodes: { kind: 'all' }, scope: 'group', direction: 'both', onset: { kind: 'at', atUs: 10 * S }, duration: constant(S) }] } as SimConfig, /group partition/],
    ['slow I/O', { ...base, faults: [{ kind: 'slowIo', nodes: { kind: 'all' }, extraDelay: { kind: 'constant', valueUs: MS } }] } as SimConfig, /faults other than crashes, sender pauses and partitions/],
    ['pauses with crashes', { ...base, faults: [senderPause({ kind: 'periodic', periodUs: 60 * S }, { kind: 'constant', valueUs: S })], crashes: [crashAt(100 * S, S)] }, /pauses together with crashes/],
    ['Gilbert–Elliott', { ...base, link: { ...base.link, loss: { kind: 'gilbertElliott', enterBadProbability: 0.01, leaveBadProbability: 0.5, lossInGoodProbability: 0, lossInBadProbability: 1 } } }, /Gilbert/],
    ['NFD-E-like other detectors', { ...base, detector: { kind: 'phiAkka', threshold: 8, acceptablePauseUs: 0, minStdDeviationUs: 100_000, maxSampleSize: 100, firstHeartbeatEstimateUs: S, confirmAfterUs: 0, checkIntervalUs: 0, deadAfterUs: Number.POSITIVE_INFINITY } } as unknown as SimConfig, /fixed-timeout/],
    ['link overrides', { ...base, linkOverrides: [{ nodes: { kind: 'named', names: ['n0'] }, toObserver: base.link }] } as SimConfig, /overrides/],
    ['a jitter reaching the interval', { ...base, heartbeat: { intervalUs: S, jitter: { kind: 'uniform', minUs: 0, maxUs: S } } }, /jitter/],
    ['a timeout below the interval', { ...base, detector: { kind: 'timeout', timeoutUs: 500 * MS, deadAfterUs: S, checkIntervalUs: 0 } }, /below the interval/],
  ])('%s', (_label, c, reason) => expectRefused(c, reason, TCP_WALK));
});

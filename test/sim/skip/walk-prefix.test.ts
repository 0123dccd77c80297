/**
 * The pause-survival probes resume each node's walk from the state saved at its pause
 * window's first heartbeat (src/sim/skip/walk-shared.ts, NodePrefix). A resumed walk
 * must equal a fresh one on every tally, whatever the order of the pause lengths, and
 * a saved prefix must not be reused where the probe would have walked it otherwise:
 * when the run's end is near enough to shape the prefix (an edge joins its segments, an
 * arrival past the end is cut), when the pause starts elsewhere, or when anything but
 * the two lengths differs. Each case checks that resumption happened (or was declined)
 * where it should, so the comparisons are not vacuous.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Fault, SimConfig } from '../../../src/sim/config.js';
import type { DelayDistribution } from '../../../src/sim/random/distributions.js';
import { StreamBank, STREAM_STATE_LENGTH } from '../../../src/sim/random/streams.js';
import { namedStreamKey } from '../../../src/sim/random/stream-keys.js';
import { runTimeoutWalk } from '../../../src/sim/skip/timeout-walk.js';
import { WalkShared } from '../../../src/sim/skip/walk-shared.js';

const S = 1_000_000;
const NODES = 40;

interface Probe {
  loss: number;
  gilbert: boolean;
  burst: boolean;
  jitterMaxUs: number;
  timeoutIntervals: number;
  checkIntervalUs: number;
  delay: 'exponential' | 'pareto' | 'lognormal';
  slowIo: boolean;
  /** Simulated time after the pause's latest possible end: the search's 30 s margin, or a tight end. */
  tailUs: number;
}

interface Shape {
  onsetFromUs?: number;
  seed?: string;
}

/** A probe as the search builds one: 1 s beats, one pause of `pauseUs` per node at a uniform instant in [from, from + 10 s). */
function probe(p: Probe, pauseUs: number, shape: Shape = {}): SimConfig {
  const timeoutUs = Math.round(p.timeoutIntervals * S);
  const warmupUs = 15 * S;
  const from = shape.onsetFromUs ?? warmupUs;
  const faults: Fault[] = [];
  if (p.slowIo) faults.push({ kind: 'slowIo', nodes: { kind: 'named', names: ['n1', 'n4', 'n9'] }, extraDelay: { kind: 'exponential', meanUs: 300_000 } });
  faults.push({ kind: 'senderPause', nodes: { kind: 'all' }, onset: { kind: 'uniformOnce', fromUs: from, toUs: from + 10 * S }, duration: { kind: 'constant', valueUs: pauseUs }, afterPause: p.burst ? 'burst' : 'skip' });
  const random: DelayDistribution =
    p.delay === 'pareto' ? { kind: 'pareto', scaleUs: 20_000, shape: 0.35 } : p.delay === 'lognormal' ? { kind: 'lognormal', medianUs: 40_000, sigma: 1.2 } : { kind: 'exponential', meanUs: 5_000 };
  const loss = p.gilbert
    ? { loss: { kind: 'gilbertElliott' as const, enterBadProbability: 0.02, leaveBadProbability: 0.3, lossInGoodProbability: p.loss / 4, lossInBadProbability: 0.6 } }
    : {};
  return {
    seed: shape.seed ?? 'prefix',
    replication: 0,
    durationUs: from + 10 * S + pauseUs + p.tailUs,
    warmupUs,
    nodeNames: Array.from({ length: NODES }, (_, i) => `n${i}`),
    monitorName: 'monitor',
    heartbeat: { intervalUs: S, jitter: p.jitterMaxUs === 0 ? { kind: 'constant', valueUs: 0 } : { kind: 'uniform', minUs: 0, maxUs: p.jitterMaxUs } },
    link: { lossProbability: p.loss, duplicateProbability: 0, delay: { baseUs: 1_000, random }, ...loss },
    crashes: [],
    faults,
    detector: { kind: 'timeout', timeoutUs, deadAfterUs: 2 * timeoutUs, checkIntervalUs: p.checkIntervalUs },
    transitionLogLimit: 0,
  } as SimConfig;
}

const base: Probe = { loss: 0.05, gilbert: false, burst: false, jitterMaxUs: 200_000, timeoutIntervals: 2.5, checkIntervalUs: 0, delay: 'exponential', slowIo: false, tailUs: 30 * S };

/** Walks each length with one shared set-up and afresh; every tally must agree. Returns the resumed node count. */
function compare(configs: readonly SimConfig[], pausesOnly: boolean, shared = new WalkShared()): { resumed: number; suspected: number } {
  let suspected = 0;
  for (const c of configs) {
    const fresh = runTimeoutWalk(c, undefined, { pausesOnly });
    const reused = runTimeoutWalk(c, undefined, { pausesOnly, shared });
    expect(reused.tallies).toEqual(fresh.tallies);
    suspected += fresh.tallies.pausesWithSuspicion;
  }
  return { resumed: shared.resumed, suspected };
}

describe('walk prefixes: probes resumed from each node’s saved walk before its pause equal fresh walks', () => {
  it('property: any order of pause lengths, any loss/delay/jitter/polling/resume mode, tight or loose end (fixed fast-check seed)', () => {
    let resumed = 0;
    let suspected = 0;
    let tight = 0;
    fc.assert(
      fc.property(
        fc.record({
          loss: fc.double({ min: 0.005, max: 0.25, noNaN: true }),
          gilbert: fc.boolean(),
          burst: fc.boolean(),
          jitterMaxUs: fc.constantFrom(0, 400_000),
          timeoutIntervals: fc.double({ min: 1.2, max: 5, noNaN: true }),
          checkIntervalUs: fc.constantFrom(0, 300_000),
          delay: fc.constantFrom('exponential' as const, 'pareto' as const, 'lognormal' as const),
          slowIo: fc.boolean(),
          tailUs: fc.constantFrom(30 * S, 4 * S, 300_000),
        }),
        fc.array(fc.integer({ min: 1, max: 8_000_000 }), { minLength: 2, maxLength: 5 }),
        fc.boolean(),
        (p, lengths, pausesOnly) => {
          const r = compare(lengths.map((L) => probe(p, L)), pausesOnly);
          resumed += r.resumed;
          suspected += r.suspected;
          if (p.tailUs < 30 * S) tight += r.resumed;
        },
      ),
      { numRuns: 30, seed: 1204, endOnFailure: true },
    );
    expect(resumed).toBeGreaterThan(500); // a third of later walks resumed (tight ends and heavy tails decline many); the comparisons exercised the resume path
    expect(tight).toBeGreaterThan(0);
    expect(suspected).toBeGreaterThan(50);
  });

  it('declines a prefix the run’s end would have shaped: a pause so long that the next probe’s end edge reaches the saved segment', () => {
    // A tight end: the end edge is W heartbeats from the saved reach only for short pauses.
    const p: Probe = { ...base, tailUs: 300_000 };
    const shared = new WalkShared();
    const r = compare([probe(p, 6 * S), probe(p, 1), probe(p, 3 * S), probe(p, 50_000)], true, shared);
    expect(r.resumed).toBeGreaterThan(0);
    expect(r.resumed).toBeLessThan(3 * NODES); // some nodes were walked afresh, as they must be
  });

  it('declines a prefix when an arrival of it lies past the next probe’s end, or was cut by the saving probe’s end (heavy-tailed delays)', () => {
    // Pareto(shape 0.35) delays: about 1 heartbeat in 10 arrives more than a minute late, so prefixes carry arrivals past short probes' ends.
    const p: Probe = { ...base, delay: 'pareto', loss: 0.01 };
    for (const lengths of [
      [8 * S, 1, 4 * S, 100_000],
      [1, 8 * S, 2 * S],
    ]) {
      const shared = new WalkShared();
      const r = compare(lengths.map((L) => probe(p, L)), false, shared);
      expect(r.resumed).toBeGreaterThan(0);
      expect(r.resumed).toBeLessThan((lengths.length - 1) * NODES);
    }
  });

  it('drops every saved prefix when the pause starts elsewhere (another onset range) or anything else differs, and resumes again after', () => {
    const shared = new WalkShared();
    const early = { onsetFromUs: 3 * S };
    const configs = [
      probe(base, 2 * S), // saves
      probe(base, 1 * S, early), // the pause starts before most saved points: nothing may be resumed
      probe(base, 3 * S, early), // resumes the early prefixes
      probe({ ...base, timeoutIntervals: 1.7 }, 3 * S, early), // another detector: nothing resumed
      probe({ ...base, loss: 0.2 }, 3 * S, early), // another link: nothing resumed
      probe(base, 2 * S), // back to the first shape: saved anew, not resumed
    ];
    const resumedAfter: number[] = [];
    for (const c of configs) {
      expect(runTimeoutWalk(c, undefined, { pausesOnly: true, shared }).tallies).toEqual(runTimeoutWalk(c, undefined, { pausesOnly: true }).tallies);
      resumedAfter.push(shared.resumed);
    }
    expect(resumedAfter).toEqual([0, 0, NODES, NODES, NODES, NODES]);
  });

  it('resumes every node of a probe whose lengths leave the prefix alone, with the same verdict timeline (transition log) as a fresh walk', () => {
    const p: Probe = { ...base, gilbert: true, burst: true, checkIntervalUs: 250_000 };
    const shared = new WalkShared();
    const withLog = (c: SimConfig): SimConfig => ({ ...c, transitionLogLimit: 100_000 });
    for (const L of [2 * S, 700_000, 5 * S]) {
      const c = withLog(probe(p, L));
      const fresh = runTimeoutWalk(c);
      const reused = runTimeoutWalk(c, undefined, { shared });
      expect(reused.tallies).toEqual(fresh.tallies);
      expect(reused.log).toEqual(fresh.log);
      expect(fresh.log?.length ?? 0).toBeGreaterThan(NODES);
    }
    expect(shared.resumed).toBe(2 * NODES);
  });

  it('a saved stream resumes exactly, its spare normal included, in another bank and at another index', () => {
    const root = { seed: 'prefix', replication: 3 };
    const a = new StreamBank(2);
    const i = a.add(root, namedStreamKey('node/n1/skip'));
    for (let k = 0; k < 7; k++) a.next(i);
    a.normal(i); // leaves the pair's second value spare
    const saved = new Float64Array(STREAM_STATE_LENGTH + 2);
    a.saveStream(i, saved, 2);
    expect(saved[6]).toBe(1);
    const b = new StreamBank(1, 6); // a bank of wider records (owners' words after the state)
    b.add(root, namedStreamKey('other'));
    const j = b.add(root, namedStreamKey('other too'));
    b.normal(j); // a spare of its own, which the restore must replace
    b.restoreStream(j, saved, 2);
    const drawsA = [a.normal(i), a.next(i), a.normal(i), a.normal(i), a.next(i)];
    const drawsB = [b.normal(j), b.next(j), b.normal(j), b.normal(j), b.next(j)];
    expect(drawsB).toEqual(drawsA);
    // Without a spare: the restore clears the target's.
    a.saveStream(i, saved, 0);
    expect(saved[4]).toBe(0);
    b.normal(j);
    b.restoreStream(j, saved, 0);
    expect([b.normal(j), b.next(j)]).toEqual([a.normal(i), a.next(i)]);
  });
});

/**
 * The pause-survival probes' shared set-up (src/sim/skip/walk-shared.ts): phases, stream
 * keys and pause onsets derived once per search must give exactly what each walk derives
 * afresh. Walks sharing one set-up across pause lengths (in any order) equal fresh walks
 * on every tally, and a whole search equals a from-scratch search.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Fault, SimConfig } from '../../../src/sim/config.js';
import { StreamBank } from '../../../src/sim/random/streams.js';
import { pauseSchedule } from '../../../src/sim/skip/pause-schedule.js';
import { runTimeoutWalk } from '../../../src/sim/skip/timeout-walk.js';
import { WalkShared } from '../../../src/sim/skip/walk-shared.js';
import { longestPauseSurvived } from '../../../src/sweep/pause-survival.js';

const S = 1_000_000;

interface Probe {
  loss: number;
  burst: boolean;
  jitterMaxUs: number;
  timeoutIntervals: number;
  checkIntervalUs: number;
  pareto: boolean;
  slowIo: boolean;
  farClass: boolean;
}

/** A probe as the search builds one: 1 s beats, one pause of `pauseUs` per node at a uniform instant after warm-up. */
function probe(p: Probe, pauseUs: number, seed = 'shared'): SimConfig {
  const timeoutUs = Math.round(p.timeoutIntervals * S);
  const warmupUs = 15 * S;
  const faults: Fault[] = [];
  if (p.slowIo) faults.push({ kind: 'slowIo', nodes: { kind: 'named', names: ['n1', 'n4'] }, extraDelay: { kind: 'exponential', meanUs: 200_000 } });
  faults.push({ kind: 'senderPause', nodes: { kind: 'all' }, onset: { kind: 'uniformOnce', fromUs: warmupUs, toUs: warmupUs + 10 * S }, duration: { kind: 'constant', valueUs: pauseUs }, afterPause: p.burst ? 'burst' : 'skip' });
  const far = { lossProbability: 0.1, duplicateProbability: 0, delay: { baseUs: 40_000, random: { kind: 'lognormal' as const, medianUs: 30_000, sigma: 1 } } };
  return {
    seed,
    replication: 0,
    durationUs: warmupUs + 14 * S + pauseUs + 30 * S + 2 * timeoutUs,
    warmupUs,
    nodeNames: Array.from({ length: 40 }, (_, i) => `n${i}`),
    monitorName: 'monitor',
    heartbeat: { intervalUs: S, jitter: p.jitterMaxUs === 0 ? { kind: 'constant', valueUs: 0 } : { kind: 'uniform', minUs: 0, maxUs: p.jitterMaxUs } },
    link: { lossProbability: p.loss, duplicateProbability: 0, delay: { baseUs: 1_000, random: p.pareto ? { kind: 'pareto', scaleUs: 20_000, shape: 1.2 } : { kind: 'exponential', meanUs: 5_000 } } },
    ...(p.farClass ? { linkOverrides: [{ nodes: { kind: 'named', names: ['n2', 'n3', 'n7'] }, toObserver: far }] } : {}),
    crashes: [],
    faults,
    detector: { kind: 'timeout', timeoutUs, deadAfterUs: 2 * timeoutUs, checkIntervalUs: p.checkIntervalUs },
    transitionLogLimit: 0,
  } as SimConfig;
}

const probeArb = fc.record({
  loss: fc.double({ min: 0.005, max: 0.2, noNaN: true }),
  burst: fc.boolean(),
  jitterMaxUs: fc.constantFrom(0, 300_000),
  timeoutIntervals: fc.double({ min: 1.5, max: 6, noNaN: true }),
  checkIntervalUs: fc.constantFrom(0, 500_000),
  pareto: fc.boolean(),
  slowIo: fc.boolean(),
  farClass: fc.boolean(),
});

describe('walk-shared: the probes’ set-up derived once equals a fresh walk’s', () => {
  it('property: walks sharing one set-up across pause lengths (any order) equal fresh walks on every tally (fixed fast-check seed)', () => {
    let suspected = 0;
    fc.assert(
      fc.property(probeArb, fc.array(fc.integer({ min: 1, max: 9_000_000 }), { minLength: 2, maxLength: 5 }), fc.boolean(), (p, lengths, pausesOnly) => {
        const shared = new WalkShared();
        for (const L of lengths) {
          const c = probe(p, L);
          const fresh = runTimeoutWalk(c, undefined, { pausesOnly });
          const reused = runTimeoutWalk(c, undefined, { pausesOnly, shared });
          expect(reused.tallies).toEqual(fresh.tallies);
          expect(reused.endUs).toBe(fresh.endUs);
          suspected += fresh.tallies.pausesWithSuspicion;
        }
      }),
      { numRuns: 25, seed: 1212, endOnFailure: true },
    );
    expect(suspected).toBeGreaterThan(50); // the pauses did cause suspicions: the comparison is not vacuous
  });

  it('derives each probe’s pause windows exactly as drawn afresh from the fault streams', () => {
    const p: Probe = { loss: 0.01, burst: true, jitterMaxUs: 0, timeoutIntervals: 3, checkIntervalUs: 0, pareto: false, slowIo: true, farClass: false };
    const shared = new WalkShared();
    for (const L of [2_500_000, 1, 777_777, 9_000_000]) {
      const c = probe(p, L);
      const root = { seed: c.seed, replication: c.replication };
      const derived = shared.pauseSchedule(c, root);
      expect(derived).not.toBeNull();
      expect(derived).toEqual(pauseSchedule(c, root, new StreamBank(8)));
    }
  });

  it('declines what is not a one-pause probe (the walk then draws its own windows), and refuses another seed or nodes', () => {
    const p: Probe = { loss: 0.05, burst: false, jitterMaxUs: 300_000, timeoutIntervals: 2.5, checkIntervalUs: 0, pareto: false, slowIo: false, farClass: false };
    const shared = new WalkShared();
    const base = probe(p, 2 * S);
    const poisson: SimConfig = { ...base, faults: [{ kind: 'senderPause', nodes: { kind: 'all' }, onset: { kind: 'poisson', meanGapUs: 20 * S }, duration: { kind: 'constant', valueUs: 2 * S }, afterPause: 'skip' }] };
    expect(shared.pauseSchedule(poisson, { seed: base.seed, replication: 0 })).toBeNull();
    expect(runTimeoutWalk(poisson, undefined, { shared }).tallies).toEqual(runTimeoutWalk(poisson).tallies);
    const lognormal: SimConfig = { ...base, faults: [{ kind: 'senderPause', nodes: { kind: 'all' }, onset: { kind: 'uniformOnce', fromUs: 15 * S, toUs: 25 * S }, duration: { kind: 'lognormal', medianUs: 2 * S, sigma: 0.5 }, afterPause: 'skip' }] };
    expect(shared.pauseSchedule(lognormal, { seed: base.seed, replication: 0 })).toBeNull();
    expect(runTimeoutWalk(lognormal, undefined, { shared }).tallies).toEqual(runTimeoutWalk(lognormal).tallies);
    expect(() => runTimeoutWalk(probe(p, 2 * S, 'other seed'), undefined, { shared })).toThrow(/another seed/);
    expect(() => runTimeoutWalk({ ...base, nodeNames: base.nodeNames.slice(1) }, undefined, { shared })).toThrow(/another seed/);
  });

  it('a subset of the set-up (a part of the probe’s nodes) equals a set-up derived afresh for those nodes, and walks with it equal fresh walks', () => {
    const p: Probe = { loss: 0.05, burst: true, jitterMaxUs: 300_000, timeoutIntervals: 2.5, checkIntervalUs: 0, pareto: true, slowIo: false, farClass: false };
    const whole = probe(p, 2 * S);
    const root = { seed: whole.seed, replication: 0 };
    const all = new WalkShared();
    expect(() => all.subset([1], ['n1'])).toThrow(/derive the set-up first/);
    expect(all.pauseSchedule(whole, root)).not.toBeNull();
    all.nodeSetup(whole);
    const indices = [7, 3, 30, 0, 12];
    const names = indices.map((i) => whole.nodeNames[i]!);
    expect(() => all.subset(indices, names.slice().reverse())).toThrow(/names must be those/);
    const part = all.subset(indices, names);
    const fresh = new WalkShared();
    for (const L of [S, 3 * S + 17, 500_000]) {
      const c = { ...probe(p, L), nodeNames: names };
      expect(part.nodeSetup(c)).toEqual(fresh.nodeSetup(c));
      const derived = part.pauseSchedule(c, root);
      expect(derived).not.toBeNull();
      expect(derived).toEqual(fresh.pauseSchedule(c, root));
      expect(derived).toEqual(pauseSchedule(c, root, new StreamBank(8)));
      expect(runTimeoutWalk(c, undefined, { pausesOnly: true, shared: part }).tallies).toEqual(runTimeoutWalk(c, undefined, { pausesOnly: true }).tallies);
    }
  });

  it('property: a search with the shared set-up equals a from-scratch search (fixed fast-check seed)', () => {
    fc.assert(
      fc.property(probeArb, (p) => {
        const cell = { ...probe(p, S), faults: p.burst ? [{ kind: 'senderPause', nodes: { kind: 'all' }, onset: { kind: 'poisson', meanGapUs: 600 * S }, duration: { kind: 'constant', valueUs: S }, afterPause: 'burst' }] : [] } as SimConfig;
        const options = { nodes: 60 };
        expect(longestPauseSurvived(cell, options)).toEqual(longestPauseSurvived(cell, { ...options, shareSetUp: false }));
      }),
      { numRuns: 8, seed: 12, endOnFailure: true },
    );
  });
});

/**
 * runOnce's cascade: the skipping walk where it applies, else the per-node kernel, else
 * the engine — and each path's result is the one its own simulator gives.
 */
import { describe, expect, it } from 'vitest';
import type { SimConfig } from '../../src/sim/config.js';
import { Simulation } from '../../src/sim/engine/simulation.js';
import { runTimeoutKernel } from '../../src/sim/fast/index.js';
import { runOnce, runPathFor } from '../../src/sim/run-once.js';
import { runNfdSWalk } from '../../src/sim/skip/nfd-s-walk.js';
import { runTimeoutWalk } from '../../src/sim/skip/timeout-walk.js';

function config(over: Partial<SimConfig> = {}): SimConfig {
  return {
    seed: 'cascade',
    replication: 0,
    durationUs: 600_000_000,
    warmupUs: 10_000_000,
    nodeNames: ['a', 'b', 'c'],
    monitorName: 'monitor',
    heartbeat: { intervalUs: 1_000_000, jitter: { kind: 'uniform', minUs: 0, maxUs: 20_000 } },
    link: { lossProbability: 0.05, duplicateProbability: 0, delay: { baseUs: 1_000, random: { kind: 'exponential', meanUs: 2_000 } } },
    crashes: [],
    detector: { kind: 'timeout', timeoutUs: 2_000_000, deadAfterUs: 4_000_000, checkIntervalUs: 0 },
    transitionLogLimit: 100,
    ...over,
  };
}

describe('runOnce cascade', () => {
  it('takes the walk for a plain fixed-timeout cell, timeline included, and returns the walk’s result', () => {
    const c = config();
    expect(runPathFor(c)).toBe('walk');
    expect(runOnce(c)).toEqual(runTimeoutWalk(c));
  });

  it('the walk reports progress from within (the fraction of nodes walked), and its result does not depend on being watched', () => {
    const c = config({ nodeNames: Array.from({ length: 250 }, (_, i) => `n${i}`) });
    const seen: number[] = [];
    const watched = runOnce(c, { onProgress: (f) => seen.push(f) });
    expect(seen.length).toBeGreaterThan(50);
    expect(seen.at(-1)).toBe(1);
    expect(seen.slice(0, -1).every((f) => f > 0 && f < 1)).toBe(true);
    expect(seen.every((f, i) => i === 0 || f > seen[i - 1]!)).toBe(true);
    expect(watched).toEqual(runOnce(c));
  });

  it('falls back to the per-node kernel where the walk does not apply (duplication; a timeout below the interval)', () => {
    const dup = config({ transitionLogLimit: 0, link: { lossProbability: 0.05, duplicateProbability: 0.01, delay: { baseUs: 1_000, random: { kind: 'exponential', meanUs: 2_000 } } } });
    expect(runPathFor(dup)).toBe('kernel');
    expect(runOnce(dup)).toEqual(runTimeoutKernel(dup));
    const short = config({ transitionLogLimit: 0, detector: { kind: 'timeout', timeoutUs: 900_000, deadAfterUs: 900_000, checkIntervalUs: 0 } });
    expect(runPathFor(short)).toBe('kernel');
  });

  it('falls back to the engine for what neither applies to, and for what the engine refuses', () => {
    // NFD-E's expected arrivals depend on a window of past arrivals: no skipping walk is exact.
    const nfd = config({ detector: { kind: 'nfdE', marginUs: 500_000, windowSize: 100, bertier: null, confirmAfterUs: 0, checkIntervalUs: 0 } });
    expect(runPathFor(nfd)).toBe('engine');
    expect(runOnce(nfd)).toEqual(new Simulation(nfd).run());
    // NFD-S has a walk of its own (src/sim/skip/nfd-s-walk.ts).
    const nfdS = config({ detector: { kind: 'nfdS', shiftUs: 500_000, confirmAfterUs: 0, checkIntervalUs: 0 } });
    expect(runPathFor(nfdS)).toBe('nfdSWalk');
    expect(runOnce(nfdS)).toEqual(runNfdSWalk(nfdS));
    // Duplication with a timeline: not the walk (duplication); the kernel, which keeps the engine's timeline.
    const dupWithLog = config({ link: { lossProbability: 0.05, duplicateProbability: 0.01, delay: { baseUs: 0, random: { kind: 'constant', valueUs: 0 } } } });
    expect(dupWithLog.transitionLogLimit).toBeGreaterThan(0);
    expect(runPathFor(dupWithLog)).toBe('kernel');
    expect(runOnce(dupWithLog)).toEqual(new Simulation(dupWithLog).run());
    // A TCP reverse link under a UDP forward one: neither.
    const udpThenTcp = config({ reverseLink: { lossProbability: 0, duplicateProbability: 0, delay: { baseUs: 0, random: { kind: 'constant', valueUs: 0 } }, transport: 'tcp' } });
    expect(runPathFor(udpThenTcp)).toBe('engine');
    // An invalid configuration goes to the engine, whose error names the field.
    const bad = config({ warmupUs: 600_000_000 });
    expect(runPathFor(bad)).toBe('engine');
    expect(() => runOnce(bad)).toThrow(/warm-up/);
  });

  it('walks crashes (crashAt, crashRecover one node at a time); racks (nodes crashing together) go to the engine', () => {
    const crashes: SimConfig['crashes'] = [
      { kind: 'crashAt', nodes: { kind: 'named', names: ['a'] }, atUs: 100_000_000, downUs: 30_000_000 },
      { kind: 'crashRecover', nodes: { kind: 'all' }, mttfUs: 120_000_000, mttrUs: 10_000_000 },
    ];
    const walked = config({ crashes });
    expect(runPathFor(walked)).toBe('walk');
    const result = runOnce(walked);
    expect(result).toEqual(runTimeoutWalk(walked));
    // The crash processes are the engine's own draws: the same crashes, the same time up.
    const engine = new Simulation(walked).run();
    expect(result.tallies.crashes).toBe(engine.tallies.crashes);
    expect(result.tallies.crashes).toBeGreaterThan(3);
    expect(result.tallies.upUs).toBe(engine.tallies.upUs);
    const racks: SimConfig['crashes'] = [{ kind: 'crashRecover', nodes: { kind: 'all' }, mttfUs: 120_000_000, mttrUs: 10_000_000, rackSize: 3 }];
    expect(runPathFor(config({ crashes: racks, transitionLogLimit: 0 }))).toBe('engine');
    expect(runPathFor(config({ crashes: racks }))).toBe('engine');
  });

  it('keeps a node’s results when another node is added (per-node streams on the walk too)', () => {
    const three = runOnce(config({ transitionLogLimit: 0 }));
    const four = runOnce(config({ transitionLogLimit: 0, nodeNames: ['0', 'a', 'b', 'c'] }));
    expect(runPathFor(config({ nodeNames: ['0', 'a', 'b', 'c'] }))).toBe('walk');
    // Every tally of the three shared nodes is a sum over nodes: the fourth adds, never perturbs.
    const solo = runOnce(config({ transitionLogLimit: 0, nodeNames: ['0'] }));
    expect(four.tallies.heartbeatsSent).toBe(three.tallies.heartbeatsSent + solo.tallies.heartbeatsSent);
    expect(four.tallies.heartbeatsLost).toBe(three.tallies.heartbeatsLost + solo.tallies.heartbeatsLost);
    expect(four.tallies.falseSuspicions).toBe(three.tallies.falseSuspicions + solo.tallies.falseSuspicions);
    expect(four.tallies.upSuspectedUs).toBe(three.tallies.upSuspectedUs + solo.tallies.upSuspectedUs);
  });
});

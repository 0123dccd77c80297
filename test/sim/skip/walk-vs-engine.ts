/**
 * What the walk-against-engine tests share: the base configuration (10 nodes, 1 s
 * heartbeats, 1 % loss, a 3 s timeout), sender pause faults, and the two kinds of
 * comparison — exact (worked cases: every tally and the timeline, entry for entry) and
 * statistical (independent replications on each side, means within 4 standard errors).
 */
import { expect } from 'vitest';
import type { Fault, SimConfig } from '../../../src/sim/config.js';
import { Simulation } from '../../../src/sim/engine/simulation.js';
import type { RunTallies } from '../../../src/sim/metrics/recorder.js';
import type { RunResult } from '../../../src/sim/engine/run-result.js';
import { runPathFor, type RunPath } from '../../../src/sim/run-once.js';
import { runTimeoutWalk, timeoutWalkRefusal } from '../../../src/sim/skip/timeout-walk.js';
import { meanAndSe } from './stats.js';

export const S = 1_000_000;

export type WalkCase = Partial<SimConfig> & { nodes?: number };

/** The tests' base cell, with `over` on top; `seed` keeps each file's streams its own. */
export function walkConfig(seed: string, over: WalkCase): SimConfig {
  const nodes = over.nodes ?? 10;
  const { nodes: _n, ...rest } = over;
  return {
    seed,
    replication: 0,
    durationUs: 3_600 * S,
    warmupUs: 60 * S,
    nodeNames: Array.from({ length: nodes }, (_, i) => `n${i}`),
    monitorName: 'monitor',
    heartbeat: { intervalUs: S, jitter: { kind: 'constant', valueUs: 0 } },
    link: { lossProbability: 0.01, duplicateProbability: 0, delay: { baseUs: 1_000, random: { kind: 'exponential', meanUs: 2_000 } } },
    crashes: [],
    detector: { kind: 'timeout', timeoutUs: 3 * S, deadAfterUs: 6 * S, checkIntervalUs: 0 },
    transitionLogLimit: 0,
    ...rest,
  };
}

type SenderPause = Extract<Fault, { kind: 'senderPause' }>;

/** A stop-the-world pause of every node's sender. */
export const senderPause = (onset: SenderPause['onset'], duration: SenderPause['duration'], afterPause: 'skip' | 'burst' = 'skip'): Fault => ({
  kind: 'senderPause',
  nodes: { kind: 'all' },
  onset,
  duration,
  afterPause,
});

/** Every tally of a run, sample arrays as plain arrays (so `toEqual` compares them). */
export const everyTally = (t: RunTallies) => Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v instanceof Float64Array ? Array.from(v) : v]));

/** A walk under test: the run path that must take a cell, the walk itself and its refusal. */
export interface Walker {
  path: RunPath;
  run: (c: SimConfig) => RunResult;
  refusal: (c: SimConfig) => string | null;
}

export const TIMEOUT_WALK: Walker = { path: 'walk', run: runTimeoutWalk, refusal: timeoutWalkRefusal };

/** The timeline, entry by entry. */
const entriesOf = (log: RunResult['log']) =>
  Array.from({ length: log.length }, (_, i) => [log.timeUs[i], log.kind[i], log.pair[i], log.from[i], log.to[i], log.cause[i]]);

/** A worked case: the walk takes it, and equals the engine on every tally and the timeline. */
export function expectWalkEqualsEngine(c: SimConfig, walker: Walker = TIMEOUT_WALK): { walk: RunResult; engine: ReturnType<Simulation['run']> } {
  expect(walker.refusal(c)).toBeNull();
  expect(runPathFor(c)).toBe(walker.path);
  const walk = walker.run(c);
  const engine = new Simulation(c).run();
  expect(everyTally(walk.tallies)).toEqual(everyTally(engine.tallies));
  expect(entriesOf(walk.log)).toEqual(entriesOf(engine.log));
  expect(walk.log.dropped).toBe(engine.log.dropped);
  return { walk, engine };
}

/** A cell the walk must not take: its refusal says why (`reason`), runOnce routes it elsewhere, and the walk called anyway throws. */
export function expectRefused(c: SimConfig, reason: RegExp, walker: Walker, label?: string): void {
  expect(walker.refusal(c), label).toMatch(reason);
  expect(runPathFor(c)).not.toBe(walker.path);
  expect(() => walker.run(c)).toThrow(/does not apply/);
}

const mean = (a: Float64Array) => (a.length === 0 ? 0 : a.reduce((x, y) => x + y, 0) / a.length);

/** Two samples of one quantity agree: their means differ by at most 4 combined standard errors. */
export function expectWithin4Se(what: string, walk: number[], engine: number[]): void {
  const a = meanAndSe(walk);
  const b = meanAndSe(engine);
  expect(Math.abs(a.mean - b.mean), `${what}: walk ${a.mean} ± ${a.se}, engine ${b.mean} ± ${b.se}`).toBeLessThanOrEqual(4 * Math.hypot(a.se, b.se) + 1e-9 * Math.abs(b.mean));
}

/**
 * Walk and engine over R independent replications each (the walk's 0..R−1, the engine's
 * R..2R−1; `walker` names the walk: the timeout walk unless given): `fields`, and with `means` the mean detection latency and mistake duration,
 * within 4 SE. Returns both sides' tallies for the caller's own checks.
 */
export function agreeWithin4Se(
  config: (replication: number) => SimConfig,
  R: number,
  fields: readonly (keyof RunTallies)[],
  means = true,
  walker: Walker = TIMEOUT_WALK,
): { walk: RunTallies[]; engine: RunTallies[] } {
  const walk: RunTallies[] = [];
  const engine: RunTallies[] = [];
  for (let r = 0; r < R; r++) {
    const a = config(r);
    expect(runPathFor(a)).toBe(walker.path);
    walk.push(walker.run(a).tallies);
    engine.push(new Simulation(config(R + r)).run().tallies);
  }
  for (const field of fields) expectWithin4Se(field, walk.map((t) => t[field] as number), engine.map((t) => t[field] as number));
  if (means) {
    expectWithin4Se('mean detection latency', walk.map((t) => mean(t.detectionLatenciesUs)), engine.map((t) => mean(t.detectionLatenciesUs)));
    expectWithin4Se('mean mistake duration', walk.map((t) => mean(t.mistakeDurationsUs)), engine.map((t) => mean(t.mistakeDurationsUs)));
  }
  return { walk, engine };
}

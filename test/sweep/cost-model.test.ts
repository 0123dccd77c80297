/**
 * The inline-vs-workers decision follows the simulator path each task takes
 * (src/sweep/cost-model.ts, src/cli/commands/run.ts `runsInline`): a walk-able scenario
 * of a few thousand node-hours runs on the main thread, the same scenario pushed onto
 * the engine (a monitor pause, which the walk refuses) starts worker threads; the
 * pause search is priced on the path its probes really take.
 */
import { describe, expect, it, vi } from 'vitest';
import { loadScenarioText, expandSweep, resolveScenario } from '../../src/scenarios/load.js';
import { build } from '../../src/scenarios/build.js';
import { planOf } from '../../src/sweep/run-scenario.js';
import { parseSet } from '../../src/scenarios/sets.js';
import { cellCost, NS_PER_HEARTBEAT, pauseProbePath, SEARCH_NS_PER_HEARTBEAT } from '../../src/sweep/cost-model.js';
import { INLINE_BELOW_MS, runsInline } from '../../src/cli/commands/run.js';
import * as runOnceModule from '../../src/sim/run-once.js';
import type { RunPath } from '../../src/sim/run-once.js';
import type { SimConfig } from '../../src/sim/config.js';

const probePaths: RunPath[] = [];
vi.mock('../../src/sim/run-once.js', async (importOriginal) => {
  const real = await importOriginal<typeof runOnceModule>();
  // Records the path of every configuration the pause search asks about (its probes).
  return { ...real, runPathFor: (c: SimConfig) => { const p = real.runPathFor(c); if (c.seed.endsWith('/pause-survival')) probePaths.push(p); return p; } };
});
const { longestPauseSurvived } = await import('../../src/sweep/pause-survival.js');

/** Workload B's model (1 s heartbeats, 1 % loss, exponential delay, 3 s timeout), `nodes` × `duration`. */
function scenario(nodes: number, duration: string, faults = ''): string {
  return `name: b\nseed: 1\nduration: ${duration}\nreplications: 1\ncluster: { nodes: ${nodes} }\nheartbeat: { interval: 1s }\nlink:\n  loss: 1%\n  delay: { base: 1ms, dist: exponential, mean: 2ms }\ndetector: { kind: timeout, timeout: 3s, check_interval: 500ms }\n${faults}`;
}
const MONITOR_PAUSE = 'faults:\n  - monitor_pause: { every: 1h, duration: 200ms }\n';
const configOf = (text: string) => build(expandSweep(loadScenarioText(text, 'b.yaml'))[0]!.scenario).config;

describe('the inline decision follows the path', () => {
  it('2000 nodes × 1 h (7.2e6 heartbeats): inline on the walk, worker threads on the engine', () => {
    const walkable = loadScenarioText(scenario(2000, '1h'), 'b.yaml');
    const engine = loadScenarioText(scenario(2000, '1h', MONITOR_PAUSE), 'b.yaml');
    expect(runOnceModule.runPathFor(configOf(scenario(2000, '1h')))).toBe('walk');
    expect(runOnceModule.runPathFor(configOf(scenario(2000, '1h', MONITOR_PAUSE)))).toBe('engine');
    const a = planOf(walkable, false);
    const b = planOf(engine, false);
    // Same heartbeats: only the path differs, and with it the decision.
    expect(a.heartbeats).toBe(b.heartbeats);
    expect(a.heartbeats).toBe(2000 * 3600);
    expect(a.cpuMs).toBeCloseTo((a.heartbeats * NS_PER_HEARTBEAT.walk) / 1e6, 6);
    expect(b.cpuMs).toBeCloseTo((b.heartbeats * NS_PER_HEARTBEAT.engine) / 1e6, 6);
    expect(runsInline(a)).toBe(true);
    expect(runsInline(b)).toBe(false);
    // Big enough on the walk too: 20 × as many node-hours leave the main thread.
    expect(runsInline(planOf(loadScenarioText(scenario(40_000, '1h'), 'b.yaml'), false))).toBe(false);
  });

  it('the monitor pause is not in the probes: that cell runs on the engine but searches on the walk', () => {
    const cell = configOf(scenario(2000, '1h', MONITOR_PAUSE));
    expect(pauseProbePath(cell)).toBe('walk');
    const withSearch = cellCost(cell, 1, true);
    const without = cellCost(cell, 1, false);
    expect(withSearch.cpuMs - without.cpuMs).toBeCloseTo(((withSearch.heartbeats - without.heartbeats) * SEARCH_NS_PER_HEARTBEAT.walk) / 1e6, 6);
  });

  it('pauseProbePath is the path the real search probes take (walk for db-ha, the TCP walk for k8s, engine for a TCP lease preset, walk beside a monitor pause)', () => {
    const cases: SimConfig[] = [
      build(expandSweep(resolveScenario('db-ha'))[0]!.scenario).config,
      build(expandSweep(resolveScenario('k8s'))[0]!.scenario).config,
      build(expandSweep(resolveScenario('k8s-leader-election'))[0]!.scenario).config,
      configOf(scenario(20, '10m', MONITOR_PAUSE)),
    ];
    const expected: RunPath[] = ['walk', 'tcpWalk', 'engine', 'walk'];
    cases.forEach((cell, i) => {
      probePaths.length = 0;
      longestPauseSurvived(cell, { nodes: 20 });
      expect(probePaths.length).toBeGreaterThan(3);
      expect(new Set(probePaths)).toEqual(new Set([pauseProbePath(cell)]));
      expect(pauseProbePath(cell)).toBe(expected[i]);
    });
  });

  it("npm start's db-ha sweep and workload B run inline; a 10× longer db-ha does not", () => {
    const dbha = planOf(resolveScenario('db-ha'), true);
    expect(dbha.cpuMs).toBeLessThan(INLINE_BELOW_MS);
    expect(runsInline(dbha)).toBe(true);
    // The old engine-speed estimate (4e6 heartbeats/s) said 3.7 s: worker threads.
    expect((dbha.heartbeats / 4e6) * 1000).toBeGreaterThan(INLINE_BELOW_MS);
    const b = planOf(loadScenarioText(scenario(1000, '1h'), 'b.yaml'), true);
    expect(runsInline(b)).toBe(true);
    const long = planOf(resolveScenario('db-ha', { sets: [parseSet('replications=20')] }), true);
    expect(runsInline(long)).toBe(false);
  });
});

/**
 * The closed-form block speaks only when a difference means something (#14: "DISAGREES
 * … would mislead" on 18 of 20 db-ha cells, "P_A predicted 100 %, simulated 100 %,
 * z −6.45", and "reference §1.7" in the output).
 */
import { describe, expect, it } from 'vitest';
import { summaryLines } from '../../src/cli/table.js';
import { PLAIN } from '../../src/check/report.js';
import { analyticComparison } from '../../src/sweep/analytic-check.js';
import { runSweep } from '../../src/sweep/run-sweep.js';
import { build } from '../../src/scenarios/build.js';
import { loadScenarioText } from '../../src/scenarios/load.js';
import { cellWith } from '../report/fixtures.js';

async function comparison(yaml: string) {
  const { config } = build(loadScenarioText(yaml, 'x.yaml').scenario);
  const [pooled] = await runSweep([{ config }], 2, { workers: 1, timelineLimit: 0, pauseSurvival: false });
  return analyticComparison(config, pooled!.tallies)!;
}

const BASE = 'duration: 6h\nwarmup: 0s\ncluster: { nodes: 10 }\nheartbeat: { interval: 1s }\nlink: { loss: 5%, delay: { base: 1ms, dist: exponential, mean: 2ms } }\ndetector: { kind: timeout, timeout: 2.5x, check_interval: 0s }\n';

describe('the closed-form comparison', () => {
  it('agrees quietly on a scenario that meets its assumptions, in plain words without a § reference', async () => {
    const a = await comparison(BASE);
    expect(a.violations).toEqual([]);
    expect(a.agrees).toBe(true);
    expect(`${a.model} ${a.verdict}`).not.toMatch(/§|reference|DISAGREE|i\.i\.d\./);
  });

  it('with a violated assumption it explains rather than alarms, and the terminal says nothing', async () => {
    const a = await comparison(`${BASE}faults:\n  - pause: { every: 10m, duration: { dist: constant, value: 4s } }\n`);
    expect(a.violations.length).toBeGreaterThan(0);
    expect(a.verdict).toMatch(/assumes independent loss and delay/);
    expect(a.verdict).not.toMatch(/DISAGREE|§/);
    const cells = ['a', 'b'].map((id) => ({ ...cellWith(id, 1000, 1, { fsHigh: 2 }), analytic: a }));
    const lines = summaryLines({ name: 'x', seed: '1', replications: 2, scenario: {}, cells } as never, PLAIN);
    expect(lines.length).toBeGreaterThan(3);
    expect(lines.join('\n')).not.toMatch(/closed-form|closed form/);
  });
});

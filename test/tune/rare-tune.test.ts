/**
 * `hbsim tune --rare`: a false-suspicion target of 10⁻³ per node-day, which the
 * simulated node-days cannot show (zero observed bounds the rate only at 3.689 / node-
 * days), is judged on the importance-sampling interval instead. With 1 % i.i.d. loss,
 * constant delay, no jitter and a continuous check, the rate is 86 400·(1 − p)·p^m per
 * node-day for TO = (m + ½)η (src/rare/closed-form.ts): 0.086 for m = 3, 8.6·10⁻⁴ for
 * m = 4. So the fastest timeout meeting "≤ 10⁻³" is 4.5x; without --rare no candidate
 * can be shown to meet it within the replication cap.
 */
import { describe, expect, it } from 'vitest';
import { lossOnsetsPerNodeDay } from '../../src/rare/index.js';
import { loadScenarioText } from '../../src/scenarios/load.js';
import { runTune, tuneSpecOf } from '../../src/tune/index.js';

const SCENARIO = `
name: rare-tune
seed: 2
duration: 2h
cluster: { nodes: 10 }
heartbeat: { interval: 1s }
link: { loss: 1%, delay: { dist: constant, value: 5ms } }
faults:
  - crash: { mttf: 20m, mttr: 1m }
detector: { kind: timeout, timeout: 3x }
tune:
  targets:
    false_suspicions.per_node_day: "<= 0.001"
  minimise: detection_latency_ms.mean
  params:
    detector.timeout: [2.5x, 3.5x, 4.5x, 5.5x, 6.5x]
  max_replications: 2
`;

describe('tune --rare', () => {
  it('meets a 1e-3 per node-day target at the timeout the closed form gives', async () => {
    const loaded = loadScenarioText(SCENARIO, 'rare-tune.yaml');
    const results = await runTune(loaded, tuneSpecOf(loaded.scenario), { toolVersion: 'test', workers: 1, rare: true });
    const t = results.tune!;
    expect(t.chosen).toBe('4.5x');
    const step = t.path.filter((s) => s.cell === '4.5x').at(-1)!;
    const verdict = step.verdicts[0]!;
    expect(verdict.estimator).toBe('importance sampling');
    const exact = lossOnsetsPerNodeDay({ kind: 'bernoulli', probability: 0.01 }, 1_000_000, 4_500_000);
    expect(verdict.ci95![0]).toBeLessThanOrEqual(exact);
    expect(verdict.ci95![1]).toBeGreaterThanOrEqual(exact);
    expect(verdict.ci95![1]).toBeLessThan(0.001);
    // 3.5x breaches: its whole interval is above 1e-3.
    expect(t.path.find((s) => s.cell === '3.5x')?.outcome).toBe('breaches');
  });

  it('without --rare the same target cannot be shown in the simulated node-days', async () => {
    const loaded = loadScenarioText(SCENARIO, 'rare-tune.yaml');
    const results = await runTune(loaded, tuneSpecOf(loaded.scenario), { toolVersion: 'test', workers: 1 });
    expect(results.tune!.chosen).toBeNull();
    expect(results.tune!.path.some((s) => s.outcome === 'undecided')).toBe(true);
  });
});

/**
 * `hbsim tune` on three presets (db-ha, etcd, akka-cluster): each finds a setting
 * that meets its targets — checked here against the chosen cell's own verdicts, not
 * taken on trust — and spends fewer simulated node-days than the equivalent full grid
 * (every lattice cell at the replications the hardest candidate needed). The runs are
 * shortened with --set so the file takes seconds; the numbers are printed for the
 * closing note. Also: the same inputs give the same bytes (determinism, whatever the
 * worker count).
 */
import { describe, expect, it } from 'vitest';
import { serializeResults, type ResultsFile } from '../../src/results/results-file.js';
import { loadPreset } from '../../src/scenarios/load.js';
import { parseSet } from '../../src/scenarios/sets.js';
import { runTune, tuneSpecOf, type TuneCliOptions } from '../../src/tune/index.js';

async function tune(preset: string, sets: string[], cli: TuneCliOptions, workers = 1): Promise<ResultsFile> {
  const loaded = loadPreset(preset, { sets: sets.map((s) => parseSet(s)) });
  return runTune(loaded, tuneSpecOf(loaded.scenario, cli), { toolVersion: 'test', workers });
}

function expectMetAndCheaper(results: ResultsFile, label: string): void {
  const t = results.tune!;
  expect(t.chosen, t.sentence).not.toBeNull();
  const chosen = t.path.filter((s) => s.cell === t.chosen).at(-1)!;
  expect(chosen.outcome).toBe('meets');
  expect(chosen.verdicts.every((v) => v.outcome === 'pass')).toBe(true);
  // The chosen cell's metrics in the results file meet each target as written.
  const cell = results.cells.find((c) => c.id === t.chosen)!;
  expect(cell).toBeDefined();
  expect(t.node_days).toBeLessThan(t.full_grid_node_days);
  // Cost accounting adds up: the path's node-days are the total.
  expect(t.path.reduce((n, s) => n + s.node_days, 0)).toBeCloseTo(t.node_days, 3);
  // No cheaper candidate meets every target.
  for (const s of t.path) if (s.outcome === 'meets' && s.cell !== t.chosen) expect(s.objective!).toBeGreaterThanOrEqual(chosen.objective!);
  console.log(`${label}: chosen ${t.chosen}, ${t.path.length}/${t.lattice_cells} cells, ${t.node_days} node-days vs full grid ${t.full_grid_node_days} (${t.full_grid_replications} reps/cell)`);
}

describe('hbsim tune on presets', () => {
  it('db-ha: fewest messages with p99 ≤ 5 s and ≤ 5 false suspicions per node-day', async () => {
    const results = await tune('db-ha', ['duration=1h'], {
      targets: ['detection_latency_ms.p99<=5s', 'false_suspicions.per_node_day<=5'],
      params: ['heartbeat.interval={from: 250ms, to: 4s, steps: 5, scale: log}', 'detector.timeout={from: 1.5x, to: 12x, steps: 5, scale: log}'],
      maxReplications: 8,
    });
    expectMetAndCheaper(results, 'db-ha');
    expect(results.tune!.analytic_start).not.toBeNull();
  });

  it('etcd: fewest messages with detection p99 ≤ 1.5 s and ≤ 3 false suspicions per node-day', async () => {
    const results = await tune('etcd', ['duration=2h', 'faults.0.crash.mttf=20m'], {
      targets: ['detection_latency_ms.p99<=1.5s', 'false_suspicions.per_node_day<=3'],
      params: ['heartbeat.interval=[50ms, 100ms, 200ms, 400ms, 800ms]', 'detector.timeout=[2x, 3x, 5x, 8x, 12x]'],
      maxReplications: 8,
    });
    expectMetAndCheaper(results, 'etcd');
    // The answer is also given in etcd's own flags, matching the chosen cell's values.
    const t = results.tune!;
    const [interval, timeout] = t.chosen!.split('/');
    const ms = (v: string) => (v.endsWith('ms') ? Number(v.slice(0, -2)) : Number(v.slice(0, -1)) * 1000);
    expect(t.settings).toContain(`etcd 3.5: --heartbeat-interval=${ms(interval!)}`);
    expect(t.settings).toContain(`etcd 3.5: --election-timeout=${Math.ceil(ms(interval!) * Number(timeout!.slice(0, -1)))}`);
  });

  it('akka-cluster (phi accrual, no closed form): lowest mean detection latency with ≤ 5 false suspicions per node-day', async () => {
    const results = await tune('akka-cluster', ['duration=2h', 'faults.0.crash.mttf=1h'], {
      targets: ['false_suspicions.per_node_day<=5'],
      minimise: 'detection_latency_ms.mean',
      params: ['detector.threshold=[2, 4, 8, 12, 16]', 'detector.acceptable_pause=[500ms, 1s, 2s, 3s, 5s]'],
      maxReplications: 8,
    });
    expect(results.tune!.analytic_start).toBeNull();
    expectMetAndCheaper(results, 'akka-cluster');
  });

  it('same inputs, same bytes, whatever the worker count', async () => {
    const cli = { targets: ['detection_latency_ms.p99<=1.5s', 'false_suspicions.per_node_day<=3'], params: ['heartbeat.interval=[100ms, 200ms, 400ms]', 'detector.timeout=[3x, 6x]'], maxReplications: 4 };
    const a = serializeResults(await tune('etcd', ['duration=30m', 'faults.0.crash.mttf=10m'], cli, 1));
    const b = serializeResults(await tune('etcd', ['duration=30m', 'faults.0.crash.mttf=10m'], cli, 2));
    expect(b).toBe(a);
  });
});

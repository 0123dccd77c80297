/**
 * A small made-up results file for warming the chart renderer up (src/cli/chart-worker.ts):
 * a 3 × 3 heartbeat-interval × timeout sweep with crashes, false suspicions and a
 * sample timeline, so `buildCharts` makes every chart kind a simulated sweep gets
 * (trade-off, the three heatmaps, cost, detection CDF, timeline) and vega compiles,
 * lays out and serialises the same marks, scales and axes before the real results
 * exist. Its numbers mean nothing and are never shown or written anywhere; they are
 * a fixed function of the cell (no random stream, no clock), and the metrics go
 * through the real `cellMetrics`, so the rows, intervals and formatting follow the
 * contract's own code paths.
 */
import { RESULTS_SCHEMA, latencyQuantilesMs, type CellResult, type ResultsFile } from './results-file.js';
import { cellMetrics } from './cell-metrics.js';
import type { Timeline } from './timeline.js';
import { zeroTallies, type RunTallies } from '../sim/metrics/tallies.js';

const US_PER_MS = 1000;
const NODES = 5;
const HOURS = 2;
const INTERVALS_MS = [250, 1000, 3000] as const;
const TIMEOUT_FACTORS = [2, 3, 5] as const;

/** Deterministic "spread" in [0, 1) from an integer, so values vary across a cell's samples. */
function spread(i: number): number {
  return ((Math.imul(i + 1, 0x9e3779b1) >>> 0) % 1000) / 1000;
}

function tallies(intervalMs: number, factor: number): RunTallies {
  const timeoutMs = intervalMs * factor;
  const upUs = NODES * HOURS * 3_600_000 * US_PER_MS;
  const heartbeats = Math.round(upUs / (intervalMs * US_PER_MS));
  const falseSuspicions = Math.max(0, Math.round(40 / factor ** 2 - 1));
  const crashes = 12;
  const latencies = Float64Array.from({ length: crashes }, (_, i) => Math.round((timeoutMs - spread(i) * intervalMs + 3) * US_PER_MS));
  const mistakes = Float64Array.from({ length: falseSuspicions }, (_, i) => Math.round((spread(i + 50) * intervalMs + 4) * US_PER_MS));
  const mistakeUs = mistakes.reduce((s, v) => s + v, 0);
  const perPair = Float64Array.from({ length: NODES }, (_, i) => (i < falseSuspicions ? 1 : 0));
  return {
    ...zeroTallies(),
    upUs,
    upSuspectedUs: mistakeUs,
    falseSuspicions,
    mistakeDurationsUs: mistakes,
    detectionLatenciesUs: latencies,
    deadLatenciesUs: latencies.map((v) => v + timeoutMs * US_PER_MS),
    crashes,
    heartbeatsSent: heartbeats,
    heartbeatsDelivered: heartbeats - 20,
    heartbeatsLost: 20,
    perPairFalseSuspicions: perPair,
    perPairUpUs: new Float64Array(NODES).fill(upUs / NODES),
    perPairUpSuspectedUs: perPair.map((n) => (n * mistakeUs) / Math.max(1, falseSuspicions)),
  };
}

/** Crashes with their detection and recovery, and false suspicions between, on every node. */
function timeline(intervalMs: number, timeoutMs: number): Timeline {
  const entries: Timeline['entries'][number][] = [];
  for (let k = 0; k < 12; k++) {
    const node = `node-${1 + (k % NODES)}`;
    const t = 60_000 + k * 500_000;
    if (k % 3 === 0) {
      const detect = t + timeoutMs - spread(k) * intervalMs;
      entries.push({ t_ms: t, node, event: 'crash' });
      entries.push({ t_ms: detect, node, event: 'verdict', from: 'ALIVE', to: 'SUSPECTED', cause: 'timer' });
      entries.push({ t_ms: detect + timeoutMs, node, event: 'verdict', from: 'SUSPECTED', to: 'DEAD', cause: 'timer' });
      entries.push({ t_ms: t + 120_000, node, event: 'recover' });
      entries.push({ t_ms: t + 120_000 + intervalMs, node, event: 'verdict', from: 'DEAD', to: 'ALIVE', cause: 'heartbeat' });
    } else {
      entries.push({ t_ms: t, node, event: 'verdict', from: 'ALIVE', to: 'SUSPECTED', cause: 'timer' });
      entries.push({ t_ms: t + spread(k) * intervalMs + 5, node, event: 'verdict', from: 'SUSPECTED', to: 'ALIVE', cause: 'heartbeat' });
    }
  }
  return { entries, dropped: 0 };
}

/** The warm-up results file (a fresh object each call; cheap: a few hundred numbers). */
export function warmUpResults(): ResultsFile {
  const swept = ['heartbeat.interval', 'detector.timeout'];
  const cells: CellResult[] = [];
  for (const intervalMs of INTERVALS_MS) {
    for (const factor of TIMEOUT_FACTORS) {
      const t = tallies(intervalMs, factor);
      const quantiles = latencyQuantilesMs(t.detectionLatenciesUs);
      cells.push({
        id: `${intervalMs}ms/${factor}x`,
        params: { 'heartbeat.interval': `${intervalMs}ms`, 'detector.timeout': `${factor}x` },
        metrics: cellMetrics(t),
        ...(quantiles ? { detection_latency_quantiles_ms: quantiles } : {}),
      });
    }
  }
  return {
    schema: RESULTS_SCHEMA,
    tool: { name: 'hbsim', version: '0.0.0' },
    name: 'warm-up',
    source: 'warm-up',
    seed: '1',
    replications: 1,
    scenario: { name: 'warm-up', cluster: { nodes: NODES }, sweep: { 'heartbeat.interval': '…', 'detector.timeout': '…' } },
    swept,
    cells,
    sample: { cell: '1000ms/3x', duration_ms: HOURS * 3_600_000, timeline: timeline(1000, 3000) },
  };
}

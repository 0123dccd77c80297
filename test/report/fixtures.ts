/**
 * Results files for the analysis and report tests, built without the sweep runner:
 *
 * - `syntheticSweep`: any grid size in milliseconds. Per cell, tallies are drawn from a
 *   simple model of a lossy link (a false suspicion needs ⌊timeout/interval⌋ heartbeats
 *   lost in a row; a crash is detected timeout − U·interval + delay after it happens)
 *   and turned into metrics by the real `cellMetrics`, so every metric, interval and
 *   rounding is the contract's own.
 * - `simulatedSweep`: real runs of the engine (`runReplications`) over a heartbeat
 *   interval × timeout grid, with the sample timeline of the recommended cell.
 * - `cellWith`: a hand-made cell with chosen coordinates, for frontier tables.
 */
import { analyze } from '../../src/analysis/index.js';
import { cellMetrics, type CellMetrics } from '../../src/results/cell-metrics.js';
import { latencyQuantilesMs, RESULTS_SCHEMA, type CellResult, type ResultsFile } from '../../src/results/results-file.js';
import type { Timeline } from '../../src/results/timeline.js';
import type { SimConfig } from '../../src/sim/config.js';
import { mergeTallies, type RunTallies } from '../../src/sim/metrics/recorder.js';
import { runReplications } from '../../src/sweep/replicate.js';
import { simConfig } from '../support/sim-config.js';

const US_PER_MS = 1000;
const US_PER_HOUR = 3_600_000_000;

/** Small deterministic generator (mulberry32) so fixtures need no engine streams. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Human spelling of a duration in ms, as a user would write it in a scenario. */
function written(ms: number): string {
  return ms >= 1000 && ms % 100 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

export interface SyntheticOptions {
  readonly intervalsMs?: readonly number[];
  readonly timeoutFactors?: readonly number[];
  readonly nodes?: number;
  readonly hours?: number;
  readonly lossProbability?: number;
  readonly name?: string;
  readonly description?: string;
  /** Transitions in the sample timeline (default 400). */
  readonly timelineEntries?: number;
}

function syntheticTallies(intervalMs: number, timeoutMs: number, o: Required<SyntheticOptions>, random: () => number): RunTallies {
  const upUs = o.nodes * o.hours * US_PER_HOUR;
  const heartbeats = Math.round(upUs / (intervalMs * US_PER_MS));
  const lostInARow = Math.floor(timeoutMs / intervalMs);
  const expected = heartbeats * o.lossProbability ** lostInARow;
  const falseSuspicions = Math.round(expected * (0.8 + 0.4 * random()));
  const crashes = Math.max(3, Math.round((o.nodes * o.hours) / 2));
  const delayMs = () => 2 - 8 * Math.log(1 - random());
  const latencies = Float64Array.from({ length: crashes }, () => Math.round((timeoutMs - random() * intervalMs + delayMs()) * US_PER_MS));
  const mistakes = Float64Array.from({ length: falseSuspicions }, () => Math.round((random() * intervalMs + delayMs()) * US_PER_MS));
  const perPair = new Float64Array(o.nodes);
  for (let i = 0; i < falseSuspicions; i++) perPair[Math.floor(random() * o.nodes)]! += 1;
  const mistakeUs = mistakes.reduce((s, v) => s + v, 0);
  const lost = Math.round(heartbeats * o.lossProbability);
  return {
    ...mergeTallies([]),
    upUs,
    upSuspectedUs: mistakeUs,
    falseSuspicions,
    falseDeaths: falseSuspicions > 0 && timeoutMs <= 2 * intervalMs ? Math.round(falseSuspicions * 0.01) : 0,
    mistakeDurationsUs: mistakes,
    detectionLatenciesUs: latencies,
    deadLatenciesUs: latencies.map((v) => v + timeoutMs * US_PER_MS),
    crashes,
    heartbeatsSent: heartbeats,
    heartbeatsDelivered: heartbeats - lost,
    heartbeatsLost: lost,
    perPairFalseSuspicions: perPair,
    perPairUpUs: new Float64Array(o.nodes).fill(upUs / o.nodes),
    perPairUpSuspectedUs: perPair.map((n) => (n * mistakeUs) / Math.max(1, falseSuspicions)),
  };
}

/** A plausible sample run: crashes with their detection, and false suspicions between. */
function syntheticTimeline(intervalMs: number, timeoutMs: number, entries: number, nodes: number, hours: number, random: () => number): Timeline {
  const out: Timeline['entries'][number][] = [];
  const endMs = hours * 3_600_000;
  const gapMs = (2 * endMs) / Math.max(1, entries / 3);
  let t = 5_000;
  while (out.length < entries) {
    const node = `node-${String(1 + Math.floor(random() * nodes)).padStart(2, '0')}`;
    if (random() < 0.25) {
      const detect = t + timeoutMs - random() * intervalMs;
      const back = Math.round(detect + timeoutMs + 30_000);
      if (back + intervalMs >= endMs) break;
      out.push({ t_ms: t, node, event: 'crash' });
      out.push({ t_ms: Math.round(detect), node, event: 'verdict', from: 'ALIVE', to: 'SUSPECTED', cause: 'timer' });
      out.push({ t_ms: Math.round(detect + timeoutMs), node, event: 'verdict', from: 'SUSPECTED', to: 'DEAD', cause: 'timer' });
      out.push({ t_ms: back, node, event: 'recover' });
      out.push({ t_ms: back + intervalMs, node, event: 'verdict', from: 'DEAD', to: 'ALIVE', cause: 'heartbeat' });
      t = back + intervalMs + 1000;
    } else {
      const length = Math.round(random() * intervalMs + 5);
      if (t + length >= endMs) break;
      out.push({ t_ms: t, node, event: 'verdict', from: 'ALIVE', to: 'SUSPECTED', cause: 'timer' });
      out.push({ t_ms: t + length, node, event: 'verdict', from: 'SUSPECTED', to: 'ALIVE', cause: 'heartbeat' });
      t += length + 1000;
    }
    t += Math.round(random() * gapMs);
  }
  return { entries: out, dropped: 0 };
}

function scenarioObject(name: string, description: string, nodes: number, hours: number, loss: number, swept: readonly string[]) {
  return {
    name,
    description,
    seed: 1,
    duration: `${hours}h`,
    warmup: '0s',
    replications: 1,
    timeline_limit: 2000,
    cluster: { nodes, monitor: 'monitor' },
    heartbeat: { interval: '1s', jitter: { dist: 'uniform', min: '0s', max: '5ms' } },
    link: { loss, duplicate: 0, delay: { dist: 'exponential', base: '2ms', mean: '8ms' } },
    faults: [{ crash: { nodes: 'all', mttf: '2h', mttr: '30s' } }],
    detector: { kind: 'timeout', timeout: '3x', dead_after: '2x', check_interval: '0s', allow_short_timeout: false },
    ...(swept.length > 0 ? { sweep: Object.fromEntries(swept.map((p) => [p, '…'])) } : {}),
  };
}

function finish(base: Omit<ResultsFile, 'sample' | 'analysis'>, sample: (recommended: CellResult) => ResultsFile['sample']): ResultsFile {
  const analysis = analyze(base.cells);
  const recommended = base.cells.find((c) => c.id === analysis.recommendation.cell) ?? base.cells[0]!;
  return { ...base, sample: sample(recommended) };
}

/** A synthetic intervals × timeout-factors sweep; 6 × 5 by default. */
export function syntheticSweep(options: SyntheticOptions = {}): ResultsFile {
  const o: Required<SyntheticOptions> = {
    intervalsMs: [100, 250, 500, 1000, 2000, 5000],
    timeoutFactors: [1.5, 2, 3, 5, 8],
    nodes: 10,
    hours: 24,
    lossProbability: 0.02,
    name: 'lossy-lan',
    description: 'Ten nodes on a LAN losing 2 % of heartbeats; crash/recover every 2 h.',
    timelineEntries: 400,
    ...options,
  };
  const swept = ['heartbeat.interval', 'detector.timeout'];
  const cells: CellResult[] = [];
  const timeouts = new Map<string, [number, number]>();
  o.intervalsMs.forEach((intervalMs, i) =>
    o.timeoutFactors.forEach((factor, j) => {
      const random = mulberry32(1 + i * 1000 + j);
      const tallies = syntheticTallies(intervalMs, intervalMs * factor, o, random);
      const id = `${written(intervalMs)}/${factor}x`;
      timeouts.set(id, [intervalMs, intervalMs * factor]);
      const quantiles = latencyQuantilesMs(tallies.detectionLatenciesUs);
      cells.push({
        id,
        params: { 'heartbeat.interval': written(intervalMs), 'detector.timeout': `${factor}x` },
        metrics: cellMetrics(tallies),
        ...(quantiles ? { detection_latency_quantiles_ms: quantiles } : {}),
      });
    }),
  );
  return finish(
    {
      schema: RESULTS_SCHEMA,
      tool: { name: 'hbsim', version: '0.1.0' },
      name: o.name,
      source: `scenarios/${o.name}.yaml`,
      seed: '1',
      replications: 1,
      scenario: scenarioObject(o.name, o.description, o.nodes, o.hours, o.lossProbability, swept),
      swept,
      cells,
    },
    (rec) => {
      const [intervalMs, timeoutMs] = timeouts.get(rec.id)!;
      return { cell: rec.id, duration_ms: o.hours * 3_600_000, timeline: syntheticTimeline(intervalMs, timeoutMs, o.timelineEntries, o.nodes, o.hours, mulberry32(7)) };
    },
  );
}

/** A cell whose only meaningful metrics are the trade-off coordinates (and optional extras). */
export function cellWith(
  id: string,
  p99Ms: number | null,
  falseSuspicionsPerNodeDay: number,
  extra: { fsHigh?: number; count?: number; queryAccuracy?: number; qaLow?: number; messages?: number; params?: CellResult['params'] } = {},
): CellResult {
  const base = cellMetrics(mergeTallies([]));
  const count = extra.count ?? (falseSuspicionsPerNodeDay > 0 ? 10 : 0);
  const metrics: CellMetrics = {
    ...base,
    detection_latency_ms: { count: p99Ms === null ? 0 : 100, mean: p99Ms && p99Ms * 0.6, p50: p99Ms && p99Ms * 0.6, p90: p99Ms && p99Ms * 0.9, p99: p99Ms, max: p99Ms && p99Ms * 1.1, p99_ci95: p99Ms === null ? null : [p99Ms * 0.95, p99Ms * 1.05] },
    false_suspicions: {
      count,
      per_node_hour: falseSuspicionsPerNodeDay / 24,
      per_node_day: falseSuspicionsPerNodeDay,
      ci95_low: falseSuspicionsPerNodeDay * 0.5,
      ci95_high: extra.fsHigh ?? (falseSuspicionsPerNodeDay > 0 ? falseSuspicionsPerNodeDay * 1.8 : 0.5),
    },
    query_accuracy: extra.queryAccuracy ?? 0.999,
    query_accuracy_ci95: [extra.qaLow ?? (extra.queryAccuracy ?? 0.999) - 0.0001, Math.min(1, (extra.queryAccuracy ?? 0.999) + 0.0001)],
    messages_per_node_s: extra.messages ?? 1,
    node_hours: 240,
  };
  return { id, params: extra.params ?? { 'heartbeat.interval': id }, metrics };
}

/** A results file around hand-made cells (one parameter swept: the id). */
export function resultsOf(cells: readonly CellResult[], overrides: Partial<ResultsFile> = {}): ResultsFile {
  return {
    schema: RESULTS_SCHEMA,
    tool: { name: 'hbsim', version: '0.1.0' },
    name: 'hand-made',
    source: 'test',
    seed: '1',
    replications: 1,
    scenario: scenarioObject('hand-made', 'Hand-made cells.', 10, 24, 0.01, ['heartbeat.interval']),
    swept: ['heartbeat.interval'],
    cells,
    sample: { cell: cells[0]?.id ?? 'default', duration_ms: 3_600_000, timeline: { entries: [], dropped: 0 } },
    ...overrides,
  };
}

export interface SimulatedOptions {
  readonly intervalsMs?: readonly number[];
  readonly timeoutFactors?: readonly number[];
  readonly nodes?: number;
  readonly minutes?: number;
  readonly replications?: number;
  readonly name?: string;
}

/** The engine configuration of one cell: a lossy, jittery LAN with crash/recover cycles. */
export function lossyLan(intervalMs: number, timeoutMs: number, nodes: number, minutes: number): SimConfig {
  return simConfig({
    seed: 'report-fixture',
    nodes,
    durationUs: minutes * 60_000_000,
    heartbeat: { intervalUs: intervalMs * US_PER_MS, jitter: { kind: 'uniform', minUs: 0, maxUs: 5_000 } },
    link: { lossProbability: 0.05, duplicateProbability: 0, delay: { baseUs: 2_000, random: { kind: 'exponential', meanUs: 8_000 } } },
    crashes: [{ kind: 'crashRecover', nodes: { kind: 'all' }, mttfUs: 20 * 60_000_000, mttrUs: 30_000_000 }],
    detector: { kind: 'timeout', timeoutUs: timeoutMs * US_PER_MS, deadAfterUs: 2 * timeoutMs * US_PER_MS, checkIntervalUs: 0 },
  });
}

/** A real sweep: `runReplications` per cell, the recommended cell's replication 0 as the sample. */
export function simulatedSweep(options: SimulatedOptions = {}): ResultsFile {
  const intervalsMs = options.intervalsMs ?? [100, 250, 500, 1000, 2000, 4000];
  const factors = options.timeoutFactors ?? [1.5, 2, 3, 5, 8];
  const nodes = options.nodes ?? 8;
  const minutes = options.minutes ?? 120;
  const replications = options.replications ?? 2;
  const name = options.name ?? 'simulated-lan';
  const swept = intervalsMs.length * factors.length > 1 ? ['heartbeat.interval', 'detector.timeout'] : [];
  const cells: CellResult[] = [];
  const timelines = new Map<string, Timeline>();
  for (const intervalMs of intervalsMs) {
    for (const factor of factors) {
      const result = runReplications(lossyLan(intervalMs, intervalMs * factor, nodes, minutes), { replications, timelineLimit: 2000 });
      const id = swept.length > 0 ? `${written(intervalMs)}/${factor}x` : 'default';
      const quantiles = latencyQuantilesMs(result.tallies.detectionLatenciesUs);
      timelines.set(id, result.timeline);
      cells.push({
        id,
        params: swept.length > 0 ? { 'heartbeat.interval': written(intervalMs), 'detector.timeout': `${factor}x` } : {},
        metrics: result.metrics,
        ...(quantiles ? { detection_latency_quantiles_ms: quantiles } : {}),
      });
    }
  }
  return finish(
    {
      schema: RESULTS_SCHEMA,
      tool: { name: 'hbsim', version: '0.1.0' },
      name,
      source: `scenarios/${name}.yaml`,
      seed: 'report-fixture',
      replications,
      scenario: (() => {
        const base = scenarioObject(name, 'Eight nodes on a LAN losing 5 % of heartbeats; crash/recover every 20 min.', nodes, 0, 0.05, swept);
        const single = swept.length === 0 ? { heartbeat: { ...base.heartbeat, interval: written(intervalsMs[0]!) }, detector: { ...base.detector, timeout: `${factors[0]}x` } } : {};
        return { ...base, duration: `${minutes}m`, faults: [{ crash: { nodes: 'all', mttf: '20m', mttr: '30s' } }], link: { ...base.link, loss: 0.05 }, ...single };
      })(),
      swept,
      cells,
    },
    (rec) => ({ cell: rec.id, duration_ms: minutes * 60_000, timeline: timelines.get(rec.id)! }),
  );
}

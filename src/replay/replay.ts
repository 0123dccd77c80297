/**
 * `hbsim replay`: feeds a recorded heartbeat log through detectors and reports, per
 * detector setting, the same metrics as a simulation and the exact state changes, so
 * a user sees when each setting would have suspected which node.
 *
 * A log cannot tell a crash from a silence: without crash marks every suspicion is a
 * false one. A mark `node@t` says the node was down from t until its next recorded
 * heartbeat; its detection latency is then measured like a simulated crash's.
 * The run ends at the last recorded arrival, so the end of the log is not mistaken
 * for a silence.
 */
import type { CrashFault, DetectorConfig, SimConfig } from '../sim/config.js';
import { runOnce } from '../sim/run-once.js';
import { cellMetrics, type CellMetrics } from '../results/cell-metrics.js';
import { latencyQuantilesMs } from '../results/results-file.js';
import { timelineOf, type Timeline } from '../results/timeline.js';
import type { RecordedLog } from './records.js';

export interface CrashMark {
  readonly node: string;
  /** Instant of the crash in the log's own time base (µs, before the shift). */
  readonly atUs: number;
}

export interface ReplaySetting {
  readonly id: string;
  readonly params: Readonly<Record<string, string | number>>;
  readonly detector: DetectorConfig;
}

export interface ReplayCell {
  readonly id: string;
  readonly params: Readonly<Record<string, string | number>>;
  readonly metrics: CellMetrics;
  /** Detection-latency quantiles of the marked crashes (results contract), when any was detected. */
  readonly detectionQuantilesMs: readonly number[] | undefined;
  /** Every state change (and marked crash), in time order, up to `transitionLimit`. */
  readonly timeline: Timeline;
}

export interface ReplayOptions {
  readonly crashes?: readonly CrashMark[];
  readonly warmupUs?: number;
  readonly transitionLimit?: number;
}

export function replayLog(log: RecordedLog, settings: readonly ReplaySetting[], options: ReplayOptions = {}): ReplayCell[] {
  const crashes = crashFaults(log, options.crashes ?? []);
  const durationUs = log.lastArrivalUs + 1;
  return settings.map((setting) => {
    const config: SimConfig = {
      seed: 'replay',
      replication: 0,
      durationUs,
      warmupUs: Math.min(options.warmupUs ?? 0, durationUs - 1),
      nodeNames: log.nodes,
      monitorName: 'observer',
      heartbeat: { intervalUs: estimatedIntervalUs(log), jitter: { kind: 'constant', valueUs: 0 } },
      link: { lossProbability: 0, duplicateProbability: 0, delay: { baseUs: 0, random: { kind: 'constant', valueUs: 0 } } },
      crashes,
      detector: setting.detector,
      transitionLogLimit: options.transitionLimit ?? 10_000,
      trace: log.trace,
    };
    const run = runOnce(config);
    return {
      id: setting.id,
      params: setting.params,
      metrics: cellMetrics(run.tallies),
      detectionQuantilesMs: latencyQuantilesMs(run.tallies.detectionLatenciesUs),
      timeline: timelineOf(run.log, (pair) => log.nodes[pair]!),
    };
  });
}

/** Each mark becomes a crash lasting until the node's next recorded arrival. */
function crashFaults(log: RecordedLog, marks: readonly CrashMark[]): CrashFault[] {
  return marks.map((mark) => {
    const node = log.nodes.indexOf(mark.node);
    if (node < 0) throw new RangeError(`crash mark names "${mark.node}", which is not in the log (nodes: ${log.nodes.slice(0, 5).join(', ')}${log.nodes.length > 5 ? ', …' : ''})`);
    const atUs = Math.max(0, Math.round(mark.atUs - log.originUs));
    const arrivals = log.trace.arrivalsUs[node]!;
    const next = arrivals.find((t) => t > atUs);
    // Back up 1 µs before the next arrival, so the restart precedes the heartbeat it sends.
    return { kind: 'crashAt', nodes: { kind: 'named', names: [mark.node] }, atUs, downUs: next === undefined ? null : Math.max(1, next - atUs - 1) };
  });
}

/**
 * The median inter-arrival time over all nodes: the heartbeat interval the log implies,
 * which NFD-S/NFD-E need as η and a "3x" timeout would be a multiple of.
 */
export function estimatedIntervalUs(log: RecordedLog): number {
  const gaps: number[] = [];
  for (const arrivals of log.trace.arrivalsUs) for (let i = 1; i < arrivals.length; i++) gaps.push(arrivals[i]! - arrivals[i - 1]!);
  if (gaps.length === 0) return 1_000_000;
  gaps.sort((a, b) => a - b);
  return Math.max(1, Math.round(gaps[Math.floor(gaps.length / 2)]!));
}

/**
 * The results file: the versioned contract that the CLI writes and the report, the
 * CI gate and users' own tools read (documented in docs/results.md). It holds no
 * wall-clock value, and its bytes depend only on the inputs and the seed: keys are
 * written in the order built here, and numbers are already rounded by cell-metrics.
 */
import type { AnalyticComparison } from './analytic-comparison.js';
import type { CellMetrics } from './cell-metrics.js';
import type { RareFalseSuspicions } from './rare-result.js';
import type { Timeline } from './timeline.js';
import type { TuneSummary } from './tune-summary.js';
import { quantile, sortSamples } from '../stats/index.js';
export { STREAMS_VERSION } from '../sim/random/streams.js';

export const RESULTS_SCHEMA = 'hbsim.results/1';

/** A swept value as the user wrote it ("500ms", "3x", 0.01). */
export type ParamValue = string | number | boolean;

export interface CellResult {
  /** Stable identifier: the swept values joined, or "default" when nothing is swept. */
  readonly id: string;
  /** Swept parameter path → value as written. Empty when nothing is swept. */
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly metrics: CellMetrics;
  /**
   * Optional: detection latency (ms) at each probability of `LATENCY_QUANTILE_PROBABILITIES`,
   * for the report's distribution chart (`latencyQuantilesMs` computes it from the pooled
   * samples). Absent when no crash was detected or the writer predates it; the report then
   * draws the p50/p90/p99/max of `metrics` instead.
   */
  readonly detection_latency_quantiles_ms?: readonly number[];
  /** How the longest survivable pause (metrics.longest_pause_survived_ms) was found. */
  readonly pause_survival?: {
    readonly longest_ms: number;
    readonly pauses_per_probe: number;
    readonly failures_at_longest: number;
    readonly failure_ci95: readonly [number, number];
    readonly capped: boolean;
    /** The search's bound in heartbeats (all probes together), and whether it stopped there (`longest_ms` then a lower bound). */
    readonly budget_heartbeats?: number;
    readonly stopped_by_budget?: boolean;
  };
  /** The closed-form prediction beside the simulation, where one exists (fixed timeout, NFD-S). */
  readonly analytic?: AnalyticComparison;
  /** `hbsim run --rare`: the false-suspicion rate by importance sampling, or why it does not apply. */
  readonly rare_false_suspicions?: RareFalseSuspicions;
}

/** Probabilities of `CellResult.detection_latency_quantiles_ms`: every 5 %, plus the tail. */
export const LATENCY_QUANTILE_PROBABILITIES: readonly number[] = [
  0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.99,
  0.999, 1,
];

/** The quantiles of `LATENCY_QUANTILE_PROBABILITIES` (Hyndman–Fan 7) in ms at µs resolution; undefined for no samples. */
export function latencyQuantilesMs(samplesUs: ArrayLike<number>): number[] | undefined {
  if (samplesUs.length === 0) return undefined;
  const sorted = sortSamples(samplesUs);
  return LATENCY_QUANTILE_PROBABILITIES.map((p) => Math.round(quantile(sorted, p)!) / 1000);
}

/**
 * What a user may ask of the recommended cell. A false-suspicion target always
 * applies (default `DEFAULT_MAX_FALSE_SUSPICIONS_PER_NODE_DAY`), so "lowest detection
 * latency" never picks a detector that cries wolf; the others apply when given.
 */
export interface RecommendationTargets {
  /** Upper bound on the false-suspicion rate, checked against the upper end of its 95 % interval. */
  readonly maxFalseSuspicionsPerNodeDay?: number;
  /** Upper bound on the detection-latency p99 (ms), checked against the point estimate. */
  readonly maxDetectionP99Ms?: number;
  /** Lower bound on P_A, checked against the lower end of its 95 % interval. */
  readonly minQueryAccuracy?: number;
}

export type TargetName = keyof RecommendationTargets;

export interface Recommendation {
  /** The recommended cell; when no cell meets every target, the closest one; null only without cells. */
  readonly cell: string | null;
  /** True when `cell` meets every target. */
  readonly met: boolean;
  /** Targets that no cell meets even on its own (empty when met, or when only their combination fails). */
  readonly unreachable: readonly TargetName[];
  /** The recommendation in words, with its numbers. */
  readonly sentence: string;
  /**
   * The scenario's `expect:` thresholds that ruled cells out (a cell the CI gate would
   * find breached is never recommended), each with how many cells it ruled out; absent
   * when none did.
   */
  readonly excluded_by?: readonly { readonly threshold: string; readonly cells: number }[];
  /**
   * A replayed log too short to show the false-suspicion target is met even with no false
   * suspicion (src/replay/short-log.ts): "no cell meets the targets" would blame the
   * settings for the log's length. Absent otherwise.
   */
  readonly too_short?: true;
}

/** The analysis of a sweep (src/analysis), stored so that reports and tools need not recompute it. */
export interface ResultsAnalysis {
  /** The targets applied, defaults filled in. */
  readonly targets: RecommendationTargets;
  /**
   * Ids of the Pareto-optimal cells by (detection-latency p99, false suspicions per
   * node-day), point estimates, in increasing false-suspicion order.
   */
  readonly frontier: readonly string[];
  readonly recommendation: Recommendation;
}

export interface ResultsFile {
  readonly schema: typeof RESULTS_SCHEMA;
  readonly tool: { readonly name: 'hbsim'; readonly version: string };
  /** Scenario name and source (preset name or the path as given). */
  readonly name: string;
  readonly source: string;
  readonly seed: string;
  /**
   * How every random stream is derived from (seed, replication, key): the same seed and
   * the same `streams` give the same draws. Always written; absent in files written
   * before it existed (which used hbsim.streams/1).
   */
  readonly streams?: string;
  readonly replications: number;
  /** The normalised scenario: every field with its effective value, units resolved as written. */
  readonly scenario: unknown;
  /** Parameter paths that vary across cells, in sweep order. */
  readonly swept: readonly string[];
  readonly cells: readonly CellResult[];
  /** The timeline of replication 0 of one cell, for the report. */
  readonly sample: {
    readonly cell: string;
    /** Simulated length of the sampled run (ms), so a timeline can span it. */
    readonly duration_ms: number;
    readonly timeline: Timeline;
  };
  /**
   * Optional: frontier and recommendation (src/analysis `analyze`). The report recomputes
   * it from the cells, with these targets unless given others, and embeds the outcome.
   */
  readonly analysis?: ResultsAnalysis;
  /** Written by `hbsim tune` only: the question, the answer and the search path (src/results/tune-summary.ts). */
  readonly tune?: TuneSummary;
}

/** Serialises with two-space indentation and a final newline. */
export function serializeResults(results: ResultsFile): string {
  return `${JSON.stringify(results, null, 2)}\n`;
}

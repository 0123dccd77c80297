/**
 * Runs one configuration R times with independent random streams (replication r
 * seeds every stream with `rep/r`) and pools the tallies in replication order, so
 * the pooled metrics do not depend on how replications were scheduled. The first
 * replication also yields the sample timeline.
 */
import type { SimConfig } from '../sim/config.js';
import { mergeTallies, type RunTallies } from '../sim/metrics.js';
import { runOnce } from '../sim/simulation.js';
import { cellMetrics, type CellMetrics } from '../results/cell-metrics.js';
import { timelineOf, type Timeline } from '../results/timeline.js';

export interface ConfigResult {
  readonly metrics: CellMetrics;
  readonly timeline: Timeline;
  /** Events processed over all replications (for speed reports; not written to results). */
  readonly events: number;
  readonly tallies: RunTallies;
}

export interface ReplicateOptions {
  readonly replications: number;
  /** Transitions kept for the sample timeline (replication 0 only). */
  readonly timelineLimit?: number;
}

export function runReplications(config: SimConfig, options: ReplicateOptions): ConfigResult {
  if (!(Number.isInteger(options.replications) && options.replications >= 1)) {
    throw new RangeError(`replications must be a whole number ≥ 1, got ${options.replications}`);
  }
  const parts: RunTallies[] = [];
  let events = 0;
  let timeline: Timeline = { entries: [], dropped: 0 };
  for (let r = 0; r < options.replications; r++) {
    const run = runOnce({ ...config, replication: r, transitionLogLimit: r === 0 ? (options.timelineLimit ?? 2000) : 0 });
    parts.push(run.tallies);
    events += run.events;
    if (r === 0) timeline = timelineOf(run.log, (pair) => config.nodeNames[pair] ?? `pair-${pair}`);
  }
  const tallies = mergeTallies(parts);
  return { metrics: cellMetrics(tallies), timeline, events, tallies };
}

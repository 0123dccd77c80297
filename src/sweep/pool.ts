/**
 * Pools the replications of one cell: tallies merged in replication order (so the
 * metrics are the same whichever worker ran which replication), metrics computed
 * once, and the timeline of replication 0 kept as the cell's sample.
 */
import { mergeTallies, type RunTallies } from '../sim/metrics/recorder.js';
import { cellMetrics, type CellMetrics } from '../results/cell-metrics.js';
import { timelineOf, type Timeline } from '../results/timeline.js';
import type { ReplicationResult } from './tasks.js';

export interface PooledCell {
  readonly metrics: CellMetrics;
  readonly timeline: Timeline;
  readonly tallies: RunTallies;
  /** Events processed over all replications (speed reports only; never written to results). */
  readonly events: number;
}

export function poolCell(results: readonly ReplicationResult[], nodeNames: readonly string[]): PooledCell {
  const ordered = [...results].sort((a, b) => a.replication - b.replication);
  const tallies = mergeTallies(ordered.map((r) => r.tallies));
  const first = ordered.find((r) => r.log !== null);
  const timeline = first?.log ? timelineOf(first.log, (pair) => nodeNames[pair] ?? `pair-${pair}`) : { entries: [], dropped: 0 };
  return {
    metrics: cellMetrics(tallies),
    timeline,
    tallies,
    events: ordered.reduce((n, r) => n + r.events, 0),
  };
}

/**
 * The Pareto frontier of a sweep: the cells that no other cell beats on both
 * detection-latency p99 and false suspicions per node-day. Pure function over the
 * cells of a results file; knows nothing of simulation or presentation.
 *
 * Point estimates are compared (the frontier describes what was measured; the
 * recommendation, not the frontier, is the place for conservative bounds). A cell
 * with no detected crash has no p99 and cannot be placed, so it is never on the
 * frontier. Cells equal on both coordinates do not dominate each other and are
 * kept together.
 */
import type { CellResult } from '../results/results-file.js';

/** The two coordinates of the trade-off, or null when the cell has no latency sample. */
export interface TradeOffPoint {
  readonly detectionP99Ms: number;
  readonly falseSuspicionsPerNodeDay: number;
}

export function tradeOffPoint(cell: CellResult): TradeOffPoint | null {
  const p99 = cell.metrics.detection_latency_ms.p99;
  if (p99 === null) return null;
  return { detectionP99Ms: p99, falseSuspicionsPerNodeDay: cell.metrics.false_suspicions.per_node_day };
}

/** True when `a` is no worse than `b` on both coordinates and better on at least one. */
export function dominates(a: TradeOffPoint, b: TradeOffPoint): boolean {
  const noWorse = a.detectionP99Ms <= b.detectionP99Ms && a.falseSuspicionsPerNodeDay <= b.falseSuspicionsPerNodeDay;
  const better = a.detectionP99Ms < b.detectionP99Ms || a.falseSuspicionsPerNodeDay < b.falseSuspicionsPerNodeDay;
  return noWorse && better;
}

/**
 * The non-dominated cells, ordered by increasing false-suspicion rate (so by
 * decreasing p99), ties kept in input order: the order in which to draw the frontier.
 * O(n log n): after sorting by (rate, p99), a cell is on the frontier iff its p99 is
 * below every p99 seen at a strictly lower rate, and no lower p99 shares its rate.
 */
export function paretoFrontier(cells: readonly CellResult[]): CellResult[] {
  const placed = cells
    .map((cell, index) => ({ cell, index, point: tradeOffPoint(cell) }))
    .filter((e): e is { cell: CellResult; index: number; point: TradeOffPoint } => e.point !== null);
  placed.sort(
    (a, b) =>
      a.point.falseSuspicionsPerNodeDay - b.point.falseSuspicionsPerNodeDay ||
      a.point.detectionP99Ms - b.point.detectionP99Ms ||
      a.index - b.index,
  );
  const frontier: CellResult[] = [];
  let bestP99Ms = Number.POSITIVE_INFINITY; // lowest p99 among strictly lower rates
  let i = 0;
  while (i < placed.length) {
    // One group of equal rates: its lowest p99 comes first after the sort.
    const rate = placed[i]!.point.falseSuspicionsPerNodeDay;
    const groupBestMs = placed[i]!.point.detectionP99Ms;
    for (; i < placed.length && placed[i]!.point.falseSuspicionsPerNodeDay === rate; i++) {
      const p99 = placed[i]!.point.detectionP99Ms;
      if (p99 === groupBestMs && p99 < bestP99Ms) frontier.push(placed[i]!.cell);
    }
    bestP99Ms = Math.min(bestP99Ms, groupBestMs);
  }
  return frontier;
}

/**
 * The results file: the versioned contract that the CLI writes and the report, the
 * CI gate and users' own tools read (documented in docs/results.md). It holds no
 * wall-clock value, and its bytes depend only on the inputs and the seed: keys are
 * written in the order built here, and numbers are already rounded by cell-metrics.
 */
import type { CellMetrics } from './cell-metrics.js';
import type { Timeline } from './timeline.js';

export const RESULTS_SCHEMA = 'hbsim.results/1';

/** A swept value as the user wrote it ("500ms", "3x", 0.01). */
export type ParamValue = string | number | boolean;

export interface CellResult {
  /** Stable identifier: the swept values joined, or "default" when nothing is swept. */
  readonly id: string;
  /** Swept parameter path → value as written. Empty when nothing is swept. */
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly metrics: CellMetrics;
}

export interface ResultsFile {
  readonly schema: typeof RESULTS_SCHEMA;
  readonly tool: { readonly name: 'hbsim'; readonly version: string };
  /** Scenario name and source (preset name or the path as given). */
  readonly name: string;
  readonly source: string;
  readonly seed: string;
  readonly replications: number;
  /** The normalised scenario: every field with its effective value, units resolved as written. */
  readonly scenario: unknown;
  /** Parameter paths that vary across cells, in sweep order. */
  readonly swept: readonly string[];
  readonly cells: readonly CellResult[];
  /** The timeline of replication 0 of one cell, for the report. */
  readonly sample: { readonly cell: string; readonly timeline: Timeline };
}

/** Serialises with two-space indentation and a final newline. */
export function serializeResults(results: ResultsFile): string {
  return `${JSON.stringify(results, null, 2)}\n`;
}

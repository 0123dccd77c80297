/**
 * A few nodes of a cell's replication walked before its pause-survival search, so that
 * V8 compiles the walk once for both.
 *
 * In an inline run the search runs first (sweepTasks' order), and its probes (one
 * constant pause a node, resumed prefixes, no transition log, 300 short-named nodes)
 * make the timeout walk's functions hot: V8 compiles them (segment, judge, walkNode...)
 * with type feedback from the probes' paths only. The replication then takes paths the
 * probes never took — several pauses a node, lognormal durations, the log, odd-length
 * node names — and each such path throws an optimised function away ("insufficient type
 * feedback") to be compiled again. Walking the replication's own first nodes for a while
 * first gives those paths their feedback before anything is optimised. Measured on
 * workload B + faults (cold process, search then replication, 8 runs each, load ~7):
 * deopts 14 → 10, `segment` compiled 2 times instead of 3, process CPU 390 → 350 ms,
 * main thread 150 → 140 ms (the primer itself ~8–10 ms of it).
 *
 * The primer's result is thrown away: it is a separate walk on its own streams (keyed by
 * seed, replication and node name, src/sim/random), so no result depends on whether it
 * ran (test/sweep/walk-primer.test.ts). It runs once per thread, and only where it can
 * pay: a replication on the general timeout walk (not the lean plain path, which shares
 * little code with the probes: workload B gains nothing) that is big enough for 8 nodes to
 * be a small part of it.
 */
import type { SimConfig } from '../sim/config.js';
import { runOnce, runPathFor } from '../sim/run-once.js';
import { plainWalkApplies } from '../sim/skip/timeout-walk.js';

/** Nodes the primer walks: the cell's first ones. */
export const PRIMER_NODES = 8;
/** Cells with fewer nodes are not primed (the primer would be more than 4 % of a replication). */
const MIN_CELL_NODES = 25 * PRIMER_NODES;
/** The primer walks at most an hour (instants past 2³¹ µs, as hour-long replications have). */
const MAX_PRIMER_US = 3_600_000_000;

let primed = false;

/** The primer's configuration for `cell`, or null where priming does not apply (see the header). */
export function primerFor(cell: SimConfig): SimConfig | null {
  if (cell.nodeNames.length < MIN_CELL_NODES) return null;
  if (runPathFor(cell) !== 'walk' || plainWalkApplies(cell)) return null;
  return { ...cell, replication: 0, nodeNames: cell.nodeNames.slice(0, PRIMER_NODES), durationUs: Math.min(cell.durationUs, MAX_PRIMER_US) };
}

/** Walks `cell`'s primer if it applies and this thread has not primed yet; whether it did. */
export function primeReplicationWalk(cell: SimConfig): boolean {
  if (primed) return false;
  const config = primerFor(cell);
  if (config === null) return false;
  primed = true;
  // The replication's own entry (src/sweep/tasks.ts runTask), so the primer takes whatever path it takes.
  runOnce(config);
  return true;
}

/**
 * Runs every cell of a sweep R times, on worker threads, pools each cell, and (when
 * asked) searches each cell's longest survivable pause. The output depends only on
 * the cells and replications, never on the worker count or the order tasks finished
 * in (tasks are pure; pooling is in replication order).
 *
 * Split in three so that a sweep can also be run in pieces (shards, resumed runs:
 * src/sweep/shard.ts): `sweepTasks` lists the tasks in a fixed order, any subset of
 * them runs anywhere, and `poolSweep` assembles the task outputs, indexed by task,
 * with the same arithmetic in the same order whoever computed them.
 */
import type { SimConfig } from '../sim/config.js';
import type { PauseSurvival } from './pause-survival.js';
import { poolCell, type PooledCell } from './pool.js';
import { runTasks, type RunTasksOptions } from './run-tasks.js';
import type { ReplicationResult, SweepTask, TaskResult } from './tasks.js';

export interface SweepCellInput {
  readonly config: SimConfig;
}

export interface SweptCell extends PooledCell {
  readonly pauseSurvival: PauseSurvival | null;
}

export interface SweepOptions extends RunTasksOptions {
  /** Also find each cell's longest pause survived (issue 6's metric). */
  readonly pauseSurvival?: boolean;
}

/** Every task of a sweep, in the one order that task indices (and shards) refer to. */
export function sweepTasks(cells: readonly SweepCellInput[], replications: number, pauseSurvival: boolean): SweepTask[] {
  if (!(Number.isInteger(replications) && replications >= 1)) {
    throw new RangeError(`replications must be a whole number ≥ 1, got ${replications}`);
  }
  const tasks: SweepTask[] = [];
  // The pause searches are the longest tasks: start them first so workers stay busy.
  // The pause search injects pauses into the central monitor's senders; decentralised protocols have none.
  if (pauseSurvival) cells.forEach((cell, index) => cell.config.protocol === undefined && tasks.push({ kind: 'pauseSurvival', cell: index, config: cell.config }));
  // Replication-major order: early progress covers every cell a little.
  for (let r = 0; r < replications; r++) {
    cells.forEach((cell, index) => tasks.push({ kind: 'replication', cell: index, replication: r, config: cell.config }));
  }
  return tasks;
}

/** Pools the outputs of every task of `sweepTasks` (in task order) into one result per cell. */
export function poolSweep(cells: readonly SweepCellInput[], results: readonly TaskResult[]): SweptCell[] {
  return cells.map((cell, index) => {
    const replicationsOfCell = results.filter((r): r is ReplicationResult => r.kind === 'replication' && r.cell === index);
    const survival = results.find((r) => r.kind === 'pauseSurvival' && r.cell === index);
    return {
      ...poolCell(replicationsOfCell, cell.config.nodeNames),
      pauseSurvival: survival?.kind === 'pauseSurvival' ? survival.survival : null,
    };
  });
}

export async function runSweep(cells: readonly SweepCellInput[], replications: number, options: SweepOptions): Promise<SweptCell[]> {
  const tasks = sweepTasks(cells, replications, options.pauseSurvival === true);
  return poolSweep(cells, await runTasks(tasks, options));
}

/**
 * Runs every cell of a sweep R times, on worker threads, and pools each cell. The
 * output depends only on the cells and replications, never on the worker count or
 * the order tasks finished in (tasks are pure; pooling is in replication order).
 */
import type { SimConfig } from '../sim/config.js';
import { poolCell, type PooledCell } from './pool.js';
import { runTasks, type RunTasksOptions } from './run-tasks.js';
import type { SweepTask } from './tasks.js';

export interface SweepCellInput {
  readonly config: SimConfig;
}

export async function runSweep(
  cells: readonly SweepCellInput[],
  replications: number,
  options: RunTasksOptions,
): Promise<PooledCell[]> {
  if (!(Number.isInteger(replications) && replications >= 1)) {
    throw new RangeError(`replications must be a whole number ≥ 1, got ${replications}`);
  }
  const tasks: SweepTask[] = [];
  // Replication-major order: early progress covers every cell a little.
  for (let r = 0; r < replications; r++) {
    cells.forEach((cell, index) => tasks.push({ cell: index, replication: r, config: cell.config }));
  }
  const results = await runTasks(tasks, options);
  return cells.map((cell, index) =>
    poolCell(
      results.filter((r) => r.cell === index),
      cell.config.nodeNames,
    ),
  );
}

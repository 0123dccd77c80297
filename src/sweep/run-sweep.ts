/**
 * Runs every cell of a sweep R times, on worker threads, pools each cell, and (when
 * asked) searches each cell's longest survivable pause. The output depends only on
 * the cells and replications, never on the worker count or the order tasks finished
 * in (tasks are pure; pooling is in replication order).
 */
import type { SimConfig } from '../sim/config.js';
import type { PauseSurvival } from './pause-survival.js';
import { poolCell, type PooledCell } from './pool.js';
import { runTasks, type RunTasksOptions } from './run-tasks.js';
import type { ReplicationResult, SweepTask } from './tasks.js';

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

export async function runSweep(cells: readonly SweepCellInput[], replications: number, options: SweepOptions): Promise<SweptCell[]> {
  if (!(Number.isInteger(replications) && replications >= 1)) {
    throw new RangeError(`replications must be a whole number ≥ 1, got ${replications}`);
  }
  const tasks: SweepTask[] = [];
  // The pause searches are the longest tasks: start them first so workers stay busy.
  // The pause search injects pauses into the central monitor's senders; decentralised protocols have none.
  if (options.pauseSurvival) cells.forEach((cell, index) => cell.config.protocol === undefined && tasks.push({ kind: 'pauseSurvival', cell: index, config: cell.config }));
  // Replication-major order: early progress covers every cell a little.
  for (let r = 0; r < replications; r++) {
    cells.forEach((cell, index) => tasks.push({ kind: 'replication', cell: index, replication: r, config: cell.config }));
  }
  const results = await runTasks(tasks, options);
  return cells.map((cell, index) => {
    const replicationsOfCell = results.filter((r): r is ReplicationResult => r.kind === 'replication' && r.cell === index);
    const survival = results.find((r) => r.kind === 'pauseSurvival' && r.cell === index);
    return {
      ...poolCell(replicationsOfCell, cell.config.nodeNames),
      pauseSurvival: survival?.kind === 'pauseSurvival' ? survival.survival : null,
    };
  });
}

/**
 * Runs one configuration R times with independent random streams (replication r
 * seeds every stream with `rep/r`), inline, and pools the results. The synchronous
 * library entry point; sweeps use run-sweep.ts, which spreads the same tasks over
 * worker threads.
 */
import type { SimConfig } from '../sim/config.js';
import { poolCell, type PooledCell } from './pool.js';
import { runTask, type ReplicationResult } from './tasks.js';

export type ConfigResult = PooledCell;

export interface ReplicateOptions {
  readonly replications: number;
  /** Transitions kept for the sample timeline (replication 0 only). */
  readonly timelineLimit?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export function runReplications(config: SimConfig, options: ReplicateOptions): ConfigResult {
  const replications = options.replications;
  if (!(Number.isInteger(replications) && replications >= 1)) {
    throw new RangeError(`replications must be a whole number ≥ 1, got ${replications}`);
  }
  const results: ReplicationResult[] = [];
  for (let r = 0; r < replications; r++) {
    results.push(runTask({ kind: 'replication', cell: 0, replication: r, config }, options.timelineLimit ?? 2000) as ReplicationResult);
    options.onProgress?.(r + 1, replications);
  }
  return poolCell(results, config.nodeNames);
}

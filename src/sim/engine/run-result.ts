import type { RunTallies, TransitionLog } from '../metrics/recorder.js';

/** What one replication returns, whichever engine ran it. */
export interface RunResult {
  readonly tallies: RunTallies;
  readonly log: TransitionLog;
  readonly events: number;
  readonly endUs: number;
}

/**
 * What a caller may ask of a run besides its result: to be told, now and then, the
 * fraction of simulated time done (every PROGRESS_EVERY_EVENTS events or so). The
 * engine knows nothing of wall clocks or signals; the caller (a worker thread)
 * decides what to do with it.
 */
export interface RunHooks {
  readonly onProgress?: (fraction: number) => void;
}

/** How many events a run processes between two progress calls. */
export const PROGRESS_EVERY_EVENTS = 1 << 20;

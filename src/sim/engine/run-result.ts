import type { RunTallies, TransitionLog } from '../metrics/recorder.js';

/** What one replication returns, whichever engine ran it. */
export interface RunResult {
  readonly tallies: RunTallies;
  readonly log: TransitionLog;
  readonly events: number;
  readonly endUs: number;
}

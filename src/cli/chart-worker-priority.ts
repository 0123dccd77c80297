/**
 * The chart thread's scheduling priority: the lowest while it warms up, so that it takes
 * only what the simulation leaves of the CPU, and the main thread's again for a real job,
 * which is on the critical path. On Linux a nice value belongs to a thread:
 * os.setPriority(0, …) is setpriority(PRIO_PROCESS, 0) on the calling thread. Elsewhere
 * the same call would change the whole process, so it is not made there.
 *
 * Measured at load ~24 (2026-12-04, npm start's command, HBSIM_CHART_THREAD=1 vs 0, 4
 * pairs): at the process's priority the warm-up slowed the simulation from ~0.75 to
 * 0.93–1.24 s and the run gained nothing; at nice 19 the simulation kept its pace
 * (0.84–0.88 s vs 0.81–0.97) and every run was 0.16–0.30 s faster.
 */
import { getPriority, setPriority } from 'node:os';

export const CHART_THREAD_NICE = 19;

let lowered = false;

function trySetPriority(nice: number): boolean {
  try {
    setPriority(0, nice);
    return true;
  } catch {
    return false; // not allowed or not supported: the thread keeps the priority it has
  }
}

/** Lowers this thread's priority (Linux only); says whether it did. */
export function lowerPriority(): boolean {
  lowered = process.platform === 'linux' && trySetPriority(CHART_THREAD_NICE);
  return lowered;
}

/**
 * Back to the main thread's priority (its thread id is the process id). Raising a
 * priority again needs the privilege to (RLIMIT_NICE or CAP_SYS_NICE): without it the
 * job renders at the lowered priority, which costs nothing while a core is free — the
 * only case the CLI starts the thread in (wantsChartWorker).
 */
export function restorePriority(): void {
  if (lowered && trySetPriority(getPriority(process.pid))) lowered = false;
}

/**
 * A sweep worker thread (src/sweep/worker-pool.ts). For each run it receives the whole
 * task list once, with the dispatch order and a counter in shared memory; it claims the
 * next task from the counter (`Atomics.add`: the other threads, and the main thread when
 * it works too, claim from the same one), runs it, posts the result back (typed arrays
 * transferred, not copied) and claims again, until no task is left. It keeps no state
 * between runs, so it serves any number of them for the life of the process.
 */
import { parentPort } from 'node:worker_threads';
import { runTask, transferablesOf, type SweepTask, type TaskResult } from './tasks.js';
import { clockMs, type TaskTiming } from './pool-trace.js';

/** What the main thread posts for a run: every task, the order to take them in, and the shared counter. */
export interface WorkerRequest {
  /** Which run of the pool this is: every reply carries it (a thread serves run after run). */
  readonly run: number;
  readonly tasks: readonly SweepTask[];
  /** Task indices in the order to run them (run-tasks.ts dispatchOrder). */
  readonly order: Int32Array;
  /** One Int32: how many entries of `order` are claimed. */
  readonly claims: SharedArrayBuffer;
  /** How long a transition log each replication 0 keeps. */
  readonly timelineLimit: number;
  /** Report when each task started and ended (HBSIM_POOL_TRACE: pool-trace.ts). */
  readonly trace?: boolean;
}

/**
 * What the worker posts back: a task's result, progress from within a task, that it
 * found no task left (`idle`), or why a task failed.
 */
export type WorkerReply =
  | { readonly run: number; readonly ok: true; readonly index: number; readonly result: TaskResult; readonly timing?: TaskTiming }
  | { readonly run: number; readonly ok: true; readonly index: number; readonly progress: number }
  | { readonly run: number; readonly ok: true; readonly idle: true; readonly postingMs?: number }
  | { readonly run: number; readonly ok: false; readonly message: string };

const loadedMs = clockMs();
const port = parentPort;
if (!port) throw new Error('worker.ts must run in a worker thread');
/** At most this often (wall clock, ms) a running task reports how far it got. */
const PROGRESS_EVERY_MS = 200;

const post = (reply: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);
// The pool hears when this thread's code has loaded (worker-pool.ts threadTimes).
port.postMessage({ loadedMs });

port.on('message', ({ run, tasks, order, claims, timelineLimit, trace }: WorkerRequest) => {
  const claimed = new Int32Array(claims);
  let postingMs = 0;
  for (;;) {
    const k = Atomics.add(claimed, 0, 1);
    if (k >= order.length) break;
    const index = order[k]!;
    try {
      const startMs = trace === true ? clockMs() : 0;
      let lastMs = performance.now();
      const result = runTask(tasks[index]!, timelineLimit, (fraction) => {
        const now = performance.now();
        if (now - lastMs < PROGRESS_EVERY_MS) return;
        lastMs = now;
        post({ run, ok: true, index, progress: fraction });
      });
      const timing = trace === true ? { loadedMs, startMs, endMs: clockMs() } : undefined;
      post(timing ? { run, ok: true, index, result, timing } : { run, ok: true, index, result }, transferablesOf(result));
      if (timing) postingMs += clockMs() - timing.endMs;
    } catch (error) {
      post({ run, ok: false, message: error instanceof Error ? error.message : String(error) });
      return;
    }
  }
  post(trace === true ? { run, ok: true, idle: true, postingMs } : { run, ok: true, idle: true });
});

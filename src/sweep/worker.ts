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
 * What the worker posts back: finished tasks' results (`done`, a batch), progress from
 * within a task, that it found no task left (`idle`), or why a task failed.
 */
/** One finished task: its index in the run's task list, its result, and (traced) when it ran. */
export interface TaskDone {
  readonly index: number;
  readonly result: TaskResult;
  readonly timing?: TaskTiming;
}

export type WorkerReply =
  | { readonly run: number; readonly ok: true; readonly done: readonly TaskDone[] }
  | { readonly run: number; readonly ok: true; readonly index: number; readonly progress: number }
  | { readonly run: number; readonly ok: true; readonly idle: true; readonly postingMs?: number }
  | { readonly run: number; readonly ok: false; readonly message: string };

const loadedMs = clockMs();
const port = parentPort;
if (!port) throw new Error('worker.ts must run in a worker thread');
/** At most this often (wall clock, ms) a running task reports how far it got. */
const PROGRESS_EVERY_MS = 200;
/** Finished tasks' results are posted together, at most this often (wall clock, ms), and when no task is left. */
const RESULTS_EVERY_MS = 20;

const post = (reply: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);
// The pool hears when this thread's code has loaded (worker-pool.ts threadTimes).
port.postMessage({ loadedMs });

port.on('message', ({ run, tasks, order, claims, timelineLimit, trace }: WorkerRequest) => {
  const claimed = new Int32Array(claims);
  let postingMs = 0;
  // Results go back in batches, at most one message every RESULTS_EVERY_MS: each
  // postMessage wakes the main thread (~0.1-0.5 ms of this thread's time apiece, more on a
  // loaded machine), and db-ha --replications 40 is 820 tasks of ~1-15 ms.
  let batch: TaskDone[] = [];
  let transfer: ArrayBuffer[] = [];
  let lastPostMs = performance.now();
  const flush = () => {
    if (batch.length === 0) return;
    const before = trace === true ? clockMs() : 0;
    post({ run, ok: true, done: batch }, transfer);
    if (trace === true) postingMs += clockMs() - before;
    batch = [];
    transfer = [];
    lastPostMs = performance.now();
  };
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
        flush();
        post({ run, ok: true, index, progress: fraction });
      });
      batch.push(trace === true ? { index, result, timing: { loadedMs, startMs, endMs: clockMs() } } : { index, result });
      transfer.push(...transferablesOf(result));
      if (performance.now() - lastPostMs >= RESULTS_EVERY_MS) flush();
    } catch (error) {
      flush();
      post({ run, ok: false, message: error instanceof Error ? error.message : String(error) });
      return;
    }
  }
  flush();
  post(trace === true ? { run, ok: true, idle: true, postingMs } : { run, ok: true, idle: true });
});

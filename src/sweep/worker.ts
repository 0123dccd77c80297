/**
 * A sweep worker thread (src/sweep/worker-pool.ts): receives tasks, runs them, posts
 * results back (typed arrays transferred, not copied). It keeps no state between
 * tasks, so it serves any number of runs for the life of the process.
 */
import { parentPort } from 'node:worker_threads';
import { runTask, transferablesOf, type SweepTask, type TaskResult } from './tasks.js';

/** What the main thread posts: one task, and how long a transition log its replication 0 keeps. */
export interface WorkerRequest {
  readonly task: SweepTask;
  readonly timelineLimit: number;
}

/** What the worker posts back: the result, progress from within the task, or why it failed. */
export type WorkerReply = { readonly ok: true; readonly result: TaskResult } | { readonly ok: true; readonly progress: number } | { readonly ok: false; readonly message: string };

const port = parentPort;
if (!port) throw new Error('worker.ts must run in a worker thread');
/** At most this often (wall clock, ms) a running task reports how far it got. */
const PROGRESS_EVERY_MS = 200;

const post = (reply: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);

port.on('message', ({ task, timelineLimit }: WorkerRequest) => {
  try {
    let lastMs = performance.now();
    const result = runTask(task, timelineLimit, (fraction) => {
      const now = performance.now();
      if (now - lastMs < PROGRESS_EVERY_MS) return;
      lastMs = now;
      post({ ok: true, progress: fraction });
    });
    post({ ok: true, result }, transferablesOf(result));
  } catch (error) {
    post({ ok: false, message: error instanceof Error ? error.message : String(error) });
  }
});

/**
 * A sweep worker thread: receives tasks, runs them, posts results back (typed arrays
 * transferred, not copied). It holds no state between tasks.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runTask, transferablesOf, type SweepTask } from './tasks.js';

const { timelineLimit } = workerData as { timelineLimit: number };
const port = parentPort;
if (!port) throw new Error('worker.ts must run in a worker thread');
/** At most this often (wall clock, ms) a running task reports how far it got. */
const PROGRESS_EVERY_MS = 200;

port.on('message', (task: SweepTask) => {
  try {
    let lastMs = performance.now();
    const result = runTask(task, timelineLimit, (fraction) => {
      const now = performance.now();
      if (now - lastMs < PROGRESS_EVERY_MS) return;
      lastMs = now;
      port.postMessage({ ok: true, progress: fraction });
    });
    port.postMessage({ ok: true, result }, transferablesOf(result));
  } catch (error) {
    port.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) });
  }
});

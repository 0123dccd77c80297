/**
 * A sweep worker thread: receives tasks, runs them, posts results back (typed arrays
 * transferred, not copied). It holds no state between tasks.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runTask, transferablesOf, type SweepTask } from './tasks.js';

const { timelineLimit } = workerData as { timelineLimit: number };
const port = parentPort;
if (!port) throw new Error('worker.ts must run in a worker thread');
port.on('message', (task: SweepTask) => {
  try {
    const result = runTask(task, timelineLimit);
    port.postMessage({ ok: true, result }, transferablesOf(result));
  } catch (error) {
    port.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) });
  }
});

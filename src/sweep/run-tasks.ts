/**
 * Runs sweep tasks, inline or on a pool of worker threads, and returns the results in
 * task order whatever order they finished in. Stopping (the signal) terminates the
 * workers and rejects, so callers write nothing.
 *
 * A run that can be stopped (a signal is given, as the CLI does) always runs its tasks
 * on worker threads, even one task on one worker: a task on the main thread would keep
 * the event loop busy for its whole length, and Ctrl-C would wait for it. Without a
 * signal, one worker means inline (no thread), the cheaper path for library callers.
 * Workers report progress from within long tasks, so the bar moves during a single
 * 100-year simulation too.
 */
import { Worker } from 'node:worker_threads';
import { runTask, taskHeartbeats, type SweepTask, type TaskResult } from './tasks.js';

export interface RunTasksOptions {
  readonly workers: number;
  readonly timelineLimit: number;
  /**
   * Tasks done of all, and `work`: the fraction of the expected heartbeats simulated,
   * counting tasks still running (tasks are weighted by their size; see taskHeartbeats).
   */
  readonly onProgress?: (done: number, total: number, work: number) => void;
  /** Called with each task's output as soon as it is known (checkpoints: src/cli/checkpoint.ts). */
  readonly onResult?: (index: number, result: TaskResult) => void;
  readonly signal?: AbortSignal;
}

// Compiled (dist/sweep/run-tasks.js), the worker is plain JS beside this file. Run from
// the TypeScript sources (vitest, `npm run hbsim:dev`), a worker thread starts without
// the parent's loader, so worker-entry.mjs loads worker.ts through tsx (a devDependency).
const WORKER_URL = import.meta.url.endsWith('.ts')
  ? new URL('./worker-entry.mjs', import.meta.url)
  : new URL('./worker.js', import.meta.url);

export class SweepAborted extends Error {
  constructor() {
    super('sweep stopped before it finished');
  }
}

export async function runTasks(tasks: readonly SweepTask[], options: RunTasksOptions): Promise<TaskResult[]> {
  // Nothing to do (a tuning look whose candidates are all settled): the pool below
  // would wait for a result that never comes.
  if (tasks.length === 0) return [];
  const workers = Math.max(1, Math.min(options.workers, tasks.length));
  return workers === 1 && options.signal === undefined ? runInline(tasks, options) : runPooled(tasks, workers, options);
}

/** Weighted progress: each task's share of the expected heartbeats. */
function progressMeter(tasks: readonly SweepTask[]) {
  const weights = tasks.map((t) => {
    const w = taskHeartbeats(t);
    return Number.isFinite(w) && w > 0 ? w : 1;
  });
  const total = weights.reduce((a, b) => a + b, 0);
  let finished = 0;
  const partial = new Map<number, number>();
  return {
    running(index: number, fraction: number) {
      partial.set(index, Math.min(1, Math.max(0, fraction)) * weights[index]!);
    },
    finished(index: number) {
      partial.delete(index);
      finished += weights[index]!;
    },
    get work() {
      let inFlight = 0;
      for (const w of partial.values()) inFlight += w;
      return Math.min(1, (finished + inFlight) / total);
    },
  };
}

async function runInline(tasks: readonly SweepTask[], options: RunTasksOptions): Promise<TaskResult[]> {
  const results: TaskResult[] = [];
  const meter = progressMeter(tasks);
  for (const task of tasks) {
    if (options.signal?.aborted) throw new SweepAborted();
    const result = runTask(task, options.timelineLimit);
    results.push(result);
    options.onResult?.(results.length - 1, result);
    meter.finished(results.length - 1);
    options.onProgress?.(results.length, tasks.length, meter.work);
    // Let signal handlers and progress redraws run between tasks.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return results;
}

function runPooled(tasks: readonly SweepTask[], workerCount: number, options: RunTasksOptions): Promise<TaskResult[]> {
  return new Promise((resolve, reject) => {
    const results: (TaskResult | undefined)[] = new Array(tasks.length);
    const meter = progressMeter(tasks);
    const pool: Worker[] = [];
    let next = 0;
    let done = 0;
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      for (const w of pool) void w.terminate();
      if (error) reject(error);
      else resolve(results as TaskResult[]);
    };
    const onAbort = () => finish(new SweepAborted());
    options.signal?.addEventListener('abort', onAbort);
    if (options.signal?.aborted) return onAbort();

    const feed = (worker: Worker, index: number) => {
      (worker as Worker & { taskIndex?: number }).taskIndex = index;
      worker.postMessage(tasks[index]);
    };
    for (let w = 0; w < workerCount; w++) {
      const worker = new Worker(WORKER_URL, {
        workerData: { timelineLimit: options.timelineLimit },
      });
      pool.push(worker);
      worker.on('message', (message: { ok: true; result: TaskResult } | { ok: true; progress: number } | { ok: false; message: string }) => {
        if (settled) return;
        if (!message.ok) return finish(new Error(message.message));
        const index = (worker as Worker & { taskIndex?: number }).taskIndex!;
        if ('progress' in message) {
          meter.running(index, message.progress);
          options.onProgress?.(done, tasks.length, meter.work);
          return;
        }
        results[index] = message.result;
        try {
          options.onResult?.(index, message.result);
        } catch (error) {
          return finish(error instanceof Error ? error : new Error(String(error)));
        }
        meter.finished(index);
        done++;
        options.onProgress?.(done, tasks.length, meter.work);
        if (done === tasks.length) return finish();
        if (next < tasks.length) feed(worker, next++);
      });
      worker.on('error', (error) => finish(error));
      if (next < tasks.length) feed(worker, next++);
    }
  });
}

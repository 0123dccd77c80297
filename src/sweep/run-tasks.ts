/**
 * Runs sweep tasks, inline or on a pool of worker threads, and returns the results in
 * task order whatever order they finished in. Stopping (the signal) terminates the
 * workers and rejects, so callers write nothing.
 *
 * A run that can be stopped (a signal is given, as the CLI does) runs its tasks on
 * worker threads, even one task on one worker: a task on the main thread would keep
 * the event loop busy for its whole length, and Ctrl-C would wait for it. Unless the
 * caller says the run is small (`inline`): then the tasks run on this thread, the
 * signal is heard between tasks, and no thread is started (each costs ~0.1-0.15 s of
 * CPU to load the simulator, more than a small run simulates). Without a signal, one
 * worker means inline too, the cheaper path for library callers.
 * Workers report progress from within long tasks, so the bar moves during a single
 * 100-year simulation too.
 */
import type { Worker } from 'node:worker_threads';
import { runTask, taskHeartbeats, type SweepTask, type TaskResult } from './tasks.js';
import { acquireWorkers, discardWorkers, releaseWorkers } from './worker-pool.js';
import { taskCpuNs } from './cost-model.js';
import type { WorkerReply, WorkerRequest } from './worker.js';

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
  /**
   * Called (on worker threads only) the first time a worker finds no task left while
   * others still run: from then on a core is spare, and the main thread may use it
   * (the CLI loads the report's modules then).
   */
  readonly onWorkerIdle?: () => void;
  readonly signal?: AbortSignal;
  /**
   * Run every task on this thread, whatever `workers` says, even with a signal (which
   * is then heard between tasks): for runs too small to repay starting threads. The
   * results are the same bytes either way.
   */
  readonly inline?: boolean;
}

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
  return options.inline === true || (workers === 1 && options.signal === undefined) ? runInline(tasks, options) : runPooled(tasks, workers, options);
}

/** A task's expected cost: the heartbeats it simulates (1 when that is not a finite positive number). */
function taskWeight(task: SweepTask): number {
  const w = taskHeartbeats(task);
  return Number.isFinite(w) && w > 0 ? w : 1;
}

/**
 * The order tasks are handed to workers: the most expensive first (longest processing
 * time first), so the run does not end with one worker busy on a long task while the
 * other idles. Expense is the cost model's CPU estimate (cost-model.ts taskCpuNs: the
 * heartbeats at the price of the path that runs them), not raw heartbeats, which rank
 * a pause search below replications that cost a quarter as much. Ties keep task order.
 * Only who runs what, and when, depends on it: each result still lands at its task's index.
 */
export function dispatchOrder(tasks: readonly SweepTask[]): number[] {
  const weights = tasks.map((task) => {
    const ns = taskCpuNs(task);
    return Number.isFinite(ns) && ns > 0 ? ns : 1;
  });
  return tasks.map((_, i) => i).sort((a, b) => weights[b]! - weights[a]! || a - b);
}

/** Weighted progress: each task's share of the expected heartbeats. */
function progressMeter(tasks: readonly SweepTask[]) {
  const weights = tasks.map(taskWeight);
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
    const order = dispatchOrder(tasks);
    const running = new Map<Worker, number>();
    let workers: Worker[] = [];
    let next = 0;
    let done = 0;
    let settled = false;
    let idleHeard = false;
    const listeners = new Map<Worker, { message: (m: WorkerReply) => void; error: (e: Error) => void; exit: (code: number) => void }>();
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      for (const [worker, l] of listeners) worker.off('message', l.message).off('error', l.error).off('exit', l.exit);
      if (error) discardWorkers(workers);
      else releaseWorkers(workers);
      if (error) reject(error);
      else resolve(results as TaskResult[]);
    };
    const onAbort = () => finish(new SweepAborted());
    options.signal?.addEventListener('abort', onAbort);
    if (options.signal?.aborted) return onAbort();

    const feed = (worker: Worker) => {
      const index = order[next++]!;
      running.set(worker, index);
      worker.postMessage({ task: tasks[index]!, timelineLimit: options.timelineLimit } satisfies WorkerRequest);
    };
    const onMessage = (worker: Worker, message: WorkerReply) => {
      if (settled) return;
      if (!message.ok) return finish(new Error(message.message));
      const index = running.get(worker)!;
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
      if (next < tasks.length) feed(worker);
      else if (!idleHeard) {
        idleHeard = true;
        options.onWorkerIdle?.();
      }
    };
    workers = acquireWorkers(workerCount);
    for (const worker of workers) {
      const l = {
        message: (message: WorkerReply) => onMessage(worker, message),
        error: (error: Error) => finish(error),
        exit: (code: number) => finish(new Error(`a worker thread stopped before its task finished (exit code ${code})`)),
      };
      listeners.set(worker, l);
      worker.on('message', l.message).on('error', l.error).on('exit', l.exit);
      if (next < tasks.length) feed(worker);
    }
  });
}

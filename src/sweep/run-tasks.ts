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
import { acquireWorkers, discardWorkers, releaseWorkers, threadTimes } from './worker-pool.js';
import { taskCpuNs } from './cost-model.js';
import type { WorkerReply, WorkerRequest } from './worker.js';
import { clockMs, poolTracer } from './pool-trace.js';

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
  /**
   * The main thread takes tasks too, beside `workers − 1` threads (`workers` is then the
   * number of threads computing, this one included). Like `inline`, the signal is heard
   * between the main thread's tasks. One worker: inline. The CLI does not use it: for
   * npm start's db-ha sweep (~0.7 s of simulation) the second thread's own load and JIT
   * warm-up (+0.6–0.7 s of CPU, its first tasks 5–8× slower than warm ones) cost as much as
   * it takes off (measured 2026-12-05, load ~11 with the run prioritised: simulate 0.65–0.73 s
   * inline vs 0.86–1.0 s on the main thread + 1 thread; whole run 1.17–1.27 vs 1.45–1.65 s).
   */
  readonly mainThreadToo?: boolean;
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
  if (options.inline === true || (workers === 1 && (options.signal === undefined || options.mainThreadToo === true))) return runInline(tasks, options);
  return options.mainThreadToo === true ? runPooled(tasks, workers - 1, options) : runPooled(tasks, workers, options);
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
 * a pause search below replications that cost a quarter as much. Ties go cell by cell
 * (then in task order), so that a cell's tasks end close together and the cell can be
 * assembled while the rest still run (run-scenario.ts cellAssembler).
 * Only who runs what, and when, depends on it: each result still lands at its task's index.
 */
export function dispatchOrder(tasks: readonly SweepTask[]): number[] {
  const weights = tasks.map((task) => {
    const ns = taskCpuNs(task);
    return Number.isFinite(ns) && ns > 0 ? ns : 1;
  });
  return tasks.map((_, i) => i).sort((a, b) => weights[b]! - weights[a]! || tasks[a]!.cell - tasks[b]!.cell || a - b);
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

/**
 * The pool. Every thread gets the whole task list once, and the threads (and the main
 * thread, with `mainThreadToo`) claim tasks in dispatch order from one counter in shared
 * memory (`Atomics.add`): a thread that finishes a task starts the next at once, without
 * a round trip through the main thread's event loop. Handing tasks out one message at a
 * time cost ~0.7 ms a task in wake-ups (db-ha --replications 40: 820 tasks of ~1–15 ms;
 * the workers idled 20–25 % of the run waiting for their next task). Results come back
 * in batches (at most one message per thread every 20 ms: worker.ts), their typed arrays
 * transferred, and land at their task's index.
 */
/** Numbers the pool's runs, so that a thread's late reply to an earlier run is never taken for this one's. */
let runs = 0;

function runPooled(tasks: readonly SweepTask[], threadCount: number, options: RunTasksOptions): Promise<TaskResult[]> {
  return new Promise((resolve, reject) => {
    const results: (TaskResult | undefined)[] = new Array(tasks.length);
    const meter = progressMeter(tasks);
    const order = dispatchOrder(tasks);
    const run = ++runs;
    const claims = new Int32Array(new SharedArrayBuffer(4));
    /** The next task in dispatch order, or undefined when every task is claimed. */
    const claim = (): number | undefined => {
      const k = Atomics.add(claims, 0, 1);
      return k < order.length ? order[k] : undefined;
    };
    let workers: Worker[] = [];
    let done = 0;
    let settled = false;
    let idleHeard = false;
    const tracer = poolTracer(threadCount + (options.mainThreadToo ? 1 : 0));
    const listeners = new Map<Worker, { message: (m: WorkerReply) => void; error: (e: Error) => void; exit: (code: number) => void }>();
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      // No thread claims another task (a stopped run's threads are terminated anyway).
      Atomics.store(claims, 0, order.length);
      options.signal?.removeEventListener('abort', onAbort);
      for (const [worker, l] of listeners) worker.off('message', l.message).off('error', l.error).off('exit', l.exit);
      if (error) discardWorkers(workers);
      else releaseWorkers(workers);
      tracer?.write();
      if (error) reject(error);
      else resolve(results as TaskResult[]);
    };
    const onAbort = () => finish(new SweepAborted());
    options.signal?.addEventListener('abort', onAbort);
    if (options.signal?.aborted) return onAbort();

    /** A task's output, from whichever thread ran it. */
    const accept = (index: number, result: TaskResult) => {
      results[index] = result;
      try {
        options.onResult?.(index, result);
      } catch (error) {
        finish(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      meter.finished(index);
      done++;
      options.onProgress?.(done, tasks.length, meter.work);
      tracer?.handled(index);
      if (done === tasks.length) finish();
    };
    const onMessage = (worker: Worker, message: WorkerReply) => {
      // Replies to an earlier run, and a thread's word that it has loaded (worker-pool.ts), are not this run's.
      if (settled || message.run !== run) return;
      if (!message.ok) return finish(new Error(message.message));
      if ('progress' in message) {
        meter.running(message.index, message.progress);
        options.onProgress?.(done, tasks.length, meter.work);
        return;
      }
      if ('idle' in message) {
        tracer?.posting(workers.indexOf(worker), message.postingMs);
        // This thread found no task left; others (or this thread's posted results) may still be on their way.
        if (done < tasks.length && !idleHeard) {
          idleHeard = true;
          options.onWorkerIdle?.();
        }
        return;
      }
      const receivedMs = tracer ? clockMs() : 0;
      for (const d of message.done) {
        if (settled) return;
        tracer?.finished(workers.indexOf(worker), d.index, tasks[d.index]!.kind, d.timing, receivedMs);
        accept(d.index, d.result);
      }
    };
    workers = threadCount > 0 ? acquireWorkers(threadCount) : [];
    const request: WorkerRequest = { run, tasks, order: Int32Array.from(order), claims: claims.buffer as SharedArrayBuffer, timelineLimit: options.timelineLimit, ...(tracer ? { trace: true } : {}) };
    for (const worker of workers) {
      const l = {
        message: (message: WorkerReply) => onMessage(worker, message),
        error: (error: Error) => finish(error),
        exit: (code: number) => finish(new Error(`a worker thread stopped before its task finished (exit code ${code})`)),
      };
      listeners.set(worker, l);
      worker.on('message', l.message).on('error', l.error).on('exit', l.exit);
      worker.postMessage(request);
      tracer?.thread(workers.indexOf(worker), threadTimes(worker));
    }
    if (options.mainThreadToo) void mainThreadTakes();

    /**
     * The main thread claims tasks from the same counter between turns of its event
     * loop (which hears the threads' results, progress and the signal in between).
     */
    async function mainThreadTakes() {
      for (;;) {
        await new Promise((resolve) => setImmediate(resolve));
        if (settled) return;
        const index = claim();
        if (index === undefined) return;
        const startMs = tracer ? clockMs() : 0;
        let result: TaskResult;
        try {
          result = runTask(tasks[index]!, options.timelineLimit);
        } catch (error) {
          return finish(error instanceof Error ? error : new Error(String(error)));
        }
        if (settled) return;
        tracer?.finished(threadCount, index, tasks[index]!.kind, { loadedMs: performance.timeOrigin, startMs, endMs: clockMs() }, clockMs());
        accept(index, result);
      }
    }
  });
}

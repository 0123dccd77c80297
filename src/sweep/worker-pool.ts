/**
 * The sweep's worker threads, kept for the life of the process: a thread loads the
 * simulator's module graph once (and its JIT warms up once), then runs every task it
 * is given — every cell and replication of a run, every scenario of `hbsim run a b`,
 * every look of `hbsim tune` — instead of a fresh thread (and a fresh module graph)
 * per run. The CLI starts the threads before it reads the scenarios (`prestart`), so
 * their start-up overlaps the main thread's parsing and validation.
 *
 * Idle threads are unref'd: they never keep the process alive, so a command ends when
 * its own work does, without having to close the pool. A thread that failed, or whose
 * run was stopped, is terminated and never reused.
 */
import type { Worker } from 'node:worker_threads';

// Compiled (dist/sweep/worker-pool.js), the worker is plain JS beside this file. Run from
// the TypeScript sources (vitest, `npm run dev`), a worker thread starts without the
// parent's loader, so worker-entry.mjs loads worker.ts through tsx (a devDependency).
const WORKER_URL = import.meta.url.endsWith('.ts') ? new URL('./worker-entry.mjs', import.meta.url) : new URL('./worker.js', import.meta.url);

const idle: Worker[] = [];
/** When each thread was started and when it had loaded its code (clock of pool-trace.ts), for HBSIM_POOL_TRACE. */
const times = new WeakMap<Worker, { spawnedMs: number; loadedMs?: number; onLoaded: (() => void)[] }>();

/** When `worker` was started and when its code had loaded, if it has (performance.timeOrigin + performance.now(), ms). */
export function threadTimes(worker: Worker): { readonly spawnedMs?: number; readonly loadedMs?: number } {
  const t = times.get(worker);
  return t === undefined ? {} : { spawnedMs: t.spawnedMs, ...(t.loadedMs !== undefined ? { loadedMs: t.loadedMs } : {}) };
}

/** Resolves once every idle thread has loaded the simulator (tests; a thread that fails never does). */
export function idleWorkersLoaded(): Promise<void> {
  return Promise.all(
    idle.map((worker) => {
      const t = times.get(worker)!;
      return t.loadedMs !== undefined ? undefined : new Promise<void>((resolve) => t.onLoaded.push(resolve));
    }),
  ).then(() => undefined);
}

function spawn(): Worker {
  // node:worker_threads is loaded here, not imported: an inline run never loads it (~1 ms of every start).
  const worker: Worker = new (process.getBuiltinModule('node:worker_threads').Worker)(WORKER_URL);
  const t: { spawnedMs: number; loadedMs?: number; onLoaded: (() => void)[] } = { spawnedMs: performance.timeOrigin + performance.now(), onLoaded: [] };
  times.set(worker, t);
  // The thread says once that its code has loaded (worker.ts). Attached before any
  // unref() (a listener attached later would keep the process alive again).
  const onLoaded = (message: { loadedMs?: unknown }) => {
    if (typeof message !== 'object' || message === null || typeof message.loadedMs !== 'number' || 'run' in message) return;
    t.loadedMs = message.loadedMs;
    worker.off('message', onLoaded);
    for (const resolve of t.onLoaded.splice(0)) resolve();
  };
  worker.on('message', onLoaded);
  // A thread that fails or ends while idle (it should not: it only waits for a task)
  // is never handed out again; a run that holds it hears of it through its own listeners.
  const forget = () => {
    const at = idle.indexOf(worker);
    if (at >= 0) idle.splice(at, 1);
  };
  worker.on('error', forget);
  worker.once('exit', forget);
  return worker;
}

/** Starts threads until `count` are idle, so a run about to start finds them loaded. */
export function prestartWorkers(count: number): void {
  while (idle.length < count) {
    const worker = spawn();
    worker.unref();
    idle.push(worker);
  }
}

/** `count` threads for a run, idle ones first; hand them back with `releaseWorkers` or `discardWorkers`. */
export function acquireWorkers(count: number): Worker[] {
  const taken = idle.splice(0, count);
  while (taken.length < count) taken.push(spawn());
  for (const worker of taken) worker.ref();
  return taken;
}

/** Threads that finished their run cleanly go back to the pool (unref'd); the run has removed its listeners. */
export function releaseWorkers(workers: readonly Worker[]): void {
  for (const worker of workers) {
    worker.unref();
    idle.push(worker);
  }
}

/** Threads of a stopped or failed run end at once (a task may still be running on them). */
export function discardWorkers(workers: readonly Worker[]): void {
  for (const worker of workers) void worker.terminate();
}

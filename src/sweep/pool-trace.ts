/**
 * A timeline of a pooled run, for `HBSIM_POOL_TRACE=<file>`: when each worker thread was
 * started, when its code was loaded, when each task was posted, started, ended and its
 * result handled on the main thread, and how long the main thread spent handling each
 * result. Written as JSON at the end of the run, with a per-thread summary (busy, idle
 * waiting for the main thread, idle at the end). A diagnostic: it never touches a
 * results file, and costs nothing when unset (one environment read per run).
 *
 * Times are absolute (performance.timeOrigin + performance.now(), ms), so the worker
 * threads' clocks and the main thread's compare.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * CPU time of every thread of this process so far (Linux /proc: the main thread, the
 * worker threads, V8's compiler and GC helpers, libuv's pool), by thread name, in ms;
 * empty elsewhere. Clock ticks of 10 ms: meaningful over a run, not a task.
 */
function threadCpuMs(): Record<string, number> {
  const out: Record<string, number> = {};
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ms = ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
      const key = `${name}#${tid}`;
      out[key] = ms;
    }
  } catch {
    // Not Linux: no per-thread figures.
  }
  return out;
}

/** Now on a clock every thread shares (ms since the epoch, sub-ms resolution). */
export const clockMs = (): number => performance.timeOrigin + performance.now();

/** What a worker reports of one task when traced. */
export interface TaskTiming {
  /** When the worker thread's code had loaded (its module ran). */
  readonly loadedMs: number;
  readonly startMs: number;
  readonly endMs: number;
}

interface TaskEvent {
  readonly task: number;
  readonly worker: number;
  readonly kind: string;
  readonly startMs?: number;
  readonly endMs?: number;
  readonly receivedMs: number;
  handledMs?: number;
}

export interface PoolTracer {
  /** Thread `worker` (the main thread: the last number) ran `task`; its result reached the main thread at `receivedMs`. */
  finished(worker: number, task: number, kind: string, timing: TaskTiming | undefined, receivedMs: number): void;
  /** Thread `worker` spent `ms` posting its results. */
  posting(worker: number, ms: number | undefined): void;
  /** Thread `worker` was started at `spawnedMs` and had loaded its code at `loadedMs` (if it had when the run began). */
  thread(worker: number, times: { readonly spawnedMs?: number; readonly loadedMs?: number }): void;
  /** The main thread has handled the task's result (checkpoint, progress). */
  handled(task: number): void;
  write(): void;
}

/** A tracer when HBSIM_POOL_TRACE names a file, else undefined. */
export function poolTracer(workers: number, env: NodeJS.ProcessEnv = process.env): PoolTracer | undefined {
  const file = env.HBSIM_POOL_TRACE;
  if (file === undefined || file === '' || file === '0') return undefined;
  const begunMs = clockMs();
  const events = new Map<number, TaskEvent>();
  /** The main thread's time handling results (checkpoint, progress, cell assembly), batch by batch. */
  let handlingMs = 0;
  let lastHandledMs = 0;
  const threads: { spawnedMs?: number; loadedMs?: number; postingMs?: number }[] = Array.from({ length: workers }, () => ({}));
  return {
    finished(worker, task, kind, timing, receivedMs) {
      events.set(task, { task, worker, kind, receivedMs, ...(timing ? { startMs: timing.startMs, endMs: timing.endMs } : {}) });
      if (timing) threads[worker]!.loadedMs ??= timing.loadedMs;
    },
    posting(worker, ms) {
      if (ms !== undefined) threads[worker]!.postingMs = ms;
    },
    thread(worker, times) {
      if (times.spawnedMs !== undefined) threads[worker]!.spawnedMs = times.spawnedMs;
      if (times.loadedMs !== undefined) threads[worker]!.loadedMs = times.loadedMs;
    },
    handled(task) {
      const e = events.get(task);
      if (!e) return;
      e.handledMs = clockMs();
      // Results of one batch share their arrival time: count each stretch of handling once.
      handlingMs += e.handledMs - Math.max(e.receivedMs, lastHandledMs);
      lastHandledMs = e.handledMs;
    },
    write() {
      const endMs = clockMs();
      const all = [...events.values()];
      const rel = (t: number | undefined) => (t === undefined ? null : Math.round((t - begunMs) * 100) / 100);
      const summary = threads.map((t, w) => {
        const mine = all.filter((e) => e.worker === w).sort((a, b) => (a.startMs ?? 0) - (b.startMs ?? 0));
        let busy = 0;
        let waiting = 0;
        let previousEnd: number | undefined;
        for (const e of mine) {
          if (e.startMs === undefined || e.endMs === undefined) continue;
          busy += e.endMs - e.startMs;
          if (previousEnd !== undefined) waiting += e.startMs - previousEnd;
          previousEnd = e.endMs;
        }
        return {
          worker: w,
          tasks: mine.length,
          spawnedMs: rel(t.spawnedMs),
          loadedMs: rel(t.loadedMs),
          firstTaskStartMs: rel(mine[0]?.startMs),
          lastTaskEndMs: rel(previousEnd),
          busyMs: Math.round(busy),
          betweenTasksMs: Math.round(waiting),
          postingResultsMs: t.postingMs === undefined ? null : Math.round(t.postingMs),
          idleAtEndMs: previousEnd === undefined ? null : Math.round(endMs - previousEnd),
        };
      });
      const out = {
        wallMs: Math.round(endMs - begunMs),
        threadCpuMs: threadCpuMs(),
        summary,
        main: { handlingMs: Math.round(handlingMs) },
        tasks: all.map((e) => ({ task: e.task, worker: e.worker, kind: e.kind, start: rel(e.startMs), end: rel(e.endMs), received: rel(e.receivedMs), handled: rel(e.handledMs) })),
      };
      writeFileSync(file, `${JSON.stringify(out, null, 1)}\n`);
    },
  };
}

/**
 * The task runner: it settles for every task list, including an empty one (with an
 * abort signal, as every CLI run has, tasks go to the worker pool, which used to wait
 * for a first result that an empty list never sends — `hbsim tune` hung on a look whose
 * candidates were all settled); it hands the most expensive tasks out first; its
 * worker threads serve run after run; and results never depend on who ran what.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId, Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dispatchOrder, runTasks, SweepAborted } from '../../src/sweep/run-tasks.js';
import { taskHeartbeats, type SweepTask } from '../../src/sweep/tasks.js';
import { taskCpuNs } from '../../src/sweep/cost-model.js';
import { acquireWorkers, discardWorkers, idleWorkersLoaded, prestartWorkers, releaseWorkers } from '../../src/sweep/worker-pool.js';
import { simConfig } from '../support/sim-config.js';

const replication = (cell: number, replication: number, minutes: number, nodes = 3): SweepTask => ({
  kind: 'replication',
  cell,
  replication,
  config: simConfig({ nodes, durationUs: minutes * 60_000_000 }),
});

describe('runTasks', () => {
  it('returns at once for no tasks, inline or on the pool', async () => {
    const signal = new AbortController().signal;
    const outcome = await Promise.race([
      Promise.all([runTasks([], { workers: 1, timelineLimit: 0 }), runTasks([], { workers: 2, timelineLimit: 0, signal })]),
      new Promise((resolve) => setTimeout(() => resolve('hung'), 5000)),
    ]);
    expect(outcome).toEqual([[], []]);
  });

  it('hands tasks out longest first (by estimated CPU), ties in task order', () => {
    const tasks = [replication(0, 0, 1), replication(1, 0, 30), replication(2, 0, 1), replication(3, 0, 10, 9), replication(4, 0, 30)];
    // Same path, so heartbeats decide: 3·1, 3·30, 3·1, 9·10, 3·30 minutes' worth → 90 = 90 > 3 = 3.
    expect(dispatchOrder(tasks)).toEqual([1, 3, 4, 0, 2]);
  });

  it('ranks a pause search by what its probes cost, not by its nominal heartbeats', () => {
    const config = simConfig({ nodes: 3, durationUs: 60 * 60_000_000 });
    const search: SweepTask = { kind: 'pauseSurvival', cell: 0, config };
    const searchBeats = taskHeartbeats(search);
    // A replication with more heartbeats than the search's nominal ones, but under the search's estimated CPU.
    const nodes = Math.ceil((1.5 * searchBeats) / (3600 / (config.heartbeat.intervalUs / 1e6)));
    const big = replication(1, 0, 60, nodes);
    expect(taskHeartbeats(big)).toBeGreaterThan(searchBeats);
    expect(taskCpuNs(search)).toBeGreaterThan(taskCpuNs(big));
    expect(dispatchOrder([big, search])).toEqual([1, 0]);
  });

  it('gives the same results in task order on 1 or 2 workers and inline; one worker never idles', async () => {
    const tasks = [replication(0, 0, 2), replication(0, 1, 20), replication(1, 0, 5), replication(1, 1, 1)];
    const signal = new AbortController().signal;
    const inline = await runTasks(tasks, { workers: 1, timelineLimit: 50 });
    let idle = 0;
    const one = await runTasks(tasks, { workers: 1, timelineLimit: 50, signal, onWorkerIdle: () => idle++ });
    expect(idle).toBe(0);
    const two = await runTasks(tasks, { workers: 2, timelineLimit: 50, signal, onWorkerIdle: () => idle++ });
    expect(two).toEqual(inline);
    expect(one).toEqual(inline);
    expect(inline.map((r) => (r.kind === 'replication' ? [r.cell, r.replication] : null))).toEqual([[0, 0], [0, 1], [1, 0], [1, 1]]);
    // At most once per run (a thread that loaded after the other had claimed every task says nothing).
    expect(idle).toBeLessThanOrEqual(1);
  });

  it('says once when a thread finds no task left while another still runs one', async () => {
    // One long task and short ones, on two loaded threads: whichever thread does not
    // hold the long task runs out of tasks while the other is still busy with it.
    const tasks = [lossy(0, 0, 40), ...Array.from({ length: 6 }, (_, i) => replication(1, i, 1))];
    prestartWorkers(2);
    await idleWorkersLoaded();
    let idle = 0;
    await runTasks(tasks, { workers: 2, timelineLimit: 0, signal: new AbortController().signal, onWorkerIdle: () => idle++ });
    expect(idle).toBe(1);
  });
});

describe('runTasks inline (a run too small to repay starting threads)', () => {
  it('runs on this thread even with a signal, with the same results as on workers, and hears the signal between tasks', async () => {
    const tasks = [replication(0, 0, 2), replication(0, 1, 20), replication(1, 0, 5), replication(1, 1, 1)];
    const pooled = await runTasks(tasks, { workers: 2, timelineLimit: 50, signal: new AbortController().signal });
    let idle = 0;
    const inline = await runTasks(tasks, { workers: 2, timelineLimit: 50, signal: new AbortController().signal, inline: true, onWorkerIdle: () => idle++ });
    expect(inline).toEqual(pooled);
    // No worker ran (none idled), and the tasks ran in task order.
    expect(idle).toBe(0);
    const stop = new AbortController();
    const heard: number[] = [];
    const stopped = runTasks(tasks, {
      workers: 2,
      timelineLimit: 50,
      signal: stop.signal,
      inline: true,
      onResult: (index) => {
        heard.push(index);
        if (index === 1) stop.abort();
      },
    });
    await expect(stopped).rejects.toBeInstanceOf(SweepAborted);
    expect(heard).toEqual([0, 1]);
  });
});

describe('the worker pool', () => {
  it('keeps its threads between runs: a released thread is handed out again, a discarded one is not', async () => {
    prestartWorkers(2);
    const first = acquireWorkers(2);
    expect(first.every((w) => w.threadId !== threadId)).toBe(true);
    const ids = first.map((w) => w.threadId);
    releaseWorkers(first);
    const again = acquireWorkers(2);
    expect(again.map((w) => w.threadId).sort()).toEqual([...ids].sort());
    const [gone, kept] = [again[0]!.threadId, again[1]!.threadId];
    const exited = new Promise((resolve) => again[0]!.once('exit', resolve));
    discardWorkers([again[0]!]);
    releaseWorkers([again[1]!]);
    await exited;
    const third = acquireWorkers(2);
    expect(third.map((w) => w.threadId)).toContain(kept);
    expect(third.map((w) => w.threadId)).not.toContain(gone);
    releaseWorkers(third);
  });
});

/** A lossy 60-node cell: replications of ~10-40 ms, enough for two threads to share. */
const lossy = (cell: number, replication: number, minutes: number): SweepTask => ({
  kind: 'replication',
  cell,
  replication,
  config: simConfig({
    nodes: 60,
    durationUs: minutes * 60_000_000,
    seed: `lossy-${cell}`,
    link: { lossProbability: 0.2, duplicateProbability: 0, delay: { baseUs: 1_000, random: { kind: 'exponential', meanUs: 20_000 } } },
  }),
});

/** Runs `body` with HBSIM_POOL_TRACE set, and returns what the pool's trace says of the run. */
async function traced<T>(body: () => Promise<T>): Promise<{ value: T; trace: { tasks: { task: number; worker: number }[]; summary: { worker: number; tasks: number }[] } }> {
  const dir = mkdtempSync(join(tmpdir(), 'hbsim-pool-trace-'));
  const file = join(dir, 'trace.json');
  const before = process.env.HBSIM_POOL_TRACE;
  process.env.HBSIM_POOL_TRACE = file;
  try {
    const value = await body();
    return { value, trace: JSON.parse(readFileSync(file, 'utf8')) };
  } finally {
    if (before === undefined) delete process.env.HBSIM_POOL_TRACE;
    else process.env.HBSIM_POOL_TRACE = before;
    rmSync(dir, { recursive: true, force: true });
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the pool hands tasks out through shared memory', () => {
  it('posts each thread one message per run (the whole task list), hears results in batches, and runs each task exactly once', async () => {
    const tasks = Array.from({ length: 24 }, (_, i) => replication(i % 3, Math.floor(i / 3), 1 + (i % 5)));
    const signal = new AbortController().signal;
    const inline = await runTasks(tasks, { workers: 1, timelineLimit: 20 });
    prestartWorkers(2);
    await idleWorkersLoaded();
    const posted = vi.spyOn(Worker.prototype, 'postMessage');
    const heard = vi.spyOn(Worker.prototype, 'emit');
    const { value: pooled, trace } = await traced(() => runTasks(tasks, { workers: 2, timelineLimit: 20, signal }));
    // One message per thread: one-task-per-message dispatch would post 24.
    expect(posted).toHaveBeenCalledTimes(2);
    // Results come back in batches (worker.ts RESULTS_EVERY_MS): these tasks take well under
    // a millisecond each, so a few messages carry all 24, not one message per task.
    const batches = heard.mock.calls.filter(([event, m]) => event === 'message' && typeof m === 'object' && m !== null && 'done' in m);
    expect(batches.length).toBeGreaterThan(0);
    expect(batches.length).toBeLessThanOrEqual(6);
    expect(pooled).toEqual(inline);
    expect(trace.tasks.map((t) => t.task).sort((a, b) => a - b)).toEqual(tasks.map((_, i) => i));
    expect(trace.summary.reduce((n, s) => n + s.tasks, 0)).toBe(tasks.length);
  });

  it('gives the same results on 3 threads as inline, for tasks of very different sizes', async () => {
    const tasks = [lossy(0, 0, 5), replication(1, 0, 1), lossy(0, 1, 1), replication(1, 1, 30), lossy(2, 0, 2), lossy(2, 1, 3), replication(3, 0, 2)];
    const inline = await runTasks(tasks, { workers: 1, timelineLimit: 100 });
    const three = await runTasks(tasks, { workers: 3, timelineLimit: 100, signal: new AbortController().signal });
    expect(three).toEqual(inline);
  });
});

describe('runTasks with the main thread working too (mainThreadToo)', () => {
  it('runs tasks on this thread and on workers − 1 threads, with the same results as inline', async () => {
    // One long task (~1 s) and short ones: whichever thread claims the long one, the
    // other takes tasks meanwhile (the thread is loaded and warm, as the CLI's is).
    const tasks = [lossy(0, 0, 60), ...Array.from({ length: 15 }, (_, i) => lossy(1 + (i % 3), Math.floor(i / 3), 2))];
    const inline = await runTasks(tasks, { workers: 1, timelineLimit: 100 });
    // A loaded, warm thread, as the CLI's (started before the scenarios are read).
    prestartWorkers(1);
    await idleWorkersLoaded();
    const posted = vi.spyOn(Worker.prototype, 'postMessage');
    const { value: shared, trace } = await traced(() => runTasks(tasks, { workers: 2, timelineLimit: 100, signal: new AbortController().signal, mainThreadToo: true }));
    expect(shared).toEqual(inline);
    // One thread besides this one (workers − 1), and both took tasks: the thread is
    // summary row 0, the main thread the last row.
    expect(posted).toHaveBeenCalledTimes(1);
    expect(trace.summary).toHaveLength(2);
    expect(trace.summary[0]!.tasks).toBeGreaterThan(0);
    expect(trace.summary[1]!.tasks).toBeGreaterThan(0);
    expect(trace.summary[0]!.tasks + trace.summary[1]!.tasks).toBe(tasks.length);
  });

  it('with one worker runs inline (no thread), and hears the signal between its own tasks', async () => {
    const tasks = Array.from({ length: 8 }, (_, i) => lossy(i % 2, Math.floor(i / 2), 1));
    const posted = vi.spyOn(Worker.prototype, 'postMessage');
    const one = await runTasks(tasks, { workers: 1, timelineLimit: 10, signal: new AbortController().signal, mainThreadToo: true });
    expect(posted).not.toHaveBeenCalled();
    expect(one).toHaveLength(tasks.length);
    vi.restoreAllMocks();
    const stop = new AbortController();
    let heard = 0;
    const stopped = runTasks(tasks, {
      workers: 2,
      timelineLimit: 10,
      signal: stop.signal,
      mainThreadToo: true,
      onResult: () => {
        if (++heard === 2) stop.abort();
      },
    });
    await expect(stopped).rejects.toBeInstanceOf(SweepAborted);
    expect(heard).toBeLessThan(tasks.length);
  });
});

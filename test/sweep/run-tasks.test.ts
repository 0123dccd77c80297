/**
 * The task runner: it settles for every task list, including an empty one (with an
 * abort signal, as every CLI run has, tasks go to the worker pool, which used to wait
 * for a first result that an empty list never sends — `hbsim tune` hung on a look whose
 * candidates were all settled); it hands the most expensive tasks out first; its
 * worker threads serve run after run; and results never depend on who ran what.
 */
import { threadId } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { dispatchOrder, runTasks, SweepAborted } from '../../src/sweep/run-tasks.js';
import { taskHeartbeats, type SweepTask } from '../../src/sweep/tasks.js';
import { taskCpuNs } from '../../src/sweep/cost-model.js';
import { acquireWorkers, discardWorkers, prestartWorkers, releaseWorkers } from '../../src/sweep/worker-pool.js';
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

  it('gives the same results in task order on 1 or 2 workers and inline, and says once when a worker idles', async () => {
    const tasks = [replication(0, 0, 2), replication(0, 1, 20), replication(1, 0, 5), replication(1, 1, 1)];
    const signal = new AbortController().signal;
    const inline = await runTasks(tasks, { workers: 1, timelineLimit: 50 });
    let idle = 0;
    const two = await runTasks(tasks, { workers: 2, timelineLimit: 50, signal, onWorkerIdle: () => idle++ });
    const one = await runTasks(tasks, { workers: 1, timelineLimit: 50, signal, onWorkerIdle: () => idle++ });
    expect(two).toEqual(inline);
    expect(one).toEqual(inline);
    expect(inline.map((r) => (r.kind === 'replication' ? [r.cell, r.replication] : null))).toEqual([[0, 0], [0, 1], [1, 0], [1, 1]]);
    // Two workers, four tasks: one of them finds nothing left before the last task ends; one worker never idles.
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

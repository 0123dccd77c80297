/**
 * The task runner settles for every task list, including an empty one: with an abort
 * signal (every CLI run has one) tasks go to the worker pool, which used to wait for a
 * first result that an empty list never sends — `hbsim tune` hung on a look whose
 * candidates were all settled.
 */
import { describe, expect, it } from 'vitest';
import { runTasks } from '../../src/sweep/run-tasks.js';

describe('runTasks', () => {
  it('returns at once for no tasks, inline or on the pool', async () => {
    const signal = new AbortController().signal;
    const outcome = await Promise.race([
      Promise.all([runTasks([], { workers: 1, timelineLimit: 0 }), runTasks([], { workers: 2, timelineLimit: 0, signal })]),
      new Promise((resolve) => setTimeout(() => resolve('hung'), 5000)),
    ]);
    expect(outcome).toEqual([[], []]);
  });
});

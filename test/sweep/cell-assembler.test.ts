/**
 * Cells assembled while the rest of the run simulates (src/sweep/run-scenario.ts
 * cellAssembler, fed by run-resumable.ts): the results file is byte-identical whichever
 * order the outputs arrive in and whether a cell was assembled early or at the end; a
 * cell is assembled the moment its last task is in, not before; and the pool's dispatch
 * order lets cells finish one by one (ties cell by cell), so most cells are assembled
 * before the run's last task ends.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serializeResults } from '../../src/results/results-file.js';
import { loadPreset } from '../../src/scenarios/load.js';
import { parseSet } from '../../src/scenarios/sets.js';
import { assembleCell, assembleResults, cellAssembler, prepareScenario } from '../../src/sweep/run-scenario.js';
import { dispatchOrder, runTasks } from '../../src/sweep/run-tasks.js';
import { allOutputs, runResumable } from '../../src/sweep/run-resumable.js';
import type { TaskResult } from '../../src/sweep/tasks.js';

/** db-ha cut to 4 cells × (3 replications + a pause search) = 16 tasks of 10 simulated minutes. */
const SETS = ['duration=10m', 'sweep.heartbeat.interval=[1s, 2s]', 'sweep.detector.timeout=[2x, 3x]', 'replications=3'];
const prepared = prepareScenario(loadPreset('db-ha', { sets: SETS.map((s) => parseSet(s)) }), true);
const outputs: Promise<TaskResult[]> = runTasks(prepared.tasks, { workers: 1, timelineLimit: prepared.timelineLimit });

describe('cellAssembler', () => {
  it('gives the same results file bytes as assembling at the end, whatever order the outputs arrive in', async () => {
    const out = await outputs;
    const single = serializeResults(assembleResults(prepared, out, 'test'));
    fc.assert(
      fc.property(fc.shuffledSubarray(out.map((_, k) => k), { minLength: out.length, maxLength: out.length }), (arrival) => {
        const assembler = cellAssembler(prepared, new Map());
        for (const k of arrival) assembler.add(k, out[k]!);
        expect(assembler.assembled.size).toBe(prepared.cells.length);
        expect(serializeResults(assembleResults(prepared, out, 'test', assembler.assembled))).toBe(single);
      }),
      { seed: 12, numRuns: 8 },
    );
  });

  it('assembles a cell when its last task is in and not before, counting outputs restored from a checkpoint', async () => {
    const out = await outputs;
    const tasksOfCell0 = prepared.tasks.flatMap((t, k) => (t.cell === 0 ? [k] : []));
    expect(tasksOfCell0).toHaveLength(4);
    // One of cell 0's outputs was read back from a checkpoint: the other three complete it.
    const assembler = cellAssembler(prepared, new Map([[tasksOfCell0[0]!, out[tasksOfCell0[0]!]!]]));
    for (const k of tasksOfCell0.slice(1, -1)) {
      assembler.add(k, out[k]!);
      expect(assembler.assembled.has(0)).toBe(false);
    }
    assembler.add(tasksOfCell0.at(-1)!, out[tasksOfCell0.at(-1)!]!);
    expect([...assembler.assembled.keys()]).toEqual([0]);
    expect(assembler.assembled.get(0)).toEqual(assembleCell(prepared, 0, tasksOfCell0.map((k) => out[k]!)));
    // An output given twice (a task recomputed) changes nothing.
    assembler.add(tasksOfCell0[1]!, out[tasksOfCell0[1]!]!);
    expect(assembler.assembled.size).toBe(1);
  });

  it('in dispatch order, a cell\'s replications follow one another, so cells finish one by one', () => {
    const order = dispatchOrder(prepared.tasks);
    const replications = order.filter((k) => prepared.tasks[k]!.kind === 'replication');
    // Cells of equal cost (two have 1 s, two 2 s intervals) tie: in task order (replication-major)
    // they would interleave, and every cell of a tie would wait for the tie's last replication.
    for (let c = 0; c < prepared.cells.length; c++) {
      const at = replications.flatMap((k, i) => (prepared.tasks[k]!.cell === c ? [i] : []));
      expect(at).toHaveLength(3);
      expect(at.at(-1)! - at[0]!).toBe(2);
    }
    // Cells complete at evenly spread points of the run, not all at its end.
    const remaining = prepared.cells.map((_, i) => prepared.tasks.filter((t) => t.cell === i).length);
    const completedAt: number[] = [];
    order.forEach((k, i) => {
      if (--remaining[prepared.tasks[k]!.cell]! === 0) completedAt.push(i + 1);
    });
    expect(completedAt).toEqual([7, 10, 13, 16]);
  });
});

describe('runResumable', () => {
  it('returns the cells it assembled during the run, and the same bytes as assembling at the end', async () => {
    const out = await outputs;
    const store = { restored: new Map<number, TaskResult>(), record() {}, close() {} };
    const run = await runResumable(prepared, store, { workers: 2, signal: new AbortController().signal });
    expect(run.assembled.size).toBe(prepared.cells.length);
    const viaRun = serializeResults(assembleResults(prepared, allOutputs(prepared, run.outputs), 'test', run.assembled));
    expect(viaRun).toBe(serializeResults(assembleResults(prepared, out, 'test')));
  });
});

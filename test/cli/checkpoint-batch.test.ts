/**
 * The checkpoint writes the outputs recorded in one turn of the event loop (a worker
 * thread's batch of results) together, at the end of that turn, and close() writes what
 * is still pending: a run that stops right after its last output keeps it for --resume.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Checkpoint, checkpointPath } from '../../src/cli/checkpoint.js';
import type { TaskResult } from '../../src/sweep/tasks.js';

const output = (cell: number): TaskResult => ({ kind: 'pauseSurvival', cell, survival: { longest_ms: 100 * cell } } as unknown as TaskResult);
const KEY = { name: 'x', digest: 'a'.repeat(64), tasks: 10 };
const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');

describe('Checkpoint.record', () => {
  it('writes one turn\'s outputs together at the end of the turn, and reads them back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hbsim-ckpt-'));
    const path = checkpointPath(dir, KEY);
    const store = Checkpoint.open(dir, KEY, false);
    store.record(0, output(0));
    store.record(3, output(3));
    store.record(5, output(5));
    // Not yet: the batch goes out at the end of this turn.
    expect(lines(path)).toHaveLength(0);
    await Promise.resolve();
    expect(lines(path)).toHaveLength(3);
    store.record(7, output(7));
    store.close();
    // close() wrote the pending line.
    expect(lines(path)).toHaveLength(4);
    const back = Checkpoint.open(dir, KEY, true);
    expect([...back.restored.keys()].sort((a, b) => a - b)).toEqual([0, 3, 5, 7]);
    expect(back.restored.get(5)).toEqual(output(5));
    back.remove();
  });
});

describe('Checkpoint.open', () => {
  it("without --resume empties an earlier attempt's file in place, and appends after that", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hbsim-ckpt-'));
    const path = checkpointPath(dir, KEY);
    const first = Checkpoint.open(dir, KEY, false);
    first.record(1, output(1));
    first.record(2, output(2));
    first.close();
    writeFileSync(path, `${readFileSync(path, 'utf8')}{"task":4,"sha`); // and a torn line
    const fresh = Checkpoint.open(dir, KEY, false);
    expect(fresh.restored.size).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe('');
    fresh.record(6, output(6));
    await Promise.resolve();
    fresh.close();
    expect(lines(path)).toHaveLength(1);
    // Nothing else was left beside it (no temporary file).
    expect(readdirSync(join(dir, '.hbsim-checkpoints'))).toEqual([path.split('/').pop()]);
    const back = Checkpoint.open(dir, KEY, true);
    expect([...back.restored.keys()]).toEqual([6]);
    back.remove();
  });

  it('with --resume keeps the whole lines and drops a torn last one before appending', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hbsim-ckpt-'));
    const path = checkpointPath(dir, KEY);
    const first = Checkpoint.open(dir, KEY, false);
    first.record(1, output(1));
    first.close();
    writeFileSync(path, `${readFileSync(path, 'utf8')}{"task":4,"sha`);
    const resumed = Checkpoint.open(dir, KEY, true);
    expect([...resumed.restored.keys()]).toEqual([1]);
    expect(resumed.discarded).toBe(1);
    resumed.record(2, output(2));
    resumed.close();
    expect(lines(path)).toHaveLength(2);
    expect([...Checkpoint.open(dir, KEY, true).restored.keys()].sort()).toEqual([1, 2]);
  });
});

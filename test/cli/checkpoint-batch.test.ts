/**
 * The checkpoint writes the outputs recorded in one turn of the event loop (a worker
 * thread's batch of results) together, at the end of that turn, and close() writes what
 * is still pending: a run that stops right after its last output keeps it for --resume.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
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

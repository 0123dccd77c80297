/**
 * HBSIM_TIMINGS=1: `hbsim run` says on stderr where its time went, phase by phase
 * (the benchmark reads it to break a whole-process figure down), then what the report's
 * chart thread did and when, and prints nothing of
 * the kind without it; the results are the same bytes either way.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import type { CliIo } from '../../src/cli/io.js';

function capture(env: Record<string, string>): { io: CliIo; stderr: () => string } {
  const err: string[] = [];
  return { io: { stdout: { write: () => true }, stderr: { write: (s: string) => err.push(s) }, env }, stderr: () => err.join('') };
}

const SMALL = ['--set', 'duration=5m', '--set', 'warmup=0s', '--set', 'replications=1', '--set', 'sweep.detector.timeout=[3x]', '--set', 'sweep.heartbeat.interval=[1s, 2s]', '--no-pause-survival', '--workers', '1'];

describe('HBSIM_TIMINGS', () => {
  it('lists every phase of a run, in order, with wall and CPU milliseconds; off by default; same results', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hbsim-timings-'));
    // No chart cache: a re-run of this test would otherwise read its charts back whole and give the chart thread no job.
    const chartCache = process.env.HBSIM_CHART_CACHE;
    process.env.HBSIM_CHART_CACHE = 'off';
    onTestFinished(() => {
      if (chartCache === undefined) delete process.env.HBSIM_CHART_CACHE;
      else process.env.HBSIM_CHART_CACHE = chartCache;
    });
    const timed = capture({ HBSIM_TIMINGS: '1', HBSIM_CHART_THREAD: '1' });
    expect(await runCli(['run', 'db-ha', '--out', join(dir, 'a'), ...SMALL], timed.io)).toBe(0);
    const lines = timed.stderr().split('\n').filter((l) => l.startsWith('timing: ') && !l.startsWith('timing: note '));
    const names = lines.map((l) => l.replace(/^timing: (.*) \d+ ms wall, \d+ ms cpu$/, '$1'));
    expect(names).toEqual([
      'start-up (node, modules, arguments)',
      'read scenarios',
      'prepare tasks',
      // A run this small simulates on the main thread (run.ts, INLINE_BELOW_MS).
      'simulate (inline)',
      'assemble results (pool, statistics, analysis)',
      'report (render HTML)',
      'write files',
      'print',
    ]);
    // Then what the report's chart thread did, on this thread's clock (src/cli/chart-worker.ts).
    const notes = timed.stderr().split('\n').filter((l) => l.startsWith('timing: note '));
    expect(notes.at(-1)).toMatch(/^timing: note chart thread: job \d+ rendered at \d+ ms$/);
    const plain = capture({});
    expect(await runCli(['run', 'db-ha', '--out', join(dir, 'b'), ...SMALL], plain.io)).toBe(0);
    expect(plain.stderr()).not.toMatch(/timing:/);
    expect(readFileSync(join(dir, 'b', 'db-ha.json'), 'utf8')).toBe(readFileSync(join(dir, 'a', 'db-ha.json'), 'utf8'));
  });
});

/**
 * Issue 16 items 2 and 4: Ctrl-C stops every run within a second, one task or many,
 * exits 130 and writes nothing; a long task reports progress from within; the
 * pause-survival search is bounded by a stated budget and counted in the progress.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTasks, SweepAborted } from '../../src/sweep/run-tasks.js';
import { longestPauseSurvived, PAUSE_SEARCH_BUDGET_HEARTBEATS, pauseSearchHeartbeats } from '../../src/sweep/pause-survival.js';
import { scenarioWarnings } from '../../src/scenarios/schema/index.js';
import { loadScenarioText } from '../../src/scenarios/load.js';
import { simConfig } from '../support/sim-config.js';
import { tempDir, TINY, writeScenario } from './support.js';

const BIN = join(import.meta.dirname, '../../bin/hbsim.js');

describe('Ctrl-C', () => {
  it('stops a one-task run (one replication, --workers 1, --no-pause-survival) within a second: exit 130, nothing written', async () => {
    const dir = tempDir();
    // Duplication keeps the run off the skipping walk, which would finish these 3000 days in
    // well under a second: this test needs a run that lasts until it is interrupted.
    const path = writeScenario(dir, `${TINY.replace('duration: 1m', 'duration: 3000d').replace('nodes: 2', 'nodes: 10')}link: { duplicate: 0.1% }\n`);
    const out = join(dir, 'out');
    const child = spawn(process.execPath, [BIN, 'run', path, '--workers', '1', '--no-pause-survival', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Wait until the simulation is running: the run's own long-run warning is printed just before it starts.
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (/Ctrl-C stops it/.test(stderr)) {
          clearInterval(poll);
          resolve();
        }
      }, 50);
    });
    await new Promise((r) => setTimeout(r, 500));
    const sentMs = performance.now();
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    const tookMs = performance.now() - sentMs;
    expect(code, stderr).toBe(130);
    expect(tookMs).toBeLessThan(1000);
    expect(stderr).toMatch(/stopped.*tiny was interrupted; nothing written for it/);
    let written: string[] = [];
    try {
      written = readdirSync(out);
    } catch {
      written = [];
    }
    // No results, no report (checkpoints of finished tasks, for --resume, are not results).
    expect(written.filter((f) => f !== '.hbsim-checkpoints')).toEqual([]);
  });

  it('a single long task on a worker reports progress from within, and an abort ends it at once', async () => {
    const controller = new AbortController();
    // Duplication keeps it off the skipping walk (which would skip a lossless link's 1000 days at once): the per-node kernel runs, reporting from within.
    const config = simConfig({ nodes: 5, durationUs: 1000 * 86_400_000_000, link: { lossProbability: 0, duplicateProbability: 0.001, delay: { baseUs: 0, random: { kind: 'constant', valueUs: 0 } } } });
    const seen: number[] = [];
    const started = performance.now();
    const run = runTasks([{ kind: 'replication', cell: 0, replication: 0, config }], {
      workers: 1,
      timelineLimit: 0,
      signal: controller.signal,
      onProgress: (_done, _total, work) => {
        seen.push(work);
        if (seen.length === 2) controller.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(SweepAborted);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen[0]).toBeGreaterThan(0);
    expect(seen[1]).toBeGreaterThan(seen[0]!);
    expect(seen[1]).toBeLessThan(1);
    expect(performance.now() - started).toBeLessThan(20_000);
  });
});

describe('the pause-survival search', () => {
  it('stops at its heartbeat budget and says so; a 1 µs interval costs nothing', () => {
    const tiny = simConfig({ heartbeat: { intervalUs: 1, jitter: { kind: 'constant', valueUs: 0 } }, detector: { kind: 'timeout', timeoutUs: 3, deadAfterUs: 6, checkIntervalUs: 0 } });
    const started = performance.now();
    const r = longestPauseSurvived(tiny);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(r).toMatchObject({ stopped_by_budget: true, budget_heartbeats: PAUSE_SEARCH_BUDGET_HEARTBEATS, longest_ms: 0 });
    // 1 s heartbeats and a 30 s timeout: a small budget stops the bisection with a lower bound.
    const long = simConfig({ detector: { kind: 'timeout', timeoutUs: 30_000_000, deadAfterUs: 60_000_000, checkIntervalUs: 0 } });
    const bounded = longestPauseSurvived(long, { budgetHeartbeats: 200_000 });
    expect(bounded.stopped_by_budget).toBe(true);
    expect(bounded.budget_heartbeats).toBe(200_000);
    const full = longestPauseSurvived(long);
    expect(full.stopped_by_budget).toBe(false);
    expect(bounded.longest_ms).toBeLessThanOrEqual(full.longest_ms);
  });

  it('is counted in the expected work, never above its budget', () => {
    const c = simConfig();
    expect(pauseSearchHeartbeats(c)).toBeGreaterThan(0);
    expect(pauseSearchHeartbeats(simConfig({ heartbeat: { intervalUs: 1, jitter: { kind: 'constant', valueUs: 0 } } }))).toBe(PAUSE_SEARCH_BUDGET_HEARTBEATS);
  });

  it('the long-run warning gives the real order of magnitude', () => {
    const loaded = loadScenarioText('name: big\nduration: 1000d\ncluster: { nodes: 1000 }\nheartbeat: { interval: 1ms }\ndetector: { kind: timeout, timeout: 3x }\n', 'big.yaml');
    const warning = scenarioWarnings(loaded.scenario).find((w) => w.path[0] === 'duration' && w.message.includes('heartbeats'));
    // 1000 nodes × 8.64e10 heartbeats each = 8.6e13 heartbeats at ~4e6 per second: 8 months.
    expect(warning?.message).toBe('this scenario simulates about 8.6e+13 heartbeats; expect about 8 months on one core');
  });
});

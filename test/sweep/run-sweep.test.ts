import { describe, expect, it } from 'vitest';
import { cellMetrics } from '../../src/results/cell-metrics.js';
import { runSweep } from '../../src/sweep/run-sweep.js';
import { simConfig } from '../support/sim-config.js';

const lossy = (timeoutUs: number) =>
  simConfig({
    nodes: 20,
    durationUs: 3_600_000_000,
    link: { lossProbability: 0.05, duplicateProbability: 0, delay: { baseUs: 1_000, random: { kind: 'exponential', meanUs: 20_000 } } },
    detector: { kind: 'timeout', timeoutUs, deadAfterUs: 2 * timeoutUs, checkIntervalUs: 0 },
    crashes: [{ kind: 'crashRecover', nodes: { kind: 'all' }, mttfUs: 1_800_000_000, mttrUs: 60_000_000 }],
  });

describe('runSweep', () => {
  it('gives the same pooled metrics and timelines with one worker and with two', async () => {
    const cells = [1_100_000, 1_500_000, 2_100_000].map((t) => ({ config: lossy(t) }));
    const inline = await runSweep(cells, 3, { workers: 1, timelineLimit: 500 });
    const pooled = await runSweep(cells, 3, { workers: 2, timelineLimit: 500 });
    expect(JSON.stringify(pooled.map((c) => [c.metrics, c.timeline]))).toBe(JSON.stringify(inline.map((c) => [c.metrics, c.timeline])));
    expect(inline[0]!.metrics.false_suspicions.count).toBeGreaterThan(0);
    // Pooling is the merge of the replications, not an average of per-replication metrics.
    expect(cellMetrics(inline[1]!.tallies)).toEqual(inline[1]!.metrics);
  });

  it('reports progress up to the total number of tasks', async () => {
    const seen: number[] = [];
    await runSweep([{ config: lossy(1_500_000) }], 4, { workers: 1, timelineLimit: 0, onProgress: (done, total) => seen.push(done / total) });
    expect(seen).toEqual([0.25, 0.5, 0.75, 1]);
  });

  it('stops when asked and returns nothing', async () => {
    const controller = new AbortController();
    const run = runSweep([{ config: lossy(1_500_000) }], 50, {
      workers: 2,
      timelineLimit: 0,
      signal: controller.signal,
      onProgress: (done) => {
        if (done === 2) controller.abort();
      },
    });
    await expect(run).rejects.toThrow(/stopped/);
  });
});

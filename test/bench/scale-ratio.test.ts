import { describe, expect, it } from 'vitest';
import type { InProcessRun } from '../../bench/lib/hbsim.js';
import { pairOf, spreadOf, summarise } from '../../bench/scale-ratio.js';

const run = (id: string, cpuS: number, setupCpuS: number, heartbeats = 3_600_000): InProcessRun =>
  ({ id, path: 'engine', nodes: 0, durationS: 0, repeat: 1, wallS: cpuS, cpuS, setupS: setupCpuS, setupCpuS, events: 0, heartbeats, falseSuspicions: 0, peakRssMb: 0 }) as InProcessRun;

describe('the engine-at-scale ratio (bench/scale-ratio.ts)', () => {
  it('takes the median of an odd count, the mean of the middle two of an even one, and the range', () => {
    expect(spreadOf([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3 });
    expect(spreadOf([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4 });
    expect(() => spreadOf([])).toThrow(RangeError);
  });

  it('divides CPU per heartbeat at 100 k by CPU per heartbeat at 1 k, with and without set-up', () => {
    // 1 k: 1.0 s for 3.6 M beats, 0.1 s set-up; 100 k: 2.5 s for 3.6 M beats, 0.7 s set-up.
    const p = pairOf(run('B', 1.0, 0.1), run('B-100k', 2.5, 0.7));
    expect(p.ratio).toBeCloseTo(2.5, 12);
    expect(p.runRatio).toBeCloseTo(1.8 / 0.9, 12);
    // Per heartbeat, not per run: twice the beats at the same CPU is half the cost.
    expect(pairOf(run('B', 1, 0, 1_000), run('B-100k', 1, 0, 2_000)).ratio).toBeCloseTo(0.5, 12);
  });

  it('summarises pairs by their own ratios, not by a ratio of pooled times', () => {
    // Pair 2 ran on a slow moment (both runs 2× slower): its ratio is the same as pair 1's.
    const pairs = [pairOf(run('B', 1, 0), run('B-100k', 2, 0)), pairOf(run('B', 2, 0), run('B-100k', 4, 0)), pairOf(run('B', 1, 0), run('B-100k', 3, 0))];
    const s = summarise(pairs);
    expect(s.withSetup).toEqual({ median: 2, min: 2, max: 3 });
    expect(s.withoutSetup.median).toBe(2);
  });
});

import { describe, expect, it } from 'vitest';
import type { Fault } from '../../../src/sim/config.js';
import { runOnce } from '../../../src/sim/run-once.js';
import { simConfig } from '../../support/sim-config.js';

const S = 1_000_000;

/** 10 s leases renewed every 3 s over lossless links with 1 ms delay. */
const leases = (faults: Fault[], nodes = 50) =>
  runOnce(
    simConfig({
      nodes,
      durationUs: 600 * S,
      heartbeat: { intervalUs: 3 * S, jitter: { kind: 'constant', valueUs: 0 } },
      link: { lossProbability: 0, duplicateProbability: 0, delay: { baseUs: 1_000, random: { kind: 'constant', valueUs: 0 } } },
      detector: { kind: 'lease', leaseUs: 10 * S, deadAfterUs: Number.POSITIVE_INFINITY, checkIntervalUs: 0 },
      faults,
    }),
  ).tallies;

describe('leases', () => {
  it('never split-brain on healthy clocks: a node gives up its lease before the observer does', () => {
    const t = leases([
      { kind: 'partition', nodes: { kind: 'all' }, scope: 'each', direction: 'toObserver', onset: { kind: 'at', atUs: 100 * S }, duration: { kind: 'constant', valueUs: 30 * S } },
    ]);
    expect(t.falseSuspicions).toBe(50);
    expect(t.splitBrainEpisodes).toBe(0);
  });

  it('a pause past the lease expiry opens a split-brain window until the node resumes', () => {
    // Pause 15 s, starting u ∈ [0, 3 s) after the last renewal was sent at t: the
    // observer expires the node at t + 10 s (+ 1 ms delay), the node only fences itself
    // when it resumes at t + u + 15 s, so each window lasts 5–8 s.
    const t = leases([
      { kind: 'senderPause', nodes: { kind: 'all' }, onset: { kind: 'uniformOnce', fromUs: 100 * S, toUs: 103 * S }, duration: { kind: 'constant', valueUs: 15 * S }, afterPause: 'skip' },
    ]);
    expect(t.splitBrainEpisodes).toBe(50);
    expect(t.maxSplitBrainUs).toBeLessThanOrEqual(8 * S);
    expect(t.splitBrainUs / t.splitBrainEpisodes).toBeGreaterThan(5 * S);
    expect(t.splitBrainUs / t.splitBrainEpisodes).toBeLessThan(8 * S);
  });

  it('a node clock running 20 % slow widens the window by a fifth of the lease', () => {
    const t = leases([
      { kind: 'clockDrift', nodes: { kind: 'all' }, observer: false, ppm: -200_000 },
      { kind: 'partition', nodes: { kind: 'all' }, scope: 'each', direction: 'toObserver', onset: { kind: 'at', atUs: 100 * S }, duration: { kind: 'constant', valueUs: 30 * S } },
    ]);
    expect(t.splitBrainEpisodes).toBe(50);
    // The node believes 10 s / 0.8 = 12.5 s after sending; the observer expires 10 s after receiving.
    for (const per of [t.splitBrainUs / t.splitBrainEpisodes]) {
      expect(per).toBeGreaterThan(2.4 * S);
      expect(per).toBeLessThan(2.6 * S);
    }
  });
});

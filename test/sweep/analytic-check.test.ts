import { describe, expect, it } from 'vitest';
import { runOnce } from '../../src/sim/run-once.js';
import { analyticComparison } from '../../src/sweep/analytic-check.js';
import { simConfig } from '../support/sim-config.js';

const S = 1_000_000;
const lossy = {
  nodes: 40,
  durationUs: 12 * 3600 * S,
  link: { lossProbability: 0.05, duplicateProbability: 0, delay: { baseUs: 1_000, random: { kind: 'exponential' as const, meanUs: 50_000 } } },
  detector: { kind: 'timeout' as const, timeoutUs: 1_200_000, deadAfterUs: Number.POSITIVE_INFINITY, checkIntervalUs: 0 },
  crashes: [{ kind: 'crashRecover' as const, nodes: { kind: 'all' as const }, mttfUs: 3600 * S, mttrUs: 60 * S }],
};

describe('analytic predictions beside the simulation', () => {
  it('agree within sampling error when the scenario meets the i.i.d. assumptions', () => {
    const config = simConfig(lossy);
    const c = analyticComparison(config, runOnce(config).tallies)!;
    expect(c.violations).toEqual([]);
    expect(c.agrees).toBe(true);
    expect(c.false_suspicions_per_node_day.predicted).toBeGreaterThan(100);
    expect(c.detection_latency_mean_ms.z).not.toBeNull();
  });

  it('differ, and say the bursts explain it (no alarm: the formula assumes independent loss)', () => {
    const config = simConfig({
      ...lossy,
      link: { ...lossy.link, loss: { kind: 'gilbertElliott', enterBadProbability: 0.05 * 0.2 / 0.95, leaveBadProbability: 0.2, lossInGoodProbability: 0, lossInBadProbability: 1 } },
    });
    const c = analyticComparison(config, runOnce(config).tallies)!;
    expect(c.violations).toEqual(['bursty (Gilbert–Elliott) loss']);
    expect(c.agrees).toBe(false);
    expect(c.verdict).toMatch(/also has bursty \(Gilbert–Elliott\) loss, so the simulation is the answer here\.$/);
  });

  it('has no closed form for phi accrual cells', () => {
    const config = simConfig({ detector: { kind: 'phiAkka', threshold: 8, acceptablePauseUs: 3 * S, minStdDeviationUs: 100_000, maxSampleSize: 100, firstHeartbeatEstimateUs: S, confirmAfterUs: Number.POSITIVE_INFINITY, checkIntervalUs: 0 } });
    expect(analyticComparison(config, runOnce(config).tallies)).toBeNull();
  });
});

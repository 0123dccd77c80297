import { describe, expect, it } from 'vitest';
import { longestPauseSurvived } from '../../src/sweep/pause-survival.js';
import { simConfig } from '../support/sim-config.js';

describe('longest pause survived', () => {
  it('is about 2 s for lossless 1 s heartbeats and a 3 s timeout (a pause L at phase u fails iff u + L > 3 s)', () => {
    // Pr(fail | L) = L − 2 for L in [2 s, 3 s], so the 1 % point is 2.01 s; the bisection
    // stops within 1 %, and 400 pauses estimate each fraction to about ±1 %.
    const result = longestPauseSurvived(simConfig());
    expect(result.longest_ms).toBeGreaterThan(1_960);
    expect(result.longest_ms).toBeLessThan(2_060);
    expect(result.capped).toBe(false);
  });

  it('halves when the timeout is an exact multiple of the interval and delays jitter (reference §1.8)', () => {
    // With random delays, two missed beats and a next heartbeat slower than the last
    // one already exceed 3 s: Pr(fail | L) ≈ (L − 1)/2 for L in [1 s, 2 s].
    const jittery = simConfig({ link: { lossProbability: 0, duplicateProbability: 0, delay: { baseUs: 1_000, random: { kind: 'exponential', meanUs: 2_000 } } } });
    const result = longestPauseSurvived(jittery);
    expect(result.longest_ms).toBeGreaterThan(990);
    expect(result.longest_ms).toBeLessThan(1_060);
  });

  it('grows with the timeout', () => {
    const longer = longestPauseSurvived(simConfig({ detector: { kind: 'timeout', timeoutUs: 10_000_000, deadAfterUs: 20_000_000, checkIntervalUs: 0 } }));
    expect(longer.longest_ms).toBeGreaterThan(8_900);
    expect(longer.longest_ms).toBeLessThan(9_100);
  });
});

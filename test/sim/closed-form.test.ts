/**
 * The simulator against closed forms (reference §1.7: the "no arrival for TO"
 * detector under i.i.d. Bernoulli loss and i.i.d. delays). Exact timers only: a
 * polling check shifts suspicions to check instants and clusters them (§1.8).
 *
 * Tolerances are Z standard errors, with the standard error estimated from the run
 * itself: batch means over nodes for rates and fractions (a node's mistakes are not
 * a Poisson stream), the sample standard deviation for means of durations. Z = 4
 * gives about one false alarm in 16 000 per comparison; the fixed seeds make each
 * run repeatable.
 */
import { describe, expect, it } from 'vitest';
import { arrivalTimeoutDetectionLatency, arrivalTimeoutQos } from '../../src/analytic/index.js';
import type { LinkDelay } from '../../src/sim/random/distributions.js';
import { runOnce } from '../../src/sim/run-once.js';
import { meanInterval, ratioInterval } from '../../src/stats/index.js';
import { simConfig } from '../support/sim-config.js';

const Z = 4;

interface Case {
  readonly name: string;
  readonly intervalUs: number;
  readonly timeoutUs: number;
  readonly lossProbability: number;
  readonly delay: LinkDelay;
  readonly nodes: number;
  readonly durationUs: number;
}

const cases: Case[] = [
  // Reference §1.7 row T1: E(T_MR) 75.75 s, E(T_M) 0.6875 s, 1 − P_A 9.076e-3.
  { name: 'T1', intervalUs: 1_000_000, timeoutUs: 1_100_000, lossProbability: 0.01, delay: { baseUs: 0, random: { kind: 'exponential', meanUs: 20_000 } }, nodes: 60, durationUs: 86_400_000_000 },
  // Row T2: two heartbeats in flight, δ > η.
  { name: 'T2', intervalUs: 500_000, timeoutUs: 1_100_000, lossProbability: 0.05, delay: { baseUs: 0, random: { kind: 'exponential', meanUs: 100_000 } }, nodes: 40, durationUs: 21_600_000_000 },
  // A fixed base delay plus a uniform jitter, timeout just over two intervals.
  { name: 'uniform', intervalUs: 1_000_000, timeoutUs: 2_050_000, lossProbability: 0.1, delay: { baseUs: 5_000, random: { kind: 'uniform', minUs: 0, maxUs: 100_000 } }, nodes: 40, durationUs: 43_200_000_000 },
];

describe('the fixed-timeout detector with exact timers matches the §1.7 closed form', () => {
  for (const c of cases) {
    it(`${c.name}: mistake rate, mean mistake duration and query accuracy within ${Z} standard errors`, () => {
      const expected = arrivalTimeoutQos({ intervalUs: c.intervalUs, timeoutUs: c.timeoutUs, lossProbability: c.lossProbability, delay: c.delay });
      const run = runOnce(
        simConfig({
          seed: `closed-form-${c.name}`,
          nodes: c.nodes,
          durationUs: c.durationUs,
          warmupUs: 20 * c.intervalUs,
          heartbeat: { intervalUs: c.intervalUs, jitter: { kind: 'constant', valueUs: 0 } },
          link: { lossProbability: c.lossProbability, duplicateProbability: 0, delay: c.delay },
          detector: { kind: 'timeout', timeoutUs: c.timeoutUs, deadAfterUs: Number.POSITIVE_INFINITY, checkIntervalUs: 0 },
        }),
      );
      const t = run.tallies;
      // Enough events for the comparison to mean something (≥ 10⁴ mistakes).
      expect(t.falseSuspicions).toBeGreaterThan(10_000);

      // λ_M per second: the ratio of mistakes to up-time, batch means over nodes.
      const rate = ratioInterval(t.perPairFalseSuspicions, t.perPairUpUs.map((u) => u / 1e6))!;
      expect(Math.abs(rate.ratio - expected.mistakeRatePerS)).toBeLessThan(Z * rate.standardError);

      // E(T_M): mistakes of one node do not overlap, so their durations are nearly independent.
      const durations = meanInterval(Array.from(t.mistakeDurationsUs, (us) => us / 1e6))!;
      expect(Math.abs(durations.mean - expected.meanMistakeDurationS)).toBeLessThan(Z * durations.standardError);

      // 1 − P_A: the fraction of up-time suspected, batch means over nodes.
      const suspected = ratioInterval(t.perPairUpSuspectedUs, t.perPairUpUs)!;
      expect(Math.abs(suspected.ratio - (1 - expected.queryAccuracy))).toBeLessThan(Z * suspected.standardError);
    });
  }

  it('detection latency of crashes at uniform phases matches E(T_D) of the closed form', () => {
    const intervalUs = 1_000_000;
    const timeoutUs = 3_000_000;
    const lossProbability = 0.2;
    const delay: LinkDelay = { baseUs: 1_000, random: { kind: 'exponential', meanUs: 200_000 } };
    const expected = arrivalTimeoutDetectionLatency({ intervalUs, timeoutUs, lossProbability, delay });
    const run = runOnce(
      simConfig({
        seed: 'closed-form-detection',
        nodes: 4000,
        durationUs: 80_000_000,
        heartbeat: { intervalUs, jitter: { kind: 'constant', valueUs: 0 } },
        link: { lossProbability, duplicateProbability: 0, delay },
        detector: { kind: 'timeout', timeoutUs, deadAfterUs: Number.POSITIVE_INFINITY, checkIntervalUs: 0 },
        crashes: [{ kind: 'crashAt', nodes: { kind: 'all' }, atUs: 60_000_000, downUs: null }],
      }),
    );
    const latencies = meanInterval(Array.from(run.tallies.detectionLatenciesUs))!;
    expect(latencies.count).toBe(4000);
    expect(Math.abs(latencies.mean - expected.meanUs)).toBeLessThan(Z * latencies.standardError);
  });
});

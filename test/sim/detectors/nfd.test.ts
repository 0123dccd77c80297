/**
 * NFD-S against its closed form (reference §1.3–1.4), and NFD-E against NFD-S.
 * Tolerances: Z standard errors from batch means over nodes (rates and fractions) or
 * the sample standard deviation (durations); see closed-form.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nfdsQos } from '../../../src/analytic/index.js';
import { NfdSDetector } from '../../../src/sim/detectors/nfd-s.js';
import type { LinkDelay } from '../../../src/sim/random/distributions.js';
import { runOnce } from '../../../src/sim/run-once.js';
import { Status } from '../../../src/sim/status.js';
import { meanInterval, ratioInterval } from '../../../src/stats/index.js';
import { simConfig } from '../../support/sim-config.js';

const Z = 4;
const S = 1_000_000;

const cases = [
  // §1.4 case A: δ < η.
  { name: 'A', intervalUs: 1 * S, shiftUs: 100_000, lossProbability: 0.01, delay: { baseUs: 0, random: { kind: 'exponential', meanUs: 20_000 } } as LinkDelay, nodes: 40, hours: 24 },
  // Case B: δ > η, two heartbeats in flight.
  { name: 'B', intervalUs: 500_000, shiftUs: 600_000, lossProbability: 0.05, delay: { baseUs: 0, random: { kind: 'exponential', meanUs: 100_000 } } as LinkDelay, nodes: 40, hours: 12 },
  // Case C.
  { name: 'C', intervalUs: 1 * S, shiftUs: 50_000, lossProbability: 0.01, delay: { baseUs: 0, random: { kind: 'exponential', meanUs: 20_000 } } as LinkDelay, nodes: 20, hours: 12 },
];

describe('NFD-S matches its closed form', () => {
  for (const c of cases) {
    it(`case ${c.name}: mistake rate, mean mistake duration and query accuracy within ${Z} standard errors`, () => {
      const expected = nfdsQos({ intervalUs: c.intervalUs, shiftUs: c.shiftUs, lossProbability: c.lossProbability, delay: c.delay });
      const t = runOnce(
        simConfig({
          seed: `nfds-${c.name}`,
          nodes: c.nodes,
          durationUs: c.hours * 3600 * S,
          warmupUs: 20 * c.intervalUs,
          heartbeat: { intervalUs: c.intervalUs, jitter: { kind: 'constant', valueUs: 0 } },
          link: { lossProbability: c.lossProbability, duplicateProbability: 0, delay: c.delay },
          detector: { kind: 'nfdS', shiftUs: c.shiftUs, confirmAfterUs: Number.POSITIVE_INFINITY, checkIntervalUs: 0 },
        }),
      ).tallies;
      expect(t.falseSuspicions).toBeGreaterThan(5_000);
      const rate = ratioInterval(t.perPairFalseSuspicions, t.perPairUpUs.map((u) => u / S))!;
      expect(Math.abs(rate.ratio - expected.mistakeRatePerS)).toBeLessThan(Z * rate.standardError);
      const durations = meanInterval(Array.from(t.mistakeDurationsUs, (us) => us / S))!;
      expect(Math.abs(durations.mean - expected.meanMistakeDurationS)).toBeLessThan(Z * durations.standardError);
      const suspected = ratioInterval(t.perPairUpSuspectedUs, t.perPairUpUs)!;
      expect(Math.abs(suspected.ratio - (1 - expected.queryAccuracy))).toBeLessThan(Z * suspected.standardError);
    });
  }

  it('never takes longer than δ + η to detect a crash', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 * S }), fc.integer({ min: 100_000, max: 2 * S }), fc.nat(1000), (shiftUs, intervalUs, seed) => {
        const t = runOnce(
          simConfig({
            seed: `bound-${seed}`,
            nodes: 20,
            durationUs: 120 * S,
            heartbeat: { intervalUs, jitter: { kind: 'constant', valueUs: 0 } },
            link: { lossProbability: 0.2, duplicateProbability: 0, delay: { baseUs: 0, random: { kind: 'exponential', meanUs: 50_000 } } },
            detector: { kind: 'nfdS', shiftUs, confirmAfterUs: Number.POSITIVE_INFINITY, checkIntervalUs: 0 },
            crashes: [{ kind: 'crashAt', nodes: { kind: 'all' }, atUs: 60 * S, downUs: null }],
          }),
        ).tallies;
        for (const latency of t.detectionLatenciesUs) expect(latency).toBeLessThanOrEqual(shiftUs + intervalUs);
      }),
      { numRuns: 25 },
    );
  });

  it('suspects from the freshness point σ_ℓ + η + δ of the highest heartbeat received', () => {
    const d = new NfdSDetector(1, 1 * S, 300_000, Number.POSITIVE_INFINITY, 0);
    d.onHeartbeat(0, 5_020_000, 5 * S, 5);
    d.onHeartbeat(0, 5_030_000, 4 * S, 4); // older, late: no news
    expect(d.statusAt(0, 6_299_999)).toBe(Status.alive);
    expect(d.statusAt(0, 6_300_000)).toBe(Status.suspected);
  });
});

describe('NFD-E', () => {
  it('with constant delays estimates arrivals exactly, so it behaves as NFD-S with δ = delay + α', () => {
    const common = {
      nodes: 30,
      durationUs: 6 * 3600 * S,
      link: { lossProbability: 0.05, duplicateProbability: 0, delay: { baseUs: 20_000, random: { kind: 'constant', valueUs: 0 } } as LinkDelay },
    };
    const e = runOnce(simConfig({ ...common, detector: { kind: 'nfdE', marginUs: 300_000, windowSize: 50, bertier: null, confirmAfterUs: Number.POSITIVE_INFINITY, checkIntervalUs: 0 } })).tallies;
    const s = runOnce(simConfig({ ...common, detector: { kind: 'nfdS', shiftUs: 320_000, confirmAfterUs: Number.POSITIVE_INFINITY, checkIntervalUs: 0 } })).tallies;
    expect(e.falseSuspicions).toBeGreaterThan(100);
    // The first few freshness points differ (NFD-E has no history yet); after that, identical.
    expect(Math.abs(e.falseSuspicions - s.falseSuspicions)).toBeLessThanOrEqual(common.nodes);
  });

  it("Bertier's adaptive margin grows with the delay spread and keeps mistakes rare", () => {
    const jittery = { baseUs: 1_000, random: { kind: 'exponential', meanUs: 100_000 } } as LinkDelay;
    const run = (bertier: { beta: number; phi: number; gamma: number } | null, marginUs: number) =>
      runOnce(
        simConfig({
          nodes: 20,
          durationUs: 3600 * S,
          link: { lossProbability: 0, duplicateProbability: 0, delay: jittery },
          detector: { kind: 'nfdE', marginUs, windowSize: 100, bertier, confirmAfterUs: Number.POSITIVE_INFINITY, checkIntervalUs: 0 },
        }),
      ).tallies;
    const fixedSmall = run(null, 10_000);
    const adaptive = run({ beta: 1, phi: 4, gamma: 0.1 }, 10_000);
    expect(fixedSmall.falseSuspicions).toBeGreaterThan(10 * Math.max(1, adaptive.falseSuspicions));
  });
});

describe('detectors and restarts', () => {
  it('NFD-E forgets the old process after a restart, so a new phase is not a long false suspicion', () => {
    const common = {
      nodes: 20,
      durationUs: 6 * 3600 * S,
      link: { lossProbability: 0.01, duplicateProbability: 0, delay: { baseUs: 1_000, random: { kind: 'exponential', meanUs: 20_000 } } as LinkDelay },
      detector: { kind: 'nfdE' as const, marginUs: 500_000, windowSize: 1000, bertier: null, confirmAfterUs: Number.POSITIVE_INFINITY, checkIntervalUs: 0 },
    };
    const steady = runOnce(simConfig(common)).tallies;
    const restarting = runOnce(simConfig({ ...common, crashes: [{ kind: 'crashRecover', nodes: { kind: 'all' }, mttfUs: 1800 * S, mttrUs: 60 * S }] })).tallies;
    expect(restarting.crashes).toBeGreaterThan(100);
    // Without forgetting, each restart (a new phase) leaves the node suspected for most of a
    // window of 1000 heartbeats: 1 − P_A would be around 10 %. With it, restarts add little.
    const suspectedFraction = (t: typeof steady) => t.upSuspectedUs / t.upUs;
    expect(suspectedFraction(restarting)).toBeLessThan(5 * suspectedFraction(steady) + 0.002);
  });
});

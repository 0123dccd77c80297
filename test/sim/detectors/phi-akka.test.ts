import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { akkaPhi, PhiAkkaDetector, type PhiAkkaSettings } from '../../../src/sim/detectors/phi-akka.js';
import { Status } from '../../../src/sim/status.js';

const S = 1_000_000;
/** akka.cluster.failure-detector defaults (reference §2.2). */
const cluster: PhiAkkaSettings = {
  threshold: 8,
  acceptablePauseUs: 3 * S,
  minStdDeviationUs: 100_000,
  maxSampleSize: 1000,
  firstHeartbeatEstimateUs: 1 * S,
  confirmAfterUs: Number.POSITIVE_INFINITY,
};

/** Feeds heartbeats at exact intervals and returns the instant (µs after the last) of the first SUSPECTED. */
function crossingAfterLast(settings: PhiAkkaSettings, intervalsUs: number[]): number {
  const d = new PhiAkkaDetector(1, settings, 0);
  let t = 0;
  for (const i of intervalsUs) {
    t += i;
    d.onHeartbeat(0, t);
  }
  const at = d.nextChangeUs(0, t);
  expect(d.statusAt(0, at - 1)).toBe(Status.alive);
  expect(d.statusAt(0, at)).toBe(Status.suspected);
  return at - t;
}

describe('phi accrual, Akka', () => {
  it('computes φ with the logistic approximation exactly as Akka does', () => {
    // Hand-computed from the formula: Δ = μ' + σ' (y = 1): e = exp(−1.668166), φ = −log10(1 − 1/(1 + e)).
    const e = Math.exp(-1 * (1.5976 + 0.070566));
    expect(akkaPhi(4.1 * S, 1 * S, 0, cluster)).toBeCloseTo(-Math.log10(e / (1 + e)), 12);
    // Below μ' the other branch: Δ = μ' − σ' (y = −1).
    const e2 = Math.exp(1 * (1.5976 + 0.070566));
    expect(akkaPhi(3.9 * S, 1 * S, 0, cluster)).toBeCloseTo(-Math.log10(1 - 1 / (1 + e2)), 12);
  });

  it('crosses threshold 8 at 4.52 s after the last heartbeat with σ clamped to 100 ms (reference §2.2)', () => {
    expect(crossingAfterLast(cluster, new Array(1000).fill(1 * S)) / S).toBeCloseTo(4.52, 2);
  });

  it('crosses at 5.31 s right after the first heartbeat (bootstrap σ = interval/4)', () => {
    expect(crossingAfterLast(cluster, []) / S).toBeCloseTo(5.31, 2);
  });

  it('crosses at 11.58 s with the remote-watch defaults (threshold 10, pause 10 s)', () => {
    const watch = { ...cluster, threshold: 10, acceptablePauseUs: 10 * S, maxSampleSize: 200 };
    expect(crossingAfterLast(watch, new Array(200).fill(1 * S)) / S).toBeCloseTo(11.58, 2);
  });

  it('does not record the interval of the first heartbeat after a suspicion', () => {
    const d = new PhiAkkaDetector(1, cluster, 0);
    for (let k = 1; k <= 100; k++) d.onHeartbeat(0, k * S);
    const before = d.nextChangeUs(0, 100 * S) - 100 * S;
    d.onHeartbeat(0, 130 * S); // 30 s of silence: unavailable when it arrives
    expect(d.nextChangeUs(0, 130 * S) - 130 * S).toBe(before);
  });

  it('φ never decreases while the silence grows', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e5, max: 1e8, noNaN: true }),
        fc.double({ min: 0, max: 1e7, noNaN: true }),
        fc.double({ min: 0, max: 1e8, noNaN: true }),
        fc.double({ min: 0, max: 1e7, noNaN: true }),
        (mean, sd, silence, more) => {
          expect(akkaPhi(silence + more, mean, sd, cluster)).toBeGreaterThanOrEqual(akkaPhi(silence, mean, sd, cluster) - 1e-12);
        },
      ),
    );
  });
});

/**
 * Lease renewals as requests with a client timeout and retries (issue #13): 10 s
 * renewals, 15 s lease, 5 % loss each way. Without retries a lost renewal leaves a
 * 20 s gap: an expiry per lost renewal, p(1 − p) per renewal. With a 1 s request
 * timeout and a 1 s retry period, a lost renewal is retried at +2 s, +4 s, +6 s …:
 * only the third attempt lands past the 15 s lease (gap 16 s), so an expiry needs the
 * renewal and its first two retries lost: p³ per renewal.
 */
import { describe, expect, it } from 'vitest';
import type { DetectorConfig, SimConfig } from '../../src/sim/config.js';
import { runOnce } from '../../src/sim/run-once.js';
import { simConfig } from '../support/sim-config.js';

const S = 1_000_000;
const Z = 4;

const run = (detector: DetectorConfig, transport: 'udp' | 'tcp' = 'udp') =>
  runOnce(
    simConfig({
      nodes: 200,
      durationUs: 12 * 3600 * S,
      warmupUs: 60 * S,
      heartbeat: { intervalUs: 10 * S, jitter: { kind: 'constant', valueUs: 0 } },
      link: { lossProbability: 0.05, duplicateProbability: 0, delay: { baseUs: 1_000, random: { kind: 'constant', valueUs: 0 } }, transport } satisfies SimConfig['link'],
      detector,
    }),
  ).tallies;

const lease = (retry: boolean): DetectorConfig => ({
  kind: 'lease',
  leaseUs: 15 * S,
  deadAfterUs: Number.POSITIVE_INFINITY,
  checkIntervalUs: 0,
  ...(retry ? { requestTimeoutUs: 1 * S, retryUs: 1 * S } : {}),
});

describe('lease renewals with a request timeout and retries', () => {
  it('cut false expiries from p(1 − p) to p³ per renewal at 5 % loss', () => {
    const plain = run(lease(false));
    const retried = run(lease(true));
    const renewals = 200 * ((12 * 3600 - 60) / 10);
    const p = 0.05;
    const expectPoisson = (observed: number, mean: number) => expect(Math.abs(observed - mean)).toBeLessThan(Z * Math.sqrt(mean));
    expectPoisson(plain.falseSuspicions, renewals * p * (1 - p));
    expectPoisson(retried.falseSuspicions, renewals * p ** 3);
    // Retries are extra messages: at least one per lost renewal or lost grant.
    expect(retried.heartbeatsSent - plain.heartbeatsSent).toBeGreaterThan(renewals * p);
  });

  it('over TCP a lost renewal is only late: an expiry needs five losses of one segment in a row', () => {
    // A renewal k transmissions late lands 202 ms·(2^k − 1) late; past the 5 s of slack
    // (15 s lease − 10 s renewals) only for k ≥ 5: p⁵ per renewal, ≈ 0.27 expected here
    // (a retry cannot overtake the renewal it retries: it waits behind it on the connection).
    const t = run(lease(true), 'tcp');
    expect(t.falseSuspicions).toBeLessThanOrEqual(3); // Poisson(0.27): P(> 3) ≈ 2e-4
    expect(t.transport!.retransmissions).toBeGreaterThan(0);
  });
});

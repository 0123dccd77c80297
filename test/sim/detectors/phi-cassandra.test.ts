import { describe, expect, it } from 'vitest';
import { PhiCassandraDetector, type PhiCassandraSettings } from '../../../src/sim/detectors/phi-cassandra.js';
import { Status } from '../../../src/sim/status.js';

const S = 1_000_000;
const defaults: PhiCassandraSettings = {
  convictThreshold: 8,
  initialIntervalUs: 2 * S,
  maxIntervalUs: 2 * S,
  sampleSize: 1000,
  maxLocalPauseUs: 5 * S,
  confirmAfterUs: Number.POSITIVE_INFINITY,
};

function withHistory(intervalUs: number, count: number, settings = defaults) {
  const d = new PhiCassandraDetector(1, settings, 0);
  let t = 0;
  for (let k = 0; k < count; k++) d.onHeartbeat(0, (t += intervalUs));
  return { d, last: t };
}

describe('phi accrual, Cassandra', () => {
  it('convicts once the silence exceeds threshold × ln 10 × mean (18.42 × mean at 8)', () => {
    const { d, last } = withHistory(1 * S, 999); // 999 intervals of 1 s plus the 2 s initial value
    const mean = (999 * S + 2 * S) / 1000;
    const convictAt = last + Math.floor(8 * Math.LN10 * mean) + 1;
    expect(d.statusAt(0, convictAt - 1)).toBe(Status.alive);
    expect(d.statusAt(0, convictAt)).toBe(Status.suspected);
    expect((convictAt - last) / S).toBeCloseTo(18.44, 2);
  });

  it('does not record intervals longer than the maximum', () => {
    const { d, last } = withHistory(1 * S, 10);
    d.onHeartbeat(0, last + 3 * S); // 3 s > MAX_INTERVAL (2 s): ignored
    const mean = (10 * S + 2 * S) / 11;
    expect(d.phi(0, last + 3 * S + mean)).toBeCloseTo(1 / Math.LN10, 9);
  });

  it('rejects thresholds outside 5–16, as DatabaseDescriptor does', () => {
    expect(() => new PhiCassandraDetector(1, { ...defaults, convictThreshold: 4 }, 0)).toThrow(/5–16/);
    expect(() => new PhiCassandraDetector(1, { ...defaults, convictThreshold: 17 }, 0)).toThrow(/5–16/);
  });

  it('convicts nobody for 5 s after a gap of more than 5 s between rounds (the local-pause guard)', () => {
    const { d } = withHistory(1 * S, 20);
    // Rounds every second up to 20 s, then the observer stalls until 60 s.
    for (let r = 1; r <= 20; r++) d.beginRound(r * S);
    d.beginRound(60 * S);
    expect(d.statusAt(0, 60 * S)).toBe(Status.alive); // 40 s of silence, but guarded
    d.beginRound(61 * S);
    expect(d.statusAt(0, 64.9 * S)).toBe(Status.alive);
    d.beginRound(65 * S);
    expect(d.statusAt(0, 65 * S)).toBe(Status.suspected);
  });
});

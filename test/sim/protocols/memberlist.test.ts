import { describe, expect, it } from 'vitest';
import {
  applyAwarenessDelta,
  DEFAULT_LAN_CONFIG,
  DEFAULT_LOCAL_CONFIG,
  DEFAULT_WAN_CONFIG,
  failedProbeAwarenessDelta,
  goLog10,
  initialSuspicionTimeoutUs,
  pushPullScaleUs,
  remainingSuspicionTimeUs,
  retransmitLimit,
  scaleByAwarenessUs,
  suspicionBounds,
  suspicionTimeoutUs,
} from '../../../src/sim/protocols/swim/memberlist.js';
import { expectedTimeToFirstProbe, paperFalsePositiveProbability, probeFailureProbability, probeProbability, expectedPeriodsToFirstProbeLimit } from '../../../src/analytic/swim.js';

const S = 1_000_000;
const MS = 1_000;

describe('memberlist defaults (reference §3.3, config.go)', () => {
  it('DefaultLANConfig', () => {
    expect(DEFAULT_LAN_CONFIG).toEqual({
      probeIntervalUs: 1 * S,
      probeTimeoutUs: 500 * MS,
      indirectChecks: 3,
      suspicionMult: 4,
      suspicionMaxTimeoutMult: 6,
      retransmitMult: 4,
      gossipIntervalUs: 200 * MS,
      gossipNodes: 3,
      gossipToTheDeadTimeUs: 30 * S,
      pushPullIntervalUs: 30 * S,
      tcpTimeoutUs: 10 * S,
      awarenessMaxMultiplier: 8,
      disableTcpPings: false,
    });
  });
  it('DefaultWANConfig changes probe, suspicion and gossip fields and inherits the rest', () => {
    expect(DEFAULT_WAN_CONFIG).toMatchObject({ probeIntervalUs: 5 * S, probeTimeoutUs: 3 * S, suspicionMult: 6, gossipIntervalUs: 500 * MS, gossipNodes: 4, gossipToTheDeadTimeUs: 60 * S, pushPullIntervalUs: 60 * S, tcpTimeoutUs: 30 * S });
    expect(DEFAULT_WAN_CONFIG).toMatchObject({ indirectChecks: 3, suspicionMaxTimeoutMult: 6, retransmitMult: 4, awarenessMaxMultiplier: 8 });
  });
  it('DefaultLocalConfig', () => {
    expect(DEFAULT_LOCAL_CONFIG).toMatchObject({ probeIntervalUs: 1 * S, probeTimeoutUs: 200 * MS, indirectChecks: 1, suspicionMult: 3, retransmitMult: 2, gossipIntervalUs: 100 * MS, gossipNodes: 3, gossipToTheDeadTimeUs: 15 * S, pushPullIntervalUs: 15 * S, tcpTimeoutUs: 1 * S, suspicionMaxTimeoutMult: 6 });
  });
});

describe('suspicion timeout (util.go suspicionTimeout)', () => {
  it("matches memberlist's own TestSuspicionTimeout table (mult 3, 1 s, divided by 3)", () => {
    const table: Record<number, number> = { 5: 1000, 10: 1000, 50: 1698, 100: 2000, 500: 2698, 1000: 3000 };
    for (const [n, ms] of Object.entries(table)) expect(suspicionTimeoutUs(3, Number(n), S) / 3).toBe(ms * MS);
  });
  it('LAN defaults for n = 1, 10, 100, 1000 (reference §3.3 worked table)', () => {
    const rows = [
      // n, min, max, after 1 confirmation, after 2
      [1, 4 * S, 24 * S, null, null],
      [10, 4 * S, 24 * S, 11_380 * MS, 4 * S],
      [100, 8 * S, 48 * S, 22_760 * MS, 8 * S],
      [1000, 12 * S, 72 * S, 34_140 * MS, 12 * S],
      [10000, 16 * S, 96 * S, 45_530 * MS, 16 * S],
    ] as const;
    for (const [n, min, max, one, two] of rows) {
      const b = suspicionBounds(DEFAULT_LAN_CONFIG, n);
      expect(b.minUs).toBe(min);
      expect(b.maxUs).toBe(max);
      if (one === null) {
        // n − 2 < SuspicionMult − 2: no confirmations expected, the timer starts at min.
        expect(b.k).toBe(0);
        expect(initialSuspicionTimeoutUs(b)).toBe(min);
        continue;
      }
      expect(b.k).toBe(2);
      expect(initialSuspicionTimeoutUs(b)).toBe(max);
      // max − (max − min)·ln 2/ln 3, floored to the millisecond.
      expect(remainingSuspicionTimeUs(1, b.k, 0, b.minUs, b.maxUs)).toBe(Math.floor(1000 * (max / S - ((max - min) / S) * (Math.log(2) / Math.log(3)))) * MS);
      expect(Math.abs(remainingSuspicionTimeUs(1, b.k, 0, b.minUs, b.maxUs) - one)).toBeLessThan(10 * MS);
      expect(remainingSuspicionTimeUs(2, b.k, 0, b.minUs, b.maxUs)).toBe(two);
    }
  });
  it('n = 2, 3: k falls to 0 when n − 2 < SuspicionMult − 2', () => {
    expect(suspicionBounds(DEFAULT_LAN_CONFIG, 3).k).toBe(0);
    expect(suspicionBounds(DEFAULT_LAN_CONFIG, 4).k).toBe(2);
  });
  it('WAN: n = 10 gives 30 s min, 180 s max', () => {
    const b = suspicionBounds(DEFAULT_WAN_CONFIG, 10);
    expect([b.minUs, b.maxUs, b.k]).toEqual([30 * S, 180 * S, 4]);
  });
  it('Go log10 truncation: n = 50 scales by 1.698 exactly', () => {
    expect(goLog10(100)).toBe(2);
    expect(goLog10(1000)).toBe(3);
    expect(suspicionTimeoutUs(4, 50, S)).toBe(6_792 * MS);
  });
});

describe('remainingSuspicionTime (suspicion_test.go vectors)', () => {
  it('matches memberlist TestSuspicion_remainingSuspicionTime', () => {
    const cases = [
      [0, 3, 0, 2, 30, 30_000],
      [1, 3, 2, 2, 30, 14_000],
      [2, 3, 3, 2, 30, 4_810],
      [3, 3, 4, 2, 30, -2_000],
      [4, 3, 5, 2, 30, -3_000],
      [5, 3, 10, 2, 30, -8_000],
    ] as const;
    for (const [n, k, elapsedS, minS, maxS, expectedMs] of cases) {
      expect(remainingSuspicionTimeUs(n, k, elapsedS * S, minS * S, maxS * S)).toBe(expectedMs * MS);
    }
  });
  it('TestSuspicion_Timer totals (k 3, min 500 ms, max 2 s): 1250 ms after one confirmation, ~810 ms after two, min after three', () => {
    expect(remainingSuspicionTimeUs(1, 3, 0, 500 * MS, 2 * S)).toBe(1250 * MS);
    // 2 − 1.5·ln 3/ln 4 = 0.81128 s, floored to 811 ms (the Go test checks 810 ms with a 25 ms fudge).
    expect(remainingSuspicionTimeUs(2, 3, 0, 500 * MS, 2 * S)).toBe(811 * MS);
    expect(remainingSuspicionTimeUs(3, 3, 0, 500 * MS, 2 * S)).toBe(500 * MS);
  });
});

describe('retransmit limit, push/pull scale, awareness', () => {
  it('retransmitLimit = mult · ⌈log10(n + 1)⌉ (TestRetransmitLimit)', () => {
    expect(retransmitLimit(3, 0)).toBe(0);
    expect(retransmitLimit(3, 1)).toBe(3);
    expect(retransmitLimit(3, 99)).toBe(6);
    expect(retransmitLimit(4, 100)).toBe(12);
    expect(retransmitLimit(4, 9_999)).toBe(16);
    expect(retransmitLimit(4, 10_000)).toBe(20);
  });
  it('pushPullScale (TestPushPullScale)', () => {
    for (let n = 0; n <= 32; n++) expect(pushPullScaleUs(S, n)).toBe(S);
    for (let n = 33; n <= 64; n++) expect(pushPullScaleUs(S, n)).toBe(2 * S);
    for (let n = 65; n <= 128; n++) expect(pushPullScaleUs(S, n)).toBe(3 * S);
  });
  it('awareness saturates in [0, max − 1] and scales timeouts by score + 1 (awareness_test.go)', () => {
    // awareness_test.go: deltas 0,-1,-10,1,1,10,-1,-1,-1,10 with max 8 give scores 0,0,0,1,2,7,6,5,4,7.
    const deltas = [0, -1, -10, 1, 1, 10, -1, -1, -1, 10];
    const scores = [0, 0, 0, 1, 2, 7, 6, 5, 4, 7];
    let score = 0;
    deltas.forEach((d, i) => {
      score = applyAwarenessDelta(score, d, 8);
      expect(score).toBe(scores[i]);
      expect(scaleByAwarenessUs(S, score)).toBe((scores[i]! + 1) * S);
    });
  });
  it('a failed probe costs the missing nacks, or 1 without nack-capable relays', () => {
    expect(failedProbeAwarenessDelta(3, 3)).toBe(0);
    expect(failedProbeAwarenessDelta(3, 1)).toBe(2);
    expect(failedProbeAwarenessDelta(0, 0)).toBe(1);
  });
});

describe('SWIM §3.1 closed forms', () => {
  it('the probe probability tends to 1 − e^{−q_f} and the detection time to e/(e − 1) periods', () => {
    expect(probeProbability(1e6, 1)).toBeCloseTo(1 - Math.exp(-1), 5);
    expect(expectedPeriodsToFirstProbeLimit(1)).toBeCloseTo(1.582, 3);
  });
  it('probe failure and the paper false-positive probability', () => {
    // q_ml = 0.99, k = 3: (1 − 0.9801)·(1 − 0.99^4)^3.
    const pf = probeFailureProbability(0.99, 1, 3);
    expect(pf).toBeCloseTo(0.0199 * (1 - 0.99 ** 4) ** 3, 15);
    expect(paperFalsePositiveProbability(0.99, 1, 3)).toBeCloseTo((pf * Math.E) / (Math.E - 1), 15);
  });
  it('E[time to first probe] is T for n = 2 and tends to T for large n', () => {
    // n = 2: the only other member probes the crashed one in every period at a uniform phase: E[W] = T/2.
    expect(expectedTimeToFirstProbe(2, 1)).toBeCloseTo(0.5, 12);
    expect(expectedTimeToFirstProbe(1e5, 1)).toBeCloseTo(1, 3);
  });
});

/**
 * Issue #13 part 1: a stop-the-world pause does not drop requests. Probes and lease
 * grants that reach a paused node wait in its socket and are answered (read) when it
 * resumes; pushed heartbeats and renewals due during the pause are not sent. Worked
 * cases with constant delays, where the number of false suspicions per pause is known
 * exactly (or is a Bernoulli trial with a known probability), and the attribution of
 * each false suspicion to the pause that caused it.
 */
import { describe, expect, it } from 'vitest';
import type { DetectorConfig, Fault, SimConfig } from '../../src/sim/config.js';
import { runOnce } from '../../src/sim/run-once.js';
import { simConfig } from '../support/sim-config.js';

const S = 1_000_000;
const MS = 1_000;
const Z = 4;

const onePause = (durationUs: number, fromUs = 100 * S): Fault => ({
  kind: 'senderPause',
  nodes: { kind: 'all' },
  onset: { kind: 'uniformOnce', fromUs, toUs: fromUs + 60 * S },
  duration: { kind: 'constant', valueUs: durationUs },
  afterPause: 'skip',
});

/** Constant one-way delay d on both directions, no loss. */
const constantLink = (dUs: number): SimConfig['link'] => ({
  lossProbability: 0,
  duplicateProbability: 0,
  delay: { baseUs: dUs, random: { kind: 'constant', valueUs: 0 } },
});

const pull = (schedule: 'fixedRate' | 'afterCompletion', unhealthyThreshold: number): Extract<DetectorConfig, { kind: 'pullCheck' }> => ({
  kind: 'pullCheck',
  probeTimeoutUs: 2 * S,
  unhealthyThreshold,
  healthyThreshold: 1,
  deadThreshold: 1000,
  schedule,
  checkIntervalUs: 0,
});

/** N nodes, 1 s probes, 2 s probe timeout, 1 ms each way, one pause of `pauseUs` per node. */
function pulled(detector: DetectorConfig, pauseUs: number, nodes = 400) {
  return runOnce(
    simConfig({
      nodes,
      durationUs: 240 * S,
      link: constantLink(1 * MS),
      detector,
      faults: [onePause(pauseUs)],
    }),
  ).tallies;
}

/** |observed − N·p| within Z binomial standard errors. */
function expectBinomial(observed: number, n: number, p: number): void {
  const se = Math.sqrt(n * p * (1 - p));
  expect(Math.abs(observed - n * p)).toBeLessThanOrEqual(Z * se);
}

describe('probes to a paused node wait and are answered on resume (issue #13 case 1)', () => {
  it("reproduces the report: 500 ms pauses every 30 min under a 2 s probe timeout remove nobody", () => {
    // 20 nodes, pull_check probe_timeout 2 s, unhealthy_threshold 1, after_completion,
    // no loss, 1 ms + Exp(1 ms) delay, pause every 30 min for 500 ms; 6 node-days here.
    // A reply can only be late if pause + round trip > 2 s, i.e. the Exp(1 ms) tail
    // beyond 1.5 s: probability e^-1500 per probe. The report had ~half the pauses fail.
    const t = runOnce(
      simConfig({
        nodes: 20,
        durationUs: 6 * 3600 * S,
        link: { lossProbability: 0, duplicateProbability: 0, delay: { baseUs: 1 * MS, random: { kind: 'exponential', meanUs: 1 * MS } } },
        detector: { ...pull('afterCompletion', 1), deadThreshold: 1 },
        faults: [{ kind: 'senderPause', nodes: { kind: 'all' }, onset: { kind: 'periodic', periodUs: 1800 * S }, duration: { kind: 'constant', valueUs: 500 * MS }, afterPause: 'burst' }],
      }),
    ).tallies;
    expect(t.pauses).toBeGreaterThanOrEqual(20 * 11);
    expect(t.falseSuspicions).toBe(0);
    expect(t.falseDeaths).toBe(0);
    expect(t.pausesWithSuspicion).toBe(0);
  });

  // Fixed rate, period I = 1 s, timeout T = 2 s, one-way delay d = 1 ms. A probe sent at
  // s reaches the node at s + d; if the node is paused then (pause [a, a + L)), the reply
  // leaves at a + L and lands at a + L + d, which is late iff s < a + L + d − T. So the
  // failing probes are those sent in [a − d, a + L + d − T): a window of L + 2d − T. On a
  // grid of period I at a uniform phase, it holds exactly W / I probes when W is a
  // multiple of I, and one with probability W / I when W < I.
  it('fixed rate: a pause of exactly T − round trip fails no probe', () => {
    const t = pulled(pull('fixedRate', 1), 2 * S - 2 * MS);
    expect(t.pauses).toBe(400);
    expect(t.falseSuspicions).toBe(0);
  });

  it('fixed rate: a 2.5 s pause fails one probe with probability 0.502', () => {
    const t = pulled(pull('fixedRate', 1), 2.5 * S);
    expectBinomial(t.falseSuspicions, 400, 0.502);
    expect(t.pausesWithSuspicion).toBe(t.falseSuspicions);
  });

  it('fixed rate, 3 failures to suspect: a window of exactly 2 probes suspects nobody, of 3 everybody', () => {
    // W = L + 2d − T = 2 s for L = 3.998 s, 3 s for L = 4.998 s.
    expect(pulled(pull('fixedRate', 3), 3.998 * S).falseSuspicions).toBe(0);
    const t = pulled(pull('fixedRate', 3), 4.998 * S);
    expect(t.falseSuspicions).toBe(400);
    expect(t.pausesWithSuspicion).toBe(400);
  });

  it('after completion (Elasticsearch): a pause of T − round trip + one probe cycle fails exactly one probe per pause', () => {
    // Probes come every I + 2d (the next one an interval after the reply). The failing
    // window L + 2d − T equals that cycle for L = T + I, so exactly one probe falls in it;
    // after its timeout the next probe is sent at s + T + I, past the window.
    expect(pulled(pull('afterCompletion', 1), 2 * S - 2 * MS).falseSuspicions).toBe(0);
    const t = pulled(pull('afterCompletion', 1), 3 * S);
    expect(t.falseSuspicions).toBe(400);
    expect(t.pausesWithSuspicion).toBe(400);
  });
});

describe('pushed heartbeats and lease renewals under pauses', () => {
  // A paused node sends nothing (skip): the gap between the last arrival before the pause
  // and the first after it is k·I, with k = ⌈(L + u)/I⌉ for u, the time since the last
  // send, uniform on (0, I]. A timeout of τ suspects iff k·I > τ.
  const pushed = (detector: DetectorConfig, intervalUs: number, pauseUs: number, nodes = 400) =>
    runOnce(
      simConfig({
        nodes,
        durationUs: 300 * S,
        heartbeat: { intervalUs, jitter: { kind: 'constant', valueUs: 0 } },
        link: constantLink(1 * MS),
        detector,
        faults: [onePause(pauseUs)],
      }),
    ).tallies;

  it('heartbeats, 1 s interval, 3 s timeout: a 2 s pause never suspects, 2.5 s half the time, 3 s always', () => {
    const timeout: DetectorConfig = { kind: 'timeout', timeoutUs: 3 * S, deadAfterUs: Number.POSITIVE_INFINITY, checkIntervalUs: 0 };
    expect(pushed(timeout, S, 2 * S).falseSuspicions).toBe(0);
    const half = pushed(timeout, S, 2.5 * S);
    expectBinomial(half.falseSuspicions, 400, 0.5);
    expect(half.pausesWithSuspicion).toBe(half.falseSuspicions);
    const all = pushed(timeout, S, 3 * S + 1);
    expect(all.falseSuspicions).toBe(400);
    expect(all.pausesWithSuspicion).toBe(400);
  });

  it('lease renewals every 3 s, 10 s lease: a 6 s pause expires nobody, 7 s a third, 9.5 s everybody', () => {
    const lease: DetectorConfig = { kind: 'lease', leaseUs: 10 * S, deadAfterUs: Number.POSITIVE_INFINITY, checkIntervalUs: 0 };
    expect(pushed(lease, 3 * S, 6 * S).falseSuspicions).toBe(0);
    // k = 4 (gap 12 s) iff u > 2 s: probability 1/3.
    const third = pushed(lease, 3 * S, 7 * S);
    expectBinomial(third.falseSuspicions, 400, 1 / 3);
    expect(third.pausesWithSuspicion).toBe(third.falseSuspicions);
    const all = pushed(lease, 3 * S, 9.5 * S);
    expect(all.falseSuspicions).toBe(400);
    expect(all.pausesWithSuspicion).toBe(400);
  });

  it('a grant that reaches a paused node is read when it resumes: the node keeps a lease that is still valid', () => {
    // Delay 0.5 s each way, renewals every 3 s, 10 s lease, 9.5 s pause. The grant of the
    // renewal sent at a − u lands during the pause when u < 1 s; the node reads it at
    // a + 9.5 s and holds its lease until a − u + 10 s. The observer expires it at
    // a − u + 10.5 s, after the node gave up: never a split brain.
    const t = runOnce(
      simConfig({
        nodes: 300,
        durationUs: 300 * S,
        heartbeat: { intervalUs: 3 * S, jitter: { kind: 'constant', valueUs: 0 } },
        link: constantLink(500 * MS),
        detector: { kind: 'lease', leaseUs: 10 * S, deadAfterUs: Number.POSITIVE_INFINITY, checkIntervalUs: 0 },
        faults: [onePause(9.5 * S)],
      }),
    ).tallies;
    expect(t.falseSuspicions).toBe(300);
    // The node fences at resume when its lease ran out during the pause (u > 0.5 s): the
    // observer expired it at a − u + 10.5 s < a + 9.5 s iff u > 1 s, a split brain of u − 1 s.
    expectBinomial(t.splitBrainEpisodes, 300, 2 / 3);
    expect(t.maxSplitBrainUs).toBeLessThanOrEqual(2 * S);
  });
});

describe('a late reply never counts for a later probe', () => {
  it('after completion with a pause longer than the timeout: the late reply of probe k does not complete probe k + 1', () => {
    // Pause 10 s, timeout 2 s, 1 s cycle: probes fail while the node is paused. Every
    // failed probe must be followed by a timeout-length wait before the next probe, and
    // the late replies released at resume must not be taken as successes of the probe
    // in flight: the node stays suspected until a probe sent after the resume succeeds.
    const t = runOnce(
      simConfig({
        nodes: 100,
        durationUs: 240 * S,
        link: constantLink(1 * MS),
        detector: pull('afterCompletion', 1),
        faults: [onePause(10 * S)],
        transitionLogLimit: 10_000,
      }),
    );
    expect(t.tallies.falseSuspicions).toBe(100);
    // Suspected from the first failed probe (≥ 2 s into the pause, before it ends) until
    // the first probe sent after the resume returns: at least the time to the resume.
    for (const d of t.tallies.mistakeDurationsUs) expect(d).toBeGreaterThan(0);
  });
});

/**
 * Monitor failover (issue #13 part 3): the central monitor crashes at 100 s and a
 * standby takes over 10 s later. Lossless 1 s heartbeats with a 1 ms delay, 3 s
 * timeout, exact timers; one node of the 50 crashes for good at 105 s, while no
 * monitor is working.
 */
import { describe, expect, it } from 'vitest';
import type { MonitorFailover, SimConfig } from '../../src/sim/config.js';
import { runOnce } from '../../src/sim/run-once.js';
import { simConfig } from '../support/sim-config.js';

const S = 1_000_000;
const MS = 1_000;

const run = (failover: MonitorFailover | undefined, extra: Partial<SimConfig> = {}) =>
  runOnce(
    simConfig({
      nodes: 50,
      durationUs: 200 * S,
      link: { lossProbability: 0, duplicateProbability: 0, delay: { baseUs: 1 * MS, random: { kind: 'constant', valueUs: 0 } } },
      detector: { kind: 'timeout', timeoutUs: 3 * S, deadAfterUs: Number.POSITIVE_INFINITY, checkIntervalUs: 0 },
      crashes: [{ kind: 'crashAt', nodes: { kind: 'named', names: ['n7'] }, atUs: 105 * S, downUs: null }],
      ...(failover ? { monitorFailover: failover } : {}),
      ...extra,
    }),
  ).tallies;

const at100 = (startup: 'empty' | 'grace'): MonitorFailover => ({ onset: { kind: 'at', atUs: 100 * S }, takeoverUs: 10 * S, startup });

describe('monitor failover', () => {
  it('without a failure the crash at 105 s is detected 3 s after the last heartbeat, and nobody else is suspected', () => {
    const t = run(undefined);
    expect(t.falseSuspicions).toBe(0);
    expect(t.detectionLatenciesUs[0]).toBeLessThanOrEqual(3 * S + 1);
    expect(t.failover).toBeUndefined();
  });

  it('with a grace period: no false suspicion; the crash during the outage is seen only a timeout after the takeover', () => {
    const t = run(at100('grace'));
    expect(t.failover).toEqual({ monitorCrashes: 1, monitorDownUs: 10 * S, takeoverFalseSuspicions: 0 });
    expect(t.falseSuspicions).toBe(0);
    // The standby counts every node as heard at 110 s: n7 is suspected at 113 s, 8 s after its crash.
    expect(t.detectionLatenciesUs).toHaveLength(1);
    expect(t.detectionLatenciesUs[0]! - 8 * S).toBeGreaterThanOrEqual(0);
    expect(t.detectionLatenciesUs[0]! - 8 * S).toBeLessThanOrEqual(1);
  });

  it('with empty last-seen times: every live node is suspected at the takeover until its next heartbeat lands', () => {
    const t = run(at100('empty'));
    expect(t.failover).toEqual({ monitorCrashes: 1, monitorDownUs: 10 * S, takeoverFalseSuspicions: 49 });
    expect(t.falseSuspicions).toBe(49);
    expect(t.maxSimultaneousFalseSuspicions).toBe(49);
    // Each lasts until the node's next heartbeat: under one interval plus the delay.
    for (const d of t.mistakeDurationsUs) expect(d).toBeLessThanOrEqual(1 * S + 1 * MS);
    // n7, down since 105 s, is suspected at once at 110 s.
    expect(t.detectionLatenciesUs[0]).toBe(5 * S);
  });

  it('a monitor crash every 60 s (Poisson) adds up its outages', () => {
    const t = run({ onset: { kind: 'poisson', meanGapUs: 60 * S }, takeoverUs: 5 * S, startup: 'grace' }, { crashes: [], durationUs: 3600 * S });
    const f = t.failover!;
    expect(f.monitorCrashes).toBeGreaterThan(30);
    // Onsets during an outage are absorbed by it: each counted crash is one 5 s outage (the last may be cut by the end).
    expect(f.monitorDownUs).toBeLessThanOrEqual(f.monitorCrashes * 5 * S);
    expect(f.monitorDownUs).toBeGreaterThan((f.monitorCrashes - 1) * 5 * S);
    expect(t.falseSuspicions).toBe(0);
  });

  it('refuses a pull detector', () => {
    expect(() =>
      run(at100('grace'), { detector: { kind: 'pullCheck', probeTimeoutUs: 2 * S, unhealthyThreshold: 1, healthyThreshold: 1, deadThreshold: 1, schedule: 'fixedRate', checkIntervalUs: 0 } }),
    ).toThrow(/monitor failover is modelled for pushed heartbeats and leases/);
  });
});

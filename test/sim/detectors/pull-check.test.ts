import { describe, expect, it } from 'vitest';
import type { DetectorConfig } from '../../../src/sim/config.js';
import { runOnce } from '../../../src/sim/run-once.js';
import { simConfig } from '../../support/sim-config.js';

const S = 1_000_000;

function crashDetection(detector: DetectorConfig, intervalUs: number, nodes = 300) {
  return runOnce(
    simConfig({
      nodes,
      durationUs: 600 * S,
      heartbeat: { intervalUs, jitter: { kind: 'constant', valueUs: 0 } },
      link: { lossProbability: 0, duplicateProbability: 0, delay: { baseUs: 1_000, random: { kind: 'constant', valueUs: 0 } } },
      detector,
      crashes: [{ kind: 'crashAt', nodes: { kind: 'all' }, atUs: 300 * S, downUs: null }],
    }),
  ).tallies;
}

describe('pull health checks', () => {
  it("AWS ALB defaults mark a dead target unhealthy after 2 failed probes: 35–65 s, 50 s on average", () => {
    // Interval 30 s, timeout 5 s, unhealthy threshold 2: the first probe after the crash
    // fails at +5 s, the second one interval later.
    const alb: DetectorConfig = { kind: 'pullCheck', probeTimeoutUs: 5 * S, unhealthyThreshold: 2, healthyThreshold: 5, deadThreshold: 2, schedule: 'fixedRate', checkIntervalUs: 0 };
    const t = crashDetection(alb, 30 * S);
    const latencies = Array.from(t.detectionLatenciesUs);
    expect(latencies).toHaveLength(300);
    for (const l of latencies) {
      expect(l).toBeGreaterThan(35 * S);
      expect(l).toBeLessThanOrEqual(65 * S + 1);
    }
    const mean = latencies.reduce((a, b) => a + b, 0) / latencies.length;
    expect(Math.abs(mean - 50 * S)).toBeLessThan((4 * 30 * S) / Math.sqrt(12 * 300));
    expect(t.falseSuspicions).toBe(0);
  });

  it('Elasticsearch follower checks detect a blackholed node after 3 × (10 s + 1 s)', () => {
    const es: DetectorConfig = { kind: 'pullCheck', probeTimeoutUs: 10 * S, unhealthyThreshold: 3, healthyThreshold: 1, deadThreshold: 3, schedule: 'afterCompletion', checkIntervalUs: 0 };
    const latencies = Array.from(crashDetection(es, 1 * S).detectionLatenciesUs);
    // The check in flight at the crash (if any) fails at its timeout, then two more 11 s cycles.
    for (const l of latencies) {
      expect(l).toBeGreaterThan(30 * S);
      expect(l).toBeLessThanOrEqual(33 * S + 1);
    }
  });

  it('needs healthyThreshold consecutive successes to trust a node again', () => {
    const t = runOnce(
      simConfig({
        nodes: 20,
        durationUs: 1200 * S,
        heartbeat: { intervalUs: 10 * S, jitter: { kind: 'constant', valueUs: 0 } },
        detector: { kind: 'pullCheck', probeTimeoutUs: 2 * S, unhealthyThreshold: 2, healthyThreshold: 3, deadThreshold: 100, schedule: 'fixedRate', checkIntervalUs: 0 },
        faults: [{ kind: 'partition', nodes: { kind: 'all' }, scope: 'each', direction: 'fromObserver', onset: { kind: 'at', atUs: 300 * S }, duration: { kind: 'constant', valueUs: 60 * S } }],
      }),
    ).tallies;
    expect(t.falseSuspicions).toBe(20);
    // Suspected from the 2nd failed probe until the 3rd successful one after the cut heals.
    for (const d of t.mistakeDurationsUs) {
      expect(d).toBeGreaterThan(40 * S);
      expect(d).toBeLessThan(90 * S);
    }
  });

  it('counts an unhealthy reply as a failed probe', () => {
    const t = runOnce(
      simConfig({
        nodes: 10,
        durationUs: 600 * S,
        heartbeat: { intervalUs: 5 * S, jitter: { kind: 'constant', valueUs: 0 } },
        detector: { kind: 'pullCheck', probeTimeoutUs: 1 * S, unhealthyThreshold: 3, healthyThreshold: 1, deadThreshold: 100, schedule: 'fixedRate', checkIntervalUs: 0 },
        faults: [{ kind: 'unhealthy', nodes: { kind: 'all' }, onset: { kind: 'at', atUs: 100 * S }, duration: { kind: 'constant', valueUs: 30 * S } }],
      }),
    ).tallies;
    expect(t.falseSuspicions).toBe(10);
  });
});

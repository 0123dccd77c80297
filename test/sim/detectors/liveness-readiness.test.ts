import { describe, expect, it } from 'vitest';
import { cellMetrics } from '../../../src/results/cell-metrics.js';
import type { DetectorConfig, SimConfig } from '../../../src/sim/config.js';
import { runOnce } from '../../../src/sim/run-once.js';
import { build } from '../../../src/scenarios/build.js';
import { loadScenarioText } from '../../../src/scenarios/load.js';
import { simConfig } from '../../support/sim-config.js';

const S = 1_000_000;
const DELAY_US = 1_000;
const NODES = 50;

/** Kubernetes readiness-probe defaults beside a 3 s / 6 s liveness timeout. */
function detector(overrides: Partial<Extract<DetectorConfig, { kind: 'livenessReadiness' }>> = {}): DetectorConfig {
  return {
    kind: 'livenessReadiness',
    timeoutUs: 3 * S,
    deadAfterUs: 6 * S,
    checkIntervalUs: 0,
    readinessIntervalUs: 10 * S,
    probeTimeoutUs: 1 * S,
    failureThreshold: 3,
    successThreshold: 1,
    readinessFromHeartbeats: true,
    ...overrides,
  };
}

function run(det: DetectorConfig, extra: Partial<SimConfig> = {}) {
  return runOnce(
    simConfig({
      nodes: NODES,
      durationUs: 600 * S,
      warmupUs: 20 * S,
      link: { lossProbability: 0, duplicateProbability: 0, delay: { baseUs: DELAY_US, random: { kind: 'constant', valueUs: 0 } } },
      detector: det,
      ...extra,
    }),
  ).tallies;
}

/** Every node unhealthy from 300 s to 360 s. */
const UNHEALTHY_WINDOW: SimConfig['faults'] = [{ kind: 'unhealthy', nodes: { kind: 'all' }, onset: { kind: 'at', atUs: 300 * S }, duration: { kind: 'constant', valueUs: 60 * S } }];

describe('liveness + readiness (push heartbeats, pull readiness probes)', () => {
  it('runs both paths: heartbeats every interval and a readiness probe every readiness_interval', () => {
    const t = run(detector());
    const measuredS = 580;
    // Probes: one per node per 10 s; heartbeats plus probe replies from the nodes.
    expect(Math.abs(t.probesSent - (NODES * measuredS) / 10)).toBeLessThanOrEqual(NODES);
    expect(Math.abs(t.heartbeatsSent - NODES * measuredS * 1.1)).toBeLessThanOrEqual(2 * NODES);
    expect(t.falseSuspicions).toBe(0);
    expect(t.readiness).toBeDefined();
    expect(t.readiness!.falseNotReady).toBe(0);
    expect(t.readiness!.healthyUpReadyUs).toBe(t.readiness!.healthyUpUs);
  });

  it('turns NOT_READY within one interval + delay of an unhealthy window via the heartbeat status, READY again after it, with no liveness suspicion', () => {
    const t = run(detector(), { faults: UNHEALTHY_WINDOW });
    const r = t.readiness!;
    const latencies = Array.from(r.notReadyLatenciesUs);
    expect(latencies).toHaveLength(NODES);
    for (const l of latencies) expect(l).toBeLessThanOrEqual(1 * S + DELAY_US);
    // Liveness is not fooled by unhealthiness.
    expect(t.falseSuspicions).toBe(0);
    expect(r.falseNotReady).toBe(0);
    // READY again after the window: only the lag to the first healthy heartbeat is lost.
    const lostUs = r.healthyUpUs - r.healthyUpReadyUs;
    expect(lostUs).toBeGreaterThan(0);
    expect(lostUs).toBeLessThanOrEqual(NODES * (1 * S + DELAY_US));
    expect(r.healthyUpUs).toBe(NODES * 520 * S);
    const m = cellMetrics(t).readiness;
    expect(m.not_ready_detection_ms.count).toBe(NODES);
    expect(m.not_ready_detection_ms.max!).toBeLessThanOrEqual(1001);
    expect(m.false_not_ready.count).toBe(0);
    expect(m.false_not_ready.ci95_high).toBeGreaterThan(0);
    expect(m.ready_accuracy!).toBeGreaterThan(0.998);
  });

  it('without the heartbeat status, readiness waits for failure_threshold failed probes (20–30 s) and success_threshold healthy ones', () => {
    const t = run(detector({ readinessFromHeartbeats: false }), { faults: UNHEALTHY_WINDOW });
    const r = t.readiness!;
    const latencies = Array.from(r.notReadyLatenciesUs);
    expect(latencies).toHaveLength(NODES);
    // The first probe after the start fails within (0, 10 s], then two more 10 s apart; replies take 2 ms.
    for (const l of latencies) {
      expect(l).toBeGreaterThan(20 * S);
      expect(l).toBeLessThanOrEqual(30 * S + 2 * DELAY_US);
    }
    expect(t.falseSuspicions).toBe(0);
    expect(r.falseNotReady).toBe(0);
    // READY again at the first healthy reply: up to one readiness interval late per node.
    const lostUs = r.healthyUpUs - r.healthyUpReadyUs;
    expect(lostUs).toBeLessThanOrEqual(NODES * (10 * S + 2 * DELAY_US));
    expect(lostUs).toBeGreaterThan(0);
  });

  it('still detects a crash by liveness, like the fixed timeout', () => {
    const crashes: SimConfig['crashes'] = [{ kind: 'crashAt', nodes: { kind: 'all' }, atUs: 300 * S, downUs: null }];
    const t = run(detector(), { crashes });
    const plain = run({ kind: 'timeout', timeoutUs: 3 * S, deadAfterUs: 6 * S, checkIntervalUs: 0 }, { crashes });
    expect(Array.from(t.detectionLatenciesUs)).toEqual(Array.from(plain.detectionLatenciesUs));
    expect(Array.from(t.deadLatenciesUs)).toEqual(Array.from(plain.deadLatenciesUs));
    expect(t.detectionLatenciesUs).toHaveLength(NODES);
    for (const l of t.detectionLatenciesUs) {
      expect(l).toBeGreaterThan(2 * S);
      expect(l).toBeLessThanOrEqual(3 * S + DELAY_US + 1);
    }
    // A crashed node is neither ready nor unready: its failed probes are not false NOT_READYs.
    expect(t.readiness!.falseNotReady).toBe(0);
    expect(t.readiness!.healthyUpUs).toBe(NODES * 280 * S);
  });

  it('reports zero / null readiness for other families', () => {
    const t = run({ kind: 'timeout', timeoutUs: 3 * S, deadAfterUs: 6 * S, checkIntervalUs: 0 }, { faults: UNHEALTHY_WINDOW });
    expect(t.readiness).toBeUndefined();
    const m = cellMetrics(t).readiness;
    expect(m.not_ready_detection_ms).toEqual({ count: 0, mean: null, p50: null, p99: null, max: null });
    expect(m.false_not_ready).toEqual({ count: 0, per_node_hour: 0, per_node_day: 0, ci95_low: 0, ci95_high: 0 });
    expect(m.ready_accuracy).toBeNull();
    const pull = run({ kind: 'pullCheck', probeTimeoutUs: 1 * S, unhealthyThreshold: 3, healthyThreshold: 1, deadThreshold: 3, schedule: 'fixedRate', checkIntervalUs: 0 });
    expect(pull.readiness).toBeUndefined();
  });

  it('reads from a scenario with Kubernetes readiness defaults', () => {
    const s = loadScenarioText('cluster: { nodes: 2 }\ndetector: { kind: liveness_readiness }\n', 's.yaml').scenario;
    expect(build(s).config.detector).toEqual({
      kind: 'livenessReadiness',
      timeoutUs: 3 * S,
      deadAfterUs: 6 * S,
      checkIntervalUs: 0,
      readinessIntervalUs: 10 * S,
      probeTimeoutUs: 1 * S,
      failureThreshold: 3,
      successThreshold: 1,
      readinessFromHeartbeats: true,
    });
  });
});

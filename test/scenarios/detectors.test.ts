import { describe, expect, it } from 'vitest';
import { build } from '../../src/scenarios/build.js';
import { loadScenarioText, withSets } from '../../src/scenarios/load.js';
import { deadAfterUsOf, normalizeScenario, timeoutUsOf } from '../../src/scenarios/schema/index.js';
import { parseSet } from '../../src/scenarios/sets.js';
import { runOnce } from '../../src/sim/run-once.js';
import { refusedLines } from './refused.js';

const load = (text: string) => loadScenarioText(text, 'd.yaml');
const detector = (yaml: string, extra = '') => build(load(`${extra}detector: ${yaml}\n`).scenario).config.detector;

const lines = (text: string): string[] => refusedLines(() => loadScenarioText(text, 'd.yaml'));

describe('detector families', () => {
  it('timeout: the clock it reads', () => {
    expect(detector('{ kind: timeout }')).toEqual({ kind: 'timeout', timeoutUs: 3_000_000, deadAfterUs: 6_000_000, checkIntervalUs: 0 });
    expect(detector('{ kind: timeout, clock: wall }')).toMatchObject({ clock: 'wall' });
    expect(lines('detector: { kind: timeout, clock: walll }\n')).toEqual(['d.yaml:1:35 detector.clock: expected monotonic or wall, got "walll" (did you mean "wall"?)']);
  });

  it('phi_akka: Akka cluster\'s defaults, the first estimate defaulting to the heartbeat interval', () => {
    expect(detector('{ kind: phi_akka }', 'heartbeat: { interval: 2s }\n')).toEqual({
      kind: 'phiAkka',
      threshold: 8,
      acceptablePauseUs: 3_000_000,
      minStdDeviationUs: 100_000,
      maxSampleSize: 1000,
      firstHeartbeatEstimateUs: 2_000_000,
      confirmAfterUs: Number.POSITIVE_INFINITY,
      checkIntervalUs: 1_000_000,
    });
    expect(detector('{ kind: phi_akka, threshold: 10, acceptable_pause: 10s, max_sample_size: 200, first_heartbeat_estimate: 500ms, confirm_after: 20s, check_interval: 0 }')).toMatchObject({
      threshold: 10,
      acceptablePauseUs: 10_000_000,
      maxSampleSize: 200,
      firstHeartbeatEstimateUs: 500_000,
      confirmAfterUs: 20_000_000,
      checkIntervalUs: 0,
    });
  });

  it('phi_akka: the nominal timeout is where φ crosses the threshold with the starting history (5.31 s, reference §2.2)', () => {
    expect(timeoutUsOf(load('detector: { kind: phi_akka }').scenario) / 1e6).toBeCloseTo(5.31, 2);
  });

  it('phi_cassandra: Cassandra\'s defaults, one gossip round per check, and 18.4 × the mean interval to convict', () => {
    expect(detector('{ kind: phi_cassandra }')).toEqual({
      kind: 'phiCassandra',
      convictThreshold: 8,
      initialIntervalUs: 2_000_000,
      maxIntervalUs: 2_000_000,
      sampleSize: 1000,
      maxLocalPauseUs: 5_000_000,
      confirmAfterUs: Number.POSITIVE_INFINITY,
      checkIntervalUs: 1_000_000,
    });
    expect(timeoutUsOf(load('detector: { kind: phi_cassandra }').scenario) / 1e6).toBeCloseTo(18.42, 2);
  });

  it('phi_cassandra: refuses a threshold outside 5–16, saying that Cassandra does', () => {
    expect(lines('detector:\n  kind: phi_cassandra\n  phi_convict_threshold: 4\n')).toEqual([
      'd.yaml:3:26 detector.phi_convict_threshold: expected a number from 5 to 16 (Cassandra refuses phi_convict_threshold outside 5–16), got 4',
    ]);
    expect(lines('detector: { kind: phi_cassandra, phi_convict_threshold: 17 }\n')[0]).toMatch(/expected a number from 5 to 16/);
  });

  it('nfd_s: the shift, absolute or a multiple of the interval', () => {
    expect(detector('{ kind: nfd_s, shift: 1.5x }', 'heartbeat: { interval: 2s }\n')).toEqual({ kind: 'nfdS', shiftUs: 3_000_000, confirmAfterUs: Number.POSITIVE_INFINITY, checkIntervalUs: 0 });
    expect(detector('{ kind: nfd_s, shift: 700ms }')).toMatchObject({ shiftUs: 700_000 });
    expect(timeoutUsOf(load('detector: { kind: nfd_s, shift: 700ms }').scenario)).toBe(1_700_000);
  });

  it('nfd_e: margin, window and Bertier\'s adaptive margin with its defaults', () => {
    expect(detector('{ kind: nfd_e }')).toEqual({ kind: 'nfdE', marginUs: 2_000_000, windowSize: 100, bertier: null, confirmAfterUs: Number.POSITIVE_INFINITY, checkIntervalUs: 0 });
    expect(detector('{ kind: nfd_e, margin: 500ms, window: 10, bertier: {} }')).toMatchObject({ marginUs: 500_000, windowSize: 10, bertier: { beta: 1, phi: 4, gamma: 0.1 } });
    expect(detector('{ kind: nfd_e, bertier: { gamma: 0.25 } }')).toMatchObject({ bertier: { beta: 1, phi: 4, gamma: 0.25 } });
  });

  it('pull_check: ALB defaults, DEAD with SUSPECTED unless told, probes every heartbeat interval', () => {
    expect(detector('{ kind: pull_check }')).toEqual({ kind: 'pullCheck', probeTimeoutUs: 5_000_000, unhealthyThreshold: 2, healthyThreshold: 5, deadThreshold: 2, schedule: 'fixedRate', checkIntervalUs: 0 });
    expect(detector('{ kind: pull_check, dead_threshold: never, schedule: after_completion }')).toMatchObject({ deadThreshold: Number.POSITIVE_INFINITY, schedule: 'afterCompletion' });
    const alb = load('heartbeat: { interval: 30s }\ndetector: { kind: pull_check, probe_timeout: 5s, unhealthy_threshold: 2 }\n').scenario;
    // One failed probe an interval after the first, each failing at its timeout.
    expect(timeoutUsOf(alb)).toBe(35_000_000);
    const es = load('heartbeat: { interval: 1s }\ndetector: { kind: pull_check, probe_timeout: 10s, unhealthy_threshold: 3, schedule: after_completion }\n').scenario;
    expect(timeoutUsOf(es)).toBe(32_000_000);
  });

  it('pull_check: refuses a dead threshold below the unhealthy one and a probe timeout the engine cannot hold', () => {
    expect(lines('detector: { kind: pull_check, unhealthy_threshold: 3, dead_threshold: 2 }\n')).toEqual(['d.yaml:1:71 detector.dead_threshold: dead_threshold (2) must not be below unhealthy_threshold (3)']);
    expect(lines('heartbeat: { interval: 100ms }\ndetector: { kind: pull_check, probe_timeout: 1m }\n')[0]).toMatch(/detector\.probe_timeout: probe_timeout \(1m\) is more than 62 probe intervals/);
    expect(lines('detector: { kind: pull_check, dead_threshold: soon }\n')[0]).toMatch(/detector\.dead_threshold: expected a whole number ≥ 1, or never, got "soon"/);
  });

  it('lease: the lease a multiple of the renewal interval, and DEAD at expiry by default', () => {
    expect(detector('{ kind: lease }', 'heartbeat: { interval: 10s }\n')).toEqual({ kind: 'lease', leaseUs: 40_000_000, deadAfterUs: 40_000_000, checkIntervalUs: 0 });
    expect(detector('{ kind: lease, lease: 15s, dead_after: 2x }', 'heartbeat: { interval: 2s }\n')).toMatchObject({ leaseUs: 15_000_000, deadAfterUs: 30_000_000 });
    expect(deadAfterUsOf(load('detector: { kind: lease, dead_after: never }').scenario)).toBe(Number.POSITIVE_INFINITY);
  });

  it('lease: refuses a lease no longer than the renewal interval', () => {
    expect(lines('heartbeat: { interval: 5s }\ndetector: { kind: lease, lease: 5s }\n')).toEqual([
      'd.yaml:2:33 detector.lease: the lease (5s) must be longer than the renewal interval, heartbeat.interval (5s), or it expires before every renewal',
    ]);
  });

  it('say which family a field belongs to', () => {
    expect(lines('detector: { kind: phi_akka, timeout: 3s }\n')).toEqual(['d.yaml:1:29 detector.timeout: field "timeout" does not apply here; it goes with kind: timeout or kind: liveness_readiness']);
    expect(lines('detector: { kind: phi, threshold: 8 }\n')[0]).toMatch(/detector\.kind: expected one of timeout, phi_akka, phi_cassandra, nfd_s, nfd_e, pull_check, lease, liveness_readiness, got "phi"/);
  });

  it('keep the default kind when an override creates the detector section', () => {
    const loaded = withSets(load('heartbeat: { interval: 1s }\n'), [parseSet('detector.timeout=5s')]);
    expect(build(loaded.scenario).config.detector).toMatchObject({ kind: 'timeout', timeoutUs: 5_000_000 });
  });

  for (const yaml of [
    '{ kind: timeout, clock: wall }',
    '{ kind: phi_akka, confirm_after: 20s }',
    '{ kind: phi_cassandra, phi_convict_threshold: 12 }',
    '{ kind: nfd_s, shift: 500ms }',
    '{ kind: nfd_e, bertier: {} }',
    '{ kind: pull_check, dead_threshold: never, schedule: after_completion }',
    '{ kind: lease, lease: 3x }',
    '{ kind: liveness_readiness, timeout: 3x, dead_after: 2x, check_interval: 0s, readiness_interval: 10s, probe_timeout: 1s, failure_threshold: 3, success_threshold: 1 }',
  ]) {
    it(`normalises and runs ${yaml}`, () => {
      const s = load(`duration: 20m\ncluster: { nodes: 3 }\nfaults:\n  - crash: { mttf: 5m, mttr: 1m }\ndetector: ${yaml}\n`).scenario;
      expect(loadScenarioText(JSON.stringify(normalizeScenario(s)), 'n.json').scenario).toEqual(s);
      const { tallies } = runOnce(build(s).config);
      expect(tallies.crashes).toBeGreaterThan(0);
      expect(tallies.detectionLatenciesUs.length).toBeGreaterThan(0);
    });
  }
});

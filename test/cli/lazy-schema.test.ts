/**
 * The `faults` section's zod schema is built on first use (src/scenarios/schema/faults.ts,
 * ~20-40 ms of start-up): loading and normalising a scenario without faults never builds
 * it; one with faults does, and validates as before (test/scenarios/faults.test.ts, and
 * `npm run docs:check` for the generated reference).
 */
import { describe, expect, it, vi } from 'vitest';

const PLAIN = 'name: plain\nduration: 10m\ncluster: { nodes: 3 }\n';
const WITH_FAULTS = `${PLAIN}faults:\n  - pause: { nodes: all, every: 1h, duration: { dist: constant, value: 2s } }\n`;

describe('the faults schema, built on first use', () => {
  it('is not built for a scenario without faults, and is for one with them', async () => {
    vi.resetModules();
    const faults = await import('../../src/scenarios/schema/faults.js');
    const { loadScenarioText } = await import('../../src/scenarios/load.js');
    const { normalizeScenario } = await import('../../src/scenarios/schema/index.js');
    const plain = loadScenarioText(PLAIN, 'plain.yaml');
    normalizeScenario(plain.scenario);
    expect(faults.faultSchemaIsBuilt()).toBe(false);
    const withFaults = loadScenarioText(WITH_FAULTS, 'faults.yaml');
    expect(faults.faultSchemaIsBuilt()).toBe(true);
    expect(withFaults.scenario.faults).toHaveLength(1);
    expect(normalizeScenario(withFaults.scenario).faults).toEqual([{ pause: expect.objectContaining({ nodes: 'all' }) }]);
    expect(faults.faultSchema()).toBe(faults.faultSchema());
  });

  it("builds only the fault kinds a scenario names, and they read, validate and fail as before", async () => {
    vi.resetModules();
    const faults = await import('../../src/scenarios/schema/faults.js');
    const { loadScenarioText } = await import('../../src/scenarios/load.js');
    const { normalizeScenario } = await import('../../src/scenarios/schema/index.js');
    const pause = loadScenarioText(WITH_FAULTS, 'faults.yaml').scenario;
    expect(faults.faultKindsBuilt()).toEqual(['pause']);
    // Parsed (µs, defaults filled) and written back as in the file.
    expect(pause.faults).toEqual([{ pause: { nodes: 'all', every: 3_600_000_000, duration: { dist: 'constant', value: 2_000_000 }, after: 'skip' } }]);
    expect(normalizeScenario(pause).faults).toEqual([{ pause: { nodes: 'all', every: '1h', duration: { dist: 'constant', value: '2s' }, after: 'skip' } }]);
    const more = loadScenarioText(`${PLAIN}faults:\n  - crash: { mttf: 2h, mttr: 10m }\n  - slow_io: { extra_delay: { dist: exponential, mean: 5ms } }\n`, 'more.yaml');
    expect(more.scenario.faults.map((f) => Object.keys(f).filter((k) => (f as Record<string, unknown>)[k] !== undefined))).toEqual([['crash'], ['slow_io']]);
    expect(faults.faultKindsBuilt()).toEqual(['crash', 'pause', 'slow_io']);
    // A kind's errors (its own fields, the shared duration laws, its cross-field rules) and the
    // entry's (no kind, two kinds, an unknown one) as before: the same lines as c5f1eeb's eager schema printed.
    const issuesOf = (text: string) => {
      try {
        loadScenarioText(`${PLAIN}faults:\n${text}`, 'bad.yaml');
      } catch (e) {
        return (e as { issues: { line?: number; column?: number; path: string; message: string }[] }).issues.map((i) => `${i.line}:${i.column} ${i.path}: ${i.message}`);
      }
      return [];
    };
    const bad = [
      '  - pause: { every: 1h, duration: { dist: weird } }',
      '  - crash: { at: 1m, mttf: 1h }',
      '  - cpu_starvation: { every: 1h, duration: 1s, extra_delay: -1s }',
      '  - partition: { at: 1m }',
      '  - pause: { every: 1h, duration: 2s, bogus: 1 }',
      '  - slow_io: { extra_delay: { dist: uniform, min: 5ms, max: 1ms } }',
      '  - monitor_pause: { every: 1h, duration: 5 }',
      '  - pause: { every: 1h, duration: 1s }\n    crash: { at: 1m }',
      '  - {}',
      '  - gc_pause: { every: 1h }',
    ];
    expect(issuesOf(`${bad.join('\n')}\n`)).toEqual([
      '5:43 faults.0.pause.duration.dist: expected one of constant, uniform, exponential, normal, lognormal, pareto, empirical, got "weird"',
      '6:28 faults.1.crash.mttf: use either `at` (one crash) or `mttf` and `mttr` (crash/recover cycles), not both',
      '7:61 faults.2.cpu_starvation.extra_delay: expected a duration such as 250ms, 1.5s, 5m, 1h or 1d, greater than 0, got "-1s" (durations cannot be negative)',
      '8:16 faults.3.partition: a partition needs a `duration` (or `for`, a fixed length)',
      '9:39 faults.4.pause.bogus: unknown field "bogus"',
      '10:61 faults.5.slow_io.extra_delay.max: max (1ms) must not be below min (5ms)',
      '11:43 faults.6.monitor_pause.duration: expected a duration such as 250ms, 1.5s, 5m, 1h or 1d, greater than 0, got 5 (a bare number has no unit; write it with one, e.g. "5ms" or "5s")',
      '12:5 faults.7: each fault is a map with exactly one key naming its kind (crash, pause, monitor_pause, monitor_crash, partition, isolate, cpu_starvation, slow_io, clock_drift, clock_step, unhealthy), found 2',
      expect.stringMatching(/^14:5 faults\.8: each fault is a map with exactly one key naming its kind \(.*\), found 0$/),
      expect.stringMatching(/^15:5 faults\.9\.gc_pause: unknown field "gc_pause"/),
    ]);
    // (Explaining an unknown key looks every kind up, as the field reference does: errors may build them all.)
  });

  it('builds only the detector family a scenario names; the union picks it, fills defaults and refuses as before', async () => {
    vi.resetModules();
    const detectors = await import('../../src/scenarios/schema/detectors.js');
    const { loadScenarioText } = await import('../../src/scenarios/load.js');
    // No detector: the default { kind: timeout }.
    expect(loadScenarioText(PLAIN, 'plain.yaml').scenario.detector).toEqual(expect.objectContaining({ kind: 'timeout', clock: 'monotonic', allow_short_timeout: false }));
    expect(detectors.detectorKindsBuilt()).toEqual(['timeout']);
    const phi = loadScenarioText(`${PLAIN}detector: { kind: phi_akka }\n`, 'phi.yaml').scenario.detector;
    expect(phi.kind).toBe('phi_akka');
    expect(detectors.detectorKindsBuilt()).toEqual(['timeout', 'phi_akka']);
    // What the union asks of each option without building it, as the built schema answers it (zod is pinned).
    for (const option of detectors.detectorSchema._zod.def.options) {
      const inner = (option._zod.def as unknown as { getter(): { _zod: { propValues?: Record<string, Set<unknown>>; optin?: unknown; optout?: unknown } } }).getter();
      expect(option._zod.propValues!.kind).toEqual(inner._zod.propValues!.kind);
      expect([option._zod.optin, option._zod.optout]).toEqual([inner._zod.optin, inner._zod.optout]);
    }
    const issuesOf = (text: string) => {
      try {
        loadScenarioText(`${PLAIN}${text}`, 'bad.yaml');
      } catch (e) {
        return (e as { issues: { line?: number; column?: number; path: string; message: string; suggestion?: string }[] }).issues.map((i) => `${i.line}:${i.column} ${i.path}: ${i.message}${i.suggestion === undefined ? '' : ` (${i.suggestion})`}`);
      }
      return [];
    };
    // As c5f1eeb's eager union printed them (hbsim validate, by hand).
    expect(issuesOf('detector: { kind: phi }\n')).toEqual(['4:19 detector.kind: expected one of timeout, phi_akka, phi_cassandra, nfd_s, nfd_e, pull_check, lease, liveness_readiness, got "phi"']);
    expect(issuesOf('detector: { timeout: 5s }\n')).toEqual(['4:1 detector.kind: missing; expected one of timeout, phi_akka, phi_cassandra, nfd_s, nfd_e, pull_check, lease, liveness_readiness']);
    expect(issuesOf('detector: { kind: lease, bogus: 1 }\n')).toEqual(['4:26 detector.bogus: unknown field "bogus"']);
    expect(issuesOf('detector: { kind: nfd_s, eta: 1s }\n')).toEqual([expect.stringMatching(/^4:26 detector\.eta: unknown field "eta" \(detector\.bertier\.beta\)$/)]);
  });

  it('reverse_link, link_classes, protocol, knobs and tune are built only for a scenario that has them (read, validated and normalised as before)', async () => {
    vi.resetModules();
    const { lazySectionsBuilt } = await import('../../src/scenarios/schema/sections.js');
    const { loadScenarioText } = await import('../../src/scenarios/load.js');
    const { normalizeScenario } = await import('../../src/scenarios/schema/index.js');
    normalizeScenario(loadScenarioText(`${PLAIN}link: { loss: 1% }\n`, 'plain.yaml').scenario);
    expect(lazySectionsBuilt()).toEqual({ reverse_link: false, link_classes: false, protocol: false, tune: false, knobs: false });
    const reverse = normalizeScenario(loadScenarioText(`${PLAIN}reverse_link: { loss: 2% }\n`, 'reverse.yaml').scenario);
    expect(reverse.reverse_link).toEqual({ loss: 0.02 });
    expect(lazySectionsBuilt()).toEqual({ reverse_link: true, link_classes: false, protocol: false, tune: false, knobs: false });
    const classes = loadScenarioText(`${PLAIN}link_classes: { far: { nodes: [node-01], preset: cross-region } }\n`, 'classes.yaml');
    expect(classes.scenario.link_classes).toEqual({ far: { nodes: ['node-01'], preset: 'cross-region' } });
    expect(lazySectionsBuilt()).toEqual({ reverse_link: true, link_classes: true, protocol: false, tune: false, knobs: false });
    const swim = loadScenarioText(`${PLAIN}protocol: { kind: swim }\n`, 'swim.yaml');
    expect(swim.scenario.protocol).toEqual(expect.objectContaining({ kind: 'swim', base: 'lan', lifeguard: true }));
    expect(lazySectionsBuilt()).toEqual({ reverse_link: true, link_classes: true, protocol: true, tune: false, knobs: false });
    const knobs = normalizeScenario(loadScenarioText(`${PLAIN}knobs: { system: etcd 3.5, settings: [{ name: heartbeat-interval, from: heartbeat.interval, unit: ms }] }\n`, 'knobs.yaml').scenario);
    expect(knobs.knobs).toEqual({ system: 'etcd 3.5', settings: [{ name: 'heartbeat-interval', from: 'heartbeat.interval', unit: 'ms', round: 'nearest' }] });
    expect(lazySectionsBuilt()).toEqual({ reverse_link: true, link_classes: true, protocol: true, tune: false, knobs: true });
    const tune = loadScenarioText(`${PLAIN}tune: { targets: { detection_latency_ms.p99: "<= 5s" }, params: { detector.timeout: [2s, 4s] } }\n`, 'tune.yaml');
    expect(tune.scenario.tune).toEqual(expect.objectContaining({ max_replications: 16, params: { 'detector.timeout': ['2s', '4s'] } }));
    expect(lazySectionsBuilt()).toEqual({ reverse_link: true, link_classes: true, protocol: true, tune: true, knobs: true });
    expect(() => loadScenarioText(`${PLAIN}tune: { minimise: nonsense }\n`, 'bad-tune.yaml')).toThrow(/unknown metric "nonsense"/);
    expect(() => loadScenarioText(`${PLAIN}knobs: { system: x, settings: [{ name: a, from: heartbeat.interval, unit: ms, format: no-value }] }\n`, 'bad-knobs.yaml')).toThrow(/\{value\}/);
    // Errors inside them read as they did (paths, messages: docs/scenarios.md and test/scenarios/** too).
    expect(() => loadScenarioText(`${PLAIN}protocol: { kind: swim, bogus: 1 }\n`, 'bad.yaml')).toThrow(/protocol: unknown key "bogus"|bogus/);
  });
});

import { describe, expect, it } from 'vitest';
import { build } from '../../src/scenarios/build.js';
import { formatIssue } from '../../src/scenarios/errors.js';
import { loadScenarioText } from '../../src/scenarios/load.js';
import { normalizeScenario } from '../../src/scenarios/schema/index.js';
import { runOnce } from '../../src/sim/run-once.js';
import { refusedLines } from './refused.js';

const load = (text: string) => loadScenarioText(text, 'f.yaml');
const faults = (yaml: string) => build(load(`cluster: { nodes: [a, b, c, d] }\nfaults:\n${yaml}`).scenario).config.faults;
const crashes = (yaml: string) => build(load(`cluster: { nodes: [a, b, c, d] }\nfaults:\n${yaml}`).scenario).config.crashes;

const lines = (text: string): string[] => refusedLines(() => loadScenarioText(text, 'f.yaml'));

describe('onsets', () => {
  it.each([
    ['at: 5m', { kind: 'at', atUs: 300_000_000 }],
    ['every: 10m', { kind: 'poisson', meanGapUs: 600_000_000 }],
    ['rate: 6/h', { kind: 'poisson', meanGapUs: 600_000_000 }],
    ['rate: 0.5/min', { kind: 'poisson', meanGapUs: 120_000_000 }],
    ['period: 30s', { kind: 'periodic', periodUs: 30_000_000 }],
  ])('read %s', (onset, expected) => {
    expect(faults(`  - pause: { ${onset}, duration: 1s }`)![0]).toMatchObject({ onset: expected });
  });

  it('need exactly one, said at the fault or at the second one', () => {
    expect(lines('faults:\n  - pause: { duration: 1s }\n')).toEqual(['f.yaml:2:12 faults.0.pause: a pause needs an onset: one of `at` (once), `every` or `rate` (Poisson) or `period` (periodic)']);
    expect(lines('faults:\n  - pause: { at: 1m, every: 1h, duration: 1s }\n')).toEqual(['f.yaml:2:29 faults.0.pause.every: give only one onset: `at` or `every`, not both']);
    expect(lines('faults:\n  - pause: { rate: 6 per hour, duration: 1s }\n')[0]).toMatch(/^f\.yaml:2:20 faults\.0\.pause\.rate: expected a rate such as 6\/h, 0\.5\/min or 2\/d, got "6 per hour"/);
    expect(lines('faults:\n  - pause: { rate: 6, duration: 1s }\n')[0]).toMatch(/a bare number has no unit; write e\.g\. "6\/h"/);
  });
});

describe('fault kinds', () => {
  it('pause: nodes, a duration law and what happens after', () => {
    expect(faults('  - pause: { nodes: [a], every: 1h, duration: { dist: pareto, scale: 100ms, shape: 1.5 }, after: burst }')).toEqual([
      { kind: 'senderPause', nodes: { kind: 'named', names: ['a'] }, onset: { kind: 'poisson', meanGapUs: 3_600_000_000 }, duration: { kind: 'pareto', scaleUs: 100_000, shape: 1.5 }, afterPause: 'burst' },
    ]);
    expect(faults('  - pause: { at: 1m, duration: 2s }')![0]).toMatchObject({ nodes: { kind: 'all' }, duration: { kind: 'constant', valueUs: 2_000_000 }, afterPause: 'skip' });
  });

  it('monitor_pause: the backlog order', () => {
    expect(faults('  - monitor_pause: { rate: 2/h, duration: { dist: lognormal, median: 300ms, sigma: 1 } }')).toEqual([
      { kind: 'observerPause', onset: { kind: 'poisson', meanGapUs: 1_800_000_000 }, duration: { kind: 'lognormal', medianUs: 300_000, sigma: 1 }, backlog: 'checksFirst' },
    ]);
    expect(faults('  - monitor_pause: { at: 1m, duration: 1s, backlog: messages_first }')![0]).toMatchObject({ backlog: 'messagesFirst' });
  });

  it('partition: scheduled with at + for, or random with a duration law; one node, a group or all; a direction', () => {
    expect(faults('  - partition: { nodes: b, at: 5m, for: 90s, direction: to_monitor }')).toEqual([
      { kind: 'partition', nodes: { kind: 'named', names: ['b'] }, scope: 'group', direction: 'toObserver', onset: { kind: 'at', atUs: 300_000_000 }, duration: { kind: 'constant', valueUs: 90_000_000 } },
    ]);
    expect(faults('  - partition: { every: 6h, duration: { dist: exponential, mean: 1m }, scope: each, direction: from_monitor }')![0]).toMatchObject({
      nodes: { kind: 'all' },
      scope: 'each',
      direction: 'fromObserver',
      duration: { kind: 'exponential', meanUs: 60_000_000 },
    });
    expect(lines('faults:\n  - partition: { at: 1m }\n')[0]).toMatch(/faults\.0\.partition: a partition needs a `duration` \(or `for`, a fixed length\)/);
    expect(lines('faults:\n  - partition: { at: 1m, for: 1s, duration: 2s }\n')[0]).toMatch(/^f\.yaml:2:31 faults\.0\.partition\.for: give either `duration` or `for`, not both/);
  });

  it('isolate: every link of each named node down', () => {
    expect(faults('  - isolate: { nodes: c, at: 20m, for: 30s }')).toEqual([
      { kind: 'partition', nodes: { kind: 'named', names: ['c'] }, scope: 'each', direction: 'both', onset: { kind: 'at', atUs: 1_200_000_000 }, duration: { kind: 'constant', valueUs: 30_000_000 } },
    ]);
    expect(lines('faults:\n  - isolate: { at: 1m, for: 1s }\n')[0]).toMatch(/faults\.0\.isolate\.nodes: missing/);
  });

  it('cpu_starvation and slow_io: extra send delays', () => {
    expect(faults('  - cpu_starvation: { nodes: [a, b], every: 3h, duration: 2m, extra_delay: { dist: uniform, max: 800ms } }')).toEqual([
      { kind: 'cpuStarvation', nodes: { kind: 'named', names: ['a', 'b'] }, onset: { kind: 'poisson', meanGapUs: 10_800_000_000 }, duration: { kind: 'constant', valueUs: 120_000_000 }, extraDelay: { kind: 'uniform', minUs: 0, maxUs: 800_000 } },
    ]);
    expect(faults('  - slow_io: { nodes: d, extra_delay: 5ms }')).toEqual([{ kind: 'slowIo', nodes: { kind: 'named', names: ['d'] }, extraDelay: { kind: 'constant', valueUs: 5000 } }]);
  });

  it('clock_drift and clock_step: nodes and/or the monitor', () => {
    expect(faults('  - clock_drift: { monitor: true, ppm: 15 }')).toEqual([{ kind: 'clockDrift', nodes: null, observer: true, ppm: 15 }]);
    expect(faults('  - clock_drift: { nodes: all, ppm: -50 }')).toEqual([{ kind: 'clockDrift', nodes: { kind: 'all' }, observer: false, ppm: -50 }]);
    expect(faults('  - clock_step: { nodes: [a], monitor: true, every: 1d, step: -500ms }')).toEqual([
      { kind: 'clockStep', nodes: { kind: 'named', names: ['a'] }, observer: true, onset: { kind: 'poisson', meanGapUs: 86_400_000_000 }, stepUs: -500_000 },
    ]);
    expect(lines('faults:\n  - clock_drift: { ppm: 15 }\n')[0]).toMatch(/faults\.0\.clock_drift: a clock_drift needs `nodes`, `monitor: true`, or both/);
    expect(lines('faults:\n  - clock_drift: { monitor: true, ppm: 2000000 }\n')[0]).toMatch(/expected a number from -100000 to 100000, got 2000000/);
    expect(lines('faults:\n  - clock_step: { monitor: true, at: 1m, step: sideways }\n')[0]).toMatch(/expected a duration such as 500ms or -2s, got "sideways"/);
  });

  it('unhealthy windows', () => {
    expect(faults('  - unhealthy: { nodes: a, period: 1h, duration: 1m }')).toEqual([
      { kind: 'unhealthy', nodes: { kind: 'named', names: ['a'] }, onset: { kind: 'periodic', periodUs: 3_600_000_000 }, duration: { kind: 'constant', valueUs: 60_000_000 } },
    ]);
  });

  it('crash: restart delays and racks of nodes that fail together, only with crash/recover cycles', () => {
    expect(crashes('  - crash: { mttf: 1d, mttr: 5m, restart_delay: 30s, rack_size: 2 }')).toEqual([
      { kind: 'crashRecover', nodes: { kind: 'all' }, mttfUs: 86_400_000_000, mttrUs: 300_000_000, restartDelayUs: 30_000_000, rackSize: 2 },
    ]);
    expect(lines('faults:\n  - crash: { at: 1m, rack_size: 2 }\n')[0]).toMatch(/faults\.0\.crash\.rack_size: `restart_delay` and `rack_size` go with crash\/recover cycles/);
  });

  it('keep crashes out of the engine\'s fault list, and fault numbering free of crashes', () => {
    const c = build(load('faults:\n  - crash: { at: 1m }\n  - pause: { at: 2m, duration: 1s }\n').scenario).config;
    expect(c.crashes).toHaveLength(1);
    expect(c.faults).toHaveLength(1);
  });

  it('refuse a node that does not exist, in any kind, with a suggestion', () => {
    expect(lines('cluster: { nodes: 3 }\nfaults:\n  - partition: { nodes: node-4, at: 1m, for: 1s }\n')).toEqual(['f.yaml:3:25 faults.0.partition.nodes: no node named "node-4" in cluster.nodes (did you mean "node-01"?)']);
    expect(lines('cluster: { nodes: 3 }\nfaults:\n  - pause: { nodes: [node-01, node-1], every: 1h, duration: 1s }\n')).toEqual(['f.yaml:3:31 faults.0.pause.nodes.1: no node named "node-1" in cluster.nodes (did you mean "node-01"?)']);
  });

  it('warn about a fault at an instant after the end of the run', () => {
    const loaded = load('duration: 1h\nfaults:\n  - isolate: { nodes: node-01, at: 2h, for: 1m }\n');
    expect(loaded.warnings.map(formatIssue)).toEqual(['f.yaml:3:36 faults.0.isolate.at: the isolate at 2h is after the end of the run (1h); it never happens']);
  });

  it('normalise to a document that loads back to the same scenario', () => {
    const text = `cluster: { nodes: [a, b] }
faults:
  - crash: { mttf: 1d, mttr: 5m, restart_delay: 30s, rack_size: 2 }
  - pause: { rate: 6/h, duration: { dist: lognormal, median: 200ms, sigma: 1 }, after: burst }
  - monitor_pause: { period: 1h, duration: 2s }
  - partition: { nodes: a, at: 5m, for: 90s, direction: to_monitor }
  - isolate: { nodes: [b], every: 1d, duration: { dist: exponential, mean: 1m } }
  - cpu_starvation: { every: 3h, duration: 2m, extra_delay: { dist: uniform, max: 800ms } }
  - slow_io: { extra_delay: 5ms }
  - clock_drift: { monitor: true, ppm: 15 }
  - clock_step: { nodes: all, every: 1d, step: -500ms }
  - unhealthy: { every: 12h, duration: 1m }
flap_window: 5m
`;
    const s = load(text).scenario;
    expect(loadScenarioText(JSON.stringify(normalizeScenario(s)), 'n.json').scenario).toEqual(s);
    expect(build(s).config.flapWindowUs).toBe(300_000_000);
  });

  it('run in the engine, every kind at once', () => {
    const s = load(`duration: 2h
cluster: { nodes: 6 }
faults:
  - crash: { mttf: 30m, mttr: 2m, restart_delay: 10s, rack_size: 2 }
  - pause: { every: 10m, duration: { dist: lognormal, median: 500ms, sigma: 1 } }
  - monitor_pause: { every: 30m, duration: 4s }
  - partition: { nodes: [node-01, node-02], every: 20m, for: 10s }
  - isolate: { nodes: node-03, at: 30m, for: 20s }
  - cpu_starvation: { every: 15m, duration: 1m, extra_delay: { dist: exponential, mean: 300ms } }
  - slow_io: { nodes: node-04, extra_delay: 2ms }
  - clock_drift: { monitor: true, ppm: 100 }
  - clock_step: { nodes: all, every: 40m, step: 200ms }
  - unhealthy: { every: 30m, duration: 30s }
detector: { kind: timeout, timeout: 3x, clock: wall }
`).scenario;
    const { tallies } = runOnce(build(s).config);
    expect(tallies.crashes).toBeGreaterThan(0);
    expect(tallies.pauses).toBeGreaterThan(0);
    expect(tallies.heartbeatsPartitioned).toBeGreaterThan(0);
  });
});

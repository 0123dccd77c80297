import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioError, formatIssue, type ScenarioIssue } from '../../src/scenarios/errors.js';
import { loadScenarioFile, loadScenarioText, resolveScenario, withSets } from '../../src/scenarios/load.js';
import { normalizeScenario, timeoutUsOf } from '../../src/scenarios/schema/index.js';
import { applySets, parseSet } from '../../src/scenarios/sets.js';
import { refusedIssues } from './refused.js';

/** The issue's example scenario, with the final field names. */
const EXAMPLE = `name: db-ha
description: primary/replica failover over a lossy LAN
seed: 42
duration: 1d          # simulated time per replication
warmup: 1m
replications: 5
cluster: { nodes: 10 }
heartbeat: { interval: 1s, jitter: { dist: uniform, max: 20ms } }
link:
  loss: 1%
  delay: { base: 1ms, dist: exponential, mean: 2ms }
faults:
  - crash: { mttf: 2h, mttr: 10m }
detector: { kind: timeout, timeout: 3x, check_interval: 500ms, dead_after: 6s }
`;

const problems = (text: string, sets: string[] = [], file = 'typo.yaml'): ScenarioIssue[] => refusedIssues(() => loadScenarioText(text, file, { sets: sets.map((s) => parseSet(s)) }));

const lines = (text: string, sets: string[] = []) => problems(text, sets).map(formatIssue);

describe('loading the example scenario', () => {
  it('resolves units to integer µs and probabilities to numbers', () => {
    const s = loadScenarioText(EXAMPLE, 'db-ha.yaml').scenario;
    expect(s.duration).toBe(86_400_000_000);
    expect(s.warmup).toBe(60_000_000);
    expect(s.heartbeat.interval).toBe(1_000_000);
    expect(s.heartbeat.jitter).toEqual({ dist: 'uniform', min: 0, max: 20_000 });
    expect(s.link).toEqual({ loss: 0.01, duplicate: 0, delay: { base: 1000, dist: 'exponential', mean: 2000 } });
    expect(s.faults).toEqual([{ crash: { nodes: 'all', mttf: 7_200_000_000, mttr: 600_000_000 } }]);
    expect(s.detector).toMatchObject({ kind: 'timeout', timeout: { kind: 'multiple', factor: 3 } });
    expect(timeoutUsOf(s)).toBe(3_000_000);
  });

  it('normalises to a document that loads back to the same scenario', () => {
    const s = loadScenarioText(EXAMPLE, 'db-ha.yaml').scenario;
    const normal = normalizeScenario(s);
    expect(normal).toMatchObject({ duration: '1d', link: { loss: 0.01 }, detector: { timeout: '3x', dead_after: '6s', check_interval: '500ms' } });
    expect(loadScenarioText(JSON.stringify(normal), 'x.json').scenario).toEqual(s);
  });

  it('fills every default into an empty map, and names the scenario after its file', () => {
    const s = loadScenarioText('{}', 'dir/my-cluster.v2.yaml').scenario;
    expect(s.name).toBe('my-cluster.v2');
    expect(normalizeScenario(s)).toEqual({
      name: 'my-cluster.v2',
      description: '',
      seed: 1,
      duration: '1h',
      warmup: '0s',
      replications: 1,
      timeline_limit: 2000,
      flap_window: '1m',
      cluster: { nodes: 10, monitor: 'monitor' },
      heartbeat: { interval: '1s', jitter: { dist: 'constant', value: '0s' } },
      link: { loss: 0, duplicate: 0, delay: { base: '0s', dist: 'constant', value: '0s' } },
      link_classes: {},
      faults: [],
      detector: { kind: 'timeout', timeout: '3x', dead_after: '2x', check_interval: '0s', clock: 'monotonic', allow_short_timeout: false },
      sweep: {},
      targets: {},
      expect: {},
      expect_options: { inconclusive: 'warn', cell: 'all' },
    });
  });

  it('reads JSON files with the same rules and line numbers', () => {
    const json = '{\n  "name": "j",\n  "heartbeat": {\n    "intervall": "1s"\n  }\n}\n';
    expect(lines(json)).toEqual(['typo.yaml:4:5 heartbeat.intervall: unknown field "intervall" (did you mean "interval"?)']);
  });
});

describe('error messages', () => {
  it('name file:line:column, the field, what was expected and what was found, with a suggestion', () => {
    const text = EXAMPLE.replace('dist: exponential', 'dist: expo').replace('loss: 1%', 'loss: 150%').replace('{ interval: 1s', '{ intervl: 1s');
    expect(lines(text)).toEqual([
      'typo.yaml:8:14 heartbeat.intervl: unknown field "intervl" (did you mean "interval"?)',
      'typo.yaml:10:9 link.loss: expected a probability in [0, 1], such as 0.01 or 1%, got "150%" (above 100%)',
      'typo.yaml:11:29 link.delay.dist: expected one of constant, uniform, exponential, normal, lognormal, pareto, empirical, got "expo" (did you mean "exponential"?)',
    ]);
  });

  it('carry the structured parts too', () => {
    const [issue] = problems('heartbeat:\n  interval: 1000\n');
    expect(issue).toMatchObject({ file: 'typo.yaml', line: 2, column: 13, path: 'heartbeat.interval', got: '1000' });
    expect(issue!.expected).toMatch(/^a duration such as 250ms/);
    expect(issue!.message).toMatch(/a bare number has no unit/);
  });

  it('suggest the right section for a field written at the wrong level', () => {
    expect(lines('interval: 1s\nloss: 1%\n')).toEqual([
      'typo.yaml:1:1 interval: unknown field "interval" (did you mean "heartbeat.interval"?)',
      'typo.yaml:2:1 loss: unknown field "loss" (did you mean "link.loss"?)',
    ]);
  });

  it('say which variant a field belongs to', () => {
    expect(lines('link:\n  delay: { dist: exponential, mean: 2ms, max: 5ms }\n')).toEqual([
      'typo.yaml:2:42 link.delay.max: field "max" does not apply here; it goes with dist: uniform',
    ]);
  });

  it('point a missing field at its parent', () => {
    expect(lines('link:\n  delay:\n    dist: uniform\n')).toEqual(['typo.yaml:2:3 link.delay.max: missing; expected a duration such as 250ms, 1.5s, 5m, 1h or 1d']);
  });

  it('report YAML syntax errors and duplicate keys with their position', () => {
    expect(lines('a: [1, 2\nb: 1\n')[0]).toMatch(/^typo\.yaml:2:1: YAML: /);
    expect(lines('seed: 1\nseed: 2\n')).toEqual(['typo.yaml:2:1: YAML: Map keys must be unique']);
  });

  it('refuse an empty file and a document that is not a map', () => {
    expect(lines('')).toEqual(['typo.yaml:1:1: is empty; expected a map of scenario fields (name, duration, heartbeat, link, detector, …)']);
    expect(lines('- 1\n- 2\n')[0]).toMatch(/^typo\.yaml:1:1: expected a map of scenario fields .*, got a list of 2$/);
  });

  it('list every problem of a file, in file order', () => {
    expect(problems('warmup: 1h\nduration: 1h\nlink: { loss: 2 }\nbogus: 1\n').map((i) => i.path)).toEqual(['link.loss', 'bogus']);
  });
});

describe('rules across fields', () => {
  it('refuse a warm-up as long as the run', () => {
    expect(lines('duration: 1h\nwarmup: 1h\n')).toEqual(['typo.yaml:2:9 warmup: the warm-up (1h) must be shorter than the duration (1h)']);
  });

  it('refuse a timeout not longer than the interval unless asked for', () => {
    const text = 'heartbeat: { interval: 1s }\ndetector: { kind: timeout, timeout: 1s }\n';
    expect(lines(text)[0]).toMatch(/^typo\.yaml:2:37 detector\.timeout: the timeout \(1s\) is not longer than heartbeat\.interval \(1s\).*allow_short_timeout: true/);
    const allowed = loadScenarioText(text.replace('timeout: 1s }', 'timeout: 1s, allow_short_timeout: true }'), 'x.yaml');
    expect(timeoutUsOf(allowed.scenario)).toBe(1_000_000);
  });

  it('refuse dead_after shorter than the timeout', () => {
    expect(lines('detector: { kind: timeout, timeout: 5s, dead_after: 4s }\n')).toEqual(['typo.yaml:1:53 detector.dead_after: dead_after (4s) must not be shorter than the timeout (5s)']);
  });

  it('refuse a fault on a node that does not exist, suggesting the closest name', () => {
    expect(lines('cluster: { nodes: 3 }\nfaults:\n  - crash: { at: 1s, nodes: [node-1] }\n')).toEqual([
      'typo.yaml:3:30 faults.0.crash.nodes.0: no node named "node-1" in cluster.nodes (did you mean "node-01"?)',
    ]);
  });

  it('refuse a crash with both a time and a rate, or with neither', () => {
    expect(lines('faults:\n  - crash: { at: 1s, mttf: 1h, mttr: 1m }\n')[0]).toMatch(/faults\.0\.crash\.mttf: use either `at`/);
    expect(lines('faults:\n  - crash: { nodes: all }\n')[0]).toMatch(/faults\.0\.crash: a crash needs either `at`/);
  });

  it('refuse a uniform law whose max is below its min', () => {
    expect(lines('link: { delay: { dist: uniform, min: 5ms, max: 1ms } }\n')[0]).toMatch(/link\.delay\.max: max \(1ms\) must not be below min \(5ms\)/);
  });

  it('refuse duplicate node names and a monitor that is also a node', () => {
    expect(lines('cluster: { nodes: [a, b, a] }\n')[0]).toMatch(/cluster\.nodes: node names must be unique; "a"/);
    expect(lines('cluster: { nodes: [a, b], monitor: a }\n')[0]).toMatch(/cluster\.monitor: the monitor "a" must not also be a monitored node/);
  });

  it('warn, with a line, about a check interval longer than the timeout and a crash after the end', () => {
    const loaded = loadScenarioText('duration: 1m\ndetector: { kind: timeout, check_interval: 10s }\nfaults:\n  - crash: { at: 2m }\n', 'w.yaml');
    expect(loaded.warnings.map(formatIssue)).toEqual([
      'w.yaml:2:44 detector.check_interval: check_interval (10s) is longer than the timeout (3s): detection waits for the next check, up to 10s late',
      'w.yaml:4:18 faults.0.crash.at: the crash at 2m is after the end of the run (1m); it never happens',
    ]);
  });
});

describe('--set overrides', () => {
  it('override fields, with units, lists and maps read as YAML', () => {
    const s = loadScenarioText(EXAMPLE, 'x.yaml', {
      sets: ['link.loss=2%', 'heartbeat.interval=500ms', 'cluster.nodes=[b, a]', 'heartbeat.jitter={dist: exponential, mean: 1ms}', 'faults.0.crash.mttf=30m'].map((t) => parseSet(t)),
    }).scenario;
    expect(s.link.loss).toBe(0.02);
    expect(s.cluster.nodes).toEqual(['b', 'a']);
    expect(s.heartbeat.jitter).toEqual({ dist: 'exponential', mean: 1000 });
    expect(s.faults[0]!.crash!.mttf).toBe(1_800_000_000);
    // timeout: 3x follows the overridden interval.
    expect(timeoutUsOf(s)).toBe(1_500_000);
  });

  it('name the --set in their errors', () => {
    expect(lines(EXAMPLE, ['link.loss=200%'])).toEqual(['--set link.loss=200%: expected a probability in [0, 1], such as 0.01 or 1%, got "200%" (above 100%)']);
    expect(lines(EXAMPLE, ['link.los=2%'])).toEqual(['--set link.los=2%: unknown field "los" (did you mean "loss"?)']);
    expect(lines(EXAMPLE, ['link.delay={dist: expo}'])).toEqual([
      '--set link.delay={dist: expo} link.delay.dist: expected one of constant, uniform, exponential, normal, lognormal, pareto, empirical, got "expo" (did you mean "exponential"?)',
    ]);
  });

  it('refuse malformed overrides', () => {
    const refuse = (text: string) => expect(() => parseSet(text)).toThrow(ScenarioError);
    refuse('link.loss');
    refuse('=1');
    refuse('link..loss=1');
    refuse('link.loss=');
    refuse('link.loss=[1, 2');
    expect(lines(EXAMPLE, ['seed.x=1'])).toEqual(['--set seed.x=1: seed is a single value, not a section with fields']);
    expect(lines(EXAMPLE, ['faults.5.crash.at=1s'])).toEqual(['--set faults.5.crash.at=1s: faults has 1 entries; the index must be at most 1']);
  });

  it('cannot reach an object prototype', () => {
    const doc = applySets({}, [parseSet('__proto__.polluted=1'), parseSet('constructor.prototype.polluted=1')]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(doc as object)).toEqual(['__proto__', 'constructor']);
    expect(lines('{}', ['__proto__.polluted=1'])).toEqual(['--set __proto__.polluted=1 __proto__: unknown field "__proto__"']);
  });

  it('can be added to an already loaded scenario, as a sweep cell does', () => {
    const base = loadScenarioText(EXAMPLE, 'x.yaml');
    const cell = withSets(base, [parseSet('heartbeat.interval=2s')]);
    expect(timeoutUsOf(cell.scenario)).toBe(6_000_000);
    expect(timeoutUsOf(base.scenario)).toBe(3_000_000);
    expect(() => withSets(base, [parseSet('warmup=2d')])).toThrow(/warm-up \(2d\) must be shorter/);
  });
});

describe('files and presets on the command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hbsim-load-'));

  it('read a file by path, reporting it as given', () => {
    const path = join(dir, 'ok.yaml');
    writeFileSync(path, 'heartbeat: { interval: 2s }\n');
    const loaded = resolveScenario(path);
    expect(loaded.source).toBe(path);
    expect(loaded.scenario.name).toBe('ok');
  });

  it('refuse a missing file, a directory and an unknown preset name cleanly', () => {
    expect(() => loadScenarioFile(join(dir, 'missing.yaml'))).toThrow(/missing\.yaml: no such file/);
    expect(() => loadScenarioFile(dir)).toThrow(/is a directory/);
    expect(() => resolveScenario('etc')).toThrow(/no such preset or file; presets are .* \(did you mean "etcd"\?\)/);
  });

  it('treat a name with a separator or a YAML extension as a file, even if a preset has that name', () => {
    expect(() => resolveScenario('./etcd')).toThrow(/no such file/);
    expect(() => resolveScenario('etcd.yaml')).toThrow(/no such file/);
    expect(resolveScenario('etcd').source).toBe('preset:etcd');
  });
});

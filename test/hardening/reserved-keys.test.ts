/**
 * Issue 16 items 3 and 8, every map: a `__proto__` key never silently disappears.
 * z.record (quantiles, link_classes, sweep, tune.params, expect_options.cell) skips
 * it, so an entry written in the file used to vanish and validate said nothing.
 * Now it is refused in every map, in a file and through --set, located at the key,
 * as "unknown …"; `constructor`, `prototype`, `toString` stay plain names where the
 * field's pattern allows them.
 */
import { describe, expect, it } from 'vitest';
import { loadScenarioText } from '../../src/scenarios/load.js';
import { cli, tempDir, writeScenario } from './support.js';

const BASE = 'name: t\nduration: 1m\nreplications: 1\ncluster: { nodes: [a, b, c] }\nheartbeat: { interval: 1s }\ndetector: { kind: timeout, timeout: 3x }\n';
const SWEPT = `${BASE}sweep: { heartbeat.interval: [1s, 2s] }\nexpect: { detection_latency_ms.p99: "<= 5s" }\n`;

/** [what, file text, the line:column of the __proto__ key, the message]. */
const IN_FILE: readonly [string, string, string, RegExp][] = [
  ['quantiles', `${BASE}link:\n  delay:\n    dist: empirical\n    quantiles:\n      p50: 1ms\n      p99: 5ms\n      __proto__: 3ms\n`, '13:7', /link\.delay\.quantiles\.__proto__: unknown quantile "__proto__"/],
  ['link_classes', `${BASE}link_classes:\n  __proto__:\n    nodes: [a]\n    preset: same-rack\n`, '8:3', /link_classes\.__proto__: unknown link class "__proto__"/],
  ['tune.params', `${BASE}tune:\n  params:\n    __proto__: [1s, 2s]\n  targets: { detection_latency_ms.p99: "<= 5s" }\n`, '9:5', /tune\.params\.__proto__: unknown field "__proto__"/],
  ['tune.targets', `${BASE}tune:\n  params:\n    heartbeat.interval: [1s, 2s]\n  targets:\n    __proto__: "<= 5s"\n`, '11:5', /tune\.targets\.__proto__: unknown metric "__proto__"/],
  ['expect_options.cell', `${SWEPT}expect_options:\n  cell:\n    heartbeat.interval: 1s\n    __proto__: 2s\n`, '12:5', /expect_options\.cell\.__proto__: unknown swept path "__proto__"/],
  ['sweep', `${BASE}sweep:\n  __proto__: [1s, 2s]\n`, '8:3', /sweep\.__proto__: unknown field "__proto__"/],
  ['knobs', `${BASE}knobs:\n  system: x\n  settings: [{ name: a, from: heartbeat.interval, unit: ms }]\n  __proto__: 1\n`, '10:3', /knobs\.__proto__: unknown field "__proto__"/],
  ['protocol', `${BASE}protocol:\n  __proto__: 1\n`, '8:3', /protocol\.__proto__: unknown field "__proto__"/],
  ['expect', `${BASE}expect:\n  __proto__: "<= 1ms"\n`, '8:3', /expect\.__proto__: unknown metric "__proto__"/],
  ['a fault', `${BASE}faults:\n  - crash: { at: 3s, nodes: [a], __proto__: 1 }\n`, '8:34', /faults\.0\.crash\.__proto__: unknown field "__proto__"/],
];

/** [--set, the message]. */
const BY_SET: readonly [string, RegExp][] = [
  ['link_classes.__proto__.nodes=[a]', /unknown link class "__proto__"/],
  ['link.delay={dist: empirical, quantiles: {p50: 1ms, p99: 2ms, __proto__: 1ms}}', /unknown quantile "__proto__"/],
  ['tune={params: {__proto__: [1s]}, targets: {detection_latency_ms.p99: "<= 5s"}}', /tune\.params\.__proto__: unknown field "__proto__"/],
  ['expect.__proto__=<= 1ms', /unknown metric "__proto__"/],
  ['sweep.__proto__=[1s]', /unknown field "__proto__"/],
];

describe('a __proto__ key in any map of a scenario', () => {
  const dir = tempDir('hbsim-h16-proto-');

  it.each(IN_FILE)('in %s is refused at its line, as unknown', async (what, text, at, message) => {
    const file = writeScenario(dir, text, `${what}.yaml`);
    const r = await cli(['validate', file]);
    expect(r.code, r.stderr).toBe(2);
    const line = r.stderr.split('\n').find((l) => l.includes('__proto__'));
    expect(line, r.stderr).toBeDefined();
    expect(line!.startsWith(`${file}:${at} `), line).toBe(true);
    expect(line).toMatch(message);
  });

  it.each(BY_SET)('through --set %s is refused, naming the --set', async (set, message) => {
    const file = writeScenario(dir, SWEPT, 'swept.yaml');
    const r = await cli(['validate', file, '--set', set]);
    expect(r.code, r.stderr).toBe(2);
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    expect(lines.length, r.stderr).toBeGreaterThan(0);
    for (const l of lines) expect(l.startsWith(`--set ${set}`), l).toBe(true);
    expect(r.stderr).toMatch(message);
  });

  it('inside a swept value is refused too, as that value', async () => {
    const file = writeScenario(dir, `${BASE}sweep:\n  link.delay:\n    - { dist: empirical, quantiles: { p50: 1ms, p99: 2ms } }\n    - { dist: empirical, quantiles: { p50: 1ms, p99: 2ms, __proto__: 9ms } }\n`, 'swept-value.yaml');
    const r = await cli(['validate', file]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/unknown quantile "__proto__"/);
    expect(r.stderr).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:`, 'm'));
  });
});

describe('names that Object.prototype also has are plain names', () => {
  it('link classes "constructor" and "prototype" are kept, in order, as own keys, and apply to their nodes', () => {
    const text = `${BASE}link_classes:\n  constructor:\n    nodes: [a]\n    preset: same-rack\n  prototype:\n    nodes: [b]\n    preset: cross-region\n`;
    const { scenario } = loadScenarioText(text, 'classes.yaml');
    expect(Object.keys(scenario.link_classes)).toEqual(['constructor', 'prototype']);
    expect(Object.getPrototypeOf(scenario.link_classes)).toBe(Object.prototype);
    expect(scenario.link_classes['constructor']!.nodes).toEqual(['a']);
    expect(scenario.link_classes['prototype']!.nodes).toEqual(['b']);
  });

  it('a gate cell pinned by values matches own keys only (toString is not "pinned")', async () => {
    const dir = tempDir('hbsim-h16-proto-');
    const file = writeScenario(dir, `${SWEPT}expect_options:\n  cell: { toString: 1s }\n`, 'cell.yaml');
    const r = await cli(['validate', file]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('"toString" is not swept; the swept paths are heartbeat.interval');
  });
});

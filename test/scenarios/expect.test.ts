import { describe, expect, it } from 'vitest';
import { build, recommendationTargetsOf } from '../../src/scenarios/build.js';
import { METRIC_UNITS, parseThreshold } from '../../src/scenarios/expect.js';
import { gateSpecOf, loadScenarioText } from '../../src/scenarios/load.js';
import { normalizeScenario } from '../../src/scenarios/schema/index.js';
import { parseSet } from '../../src/scenarios/sets.js';
import { runReplications } from '../../src/sweep/replicate.js';
import { refusedLines } from './refused.js';

const load = (text: string, sets: string[] = []) => loadScenarioText(text, 'e.yaml', { sets: sets.map((t) => parseSet(t)) });

const lines = (text: string): string[] => refusedLines(() => load(text));

/** Dotted paths of the numbers in a metrics object. */
function numericPaths(value: unknown, prefix = ''): string[] {
  // Intervals written as [low, high] (p99_ci95, query_accuracy_ci95, pauses.ci95) are not thresholds' metrics.
  if (/(^|[._])ci95$/.test(prefix)) return [];
  if (typeof value === 'number' || value === null) return [prefix];
  if (Array.isArray(value) || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => numericPaths(v, prefix === '' ? k : `${prefix}.${k}`));
}

describe('thresholds (expect)', () => {
  const EXPECT = `expect:
  detection_latency_ms.p99: "<= 5s"
  false_suspicions.per_node_day: "< 0.1"
  query_accuracy: ">= 99.99%"
  mistake_recurrence_s.mean: "> 1h"
  pauses.fraction: "≤ 1%"
  longest_pause_survived_ms: ">= 2500"
`;

  it('read into metric, comparison and bound in the metric\'s unit, with their line and column', () => {
    expect(load(EXPECT).expectations).toEqual([
      { metric: 'detection_latency_ms.p99', op: '<=', bound: 5000, written: '<= 5s', file: 'e.yaml', line: 2, column: 29 },
      { metric: 'false_suspicions.per_node_day', op: '<', bound: 0.1, written: '< 0.1', file: 'e.yaml', line: 3, column: 34 },
      { metric: 'query_accuracy', op: '>=', bound: 0.9999, written: '>= 99.99%', file: 'e.yaml', line: 4, column: 19 },
      { metric: 'mistake_recurrence_s.mean', op: '>', bound: 3600, written: '> 1h', file: 'e.yaml', line: 5, column: 30 },
      { metric: 'pauses.fraction', op: '<=', bound: 0.01, written: '≤ 1%', file: 'e.yaml', line: 6, column: 20 },
      { metric: 'longest_pause_survived_ms', op: '>=', bound: 2500, written: '>= 2500', file: 'e.yaml', line: 7, column: 30 },
    ]);
  });

  it('come with the options the CI gate needs', () => {
    expect(gateSpecOf(load(`${EXPECT}expect_options: { inconclusive: fail }\n`))).toMatchObject({ inconclusive: 'fail', cells: { kind: 'all' }, expectations: expect.arrayContaining([expect.objectContaining({ metric: 'query_accuracy' })]) });
    expect(gateSpecOf(load(EXPECT)).inconclusive).toBe('warn');
  });

  it('refuse an unknown metric with a suggestion, and a malformed condition, each at its line', () => {
    expect(lines('expect:\n  detection_latency.p99: "<= 5s"\n  query_accuracy: "<= fast"\n')).toEqual([
      'e.yaml:2:3 expect.detection_latency.p99: unknown metric "detection_latency.p99"; metrics are named as in docs/results.md (e.g. false_suspicions.per_node_day) (did you mean "detection_latency_ms.p99"?)',
      'e.yaml:3:19 expect.query_accuracy: expected a condition such as "<= 5s", "< 0.1" or ">= 99.99%", with a fraction such as 0.9999, or a percentage such as 99.99%, got "<= fast" ("fast" is not a number or a percentage)',
    ]);
  });

  it.each([
    ['query_accuracy', 'fraction', 0.9999, /write the comparison too/],
    ['query_accuracy', 'fraction', '= 1', /use <=, <, >= or >/],
    ['query_accuracy', 'fraction', '>= 2', /outside \[0, 1\]/],
    ['false_suspicions.per_node_day', 'rate', '<= 1%', /a percentage applies only to fractions/],
    ['false_suspicions.per_node_day', 'rate', '<= 5s', /a duration applies only to times/],
    ['detection_latency_ms.p99', 'ms', '<= 5', null],
    ['detection_latency_ms.p99', 'ms', '<= 5sec', /unknown unit "sec"/],
  ] as const)('for %s (%s), %j gives %s', (metric, unit, input, error) => {
    const parsed = parseThreshold(metric, unit, input);
    if (error === null) expect(parsed).toEqual({ ok: true, value: { metric, op: '<=', bound: 5, written: '<= 5' } });
    else expect(parsed).toMatchObject({ ok: false, reason: expect.stringMatching(error) });
  });

  it('name the --set that brought them, without a line', () => {
    const loaded = load('{}', ['expect.query_accuracy=">= 0.999"']);
    expect(loaded.expectations).toEqual([{ metric: 'query_accuracy', op: '>=', bound: 0.999, written: '>= 0.999', file: 'e.yaml', set: '--set expect.query_accuracy=">= 0.999"' }]);
  });

  it('normalise back to what was written', () => {
    const s = load(EXPECT).scenario;
    expect(normalizeScenario(s).expect).toEqual({
      'detection_latency_ms.p99': '<= 5s',
      'false_suspicions.per_node_day': '< 0.1',
      query_accuracy: '>= 99.99%',
      'mistake_recurrence_s.mean': '> 1h',
      'pauses.fraction': '≤ 1%',
      longest_pause_survived_ms: '>= 2500',
    });
    expect(loadScenarioText(JSON.stringify(normalizeScenario(s)), 'n.json').scenario).toEqual(s);
  });

  it('know every metric a run writes, and no other (besides the sweep\'s pause search)', () => {
    const s = load('duration: 1h\ncluster: { nodes: 3 }\nfaults:\n  - crash: { mttf: 10m, mttr: 1m }\n').scenario;
    const { metrics } = runReplications(build(s).config, { replications: 1, timelineLimit: 0 });
    const written = numericPaths(metrics).sort();
    const known = [...METRIC_UNITS.keys()].filter((m) => m !== 'longest_pause_survived_ms' && !m.startsWith('membership.')).sort();
    expect(known).toEqual(written);
  });

  it('know every metric a decentralised protocol run writes: the same, plus `membership`', () => {
    const s = load('duration: 2m\ncluster: { nodes: 4 }\nprotocol: { kind: swim }\nfaults:\n  - crash: { mttf: 1m, mttr: 20s }\n').scenario;
    const { metrics } = runReplications(build(s).config, { replications: 1, timelineLimit: 0 });
    const written = numericPaths(metrics).sort();
    const known = [...METRIC_UNITS.keys()].filter((m) => m !== 'longest_pause_survived_ms').sort();
    expect(known).toEqual(written);
  });
});

describe('recommendation targets', () => {
  it('map onto the analysis\'s targets, durations in ms', () => {
    const s = load('targets:\n  max_false_suspicions_per_node_day: 0.1\n  max_detection_p99: 10s\n  min_query_accuracy: 99.99%\n').scenario;
    expect(recommendationTargetsOf(s)).toEqual({ maxFalseSuspicionsPerNodeDay: 0.1, maxDetectionP99Ms: 10_000, minQueryAccuracy: 0.9999 });
    expect(recommendationTargetsOf(load('{}').scenario)).toEqual({});
  });

  it('refuse values of the wrong kind, at their line', () => {
    expect(lines('targets:\n  max_detection_p99: 10\n')).toEqual(['e.yaml:2:22 targets.max_detection_p99: expected a duration such as 250ms, 1.5s, 5m, 1h or 1d, greater than 0, got 10 (a bare number has no unit; write it with one, e.g. "10ms" or "10s")']);
    expect(lines('targets:\n  max_false_suspicion_per_node_day: 1\n')[0]).toMatch(/unknown field "max_false_suspicion_per_node_day" \(did you mean "max_false_suspicions_per_node_day"\?\)/);
  });
});

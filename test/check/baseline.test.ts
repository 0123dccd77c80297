/**
 * Baselines: saved and read back, and the comparison rule — intervals that do not
 * overlap in the bad direction, a stated tolerance for point values — checked on
 * hand-made cells and on a real preset whose timeout is halved.
 */
import { describe, expect, it } from 'vitest';
import { BaselineError, baselineOf, changedPaths, compareWithBaseline, parseBaseline, serializeBaseline } from '../../src/check/baseline.js';
import { serializeResults } from '../../src/results/results-file.js';
import { loadPreset } from '../../src/scenarios/load.js';
import { parseSet } from '../../src/scenarios/sets.js';
import { runScenario } from '../../src/sweep/run-scenario.js';
import { cell, metricsWith, resultsWith, spread } from './support.js';

const base = metricsWith({ nodeHours: 240, falseSuspicions: 2, latenciesMs: spread(100, 2000, 3000), suspectedFraction: 1e-6 });

describe('baselines', () => {
  it('round-trip through their file, and a results file reads as one too', () => {
    const results = resultsWith([cell('default', base)]);
    const saved = baselineOf(results);
    expect(parseBaseline(serializeBaseline(saved))).toEqual(JSON.parse(serializeBaseline(saved)));
    expect(parseBaseline(serializeResults(results)).cells).toEqual(saved.cells);
    expect(serializeBaseline(saved)).not.toContain('timeline');
  });

  it('refuse a file that is not a baseline, saying why', () => {
    expect(() => parseBaseline('{')).toThrow(BaselineError);
    expect(() => parseBaseline('{"schema":"x/1"}')).toThrow(/has schema "x\/1"; expected "hbsim\.baseline\/1"/);
    expect(() => parseBaseline('{"schema":"hbsim.baseline/1","cells":[{"id":1}]}')).toThrow(/no readable cells/);
  });

  it('flag a rate only when its new interval lies wholly above the old one', () => {
    const baseline = baselineOf(resultsWith([cell('default', base)]));
    // 2 in 10 node-days: [0.024, 0.72]. 8 overlaps it; 20 ([1.22, 3.09]) does not.
    const overlapping = compareWithBaseline(resultsWith([cell('default', metricsWith({ nodeHours: 240, falseSuspicions: 8, latenciesMs: spread(100, 2000, 3000), suspectedFraction: 1e-6 }))]), ['default'], baseline);
    expect(overlapping.regressions.map((r) => r.metric)).toEqual([]);
    const worse = compareWithBaseline(resultsWith([cell('default', metricsWith({ nodeHours: 240, falseSuspicions: 20, latenciesMs: spread(100, 2000, 3000), suspectedFraction: 1e-6 }))]), ['default'], baseline);
    expect(worse.regressions.map((r) => [r.metric, r.basis])).toEqual([['false_suspicions.per_node_day', 'interval']]);
    expect(worse.regressions[0]!.description).toBe('0.2 (0.0242–0.722) → 2 (1.22–3.09)');
    // The other way round is an improvement, reported but not a regression.
    const better = compareWithBaseline(resultsWith([cell('default', base)]), ['default'], baselineOf(resultsWith([cell('default', metricsWith({ nodeHours: 240, falseSuspicions: 20, latenciesMs: spread(100, 2000, 3000), suspectedFraction: 1e-6 }))])));
    expect(better.regressions).toEqual([]);
    expect(better.improvements.map((r) => r.metric)).toEqual(['false_suspicions.per_node_day']);
  });

  it('flag a point value that moved more than 10 % the bad way, with enough samples', () => {
    const baseline = baselineOf(resultsWith([cell('default', base)]));
    const slower = (ms: number, n = 100) => resultsWith([cell('default', metricsWith({ nodeHours: 240, falseSuspicions: 2, latenciesMs: spread(n, 2000 + ms, 3000 + ms), suspectedFraction: 1e-6 }))]);
    expect(compareWithBaseline(slower(200), ['default'], baseline).regressions.map((r) => r.metric)).toEqual([]);
    expect(compareWithBaseline(slower(400), ['default'], baseline).regressions.map((r) => [r.metric, r.basis])).toEqual([['detection_latency_ms.p50', 'point']]);
    // Too few samples behind a quantile without an interval: not compared.
    const few = baselineOf(resultsWith([cell('default', metricsWith({ nodeHours: 240, falseSuspicions: 2, latenciesMs: spread(10, 2000, 3000), suspectedFraction: 1e-6 }))]));
    expect(compareWithBaseline(slower(2000, 10), ['default'], few).regressions.map((r) => r.metric)).toEqual([]);
  });

  it('say which cells the baseline lacks and which scenario fields changed', () => {
    const baseline = baselineOf(resultsWith([cell('1s', base)], 'x', { name: 'x', detector: { timeout: '3s' } }));
    const c = compareWithBaseline(resultsWith([cell('1s', base), cell('2s', base)], 'x', { name: 'x', detector: { timeout: '1.5s' } }), ['1s', '2s'], baseline);
    expect(c.compared).toEqual(['1s']);
    expect(c.missingCells).toEqual(['2s']);
    expect(c.changedFields).toEqual(['detector.timeout']);
    expect(changedPaths({ a: [1, 2], b: 1 }, { a: [1, 3], c: 1 })).toEqual(['a.1', 'b', 'c']);
  });

  it('catch a preset whose timeout is halved, while a rerun or another seed of the same configuration changes nothing', async () => {
    const run = (...sets: string[]) =>
      // Over UDP, as the preset was before issue #13: over TCP a lost ping is only ~200 ms late, and halving the timeout costs nothing.
      runScenario(loadPreset('zookeeper', { sets: ['duration=6h', 'link.transport=udp', ...sets].map((s) => parseSet(s)) }), { toolVersion: 'test', workers: 1, pauseSurvival: false });
    const accepted = baselineOf(await run());
    const same = await run();
    expect(compareWithBaseline(same, ['default'], accepted)).toMatchObject({ regressions: [], improvements: [], changedFields: [] });
    const otherSeed = await run('seed=7');
    expect(compareWithBaseline(otherSeed, ['default'], accepted).regressions).toEqual([]);
    // ZooKeeper's 30 s session timeout halved: pings every 10 s now miss it after one loss.
    const halved = await run('detector.timeout=15s');
    const c = compareWithBaseline(halved, ['default'], accepted);
    expect(c.changedFields).toEqual(['detector.timeout']);
    expect(c.regressions.map((r) => r.metric)).toEqual(expect.arrayContaining(['false_suspicions.per_node_day', 'false_deaths.per_node_day', 'query_accuracy']));
    // Faster detection is the price's other side: an improvement, not a regression.
    expect(c.improvements.map((r) => r.metric)).toContain('detection_latency_ms.p50');
  });
});

/**
 * The gate over a results file: which cells are checked, how verdicts add up to the
 * exit decision, and the terminal table.
 */
import { describe, expect, it } from 'vitest';
import { cellsToCheck, checkResults, gateFails, tally } from '../../src/check/gate.js';
import { checkLines, closingLine } from '../../src/check/report.js';
import { analyze } from '../../src/analysis/index.js';
import { cell, checkOf, expectation, metricsWith, resultsWith, spread } from './support.js';

const fast = metricsWith({ nodeHours: 240, latenciesMs: spread(50, 1000, 2000), falseSuspicions: 30 });
const slow = metricsWith({ nodeHours: 240, latenciesMs: spread(50, 4000, 6000), falseSuspicions: 0 });

describe('the gate', () => {
  const sweep = resultsWith([cell('1s', fast, { 'detector.timeout': '1s' }), cell('5s', slow, { 'detector.timeout': '5s' })]);
  const withAnalysis = { ...sweep, analysis: analyze(sweep.cells) };

  it('checks every cell, the recommended one, or the one named', () => {
    expect(cellsToCheck(sweep, { kind: 'all' }).map((c) => c.id)).toEqual(['1s', '5s']);
    // 30 false suspicions in 10 node-days miss the default target of 1/node-day; the 5 s cell is recommended.
    expect(cellsToCheck(withAnalysis, { kind: 'recommended' }).map((c) => c.id)).toEqual(['5s']);
    expect(cellsToCheck(sweep, { kind: 'recommended' }).map((c) => c.id)).toEqual(['5s']);
    expect(cellsToCheck(sweep, { kind: 'cell', id: '1s' }).map((c) => c.id)).toEqual(['1s']);
    expect(() => cellsToCheck(sweep, { kind: 'cell', id: '2s' })).toThrow(RangeError);
  });

  it('judges each threshold on each checked cell, in file order then cell order', () => {
    const spec = { expectations: [expectation('detection_latency_ms.p99', '<= 3s'), expectation('false_suspicions.per_node_day', '<= 1')], inconclusive: 'warn' as const, cells: { kind: 'all' as const } };
    const check = checkResults(sweep, spec, 'scenarios/x.yaml');
    expect(check.items.map((i) => `${i.expectation.metric}@${i.cell}=${i.verdict.outcome}`)).toEqual([
      'detection_latency_ms.p99@1s=pass',
      'detection_latency_ms.p99@5s=fail',
      'false_suspicions.per_node_day@1s=fail',
      'false_suspicions.per_node_day@5s=pass',
    ]);
    expect(check.swept).toBe(true);
  });

  it('fails on a breach, on an undecided threshold only under inconclusive: fail, and on a regression only when asked', () => {
    const undecided = checkOf([['false_suspicions.per_node_day', '<= 0.1']], metricsWith({ nodeHours: 240 }));
    expect(tally([undecided])).toMatchObject({ thresholds: 1, inconclusive: 1, inconclusiveFailing: 0 });
    expect(gateFails([undecided], false)).toBe(false);
    const strict = checkOf([['false_suspicions.per_node_day', '<= 0.1']], metricsWith({ nodeHours: 240 }), { inconclusive: 'fail' });
    expect(gateFails([strict], false)).toBe(true);
    const breached = checkOf([['false_suspicions.per_node_day', '<= 0.1']], fast);
    expect(gateFails([breached], false)).toBe(true);
    const regressed = { ...undecided, baseline: { seed: '1', toolVersion: 't', compared: ['default'], missingCells: [], regressions: [{} as never], improvements: [], changedFields: [] } };
    expect(gateFails([regressed], false)).toBe(false);
    expect(gateFails([regressed], true)).toBe(true);
  });

  it('prints a table with the verdict, the measured value and the interval, then why each threshold did not hold and where it is', () => {
    const check = checkOf(
      [
        ['detection_latency_ms.p99', '<= 3s'],
        ['false_suspicions.per_node_day', '<= 1'],
        ['query_accuracy', '>= 99.99%'],
      ],
      fast,
    );
    const lines = checkLines(check);
    expect(lines[0]).toBe('x — scenarios/x.yaml');
    expect(lines[1]).toMatch(/^verdict +threshold +measured +95 % interval +judged on$/);
    expect(lines[2]).toMatch(/^held +detection_latency_ms\.p99 <= 3s +1\.99 s +– +point value$/);
    expect(lines[3]).toMatch(/^BREACHED +false_suspicions\.per_node_day <= 1 +3 +2\.02–4\.28 +interval \(exact Poisson\)$/);
    expect(lines[4]).toMatch(/^held +query_accuracy >= 99\.99% +100 % +100 %–100 % +interval \(per-node ratio\)$/);
    expect(lines[5]).toBe('  scenarios/x.yaml:21:34 false_suspicions.per_node_day <= 1: breached: the whole exact Poisson 95 % interval (2.02–4.28) is above 1');
    expect(lines).toHaveLength(6);
    expect(closingLine([check])).toBe('hbsim check failed: 1 threshold breached (3 thresholds in 1 scenario)');
  });

  it('never closes with a line a CI log reader would take for a test runner\'s "N passed, N failed"', () => {
    const ok = checkOf([['false_suspicions.per_node_day', '<= 100']]);
    expect(closingLine([ok])).toBe('hbsim check passed: all 1 threshold in 1 scenario held');
    expect(closingLine([ok])).not.toMatch(/\d+ passed, \d+ failed/);
  });
});

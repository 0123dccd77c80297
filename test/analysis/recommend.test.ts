import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analysis/index.js';
import { DEFAULT_MAX_FALSE_SUSPICIONS_PER_NODE_DAY, effectiveTargets, recommend } from '../../src/analysis/recommend.js';
import { cellWith } from '../report/fixtures.js';

const grid = (interval: string, timeout: string) => ({ 'heartbeat.interval': interval, 'detector.timeout': timeout });

describe('recommend', () => {
  it('states the lowest-latency cell that meets the default target in words, with its numbers', () => {
    const cells = [
      cellWith('250ms/1s', 900, 3, { fsHigh: 4.1, params: grid('250ms', '1s') }),
      cellWith('500ms/2s', 2300, 0.01, { fsHigh: 0.04, params: grid('500ms', '2s') }),
      cellWith('1s/5s', 5100, 0, { fsHigh: 0.02, params: grid('1s', '5s') }),
    ];
    const r = recommend(cells);
    expect(r).toEqual({
      cell: '500ms/2s',
      met: true,
      unreachable: [],
      sentence: 'Interval 500 ms, timeout 2 s: p99 detection 2.3 s, at most 0.04 false suspicions per node-day (95 %).',
    });
  });

  it(`applies at most ${DEFAULT_MAX_FALSE_SUSPICIONS_PER_NODE_DAY} false suspicion per node-day when no target is given`, () => {
    expect(effectiveTargets()).toEqual({ maxFalseSuspicionsPerNodeDay: 1 });
    expect(effectiveTargets({ maxDetectionP99Ms: 2000 })).toEqual({ maxFalseSuspicionsPerNodeDay: 1, maxDetectionP99Ms: 2000 });
  });

  it('checks the false-suspicion target against the upper end of the interval, not the estimate', () => {
    const cells = [cellWith('lucky', 1000, 0.5, { fsHigh: 1.5 }), cellWith('safe', 3000, 0.1, { fsHigh: 0.3 })];
    expect(recommend(cells).cell).toBe('safe');
    expect(recommend(cells, { maxFalseSuspicionsPerNodeDay: 2 }).cell).toBe('lucky');
  });

  it('honours a p99 target and a P_A target (checked against the lower end of its interval)', () => {
    const cells = [
      cellWith('fast', 800, 0.2, { fsHigh: 0.5, queryAccuracy: 0.9995, qaLow: 0.998 }),
      cellWith('medium', 1500, 0.1, { fsHigh: 0.3, queryAccuracy: 0.9999, qaLow: 0.9998 }),
      cellWith('slow', 4000, 0, { fsHigh: 0.1, queryAccuracy: 0.99999, qaLow: 0.99995 }),
    ];
    expect(recommend(cells, { minQueryAccuracy: 0.999 }).cell).toBe('medium');
    expect(recommend(cells, { minQueryAccuracy: 0.9999 }).cell).toBe('slow');
    expect(recommend(cells, { minQueryAccuracy: 0.9999, maxDetectionP99Ms: 5000 }).cell).toBe('slow');
    expect(recommend(cells, { minQueryAccuracy: 0.999 }).sentence).toContain('P_A at least 99.98 % (95 %)');
  });

  it('breaks a p99 tie by the lower false-suspicion bound, then by fewer messages', () => {
    const cells = [
      cellWith('a', 1000, 0.1, { fsHigh: 0.5, messages: 2 }),
      cellWith('b', 1000, 0.1, { fsHigh: 0.4, messages: 4 }),
      cellWith('c', 1000, 0.1, { fsHigh: 0.4, messages: 1 }),
    ];
    expect(recommend(cells).cell).toBe('c');
  });

  it('ranks cells without a detected crash after every cell with a latency', () => {
    const cells = [cellWith('unknown', null, 0, { fsHigh: 0.1 }), cellWith('known', 9000, 0.1, { fsHigh: 0.5 })];
    expect(recommend(cells).cell).toBe('known');
    expect(recommend([cells[0]!]).sentence).toContain('no crash detected');
  });

  it('names the unreachable target and the closest cell when no cell meets it', () => {
    const cells = [
      cellWith('100ms/3x', 300, 30, { fsHigh: 40, params: grid('100ms', '3x') }),
      cellWith('1s/3x', 3000, 2, { fsHigh: 2.5, params: grid('1s', '3x') }),
      cellWith('1s/8x', 8000, 1.5, { fsHigh: 2.2, params: grid('1s', '8x') }),
    ];
    const r = recommend(cells);
    expect(r.met).toBe(false);
    expect(r.unreachable).toEqual(['maxFalseSuspicionsPerNodeDay']);
    expect(r.cell).toBe('1s/8x');
    expect(r.sentence).toBe(
      'No cell meets the false-suspicion target (at most 1 per node-day, 95 % upper bound). ' +
        'Closest: interval 1 s, timeout 8x: p99 detection 8 s, at most 2.2 false suspicions per node-day (95 %).',
    );
  });

  it('says when the targets hold separately but never together', () => {
    const cells = [cellWith('fast-noisy', 500, 5, { fsHigh: 8 }), cellWith('slow-clean', 6000, 0.1, { fsHigh: 0.3 })];
    const r = recommend(cells, { maxDetectionP99Ms: 1000 });
    expect(r.met).toBe(false);
    expect(r.unreachable).toEqual([]);
    expect(r.sentence).toMatch(/^No cell meets the false-suspicion target .* and the detection target \(p99 at most 1 s\) at once\. Closest: /);
  });

  it('points out when a zero count is too little exposure to show the target', () => {
    const cells = [cellWith('quiet', 2000, 0, { fsHigh: 2.9 }), cellWith('noisy', 500, 20, { fsHigh: 30 })];
    const r = recommend(cells, { maxFalseSuspicionsPerNodeDay: 0.5 });
    expect(r.cell).toBe('quiet');
    // −ln(0.05) / 0.5 node-days ≈ 5.99 node-days ≈ 144 node-hours.
    expect(r.sentence).toContain('One cell saw no false suspicion, but 240 node-hours cannot show a rate below 0.5 per node-day: that takes at least 140 node-hours per cell');
  });

  it('speaks of "the configuration" when nothing is swept', () => {
    const ok = cellWith('default', 2000, 0.1, { fsHigh: 0.2, params: {} });
    expect(recommend([ok]).sentence).toBe('The configuration meets the targets: p99 detection 2 s, at most 0.2 false suspicions per node-day (95 %).');
    const bad = cellWith('default', 2000, 3, { fsHigh: 5, params: {} });
    expect(recommend([bad]).sentence).toBe(
      'The configuration misses the false-suspicion target (at most 1 per node-day, 95 % upper bound): p99 detection 2 s, at most 5 false suspicions per node-day (95 %).',
    );
  });

  it('says so when there are no cells', () => {
    expect(recommend([])).toEqual({ cell: null, met: false, unreachable: [], sentence: 'No cells to recommend from.' });
  });

  it('refuses targets that cannot be targets', () => {
    expect(() => recommend([], { maxFalseSuspicionsPerNodeDay: -1 })).toThrow(RangeError);
    expect(() => recommend([], { maxDetectionP99Ms: 0 })).toThrow(RangeError);
    expect(() => recommend([], { minQueryAccuracy: 1.5 })).toThrow(RangeError);
  });
});

describe('analyze', () => {
  it('bundles the targets used, the frontier ids and the recommendation', () => {
    const cells = [cellWith('a', 1000, 5, { fsHigh: 7 }), cellWith('b', 3000, 0.2, { fsHigh: 0.5 }), cellWith('c', 4000, 0.3, { fsHigh: 0.6 })];
    expect(analyze(cells)).toEqual({
      targets: { maxFalseSuspicionsPerNodeDay: 1 },
      frontier: ['b', 'a'],
      recommendation: expect.objectContaining({ cell: 'b', met: true }),
    });
  });
});

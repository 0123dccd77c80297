import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cellLabel,
  formatAccuracy,
  formatDurationMs,
  formatParamValue,
  formatRate,
  formatSignificant,
  shortParamNames,
} from '../../src/analysis/format.js';
import { cellWith } from '../report/fixtures.js';

describe('formatDurationMs', () => {
  it.each([
    [0, '0 ms'],
    [0.25, '250 µs'],
    [12.345, '12.3 ms'],
    [999, '999 ms'],
    [2300, '2.3 s'],
    [2312, '2.31 s'],
    [90_000, '90 s'],
    [150_000, '2.5 min'],
    [10_800_000, '3 h'],
  ])('%s ms reads "%s"', (ms, text) => {
    expect(formatDurationMs(ms)).toBe(text);
  });
});

describe('formatSignificant', () => {
  it('keeps 3 significant digits without exponent or trailing zeros', () => {
    expect(formatSignificant(0.000123456)).toBe('0.000123');
    expect(formatSignificant(36316.7)).toBe('36300');
    expect(formatSignificant(2.5)).toBe('2.5');
    expect(formatSignificant(0.04, 2)).toBe('0.04');
  });
});

describe('formatRate', () => {
  it('gives a zero count with the bound it still allows, never "0 %"', () => {
    expect(formatRate({ count: 0, per_node_hour: 0, per_node_day: 0, ci95_low: 0, ci95_high: 3.68888 })).toBe('0 (≤ 3.69/node-day, 95 %)');
  });

  it('gives a non-zero rate with its interval to 2–3 significant digits', () => {
    expect(formatRate({ count: 12, per_node_hour: 0.005, per_node_day: 0.123456, ci95_low: 0.0637, ci95_high: 0.2157 })).toBe('0.123 (0.064–0.22)');
  });
});

describe('formatAccuracy', () => {
  it('shows enough decimals to see the distance from 1', () => {
    expect(formatAccuracy(0.9999123)).toBe('99.9912 %');
    expect(formatAccuracy(0.97)).toBe('97 %');
    expect(formatAccuracy(1)).toBe('100 %');
    expect(formatAccuracy(null)).toBe('–');
  });

  it('never rounds a value below 1 up to 100 % (fast-check)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), (p) => {
        expect(formatAccuracy(p)).not.toMatch(/^100/);
      }),
    );
  });
});

describe('labels', () => {
  it('spaces a duration as written and leaves other values alone', () => {
    expect(formatParamValue('500ms')).toBe('500 ms');
    expect(formatParamValue('2s')).toBe('2 s');
    expect(formatParamValue('10us')).toBe('10 µs');
    expect(formatParamValue('3x')).toBe('3x');
    expect(formatParamValue(0.01)).toBe('0.01');
    expect(formatParamValue('1h30m')).toBe('1h30m');
  });

  it('names a cell by the last segment of each swept path, or the full path where two collide', () => {
    expect(shortParamNames(['heartbeat.interval', 'detector.timeout'])).toEqual(
      new Map([
        ['heartbeat.interval', 'interval'],
        ['detector.timeout', 'timeout'],
      ]),
    );
    expect([...shortParamNames(['a.timeout', 'b.timeout']).values()]).toEqual(['a.timeout', 'b.timeout']);
    const cell = cellWith('x', 1, 0, { params: { 'heartbeat.interval': '500ms', 'detector.timeout': '2s' } });
    expect(cellLabel(cell, ['heartbeat.interval', 'detector.timeout'])).toBe('interval 500 ms, timeout 2 s');
    expect(cellLabel(cellWith('default', 1, 0, { params: {} }), [])).toBe('the configuration');
  });
});

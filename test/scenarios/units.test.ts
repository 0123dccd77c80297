import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, MAX_DURATION_US, formatRate, formatSignedDuration, parseDurationUs, parseProbability, parseRate, parseRelative, parseSignedDurationUs, rateMeanGapUs } from '../../src/scenarios/units.js';

const us = (input: unknown) => {
  const r = parseDurationUs(input);
  return r.ok ? r.value : `error: ${r.reason}`;
};

describe('durations', () => {
  it.each([
    ['250ms', 250_000],
    ['3s', 3_000_000],
    ['5m', 300_000_000],
    ['5min', 300_000_000],
    ['1h', 3_600_000_000],
    ['1d', 86_400_000_000],
    ['1.5s', 1_500_000],
    ['.5s', 500_000],
    ['1h30m', 5_400_000_000],
    ['1m 30s', 90_000_000],
    ['250 ms', 250_000],
    ['100us', 100],
    ['100µs', 100],
    ['1.001s', 1_001_000],
    ['0', 0],
    ['0s', 0],
    [0, 0],
  ])('reads %j as %d µs', (text, expected) => {
    expect(us(text)).toBe(expected);
  });

  it('refuses a bare number other than 0, because it has no unit', () => {
    expect(us(1000)).toMatch(/bare number has no unit/);
  });

  it.each([
    ['5sec', /unknown unit "sec"/],
    ['5constructor', /unknown unit "constructor"/],
    ['5toString', /unknown unit/],
    ['5', /no unit after 5/],
    ['-5s', /negative/],
    ['0.5us', /finer than one microsecond/],
    ['1.0000000001s', /too many decimals/],
    ['9999999999999999d', /too large/],
    ['fast', /^error: $/],
    ['', /^error: $/],
  ])('refuses %j', (text, reason) => {
    expect(us(text)).toMatch(reason);
  });

  it('refuses values that are not strings or numbers', () => {
    for (const v of [null, undefined, true, [], {}]) expect(parseDurationUs(v).ok).toBe(false);
  });

  it.each([
    [0, '0s'],
    [1, '1us'],
    [1_500, '1.5ms'],
    [250_000, '250ms'],
    [1_500_000, '1.5s'],
    [90_000_000, '1.5m'],
    [86_400_000_000, '1d'],
    [1_234_567, '1234.567ms'],
  ])('spells %d µs as %s', (value, text) => {
    expect(formatDuration(value)).toBe(text);
  });

  it('survives a round trip through format and parse', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: MAX_DURATION_US })), (value) => {
        expect(us(formatDuration(value))).toBe(value);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the longest duration', () => {
  it('is 6500d, and one microsecond more is refused with the limit stated (issue 16)', () => {
    expect(formatDuration(MAX_DURATION_US)).toBe('6500d');
    expect(us('6500d')).toBe(MAX_DURATION_US);
    const over = parseDurationUs('6500d1us');
    expect(over.ok).toBe(false);
    expect(over.ok ? '' : over.reason).toBe('too large; at most 6500d, about 17.8 years: simulated time is whole µs below 2^53, and sums of a few spans must stay exact');
  });
});

describe('probabilities', () => {
  it.each([
    [0.01, 0.01],
    ['1%', 0.01],
    ['0.5 %', 0.005],
    ['100%', 1],
    ['99.99%', 0.9999],
    [0, 0],
    [1, 1],
  ])('reads %j as %d', (input, expected) => {
    const r = parseProbability(input);
    expect(r.ok && r.value).toBe(expected);
  });

  it.each([1.5, -0.1, '150%', '-1%', 'often', Number.NaN, Number.POSITIVE_INFINITY, null])('refuses %j', (input) => {
    expect(parseProbability(input).ok).toBe(false);
  });
});

describe('relative lengths', () => {
  it('reads "3x" as a multiple and "3s" as an absolute length', () => {
    expect(parseRelative('3x')).toEqual({ ok: true, value: { kind: 'multiple', factor: 3 } });
    expect(parseRelative('2.5x')).toEqual({ ok: true, value: { kind: 'multiple', factor: 2.5 } });
    expect(parseRelative('3s')).toEqual({ ok: true, value: { kind: 'absolute', us: 3_000_000 } });
    expect(parseRelative('0x').ok).toBe(false);
    expect(parseRelative('x').ok).toBe(false);
  });
});

describe('signed durations (clock steps)', () => {
  it.each([
    ['-500ms', -500_000],
    ['+2s', 2_000_000],
    ['- 1m', -60_000_000],
    ['250ms', 250_000],
    ['0', 0],
  ])('reads %j as %d µs', (text, expected) => {
    expect(parseSignedDurationUs(text)).toEqual({ ok: true, value: expected });
  });

  it('refuses a sign without a duration, and survives a round trip', () => {
    expect(parseSignedDurationUs('-').ok).toBe(false);
    expect(parseSignedDurationUs('--1s').ok).toBe(false);
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (v) => {
        expect(parseSignedDurationUs(formatSignedDuration(v))).toEqual({ ok: true, value: v === 0 ? 0 : v });
      }),
    );
  });
});

describe('rates', () => {
  it.each([
    ['6/h', 600_000_000],
    ['0.5/min', 120_000_000],
    ['2/d', 43_200_000_000],
    ['1 / s', 1_000_000],
  ])('reads %j as a mean gap of %d µs', (text, gapUs) => {
    const r = parseRate(text);
    expect(r.ok).toBe(true);
    if (r.ok) expect(rateMeanGapUs(r.value)).toBe(gapUs);
  });

  it.each([
    ['6', /bare number/],
    ['0/h', /must be > 0/],
    ['6/fortnight', /unknown unit "fortnight"/],
    ['3000000/s', /more than one event per microsecond/],
    ['often', /^$/],
  ])('refuses %j', (text, reason) => {
    const r = parseRate(text === '6' ? 6 : text);
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(reason) });
  });

  it('spells a rate as it was read', () => {
    const r = parseRate('6/h');
    expect(r.ok && formatRate(r.value)).toBe('6/h');
  });
});

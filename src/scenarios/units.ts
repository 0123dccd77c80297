/**
 * Units as people write them in scenario files, and back: durations ("250ms",
 * "1.5s", "1h30m") to integer microseconds, probabilities ("1%", 0.01) to numbers,
 * and values relative to another field ("3x" = three times the heartbeat interval).
 *
 * This is the only place that parses units. Parsers return a result instead of
 * throwing, so the schema can turn a failure into a located validation error.
 * Knows nothing of YAML, zod or files.
 */

/** `reason` says what is specifically wrong, or is "" when nothing more than "not a …" can be said. */
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (reason: string): Parsed<never> => ({ ok: false, reason });

/** Microseconds per unit, largest first (the order `formatDuration` tries them in). */
export const DURATION_UNITS = [
  ['d', 86_400_000_000],
  ['h', 3_600_000_000],
  ['m', 60_000_000],
  ['s', 1_000_000],
  ['ms', 1_000],
  ['us', 1],
] as const;

const UNIT_US: Readonly<Record<string, number>> = {
  d: 86_400_000_000,
  h: 3_600_000_000,
  m: 60_000_000,
  min: 60_000_000,
  s: 1_000_000,
  ms: 1_000,
  us: 1,
  'µs': 1, // U+00B5 micro sign
  'μs': 1, // U+03BC Greek mu
};

export const DURATION_EXAMPLES = '250ms, 1.5s, 5m, 1h or 1d';

/**
 * The longest duration a scenario may state: 6500 days (about 17.8 years, just under
 * 2^49 µs). Simulated time is whole microseconds in a double, exact below 2^53; the
 * engine adds a few such spans (warm-up + duration + pause + timeout, a relative value
 * times the interval), and every sum must stay exact.
 */
export const MAX_DURATION_US = 6500 * 86_400_000_000;
export const MAX_DURATION_TEXT = '6500d, about 17.8 years: simulated time is whole µs below 2^53, and sums of a few spans must stay exact';

/** One "<number><unit>" part; parts may follow each other ("1h30m"). */
const PART = /^(\d+(?:\.\d*)?|\.\d+)\s*([A-Za-zµμ]*)/;
/** More fraction digits than this cannot change a whole-µs result and only invite float surprises. */
const MAX_FRACTION_DIGITS = 9;

/**
 * A duration in whole microseconds. Accepts a string of one or more
 * "<number><unit>" parts with units us (or µs), ms, s, m (or min), h, d, and the
 * bare number 0. A bare non-zero number is refused: it has no unit.
 */
export function parseDurationUs(input: unknown): Parsed<number> {
  if (typeof input === 'number') {
    if (input === 0) return ok(0);
    return fail(`a bare number has no unit; write it with one, e.g. "${input}ms" or "${input}s"`);
  }
  if (typeof input !== 'string') return fail('');
  let rest = input.trim();
  if (rest === '') return fail('');
  if (rest === '0') return ok(0);
  if (rest.startsWith('-')) return fail('durations cannot be negative');
  let totalUs = 0;
  let parts = 0;
  while (rest.length > 0) {
    const m = PART.exec(rest);
    if (!m) return fail(parts === 0 ? '' : `unexpected "${rest}" after the number`);
    const digits = m[1]!;
    const unit = m[2]!;
    if (unit === '') return fail(`no unit after ${digits}; add one of us, ms, s, m, h, d`);
    const unitUs = Object.hasOwn(UNIT_US, unit) ? UNIT_US[unit] : undefined;
    if (unitUs === undefined) return fail(`unknown unit "${unit}"; use us, ms, s, m, h or d`);
    const dot = digits.indexOf('.');
    const whole = dot < 0 ? digits : digits.slice(0, dot);
    const fraction = dot < 0 ? '' : digits.slice(dot + 1);
    if (fraction.length > MAX_FRACTION_DIGITS) return fail('too many decimals');
    // whole·unit + fraction·unit / 10^k, computed on integers so 1.001s is exactly 1 001 000 µs.
    const wholeUs = Number(whole === '' ? '0' : whole) * unitUs;
    const scaledFraction = Number(fraction === '' ? '0' : fraction) * unitUs;
    const divisor = 10 ** fraction.length;
    if (!Number.isSafeInteger(wholeUs) || !Number.isSafeInteger(scaledFraction)) return fail('too large');
    if (scaledFraction % divisor !== 0) return fail('finer than one microsecond');
    totalUs += wholeUs + scaledFraction / divisor;
    if (!(totalUs <= MAX_DURATION_US)) return fail(`too large; at most ${MAX_DURATION_TEXT}`);
    parts++;
    rest = rest.slice(m[0].length).trimStart();
  }
  return ok(totalUs);
}

/**
 * The canonical spelling of a duration: the largest unit in which it needs at most
 * three decimals ("1.5s", "90ms", "1.25h", "1d"). `parseDurationUs` inverts it exactly.
 */
export function formatDuration(valueUs: number): string {
  if (!Number.isSafeInteger(valueUs) || valueUs < 0) throw new RangeError(`not a duration in µs: ${valueUs}`);
  if (valueUs === 0) return '0s';
  for (const [name, unitUs] of DURATION_UNITS) {
    if (valueUs < unitUs) continue;
    // At most three decimals: the value is a whole number of thousandths of the unit.
    if (unitUs === 1) return `${valueUs}${name}`;
    if (valueUs % (unitUs / 1000) !== 0) continue;
    // Integer arithmetic: valueUs / unitUs in floating point misprints values near 2^53.
    const value = BigInt(valueUs);
    const unit = BigInt(unitUs);
    const thousandths = (value % unit) / (unit / 1000n);
    const fraction = thousandths === 0n ? '' : `.${thousandths.toString().padStart(3, '0').replace(/0+$/, '')}`;
    return `${value / unit}${fraction}${name}`;
  }
  return `${valueUs}us`;
}

/** A probability: a number in [0, 1], or a percentage string in [0 %, 100 %]. */
export function parseProbability(input: unknown): Parsed<number> {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0 || input > 1) return fail('outside [0, 1]');
    return ok(input);
  }
  if (typeof input !== 'string') return fail('');
  const m = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*%\s*$/.exec(input);
  if (!m) return fail('');
  const percent = Number(m[1]);
  if (percent > 100) return fail('above 100%');
  // "99.99e-2" is read as the double nearest 0.9999; 99.99 / 100 would not be.
  return ok(Number(`${m[1]}e-2`));
}

/** A length given either outright or as a multiple of a reference length. */
export type Relative = { readonly kind: 'absolute'; readonly us: number } | { readonly kind: 'multiple'; readonly factor: number };

const MULTIPLE = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*[x×]\s*$/;

export function parseRelative(input: unknown): Parsed<Relative> {
  if (typeof input === 'string') {
    const m = MULTIPLE.exec(input);
    if (m) {
      const factor = Number(m[1]);
      if (!(factor > 0) || !Number.isFinite(factor)) return fail('the multiple must be > 0');
      return ok({ kind: 'multiple', factor });
    }
  }
  const d = parseDurationUs(input);
  return d.ok ? ok({ kind: 'absolute', us: d.value }) : d;
}

export function formatRelative(value: Relative): string {
  return value.kind === 'absolute' ? formatDuration(value.us) : `${value.factor}x`;
}

/** A duration that may be negative ("-500ms", "+2s", "0"): a clock step. */
export function parseSignedDurationUs(input: unknown): Parsed<number> {
  if (typeof input === 'string') {
    const m = /^\s*([+-])\s*(.*)$/s.exec(input);
    if (m) {
      const magnitude = parseDurationUs(m[2]!);
      if (!magnitude.ok) return magnitude;
      return ok(m[1] === '-' ? -magnitude.value : magnitude.value);
    }
  }
  return parseDurationUs(input);
}

/** The canonical spelling of a signed duration: "-500ms", "2s". */
export function formatSignedDuration(valueUs: number): string {
  return valueUs < 0 ? `-${formatDuration(-valueUs)}` : formatDuration(valueUs);
}

/** A rate of events: `count` per `unit` ("6/h" is 6 per hour). */
export interface Rate {
  readonly count: number;
  readonly unit: string;
}

export const RATE_EXAMPLES = '6/h, 0.5/min or 2/d';

/**
 * A rate written "<number>/<unit>" with a time unit of `parseDurationUs` ("6/h",
 * "0.5/min", "1/s", "2/d"). The count must be > 0: a rate of 0 is no fault at all.
 */
export function parseRate(input: unknown): Parsed<Rate> {
  if (typeof input !== 'string') return fail(typeof input === 'number' ? `a bare number has no unit; write e.g. "${input}/h"` : '');
  const m = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*\/\s*([A-Za-zµμ]+)\s*$/.exec(input);
  if (!m) return fail('');
  const unit = m[2]!;
  if (!Object.hasOwn(UNIT_US, unit)) return fail(`unknown unit "${unit}"; use s, m, h or d`);
  const count = Number(m[1]);
  if (!(count > 0)) return fail('the rate must be > 0');
  if (Math.round(UNIT_US[unit]! / count) < 1) return fail('more than one event per microsecond');
  return ok({ count, unit });
}

export function formatRate(rate: Rate): string {
  return `${rate.count}/${rate.unit}`;
}

/** The mean time between events of a rate, in whole microseconds. */
export function rateMeanGapUs(rate: Rate): number {
  return Math.round(UNIT_US[rate.unit]! / rate.count);
}

/** Microseconds in a unit name accepted by `parseDurationUs`, or undefined. */
export function unitUs(unit: string): number | undefined {
  return Object.hasOwn(UNIT_US, unit) ? UNIT_US[unit] : undefined;
}

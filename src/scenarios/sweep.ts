/**
 * The arithmetic of a `sweep:` block: a range such as `{ from: 100ms, to: 5s, steps: 6,
 * scale: log }` turned into values written as a person would write them ("100ms",
 * "219ms", … "5s"), and the cartesian product of the swept values in a fixed order
 * with stable cell ids. Which values are valid is decided by the schema, after each
 * value is substituted into the document (load.ts).
 *
 * Pure: no zod, no files.
 */
import type { ParamValue } from '../results/results-file.js';
import { formatDuration, parseDurationUs, parseRelative, type Parsed } from './units.js';

export type { ParamValue };

/** A range of values, as written under a swept path. */
export interface SweepRange {
  readonly from: string | number;
  readonly to: string | number;
  readonly steps: number;
  readonly scale: 'linear' | 'log';
}

/** What a swept path takes: a list of values as written, or a range. */
export type SweepEntry = readonly ParamValue[] | SweepRange;

export const MAX_SWEEP_VALUES = 1000;

/** The kinds of value a range can span; both ends must be of the same kind. */
type RangeKind = { kind: 'duration'; value: number } | { kind: 'multiple'; value: number } | { kind: 'percent'; value: number } | { kind: 'number'; value: number };

function rangeEnd(input: string | number): { ok: true; value: RangeKind } | { ok: false; reason: string } {
  if (typeof input === 'number') return Number.isFinite(input) ? { ok: true, value: { kind: 'number', value: input } } : { ok: false, reason: 'not a finite number' };
  const percent = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*%\s*$/.exec(input);
  if (percent) return { ok: true, value: { kind: 'percent', value: Number(percent[1]) } };
  const relative = parseRelative(input);
  if (relative.ok && relative.value.kind === 'multiple') return { ok: true, value: { kind: 'multiple', value: relative.value.factor } };
  const duration = parseDurationUs(input);
  if (duration.ok) return { ok: true, value: { kind: 'duration', value: duration.value } };
  return { ok: false, reason: duration.reason };
}

/** `value` rounded to three significant digits (ranges write readable values, "219ms" not "218.672ms"). */
function significant(value: number): number {
  return value === 0 ? 0 : Number(value.toPrecision(3));
}

function written(kind: RangeKind['kind'], value: number, exact: boolean): ParamValue {
  switch (kind) {
    case 'duration':
      return formatDuration(Math.round(exact ? value : significant(value)));
    case 'multiple':
      return `${exact ? value : significant(value)}x`;
    case 'percent':
      return `${exact ? value : significant(value)}%`;
    case 'number':
      return exact ? value : significant(value);
  }
}

export const RANGE_EXAMPLE = '{ from: 100ms, to: 5s, steps: 6, scale: log }';

/**
 * The values of a range, ends included and exact, the inner ones rounded to three
 * significant digits. Both ends must be the same kind of value: durations (100ms),
 * multiples (2x), percentages (0.1%) or numbers; `log` needs both ends above zero.
 * Whole-number ranges whose step is whole keep whole numbers. Values that round to
 * the same spelling are kept once.
 */
export function rangeValues(range: SweepRange): Parsed<ParamValue[]> {
  const from = rangeEnd(range.from);
  if (!from.ok) return { ok: false, reason: `from: expected a duration, a multiple such as 2x, a percentage or a number${from.reason === '' ? '' : ` (${from.reason})`}` };
  const to = rangeEnd(range.to);
  if (!to.ok) return { ok: false, reason: `to: expected a duration, a multiple such as 2x, a percentage or a number${to.reason === '' ? '' : ` (${to.reason})`}` };
  // A bare 0 is every kind's zero ({ from: 0, to: 1s }).
  if (from.value.kind === 'number' && from.value.value === 0) from.value = { kind: to.value.kind, value: 0 };
  if (to.value.kind === 'number' && to.value.value === 0) to.value = { kind: from.value.kind, value: 0 };
  if (from.value.kind !== to.value.kind) return { ok: false, reason: `from is a ${from.value.kind} and to is a ${to.value.kind}; both ends must be the same kind of value` };
  const kind = from.value.kind;
  const a = from.value.value;
  const b = to.value.value;
  if (range.scale === 'log' && !(a > 0 && b > 0)) return { ok: false, reason: 'a log scale needs both ends above zero' };
  const n = range.steps;
  const wholeStep = kind === 'number' && range.scale === 'linear' && Number.isInteger(a) && Number.isInteger(b) && Number.isInteger((b - a) / (n - 1));
  const out: ParamValue[] = [];
  for (let i = 0; i < n; i++) {
    const t = i / (n - 1);
    const end = i === 0 || i === n - 1;
    const value = i === 0 ? a : i === n - 1 ? b : range.scale === 'log' ? a * Math.pow(b / a, t) : a + (b - a) * t;
    const v = written(kind, wholeStep ? Math.round(value) : value, end || wholeStep);
    if (!out.includes(v)) out.push(v);
  }
  return { ok: true, value: out };
}

/** The values of an entry: the list as written, or the range expanded. */
export function sweepValues(entry: SweepEntry): Parsed<ParamValue[]> {
  if (Array.isArray(entry)) return { ok: true, value: [...(entry as readonly ParamValue[])] };
  return rangeValues(entry as SweepRange);
}

/** "default" when nothing is swept; otherwise the values as written, joined by "/" in sweep order. */
export const DEFAULT_CELL_ID = 'default';

export function cellId(values: readonly ParamValue[]): string {
  return values.length === 0 ? DEFAULT_CELL_ID : values.map(String).join('/');
}

/**
 * Every combination of the paths' values, the first path outermost (it changes
 * slowest), as index tuples. `sizes[i]` is the number of values of path i.
 */
export function productIndices(sizes: readonly number[]): number[][] {
  let tuples: number[][] = [[]];
  for (const size of sizes) {
    const next: number[][] = [];
    for (const t of tuples) for (let i = 0; i < size; i++) next.push([...t, i]);
    tuples = next;
  }
  return tuples;
}

/**
 * How the CI gate writes a metric's values for people: in the metric's unit (times as
 * durations, fractions as percentages with enough decimals to tell them from the bound,
 * rates and counts as numbers), and node-hours. Pure string work, shared by the
 * terminal table, JUnit, annotations and the step summary.
 */
import { formatAccuracy, formatCount, formatDurationMs, formatSignificant } from '../analysis/format.js';
import type { MetricUnit } from './measure.js';

/** A value of a metric in that metric's unit; `digits` significant digits for plain numbers. */
export function formatValue(value: number | null, unit: MetricUnit, digits = 3): string {
  if (value === null) return '–';
  if (value === Number.POSITIVE_INFINITY) return '∞';
  if (value === Number.NEGATIVE_INFINITY) return '−∞';
  switch (unit) {
    case 'ms':
      return formatDurationMs(value);
    case 's':
      return formatDurationMs(value * 1000);
    case 'fraction':
      return formatAccuracy(value);
    case 'count':
      return Number.isInteger(value) ? formatCount(value) : formatSignificant(value, digits);
    default:
      return formatSignificant(value, digits);
  }
}

/** A bound as the threshold states it, exact enough to compare with (up to 6 significant digits). */
export function formatBound(bound: number, unit: MetricUnit): string {
  if (unit === 'fraction') {
    // 99.99 % rather than a rounded 100 %.
    const percent = bound * 100;
    return `${Number(percent.toPrecision(8))} %`;
  }
  return formatValue(bound, unit, 6);
}

/** "0.0028–0.61", or with units "3.2 s–3.6 s". */
export function formatInterval(interval: readonly [number, number] | null, unit: MetricUnit): string {
  if (interval === null) return '–';
  return `${formatValue(interval[0], unit)}–${formatValue(interval[1], unit)}`;
}

/** "1,234 node-hours", "0.36 node-hours". */
export function formatNodeHours(hours: number): string {
  const rounded = hours >= 100 ? Math.round(hours) : Number(hours.toPrecision(2));
  return `${hours >= 100 ? formatCount(rounded) : String(rounded)} node-hours`;
}

/** A factor such as "×5.5" or "×120". */
export function formatFactor(factor: number): string {
  return `×${formatSignificant(factor, 2)}`;
}

/**
 * What the results say about one metric of one cell: its point value and, where the
 * results contract carries one, the 95 % interval the CI gate judges it by, plus what
 * is needed to say how much more simulated time would narrow that interval.
 *
 * Which interval for which metric (docs/ci.md):
 * - rates (`*.per_node_day`, `*.per_node_hour`): the exact (Garwood) Poisson interval
 *   `ci95_low`/`ci95_high` of the same block (per node-day; ÷ 24 for per node-hour);
 * - `mistake_recurrence_s.mean`: its own `ci95_low`/`ci95_high` (the Poisson interval
 *   inverted; no false suspicion gives [low, ∞));
 * - `query_accuracy`: `query_accuracy_ci95`;
 * - `detection_latency_ms.p99`, `detection_to_dead_ms.p99`: `p99_ci95` when present;
 * - `pauses.fraction`: `pauses.ci95` (exact binomial);
 * - everything else (counts, means, other quantiles, `longest_pause_survived_ms`, and
 *   the interval ends themselves): the point value alone.
 *
 * Reads results only, defensively: a baseline written by another version may lack a
 * field, which then reads as missing rather than throwing.
 */
import { METRIC_UNITS, type MetricUnit } from '../scenarios/expect.js';

export type { MetricUnit };

/** Why an interval is what it is, in words for reports. */
export type IntervalKind = 'exact Poisson' | 'order-statistic' | 'exact binomial' | 'per-node ratio';

export interface Measurement {
  readonly metric: string;
  readonly unit: MetricUnit;
  /** The point estimate; null when the results have none (no sample, or not computed). */
  readonly value: number | null;
  /** The 95 % interval, or null when the metric is judged on its point value. An end may be ±Infinity. */
  readonly interval: readonly [number, number] | null;
  readonly intervalKind: IntervalKind | null;
  /** Why there is no value, when `value` and `interval` are both missing. */
  readonly missing?: string;
  /** Why the point value is all there is (no interval in the results for this metric). */
  readonly pointOnly?: string;
  /**
   * For Poisson rates: the event count and the exposure (node-days), and how a value of
   * this metric converts to events per node-day, so the exposure that would decide a
   * bound can be solved exactly.
   */
  readonly poisson?: { readonly count: number; readonly nodeDays: number; readonly toPerNodeDay: (value: number) => number };
  /** Node-hours behind the measurement (the denominator of every rate). */
  readonly nodeHours: number | null;
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && !Number.isNaN(v);
const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function at(root: unknown, path: readonly string[]): unknown {
  let value = root;
  for (const key of path) {
    if (!isRecord(value) || !Object.hasOwn(value, key)) return undefined;
    value = value[key];
  }
  return value;
}

function pair(v: unknown): [number, number] | null {
  return Array.isArray(v) && v.length === 2 && isNumber(v[0]) && isNumber(v[1]) ? [v[0], v[1]] : null;
}

/** Why a metric has no value, in the words of what happened in the run. */
function missingReason(metric: string, metrics: unknown): string {
  const group = metric.split('.')[0]!;
  if (group === 'detection_latency_ms') return 'no crash was detected, so there is no detection latency';
  if (group === 'detection_to_dead_ms') return 'no crash reached DEAD (or the detector has no DEAD state), so there is no latency to it';
  if (group === 'mistake_duration_ms') return 'no false suspicion happened, so there is no mistake duration';
  if (metric === 'mistake_recurrence_s.mean' || metric === 'mistake_recurrence_s.ci95_high') return 'no false suspicion happened, so the recurrence is unbounded above';
  if (group === 'pauses') return 'no sender pause happened after the warm-up';
  if (metric === 'longest_pause_survived_ms') return 'the longest survivable pause was not computed';
  if (metric.startsWith('query_accuracy') || metric === 'messages_per_node_s') return at(metrics, ['node_hours']) === 0 ? 'no up-time was measured' : 'the results have no value for it';
  return 'the results have no value for it';
}

/** True for metrics judged by an interval whenever the results have one (the rest are point values). */
export function carriesInterval(metric: string): boolean {
  const last = metric.split('.').at(-1);
  return (
    last === 'per_node_day' ||
    last === 'per_node_hour' ||
    metric === 'mistake_recurrence_s.mean' ||
    metric === 'query_accuracy' ||
    metric === 'detection_latency_ms.p99' ||
    metric === 'detection_to_dead_ms.p99' ||
    metric === 'pauses.fraction'
  );
}

/**
 * The measurement of `metric` (a path of `METRIC_UNITS`) in a cell's metrics. Throws
 * RangeError for a path that is not a metric: the loader has already refused those.
 */
export function measure(metric: string, metrics: unknown): Measurement {
  const unit = METRIC_UNITS.get(metric);
  if (unit === undefined) throw new RangeError(`not a metric of the results contract: ${metric}`);
  const path = metric.split('.');
  const raw = at(metrics, path);
  const value = isNumber(raw) ? raw : null;
  const nodeHoursRaw = at(metrics, ['node_hours']);
  const nodeHours = isNumber(nodeHoursRaw) ? nodeHoursRaw : null;
  const base = { metric, unit, value, nodeHours };
  const point = (why: string): Measurement => (value === null ? { ...base, interval: null, intervalKind: null, missing: missingReason(metric, metrics) } : { ...base, interval: null, intervalKind: null, pointOnly: why });
  const last = path.at(-1)!;
  const parent = at(metrics, path.slice(0, -1));

  if ((last === 'per_node_day' || last === 'per_node_hour') && isRecord(parent) && isNumber(parent['ci95_low']) && isNumber(parent['ci95_high'])) {
    const perDay = last === 'per_node_day';
    const scale = perDay ? 1 : 1 / 24;
    const count = parent['count'];
    return {
      ...base,
      interval: [parent['ci95_low'] * scale, parent['ci95_high'] * scale],
      intervalKind: 'exact Poisson',
      ...(isNumber(count) && nodeHours !== null && nodeHours > 0 ? { poisson: { count, nodeDays: nodeHours / 24, toPerNodeDay: (v: number) => v / scale } } : {}),
    };
  }
  if (last === 'ci95_low' || last === 'ci95_high') return point('it is itself an end of a 95 % interval');

  if (metric === 'mistake_recurrence_s.mean') {
    const low = at(metrics, ['mistake_recurrence_s', 'ci95_low']);
    const high = at(metrics, ['mistake_recurrence_s', 'ci95_high']);
    if (!isNumber(low)) return point('the results carry no interval for it');
    const count = at(metrics, ['false_suspicions', 'count']);
    return {
      ...base,
      interval: [low, isNumber(high) ? high : Number.POSITIVE_INFINITY],
      intervalKind: 'exact Poisson',
      // T_MR (s) = 86 400 / (false suspicions per node-day).
      ...(isNumber(count) && nodeHours !== null && nodeHours > 0 ? { poisson: { count, nodeDays: nodeHours / 24, toPerNodeDay: (v: number) => 86_400 / v } } : {}),
      ...(value === null ? { missing: missingReason(metric, metrics) } : {}),
    };
  }
  if (metric === 'query_accuracy') {
    const interval = pair(at(metrics, ['query_accuracy_ci95']));
    return interval && value !== null ? { ...base, interval, intervalKind: 'per-node ratio' } : point('the results carry no interval for it');
  }
  if (metric === 'detection_latency_ms.p99' || metric === 'detection_to_dead_ms.p99') {
    const interval = pair(at(metrics, [path[0]!, 'p99_ci95']));
    return interval && value !== null ? { ...base, interval, intervalKind: 'order-statistic' } : point('too few samples for an interval of the 99th percentile');
  }
  if (metric === 'pauses.fraction') {
    const interval = pair(at(metrics, ['pauses', 'ci95']));
    return interval && value !== null ? { ...base, interval, intervalKind: 'exact binomial' } : point('the results carry no interval for it');
  }
  return point(unit === 'count' ? 'a count has no interval' : 'the results carry no interval for it');
}

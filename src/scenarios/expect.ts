/**
 * Thresholds on results (`expect:` in a scenario): which metric paths of the results
 * contract (docs/results.md) a threshold may name, in which unit each is, and how a
 * threshold such as "<= 5s", "< 0.1" or ">= 99.99%" reads. The CI gate compares them
 * with a results file; here they are only parsed.
 *
 * Pure: no zod, no files. The metric list mirrors `CellMetrics`
 * (src/results/cell-metrics.ts) plus the sweep's `longest_pause_survived_ms`; a test
 * checks it against the metrics a run really writes.
 */
import { parseDurationUs, type Parsed } from './units.js';

/**
 * How a metric's values read, and so which units a bound may carry:
 * - `ms`, `s`: a time in that unit; a bound may be a duration ("5s") or a bare number in the unit;
 * - `fraction`: a number in [0, 1]; a bound may be a percentage ("99.99%");
 * - `rate`, `count`, `number`: a bare number.
 */
export type MetricUnit = 'ms' | 's' | 'fraction' | 'rate' | 'count' | 'number';

const LATENCY = { count: 'count', mean: 'ms', p50: 'ms', p90: 'ms', p99: 'ms', max: 'ms' } as const;
const DURATIONS = { count: 'count', mean: 'ms', p50: 'ms', p99: 'ms', max: 'ms' } as const;
const EVENT_RATE = { count: 'count', per_node_hour: 'rate', per_node_day: 'rate', ci95_low: 'rate', ci95_high: 'rate' } as const;

const GROUPS: Readonly<Record<string, Readonly<Record<string, MetricUnit>>>> = {
  detection_latency_ms: LATENCY,
  detection_to_dead_ms: LATENCY,
  false_suspicions: EVENT_RATE,
  false_deaths: EVENT_RATE,
  flaps: EVENT_RATE,
  mistake_duration_ms: DURATIONS,
  mistake_recurrence_s: { mean: 's', ci95_low: 's', ci95_high: 's' },
  crashes: { count: 'count', detected: 'count', undetected: 'count', censored: 'count' },
  heartbeats: { sent: 'count', delivered: 'count', lost: 'count', partitioned: 'count', missed_while_paused: 'count', probes: 'count' },
  split_brain: { ...EVENT_RATE, total_ms: 'ms', max_ms: 'ms' },
  pauses: { count: 'count', mean_ms: 'ms', caused_false_suspicion: 'count', fraction: 'fraction' },
  readiness: {
    ...Object.fromEntries(Object.entries(DURATIONS).map(([k, unit]) => [`not_ready_detection_ms.${k}`, unit])),
    ...Object.fromEntries(Object.entries(EVENT_RATE).map(([k, unit]) => [`false_not_ready.${k}`, unit])),
    ready_accuracy: 'fraction',
  },
  membership: {
    members: 'count',
    ...Object.fromEntries(['first_suspicion_ms', 'first_dead_ms', 'dissemination_ms'].flatMap((g) => Object.entries(LATENCY).map(([k, unit]) => [`${g}.${k}`, unit]))),
    dissemination_incomplete: 'count',
    ...Object.fromEntries(['false_suspicions', 'false_deaths', 'suspect_views', 'dead_views'].flatMap((g) => Object.entries(EVENT_RATE).map(([k, unit]) => [`${g}.${k}`, unit]))),
    view_accuracy: 'fraction',
    ...Object.fromEntries(Object.keys(DURATIONS).map((k) => [`false_dead_reach.${k}`, k === 'count' ? 'count' : 'number'])),
    probes: 'count',
    failed_probes: 'count',
    probe_failure_fraction: 'fraction',
    refutations: 'count',
    ...Object.fromEntries(['ping', 'ack', 'ping_req', 'indirect', 'nack', 'gossip', 'push_pull', 'tcp_ping', 'syn', 'ack2', 'echo', 'total'].flatMap((k) => [[`messages_per_member_s.${k}`, 'rate'], [`bytes_per_member_s.${k}`, 'rate']])),
    max_awareness: 'number',
  },
};

const SINGLE: Readonly<Record<string, MetricUnit>> = {
  query_accuracy: 'fraction',
  messages_per_node_s: 'rate',
  node_hours: 'number',
  max_simultaneous_false_suspicions: 'count',
  mass_suspicion_events: 'count',
  longest_pause_survived_ms: 'ms',
};

/** Every metric path a threshold may name, with its unit, in the order of docs/results.md. */
export const METRIC_UNITS: ReadonlyMap<string, MetricUnit> = new Map<string, MetricUnit>([
  ...Object.entries(GROUPS).flatMap(([group, parts]) => Object.entries(parts).map(([part, unit]) => [`${group}.${part}`, unit] as [string, MetricUnit])),
  ...Object.entries(SINGLE),
]);

export const METRIC_PATHS: readonly string[] = [...METRIC_UNITS.keys()];

export const COMPARISONS = ['<=', '<', '>=', '>'] as const;
export type Comparison = (typeof COMPARISONS)[number];

/** A parsed threshold: the metric must satisfy `value op bound`, bound in the metric's unit. */
export interface Threshold {
  readonly metric: string;
  readonly op: Comparison;
  readonly bound: number;
  /** The condition as written ("<= 5s"). */
  readonly written: string;
}

export const THRESHOLD_EXAMPLES = '"<= 5s", "< 0.1" or ">= 99.99%"';

const CONDITION = /^\s*(<=|>=|<|>|≤|≥)\s*(\S.*?)\s*$/;
const NUMBER = /^[+-]?(\d+(?:\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;
const PERCENT = /^(\d+(?:\.\d*)?|\.\d+)\s*%$/;

/** Reads a condition such as "<= 5s" for a metric of the given unit. */
export function parseThreshold(metric: string, unit: MetricUnit, input: unknown): Parsed<Threshold> {
  if (typeof input !== 'string') return { ok: false, reason: typeof input === 'number' ? `write the comparison too, e.g. "<= ${input}"` : '' };
  const m = CONDITION.exec(input);
  if (!m) return { ok: false, reason: /^\s*(==?|!=)/.test(input) ? 'use <=, <, >= or >: an exact match of a simulated metric is a coin toss' : '' };
  const op = (m[1] === '≤' ? '<=' : m[1] === '≥' ? '>=' : m[1]) as Comparison;
  const text = m[2]!;
  const bound = parseBound(unit, text);
  if (!bound.ok) return bound;
  return { ok: true, value: { metric, op, bound: bound.value, written: input.trim() } };
}

function parseBound(unit: MetricUnit, text: string): Parsed<number> {
  if (NUMBER.test(text)) {
    const value = Number(text);
    if (!Number.isFinite(value)) return { ok: false, reason: 'not a finite number' };
    if (unit === 'fraction' && (value < 0 || value > 1)) return { ok: false, reason: `${text} is outside [0, 1]; write a fraction such as 0.9999 or a percentage such as 99.99%` };
    return { ok: true, value };
  }
  const percent = PERCENT.exec(text);
  if (percent) {
    if (unit !== 'fraction') return { ok: false, reason: `a percentage applies only to fractions (query_accuracy, pauses.fraction); this metric is a ${unit === 'number' ? 'plain number' : unit === 'ms' || unit === 's' ? 'time' : unit}` };
    const value = Number(`${percent[1]}e-2`);
    if (value > 1) return { ok: false, reason: 'above 100%' };
    return { ok: true, value };
  }
  const duration = parseDurationUs(text);
  if (duration.ok) {
    if (unit === 'ms') return { ok: true, value: duration.value / 1000 };
    if (unit === 's') return { ok: true, value: duration.value / 1_000_000 };
    return { ok: false, reason: `a duration applies only to times; this metric is a ${unit === 'number' ? 'plain number' : unit}` };
  }
  if (duration.reason !== '' && (unit === 'ms' || unit === 's')) return { ok: false, reason: duration.reason };
  return { ok: false, reason: `"${text}" is not a number${unit === 'ms' || unit === 's' ? ' or a duration' : unit === 'fraction' ? ' or a percentage' : ''}` };
}

/** What a bound for a metric of this unit looks like, for messages. */
export function boundPhrase(unit: MetricUnit): string {
  switch (unit) {
    case 'ms':
      return 'a duration such as 5s, or a number of milliseconds';
    case 's':
      return 'a duration such as 10m, or a number of seconds';
    case 'fraction':
      return 'a fraction such as 0.9999, or a percentage such as 99.99%';
    default:
      return 'a number';
  }
}

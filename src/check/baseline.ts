/**
 * Baselines, in the spirit of criterion's: the metrics of an accepted run, stored as
 * one JSON file per scenario (`<dir>/<name>.json`, schema `hbsim.baseline/1`), and the
 * comparison of a new run with them, which flags metrics that got worse beyond their
 * intervals even while every threshold still holds.
 *
 * The rule (docs/ci.md):
 * - a metric with a 95 % interval (rates, P_A, p99 latency, pause fraction) got worse
 *   when the new interval and the baseline's do not overlap in the bad direction: for
 *   a lower-is-better metric, new low > old high; for higher-is-better, new high < old
 *   low. Two non-overlapping 95 % intervals are a difference at well below the 1 %
 *   level, so a fixed-seed rerun of an unchanged simulator never trips it;
 * - a metric that has an interval when there are enough samples (p99, P_A, pause
 *   fraction) but lacks one on either side is not compared;
 * - a metric with only a point value got worse when it moved in the bad direction by
 *   more than `POINT_TOLERANCE` of the baseline value (and by more than one unit of
 *   resolution: 1 ms, one count), and both runs had at least `MIN_SAMPLES` samples
 *   behind a latency quantile.
 * Improvements are found the same way in the other direction and reported, not gated.
 *
 * Pure: parsing and comparing; the CLI reads and writes the files. A results file
 * (`hbsim.results/1`) is accepted as a baseline too: it has the same cells.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { RESULTS_SCHEMA, type ResultsFile } from '../results/results-file.js';
import { METRIC_UNITS } from '../scenarios/expect.js';
import { formatInterval, formatValue } from './format.js';
import { carriesInterval, measure, type Measurement } from './measure.js';

export const BASELINE_SCHEMA = 'hbsim.baseline/1';

/** Relative move of a point-only metric that counts as a change: 10 %. */
export const POINT_TOLERANCE = 0.1;
/** Latency quantiles without an interval are compared only with at least this many samples on both sides. */
export const MIN_SAMPLES = 20;

export interface BaselineCell {
  readonly id: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly metrics: unknown;
}

export interface BaselineFile {
  readonly schema: typeof BASELINE_SCHEMA;
  readonly tool: { readonly name: 'hbsim'; readonly version: string };
  readonly name: string;
  readonly source: string;
  readonly seed: string;
  readonly replications: number;
  /** The normalised scenario the baseline was run with, so a comparison can say what changed. */
  readonly scenario: unknown;
  readonly cells: readonly BaselineCell[];
}

/** A baseline from a results file: the cells' metrics and the scenario, without the timeline and the report's extras. */
export function baselineOf(results: ResultsFile): BaselineFile {
  return {
    schema: BASELINE_SCHEMA,
    tool: results.tool,
    name: results.name,
    source: results.source,
    seed: results.seed,
    replications: results.replications,
    scenario: results.scenario,
    cells: results.cells.map((c) => ({ id: c.id, params: c.params, metrics: c.metrics })),
  };
}

export function serializeBaseline(baseline: BaselineFile): string {
  return `${JSON.stringify(baseline, null, 2)}\n`;
}

/** A baseline file that cannot be used; the CLI reports it as bad input (exit 2). */
export class BaselineError extends Error {
  override readonly name = 'BaselineError';
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Deeper JSON than this is not a baseline (real ones are 5 levels deep); deeper would also risk the stack. */
export const MAX_BASELINE_DEPTH = 64;

/** The nesting depth of JSON text, counted without parsing (strings skipped). */
function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) max = Math.max(max, ++depth);
    else if (c === 125 || c === 93) depth--;
  }
  return max;
}

/** The shape a baseline must have to be compared with (zod: one message per problem, with its path). */
const baselineShape = z.looseObject({
  schema: z.union([z.literal(BASELINE_SCHEMA), z.literal(RESULTS_SCHEMA)]),
  name: z.string().min(1).optional(),
  scenario: z.record(z.string(), z.unknown()).optional(),
  cells: z
    .array(
      z.looseObject({
        id: z.string(),
        params: z.record(z.string(), z.unknown()).optional(),
        metrics: z.record(z.string(), z.unknown()),
      }),
    )
    .min(1),
});

/** Parses a baseline (or results) file's text; throws BaselineError saying what is wrong. */
export function parseBaseline(text: string): BaselineFile {
  if (jsonDepth(text) > MAX_BASELINE_DEPTH) throw new BaselineError(`is nested deeper than ${MAX_BASELINE_DEPTH} levels; a baseline is about 5 levels deep`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new BaselineError(`is not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!isRecord(data)) throw new BaselineError('is not a baseline: expected a JSON object');
  if (data['schema'] !== BASELINE_SCHEMA && data['schema'] !== RESULTS_SCHEMA) {
    throw new BaselineError(`has schema ${JSON.stringify(data['schema'])?.slice(0, 40)}; expected "${BASELINE_SCHEMA}" (written by hbsim check --save-baseline) or "${RESULTS_SCHEMA}"`);
  }
  const shaped = baselineShape.safeParse(data);
  if (!shaped.success) {
    const first = shaped.error.issues[0]!;
    const where = first.path.length === 0 ? 'the file' : `"${first.path.join('.')}"`;
    const what = first.path.at(-1) === 'cells' && first.code === 'too_small' ? 'has no cells' : first.path[0] === 'cells' ? `has no readable cells (${where})` : `has an unreadable ${where}`;
    throw new BaselineError(`${what}: expected { "schema": "${BASELINE_SCHEMA}", "name": …, "scenario": { … }, "cells": [{ "id": …, "metrics": { … } }, …] } as written by hbsim check --save-baseline`);
  }
  const cells = shaped.data.cells as unknown as Record<string, unknown>[];
  const tool = isRecord(data['tool']) && typeof data['tool']['version'] === 'string' ? data['tool']['version'] : '?';
  return {
    schema: BASELINE_SCHEMA,
    tool: { name: 'hbsim', version: tool },
    name: typeof data['name'] === 'string' ? data['name'] : '?',
    source: typeof data['source'] === 'string' ? data['source'] : '?',
    seed: typeof data['seed'] === 'string' ? data['seed'] : String(data['seed'] ?? '?'),
    replications: typeof data['replications'] === 'number' ? data['replications'] : 0,
    scenario: data['scenario'],
    cells: cells.map((c: Record<string, unknown>) => ({ id: c['id'] as string, params: isRecord(c['params']) ? c['params'] : {}, metrics: c['metrics'] })),
  };
}

/**
 * What makes two runs the same scenario for a comparison: the system simulated — the
 * cluster (its nodes and monitor) and the detector family. Parameters (intervals,
 * timeouts, loss, faults) are what a regression check is for: "I halved the timeout,
 * did anything get worse?" compares across them and lists them as changed fields. A
 * baseline of another system (db-ha's copied under seed-demo's name) differs here.
 */
function identityOf(scenario: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  if (!isRecord(scenario)) return out;
  out['cluster'] = scenario['cluster'];
  out['detector.kind'] = isRecord(scenario['detector']) ? scenario['detector']['kind'] : scenario['detector'];
  return out;
}

/** A short digest of the scenario's identity (sha-256 of its canonical JSON, 12 hex digits). */
export function scenarioDigest(scenario: unknown): string {
  return createHash('sha256').update(canonicalJson(identityOf(scenario))).digest('hex').slice(0, 12);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isRecord(value)) return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

/**
 * Why a baseline cannot gate this scenario, or null when it can: another name, or
 * another scenario under the same name (digest of the simulated model differs).
 */
export function baselineMismatch(baseline: BaselineFile, name: string, scenario: unknown): string | null {
  if (baseline.name !== name) return `was saved for scenario "${baseline.name.slice(0, 64)}", not "${name}"`;
  const then = scenarioDigest(baseline.scenario);
  const now = scenarioDigest(scenario);
  if (then === now) return null;
  const changed = changedPaths(identityOf(baseline.scenario), identityOf(scenario)).slice(0, 5);
  return `was saved for another system (cluster and detector digest ${then}, this one is ${now}; changed: ${changed.join(', ')}); re-save it with --save-baseline if the change is intended`;
}

/**
 * Gated metrics a baseline cell lacks (absent, or not a number or null) while the new
 * run has them: a baseline that cannot say whether they got worse.
 */
export function missingBaselineMetrics(results: ResultsFile, cellIds: readonly string[], baseline: BaselineFile, extra: Iterable<string> = []): string[] {
  const metrics = [...new Set([...COMPARED_METRICS.keys(), ...extra])].filter((m) => METRIC_UNITS.has(m));
  const missing: string[] = [];
  for (const id of cellIds) {
    const now = results.cells.find((c) => c.id === id);
    if (now === undefined) continue;
    const then = baseline.cells.find((c) => c.id === id);
    if (then === undefined) {
      missing.push(`cell ${id}`);
      continue;
    }
    for (const metric of metrics) {
      if (!holds(now.metrics, metric)) continue;
      if (!holds(then.metrics, metric)) missing.push(`${id}: ${metric}`);
    }
  }
  return missing;
}

/** Whether `metrics` has the dotted path as own keys, ending in a number or null. */
function holds(metrics: unknown, metric: string): boolean {
  let node: unknown = metrics;
  for (const key of metric.split('.')) {
    if (!isRecord(node) || !Object.hasOwn(node, key)) return false;
    node = node[key];
  }
  return node === null || (typeof node === 'number' && Number.isFinite(node));
}

export type Direction = 'lower' | 'higher';

/**
 * The metrics compared by default, with the direction that is better. Latency
 * quantiles other than p99 have no interval; of those only p50 is stable enough.
 */
export const COMPARED_METRICS: ReadonlyMap<string, Direction> = new Map<string, Direction>([
  ['detection_latency_ms.p50', 'lower'],
  ['detection_latency_ms.p99', 'lower'],
  ['detection_to_dead_ms.p99', 'lower'],
  ['false_suspicions.per_node_day', 'lower'],
  ['false_deaths.per_node_day', 'lower'],
  ['flaps.per_node_day', 'lower'],
  ['split_brain.per_node_day', 'lower'],
  ['query_accuracy', 'higher'],
  ['pauses.fraction', 'lower'],
  ['longest_pause_survived_ms', 'higher'],
  ['messages_per_node_s', 'lower'],
]);

export interface MetricChange {
  readonly cell: string;
  readonly metric: string;
  readonly better: Direction;
  readonly old: Measurement;
  readonly new: Measurement;
  /** How the change was established: non-overlapping intervals, or a point move beyond the tolerance. */
  readonly basis: 'interval' | 'point';
  /** "0.109 (0.0028–0.61) → 864 (820–910)" */
  readonly description: string;
}

export interface BaselineComparison {
  readonly seed: string;
  readonly toolVersion: string;
  /** Cells compared, and cells checked now that the baseline does not have. */
  readonly compared: readonly string[];
  readonly missingCells: readonly string[];
  readonly regressions: readonly MetricChange[];
  readonly improvements: readonly MetricChange[];
  /** Scenario fields whose value differs from the baseline's (dotted paths, at most a few). */
  readonly changedFields: readonly string[];
}

/**
 * Compares the cells `cellIds` of a new run with a baseline. `extra` adds metrics
 * (e.g. those the thresholds name) with their better direction.
 */
export function compareWithBaseline(results: ResultsFile, cellIds: readonly string[], baseline: BaselineFile, extra: ReadonlyMap<string, Direction> = new Map()): BaselineComparison {
  const metrics = new Map(COMPARED_METRICS);
  // A threshold's metric joins the list unless it is another face of one already there.
  for (const [metric, better] of extra) if (![...metrics.keys()].some((m) => sameQuantity(m, metric))) metrics.set(metric, better);
  const regressions: MetricChange[] = [];
  const improvements: MetricChange[] = [];
  const compared: string[] = [];
  const missingCells: string[] = [];
  for (const id of cellIds) {
    const now = results.cells.find((c) => c.id === id);
    const then = baseline.cells.find((c) => c.id === id);
    if (now === undefined) continue;
    if (then === undefined) {
      missingCells.push(id);
      continue;
    }
    compared.push(id);
    for (const [metric, better] of metrics) {
      if (!METRIC_UNITS.has(metric)) continue;
      const change = compareMetric(id, metric, better, measure(metric, then.metrics), measure(metric, now.metrics), then.metrics, now.metrics);
      if (change === undefined) continue;
      (change.kind === 'worse' ? regressions : improvements).push(change.change);
    }
  }
  return { seed: baseline.seed, toolVersion: baseline.tool.version, compared, missingCells, regressions, improvements, changedFields: changedPaths(baseline.scenario, results.scenario).slice(0, 5) };
}

function sampleCount(metric: string, metrics: unknown): number | null {
  const group = metric.split('.')[0]!;
  const block = isRecord(metrics) ? metrics[group] : undefined;
  return isRecord(block) && typeof block['count'] === 'number' ? block['count'] : null;
}

/** The resolution below which a point move is not a change, in the metric's unit. */
function resolution(metric: string): number {
  const unit = METRIC_UNITS.get(metric);
  return unit === 'ms' ? 1 : unit === 's' ? 0.001 : unit === 'count' ? 1 : 0;
}

function compareMetric(
  cell: string,
  metric: string,
  better: Direction,
  old: Measurement,
  now: Measurement,
  oldMetrics: unknown,
  newMetrics: unknown,
): { kind: 'worse' | 'better'; change: MetricChange } | undefined {
  const describe = (m: Measurement) => `${formatValue(m.value, m.unit)}${m.interval ? ` (${formatInterval(m.interval, m.unit)})` : ''}`;
  const make = (basis: 'interval' | 'point'): MetricChange => ({ cell, metric, better, old, new: now, basis, description: `${describe(old)} → ${describe(now)}` });
  if (old.interval !== null && now.interval !== null) {
    const worse = better === 'lower' ? now.interval[0] > old.interval[1] : now.interval[1] < old.interval[0];
    const improved = better === 'lower' ? now.interval[1] < old.interval[0] : now.interval[0] > old.interval[1];
    return worse ? { kind: 'worse', change: make('interval') } : improved ? { kind: 'better', change: make('interval') } : undefined;
  }
  // A metric that has an interval with enough samples but lacks one on either side is too thin to compare.
  if (old.interval !== null || now.interval !== null || carriesInterval(metric)) return undefined;
  if (old.value === null || now.value === null) return undefined;
  if (METRIC_UNITS.get(metric) === 'ms' && metric.split('.').length === 2 && metric !== 'longest_pause_survived_ms') {
    const a = sampleCount(metric, oldMetrics);
    const b = sampleCount(metric, newMetrics);
    if ((a ?? MIN_SAMPLES) < MIN_SAMPLES || (b ?? MIN_SAMPLES) < MIN_SAMPLES) return undefined;
  }
  const allowed = Math.max(POINT_TOLERANCE * Math.abs(old.value), resolution(metric));
  const delta = now.value - old.value;
  const worse = better === 'lower' ? delta > allowed : -delta > allowed;
  const improved = better === 'lower' ? -delta > allowed : delta > allowed;
  return worse ? { kind: 'worse', change: make('point') } : improved ? { kind: 'better', change: make('point') } : undefined;
}

/** Metrics that measure the same thing in another unit: a rate per node-hour or per node-day, and T_MR (its inverse). */
function sameQuantity(a: string, b: string): boolean {
  const canonical = (m: string) => (m === 'mistake_recurrence_s.mean' ? 'false_suspicions.per_node_day' : m.replace(/\.per_node_hour$/, '.per_node_day'));
  return canonical(a) === canonical(b);
}

/** Dotted paths of the leaves that differ between two JSON values, in document order. */
export function changedPaths(a: unknown, b: unknown, prefix = ''): string[] {
  if (isRecord(a) && isRecord(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => changedPaths(a[k], b[k], prefix === '' ? k : `${prefix}.${k}`));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) return a.flatMap((v, i) => changedPaths(v, b[i], `${prefix}.${i}`));
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [prefix === '' ? '(the whole scenario)' : prefix];
}

/** The better direction a threshold implies for its metric: `<=` wants it low, `>=` high. */
export function directionOf(op: string): Direction {
  return op === '<=' || op === '<' ? 'lower' : 'higher';
}

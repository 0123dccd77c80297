/**
 * Results → the report's model: one flat row per cell for the charts and the table
 * (values in chart units, tooltips preformatted), the detection-latency distribution
 * of the frontier cells, and the sample run's node states as spans. Reads a results
 * file only; never simulates, and knows nothing of vega-lite or HTML.
 *
 * Everything here is a pure function of the results, so the report is too.
 */
import { analyze, type BreachScreen, cellLabel, formatAccuracy, formatCount, formatDurationMs, formatOptionalDurationMs, formatParamValue, formatRate, formatSignificant, shortParamNames } from '../analysis/index.js';
import { monitoredNodesOf } from '../results/node-names.js';
import { LATENCY_QUANTILE_PROBABILITIES, type CellResult, type RecommendationTargets, type ResultsAnalysis, type ResultsFile } from '../results/results-file.js';

/** One cell as the charts see it. Latencies are in `ReportModel.latency.unit`. */
export interface CellRow {
  readonly id: string;
  readonly label: string;
  /** Value of the first swept parameter as written (readable), or "" when nothing is swept. */
  readonly a: string;
  /** Values of the other swept parameters, or "" when fewer than two are swept. */
  readonly b: string;
  readonly p50: number | null;
  readonly p99: number | null;
  readonly p99Lo: number | null;
  readonly p99Hi: number | null;
  /** False suspicions per node-day: point estimate and exact 95 % interval. */
  readonly fs: number;
  readonly fsHi: number;
  /** Where the point sits on the log axis: the estimate, or the axis floor ("0") for a zero count. */
  readonly fsX: number;
  /** Left end of the interval bar on the log axis (the floor for a zero lower bound). */
  readonly fsLoX: number;
  readonly fsZero: boolean;
  /** 1 − P_A, the fraction of up-time wrongly distrusted; the floor when 0. */
  readonly qaGap: number | null;
  readonly msgs: number | null;
  readonly frontier: boolean;
  readonly recommended: boolean;
  /** Preformatted values for tooltips and heatmap labels. */
  readonly tP50: string;
  readonly tP90: string;
  readonly tP99: string;
  readonly tMax: string;
  readonly tDead: string;
  readonly tFs: string;
  readonly tFd: string;
  readonly tMd: string;
  readonly tMr: string;
  readonly tQa: string;
  readonly tMsgs: string;
  readonly tNh: string;
  readonly tCrashes: string;
  readonly tHb: string;
  /** Short heatmap labels; only when the grid is small enough to print them (`ReportModel.heatmapLabels`). */
  readonly lFs?: string;
  readonly lP99?: string;
  readonly lQa?: string;
}

/** One point of a detection-latency CDF. */
export interface CdfPoint {
  readonly cell: string;
  readonly latency: number;
  readonly p: number;
  /** The quantile's name when it is one of the summary's (p50, p99 …), for tooltips. */
  readonly q: string;
}

export interface Span {
  readonly node: string;
  readonly s: number;
  readonly e: number;
}

export interface StateSpan extends Span {
  readonly state: 'SUSPECTED' | 'DEAD';
  /** True when the node was up: a false suspicion (or false death). */
  readonly wrong: boolean;
}

export interface TimelineModel {
  readonly cell: string;
  readonly cellLabel: string;
  readonly isRecommended: boolean;
  /** Simulated end of the sampled run (s). */
  readonly endS: number;
  readonly nodes: readonly string[];
  /** Nodes with transitions that are not drawn (only the busiest are). */
  readonly hiddenNodes: number;
  /** Log entries beyond the writer's limit (the chart stops at the last kept one). */
  readonly dropped: number;
  readonly states: readonly StateSpan[];
  readonly down: readonly Span[];
  readonly crashes: readonly { readonly node: string; readonly t: number }[];
  /** The zoomed window (s): around the first false suspicion, else the first crash; null when nothing happened. */
  readonly window: readonly [number, number] | null;
  readonly windowReason: string;
  readonly falseSuspicions: number;
}

export interface SweptAxis {
  readonly paths: readonly string[];
  /** "interval", or "timeout, loss" for several paths. */
  readonly name: string;
  /** Values in sweep order (first appearance). */
  readonly values: readonly string[];
}

export interface ReportModel {
  readonly results: ResultsFile;
  readonly analysis: ResultsAnalysis;
  readonly rows: readonly CellRow[];
  readonly recommended: CellResult | null;
  readonly a: SweptAxis | null;
  readonly b: SweptAxis | null;
  /** Chart unit for latencies, and whether they span enough (over 20×) to want a log axis. */
  readonly latency: { readonly unit: 's' | 'ms'; readonly divisor: number; readonly log: boolean; readonly domain: readonly [number, number] };
  /** Log-axis domain for false suspicions per node-day; `floor` stands for 0. */
  readonly fsDomain: readonly [number, number];
  /** Whether heatmap cells carry printed values (small grids only). */
  readonly heatmapLabels: boolean;
  readonly qaDomain: readonly [number, number];
  readonly cdf: readonly CdfPoint[];
  /** True when the CDF comes from the quantile list, false when only from p50/p90/p99/max. */
  readonly cdfDetailed: boolean;
  /** Frontier cells not drawn in the CDF (it shows at most `CDF_MAX_CELLS`). */
  readonly cdfHidden: number;
  readonly timeline: TimelineModel | null;
  readonly nodeHours: number;
  /** Flattened scenario: path → value as written. */
  readonly parameters: readonly { readonly path: string; readonly value: string }[];
  readonly description: string;
}

export const CDF_MAX_CELLS = 8;
export const TIMELINE_MAX_NODES = 16;

export interface ReportOptions {
  /** Targets for the recommendation; default: those of `results.analysis`, else the analysis default. */
  readonly targets?: RecommendationTargets;
  /** The scenario's `expect:` as a screen, so the report recommends what the run recommended (src/check `breachScreen`). */
  readonly screen?: BreachScreen;
}

/** Values in first-appearance order, so axes follow the sweep as written. */
function distinct(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function powerOfTenBelow(x: number): number {
  return 10 ** Math.floor(Math.log10(x));
}

function powerOfTenAbove(x: number): number {
  return 10 ** Math.ceil(Math.log10(x));
}

/** Log domain for positive values with a floor one decade under the smallest, standing for 0. */
/** Powers of ten across a log domain: one tick per decade keeps an axis legible (and the SVG small). */
export function decades(domain: readonly [number, number]): number[] {
  const out: number[] = [];
  for (let e = Math.round(Math.log10(domain[0])); 10 ** e <= domain[1] * 1.0001; e++) out.push(Number((10 ** e).toPrecision(1)));
  return out;
}

export function logDomain(values: readonly number[], fallback: readonly [number, number]): [number, number] {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  if (positive.length === 0) return [fallback[0], fallback[1]];
  const low = powerOfTenBelow(Math.min(...positive)) / 10;
  let high = powerOfTenAbove(Math.max(...positive));
  if (high <= low * 10) high = low * 100;
  return [low, high];
}

function sweptAxes(results: ResultsFile): { a: SweptAxis | null; b: SweptAxis | null; valueA: (c: CellResult) => string; valueB: (c: CellResult) => string } {
  const swept = results.swept;
  const names = shortParamNames(swept);
  const valueOf = (paths: readonly string[]) => (cell: CellResult) =>
    paths.map((p) => (cell.params[p] === undefined ? '–' : formatParamValue(cell.params[p]!))).join(', ');
  const axis = (paths: readonly string[]): SweptAxis | null =>
    paths.length === 0
      ? null
      : { paths, name: paths.map((p) => names.get(p)!).join(', '), values: distinct(results.cells.map(valueOf(paths))) };
  const pathsA = swept.slice(0, 1);
  const pathsB = swept.slice(1);
  return { a: axis(pathsA), b: axis(pathsB), valueA: valueOf(pathsA), valueB: valueOf(pathsB) };
}

/** Grids up to this size print their values in the heatmap cells; larger ones only colour them. */
export const HEATMAP_LABEL_MAX = { columns: 8, rows: 12 } as const;

function cellRows(results: ResultsFile, analysis: ResultsAnalysis, divisor: number, fsFloor: number, qaFloor: number, labels: boolean): CellRow[] {
  const { valueA, valueB } = sweptAxes(results);
  const frontier = new Set(analysis.frontier);
  const scale = (ms: number | null) => (ms === null ? null : ms / divisor);
  return results.cells.map((cell) => {
    const m = cell.metrics;
    const d = m.detection_latency_ms;
    const fs = m.false_suspicions;
    const fsZero = fs.count === 0;
    const gap = m.query_accuracy === null ? null : Math.max(qaFloor, Number((1 - m.query_accuracy).toPrecision(6)));
    const qaCi = m.query_accuracy_ci95;
    const p99Ci = d.p99_ci95 ? ` (${formatDurationMs(d.p99_ci95[0])}–${formatDurationMs(d.p99_ci95[1])})` : '';
    const mr = m.mistake_recurrence_s.mean;
    return {
      id: cell.id,
      label: cellLabel(cell, results.swept),
      a: valueA(cell),
      b: valueB(cell),
      p50: scale(d.p50),
      p99: scale(d.p99),
      p99Lo: scale(d.p99_ci95?.[0] ?? null),
      p99Hi: scale(d.p99_ci95?.[1] ?? null),
      fs: fs.per_node_day,
      fsHi: fs.ci95_high,
      fsX: fsZero ? fsFloor : fs.per_node_day,
      fsLoX: fs.ci95_low > fsFloor ? fs.ci95_low : fsFloor,
      fsZero,
      qaGap: gap,
      msgs: m.messages_per_node_s,
      frontier: frontier.has(cell.id),
      recommended: analysis.recommendation.cell === cell.id,
      tP50: formatOptionalDurationMs(d.p50),
      tP90: formatOptionalDurationMs(d.p90),
      tP99: d.p99 === null ? '– (no crash detected)' : `${formatDurationMs(d.p99)}${p99Ci}`,
      tMax: formatOptionalDurationMs(d.max),
      tDead: formatOptionalDurationMs(m.detection_to_dead_ms.p99),
      tFs: formatRate(fs),
      tFd: formatRate(m.false_deaths),
      tMd:
        m.mistake_duration_ms.count === 0
          ? '– (no false suspicion)'
          : `p50 ${formatOptionalDurationMs(m.mistake_duration_ms.p50)}, max ${formatOptionalDurationMs(m.mistake_duration_ms.max)}`,
      tMr: mr === null ? '– (no false suspicion)' : formatDurationMs(mr * 1000),
      tQa: m.query_accuracy === null ? '–' : `${formatAccuracy(m.query_accuracy)}${qaCi ? ` (≥ ${formatAccuracy(qaCi[0])}, 95 %)` : ''}`,
      tMsgs: m.messages_per_node_s === null ? '–' : formatSignificant(m.messages_per_node_s),
      tNh: formatSignificant(m.node_hours),
      tCrashes: `${formatCount(m.crashes.count)} (${formatCount(m.crashes.detected)} detected, ${m.crashes.undetected} undetected, ${m.crashes.censored} censored)`,
      tHb: `${formatCount(m.heartbeats.sent)} sent, ${formatCount(m.heartbeats.lost)} lost`,
      ...(labels
        ? {
            lFs: fsZero ? '0' : formatSignificant(fs.per_node_day, fs.per_node_day >= 100 ? 3 : 2),
            lP99: d.p99 === null ? '–' : formatDurationMs(d.p99),
            // The chart's title carries the unit; "99.9985" fits a cell where "99.9985 %" would not.
            lQa: m.query_accuracy === null ? '–' : formatAccuracy(m.query_accuracy).replace(/ %$/, ''),
          }
        : {}),
    };
  });
}

/** Frontier cells for the CDF: the recommended one first, then evenly spaced along the frontier. */
function cdfCells(results: ResultsFile, analysis: ResultsAnalysis): { cells: CellResult[]; hidden: number } {
  const byId = new Map(results.cells.map((c) => [c.id, c]));
  let ids = analysis.frontier.filter((id) => byId.get(id)?.metrics.detection_latency_ms.p50 != null);
  if (ids.length === 0 && results.cells.length === 1) ids = [results.cells[0]!.id];
  const total = ids.length;
  if (ids.length > CDF_MAX_CELLS) {
    const step = (ids.length - 1) / (CDF_MAX_CELLS - 1);
    const picked = new Set(Array.from({ length: CDF_MAX_CELLS }, (_, i) => ids[Math.round(i * step)]!));
    const rec = analysis.recommendation.cell;
    if (rec !== null && ids.includes(rec) && !picked.has(rec)) {
      // Swap the recommended cell in for its nearest neighbour along the frontier.
      const index = ids.indexOf(rec);
      const nearest = [...picked].sort((x, y) => Math.abs(ids.indexOf(x) - index) - Math.abs(ids.indexOf(y) - index))[0]!;
      picked.delete(nearest);
      picked.add(rec);
    }
    ids = ids.filter((id) => picked.has(id));
  }
  return { cells: ids.map((id) => byId.get(id)!), hidden: total - ids.length };
}

const SUMMARY_QUANTILES: readonly (readonly [string, number])[] = [
  ['p50', 0.5],
  ['p90', 0.9],
  ['p99', 0.99],
  ['max', 1],
];

function cdfPoints(cells: readonly CellResult[], swept: readonly string[], divisor: number): { points: CdfPoint[]; detailed: boolean } {
  const detailed = cells.length > 0 && cells.every((c) => c.detection_latency_quantiles_ms?.length === LATENCY_QUANTILE_PROBABILITIES.length);
  const points: CdfPoint[] = [];
  const names = new Map([[0, 'min'], ...SUMMARY_QUANTILES.map(([name, p]) => [p, name] as const)]);
  for (const cell of cells) {
    const label = cellLabel(cell, swept);
    if (detailed) {
      cell.detection_latency_quantiles_ms!.forEach((ms, i) => {
        const p = LATENCY_QUANTILE_PROBABILITIES[i]!;
        points.push({ cell: label, latency: ms / divisor, p, q: names.get(p) ?? `p${formatSignificant(p * 100)}` });
      });
    } else {
      const d = cell.metrics.detection_latency_ms;
      const values = { p50: d.p50, p90: d.p90, p99: d.p99, max: d.max } as Record<string, number | null>;
      for (const [name, p] of SUMMARY_QUANTILES) {
        const ms = values[name];
        if (ms !== null && ms !== undefined) points.push({ cell: label, latency: ms / divisor, p, q: name });
      }
    }
  }
  return { points, detailed };
}

/** Simulated length of the sampled run in ms, as the results file states it. */
function runLengthMs(results: ResultsFile): number | null {
  const ms = results.sample.duration_ms;
  return typeof ms === 'number' && ms > 0 ? ms : null;
}

function timelineModel(results: ResultsFile, analysis: ResultsAnalysis): TimelineModel | null {
  const sampleCell = results.cells.find((c) => c.id === results.sample.cell);
  const entries = results.sample.timeline.entries;
  const lastMs = entries.length > 0 ? entries[entries.length - 1]!.t_ms : 0;
  const endMs = Math.max(runLengthMs(results) ?? 0, lastMs);
  if (!(endMs > 0)) return null;
  const endS = endMs / 1000;

  const states: StateSpan[] = [];
  const down: Span[] = [];
  const crashes: { node: string; t: number }[] = [];
  const open = new Map<string, { state: 'SUSPECTED' | 'DEAD'; s: number; wrong: boolean }>();
  const downSince = new Map<string, number>();
  const activity = new Map<string, number>();
  const bump = (node: string, by: number) => activity.set(node, (activity.get(node) ?? 0) + by);
  const close = (node: string, e: number) => {
    const span = open.get(node);
    if (!span) return;
    open.delete(node);
    states.push({ node, s: span.s, e, state: span.state, wrong: span.wrong });
  };
  let falseSuspicions = 0;
  let firstFalse: [number, number] | null = null;
  let firstCrash: number | null = null;
  for (const entry of entries) {
    const t = entry.t_ms / 1000;
    const node = entry.node;
    if (entry.event === 'verdict') {
      close(node, t);
      if (entry.to !== 'ALIVE') {
        const wrong = !downSince.has(node);
        if (wrong && entry.from === 'ALIVE') {
          falseSuspicions++;
          bump(node, 10);
        }
        open.set(node, { state: entry.to, s: t, wrong });
      }
    } else if (entry.event === 'crash') {
      downSince.set(node, t);
      crashes.push({ node, t });
      firstCrash ??= t;
      bump(node, 1);
      // A suspicion that is open at the crash becomes correct from here on.
      const span = open.get(node);
      if (span?.wrong) {
        close(node, t);
        open.set(node, { state: span.state, s: t, wrong: false });
      }
    } else {
      down.push({ node, s: downSince.get(node) ?? 0, e: t });
      downSince.delete(node);
    }
  }
  for (const node of [...open.keys()]) close(node, endS);
  for (const [node, s] of downSince) down.push({ node, s, e: endS });
  // Spans ended by a crash keep their start, so the first false one is found after closing.
  const falseSpans = states.filter((s) => s.wrong && s.state === 'SUSPECTED').sort((x, y) => x.s - y.s);
  if (falseSpans.length > 0) firstFalse = [falseSpans[0]!.s, falseSpans[0]!.e];

  // Every monitored node has a lane, the quiet ones too (trusted throughout is a result),
  // the busiest first when there are more nodes than lanes.
  for (const node of monitoredNodesOf(results.scenario)) if (!activity.has(node)) activity.set(node, 0);
  const ranked = [...activity.entries()].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const shown = new Set(ranked.slice(0, TIMELINE_MAX_NODES).map(([node]) => node));
  const nodes = [...shown].sort();
  const keep = <T extends { node: string }>(xs: T[]) => xs.filter((x) => shown.has(x.node));

  let window: [number, number] | null = null;
  let windowReason = '';
  if (firstFalse) {
    const pad = Math.max((firstFalse[1] - firstFalse[0]) * 2, 1);
    window = [Math.max(0, firstFalse[0] - pad), Math.min(endS, firstFalse[1] + pad)];
    windowReason = 'around the first false suspicion';
  } else if (firstCrash !== null) {
    const detection = states.find((s) => !s.wrong && s.s >= firstCrash!);
    const until = detection ? Math.min(detection.e, detection.s + 10) : firstCrash + 10;
    const pad = Math.max((until - firstCrash) * 0.25, 1);
    window = [Math.max(0, firstCrash - pad), Math.min(endS, until + pad)];
    windowReason = 'around the first crash';
  }
  return {
    cell: results.sample.cell,
    cellLabel: sampleCell ? cellLabel(sampleCell, results.swept) : results.sample.cell,
    isRecommended: analysis.recommendation.cell === results.sample.cell,
    endS,
    nodes,
    hiddenNodes: activity.size - shown.size,
    dropped: results.sample.timeline.dropped,
    states: keep(states),
    down: keep(down),
    crashes: keep(crashes),
    window,
    windowReason,
    falseSuspicions,
  };
}

/** The scenario as "path → value" rows, in document order; lists of scalars on one line. */
function flatten(value: unknown, path: string, out: { path: string; value: string }[]): void {
  if (value === null || typeof value !== 'object') {
    out.push({ path, value: value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value) });
  } else if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) {
      out.push({ path, value: value.length === 0 ? '[]' : value.map((v) => String(v)).join(', ') });
    } else {
      value.forEach((v, i) => flatten(v, `${path}[${i}]`, out));
    }
  } else {
    const entries = Object.entries(value);
    if (entries.length === 0) out.push({ path, value: '{}' });
    for (const [key, v] of entries) flatten(v, path === '' ? key : `${path}.${key}`, out);
  }
}

export function reportModel(results: ResultsFile, options: ReportOptions = {}): ReportModel {
  const computed = analyze(results.cells, options.targets ?? results.analysis?.targets ?? {}, options.screen);
  // A replayed log too short to judge its target says so (src/replay/short-log.ts); the
  // recomputed analysis cannot know the results came from a log, the stored one does.
  const stored = results.analysis?.recommendation;
  const analysis: ResultsAnalysis =
    stored?.too_short && stored.cell === computed.recommendation.cell && !computed.recommendation.met
      ? { ...computed, recommendation: { ...computed.recommendation, too_short: true, sentence: stored.sentence } }
      : computed;
  const maxP99Ms = Math.max(0, ...results.cells.map((c) => c.metrics.detection_latency_ms.max ?? c.metrics.detection_latency_ms.p99 ?? 0));
  const unit = maxP99Ms >= 2000 ? ({ unit: 's', divisor: 1000 } as const) : ({ unit: 'ms', divisor: 1 } as const);
  const plotted = results.cells.flatMap((c) => [c.metrics.detection_latency_ms.p50, c.metrics.detection_latency_ms.p99]).filter((v): v is number => v !== null && v > 0);
  const lowMs = plotted.length > 0 ? Math.min(...plotted) : 1;
  const highMs = plotted.length > 0 ? Math.max(...plotted) : 1;
  const latency = { ...unit, log: highMs / lowMs > 20, domain: [lowMs / unit.divisor, highMs / unit.divisor] as const };
  const fsDomain = logDomain(
    results.cells.flatMap((c) => [c.metrics.false_suspicions.per_node_day, c.metrics.false_suspicions.ci95_low, c.metrics.false_suspicions.ci95_high]),
    [0.001, 10],
  );
  const qaDomain = logDomain(
    results.cells.map((c) => (c.metrics.query_accuracy === null ? 0 : 1 - c.metrics.query_accuracy)),
    [1e-6, 1e-3],
  );
  const { a, b } = sweptAxes(results);
  const heatmapLabels = (a?.values.length ?? 0) <= HEATMAP_LABEL_MAX.columns && (b?.values.length ?? 1) <= HEATMAP_LABEL_MAX.rows;
  const rows = cellRows(results, analysis, latency.divisor, fsDomain[0], qaDomain[0], heatmapLabels);
  const cdf = cdfCells(results, analysis);
  const { points, detailed } = cdfPoints(cdf.cells, results.swept, latency.divisor);
  const scenario = results.scenario;
  const parameters: { path: string; value: string }[] = [];
  if (scenario !== null && typeof scenario === 'object') {
    const { name: _name, description: _description, ...rest } = scenario as Record<string, unknown>;
    flatten(rest, '', parameters);
  }
  const description = (scenario as { description?: unknown } | null)?.description;
  return {
    results,
    analysis,
    rows,
    recommended: results.cells.find((c) => c.id === analysis.recommendation.cell) ?? null,
    a,
    b,
    latency,
    fsDomain,
    heatmapLabels,
    qaDomain,
    cdf: points,
    cdfDetailed: detailed,
    cdfHidden: cdf.hidden,
    timeline: timelineModel(results, analysis),
    nodeHours: results.cells.reduce((sum, c) => sum + c.metrics.node_hours, 0),
    parameters,
    description: typeof description === 'string' ? description : '',
  };
}

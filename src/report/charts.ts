/**
 * The report's vega-lite specs, built from the report model (data.ts). Specs name
 * their data (`{ name: 'cells' }`) instead of inlining it, so the page carries each
 * dataset once however many charts read it; `withData` puts them together for
 * rendering. Knows nothing of HTML or of how the specs are rendered.
 */
import type { TopLevelSpec } from 'vega-lite';
import { decades, type ReportModel } from './data.js';
import { membershipCharts, membershipModel } from './membership.js';
import { tunePathRows, tuneChart } from './tune.js';

export interface Chart {
  /** DOM id of the chart's container; stable, so tests and links can find it. */
  readonly id: string;
  readonly title: string;
  /** How to read the chart (plain text; the page escapes it). */
  readonly caption: string;
  readonly spec: TopLevelSpec;
}

export interface ChartSet {
  readonly datasets: Readonly<Record<string, readonly object[]>>;
  readonly charts: readonly Chart[];
}

/** The spec with the datasets it names attached, ready for vega-lite's compile. */
export function withData(chart: Chart, datasets: ChartSet['datasets']): TopLevelSpec {
  return { ...chart.spec, datasets: datasets as Record<string, object[]> } as TopLevelSpec;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

/** One look for every chart: quiet grid, readable 11–12 px labels. */
const CONFIG = {
  font: FONT,
  background: 'white',
  padding: 8,
  view: { stroke: null },
  axis: {
    labelFontSize: 11,
    titleFontSize: 12,
    titleFontWeight: 600,
    titleColor: '#202124',
    labelColor: '#3c4043',
    gridColor: '#eceff1',
    domainColor: '#9aa0a6',
    tickColor: '#9aa0a6',
    titlePadding: 8,
  },
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 600, titleColor: '#202124', labelColor: '#3c4043' },
  header: { labelFontSize: 12, titleFontSize: 12 },
} as const;

const STATE_COLORS = { ALIVE: '#cfe8cf', SUSPECTED: '#f4a52b', DEAD: '#d93025', 'node down': '#202124' } as const;

/** Every metric, for tooltips on a cell. */
function cellTooltip(model: ReportModel) {
  const swept = [
    ...(model.a ? [{ field: 'a', title: model.a.name }] : []),
    ...(model.b ? [{ field: 'b', title: model.b.name }] : []),
  ];
  return [
    ...swept,
    { field: 'tP50', title: 'detection p50' },
    { field: 'tP90', title: 'detection p90' },
    { field: 'tP99', title: 'detection p99 (95 %)' },
    { field: 'tMax', title: 'detection max' },
    { field: 'tDead', title: 'crash → DEAD p99' },
    { field: 'tFs', title: 'false suspicions / node-day' },
    { field: 'tFd', title: 'false deaths / node-day' },
    { field: 'tMd', title: 'mistake duration' },
    { field: 'tMr', title: 'time between mistakes (mean)' },
    { field: 'tQa', title: 'P_A (query accuracy)' },
    { field: 'tMsgs', title: 'messages / node-s' },
    { field: 'tCrashes', title: 'crashes' },
    { field: 'tHb', title: 'heartbeats' },
    { field: 'tNh', title: 'node-hours' },
  ];
}

function latencyTitle(model: ReportModel, what: string): string {
  return `${what} (${model.latency.unit})`;
}

/** Ordinal colour for the first swept parameter: viridis without its pale yellow end. */
function colorA(model: ReportModel) {
  return model.a
    ? { field: 'a', type: 'ordinal' as const, sort: [...model.a.values], scale: { scheme: { name: 'viridis', extent: [0.05, 0.85] } }, legend: { title: model.a.name, symbolOpacity: 1 } }
    : { value: '#1a73e8' };
}

/** Shapes for the other swept parameters (when two or more are swept). */
function shapeB(model: ReportModel) {
  return model.b ? { field: 'b', type: 'nominal' as const, sort: [...model.b.values], legend: { title: model.b.name, symbolOpacity: 1 } } : undefined;
}

/** 1-2-5 steps across a log domain, for a latency axis that spans decades. */
function oneTwoFive(domain: readonly [number, number]): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(domain[0])); 10 ** e <= domain[1] * 10; e++) {
    for (const m of [1, 2, 5]) {
      const v = Number((m * 10 ** e).toPrecision(1));
      if (v >= domain[0] / 2 && v <= domain[1] * 2) out.push(v);
    }
  }
  return out;
}

function tradeOffChart(model: ReportModel): Chart {
  const floor = model.fsDomain[0];
  // Half a decade of room left of the "0" position, so zero-count cells are not cut by the frame.
  const xDomain = [floor / 2.5, model.fsDomain[1]];
  const color = colorA(model);
  const hasP99Interval = model.rows.some((r) => r.p99Lo !== null);
  const yScale = model.latency.log
    ? { type: 'log' as const, domain: [oneTwoFive(model.latency.domain)[0]!, oneTwoFive(model.latency.domain).at(-1)!], nice: false }
    : { zero: true };
  const shape = shapeB(model);
  const spec: TopLevelSpec = {
    $schema: SCHEMA,
    config: CONFIG,
    width: 640,
    height: 380,
    data: { name: 'cells' },
    transform: [{ filter: 'isValid(datum.p99)' }],
    encoding: {
      x: {
        field: 'fsX',
        type: 'quantitative',
        scale: { type: 'log', domain: xDomain },
        axis: {
          title: 'False suspicions per node-day (log scale; 0 at the left)',
          values: decades(model.fsDomain),
          labelExpr: `datum.value <= ${floor} ? '0' : datum.label`,
          format: '~g',
          grid: true,
        },
      },
      y: {
        field: 'p99',
        type: 'quantitative',
        scale: yScale,
        axis: { title: latencyTitle(model, `Detection latency p99 (dash: p50)${model.latency.log ? ', log scale' : ''}`), ...(model.latency.log ? { values: oneTwoFive(model.latency.domain), format: '~g' } : {}) },
      },
    },
    layer: [
      {
        transform: [{ filter: 'datum.frontier' }],
        mark: { type: 'line', interpolate: 'step-after', color: '#5f6368', strokeDash: [5, 3], strokeWidth: 1.5 },
        encoding: { order: { field: 'fsX', type: 'quantitative' } },
      },
      { transform: [{ filter: '!datum.fsZero' }], mark: { type: 'rule', opacity: 0.5 }, encoding: { x: { field: 'fsLoX' }, x2: { field: 'fsHi' }, color } },
      // A zero count has only an upper bound: dashed, from the "0" position.
      { transform: [{ filter: 'datum.fsZero' }], mark: { type: 'rule', opacity: 0.4, strokeDash: [3, 3] }, encoding: { x: { field: 'fsLoX' }, x2: { field: 'fsHi' }, color } },
      ...(hasP99Interval
        ? [{ transform: [{ filter: 'isValid(datum.p99Lo)' }], mark: { type: 'rule' as const, opacity: 0.5 }, encoding: { y: { field: 'p99Lo' }, y2: { field: 'p99Hi' }, color } }]
        : []),
      // The p50 as a faint dash under its point: the spread of the latency at a glance.
      { transform: [{ filter: 'isValid(datum.p50)' }], mark: { type: 'tick', orient: 'horizontal', size: 9, thickness: 1.5, opacity: 0.45 }, encoding: { y: { field: 'p50' }, color } },
      {
        params: [{ name: 'zoom', select: { type: 'interval' }, bind: 'scales' }],
        mark: { type: 'point', filled: true, size: 80, opacity: 0.95 },
        encoding: { color, ...(shape ? { shape } : {}), tooltip: [{ field: 'label', title: 'cell' }, ...cellTooltip(model)] },
      },
      { transform: [{ filter: 'datum.recommended' }], mark: { type: 'point', size: 420, filled: false, color: '#202124', strokeWidth: 2 } },
      {
        transform: [{ filter: 'datum.recommended' }],
        mark: { type: 'text', align: 'left', dx: 14, dy: -14, fontWeight: 'bold', fontSize: 12, color: '#202124' },
        encoding: { text: { value: model.analysis.recommendation.met ? 'recommended' : 'closest' } },
      },
    ],
  };
  return {
    id: 'chart-tradeoff',
    title: 'Trade-off: detection latency against false suspicions',
    caption:
      'One point per cell: its p99 detection latency against its false-suspicion rate, with 95 % interval bars on both; the faint dash below is the p50. ' +
      'The dashed staircase is the Pareto frontier (cells no other cell beats on both); the ring marks the recommendation. ' +
      'Cells with no false suspicion sit at 0 on the left, with a dashed bar up to the rate they still allow (95 %). Drag to pan, scroll to zoom, hover for every metric.',
    spec,
  };
}

interface HeatmapMetric {
  readonly id: string;
  readonly title: string;
  readonly field: string;
  readonly label: string;
  readonly legend: string;
  readonly scale: Record<string, unknown>;
  /** The log-scale floor that stands for 0, labelled "0" in the legend. */
  readonly zeroAt?: number;
  /** Values above this get white labels (dark cells). */
  readonly darkAbove: number;
  readonly caption: string;
  /** The caption when the cells are too small (or too many) to print labels in. */
  readonly captionUnlabelled?: string;
}

function heatmapChart(model: ReportModel, metric: HeatmapMetric): Chart {
  const a = model.a!;
  const b = model.b;
  const columns = a.values.length;
  const rows = b ? b.values.length : 1;
  // Two charts share a row of about 1130 px, legends included.
  const width = Math.min(380, Math.max(160, columns * 56));
  const height = Math.min(320, Math.max(44, rows * 30));
  // Labels only where they fit: about 6 px per character at 10 px.
  const longest = Math.max(0, ...model.rows.map((r) => String(r[metric.label as keyof typeof r] ?? '').length));
  const labels = model.heatmapLabels && width / columns >= longest * 6 + 6 && height / rows >= 16;
  const spec = {
    $schema: SCHEMA,
    config: CONFIG,
    width,
    height,
    data: { name: 'cells' },
    encoding: {
      x: { field: 'a', type: 'ordinal', sort: [...a.values], axis: { title: a.name, labelAngle: 0, labelOverlap: true } },
      ...(b ? { y: { field: 'b', type: 'ordinal', sort: [...b.values], axis: { title: b.name } } } : {}),
    },
    layer: [
      { transform: [{ filter: `!isValid(datum.${metric.field})` }], mark: { type: 'rect', color: '#f1f3f4' } },
      {
        transform: [{ filter: `isValid(datum.${metric.field})` }],
        mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
        encoding: {
          color: {
            field: metric.field,
            type: 'quantitative',
            scale: metric.scale,
            legend: {
              title: metric.legend,
              direction: 'vertical',
              gradientLength: Math.max(60, height - 20),
              ...(metric.zeroAt !== undefined ? { labelExpr: `datum.value <= ${metric.zeroAt} ? '0' : datum.label` } : {}),
            },
          },
          tooltip: [{ field: 'label', title: 'cell' }, ...cellTooltip(model)],
        },
      },
      ...(labels
        ? [
            {
              mark: { type: 'text', fontSize: 10 },
              encoding: {
                text: { field: metric.label },
                color: { condition: { test: `datum.${metric.field} > ${metric.darkAbove}`, value: 'white' }, value: '#202124' },
              },
            },
          ]
        : []),
      { transform: [{ filter: 'datum.recommended' }], mark: { type: 'rect', filled: false, stroke: '#202124', strokeWidth: 2.5 } },
    ],
  } as TopLevelSpec;
  return { id: metric.id, title: metric.title, caption: labels ? metric.caption : (metric.captionUnlabelled ?? metric.caption), spec };
}

function heatmaps(model: ReportModel): Chart[] {
  if (!model.a) return [];
  const geometricMid = (d: readonly [number, number]) => Math.sqrt(d[0] * d[1]) * 3;
  const p99s = model.rows.map((r) => r.p99).filter((v): v is number => v !== null);
  const p99Max = p99s.length > 0 ? Math.max(...p99s) : 1;
  const common = 'The framed cell is the recommendation. Hover for every metric.';
  return [
    heatmapChart(model, {
      id: 'chart-heatmap-fs',
      title: 'False suspicions per node-day',
      field: 'fsX',
      label: 'lFs',
      legend: 'per node-day',
      scale: { type: 'log', domain: [...model.fsDomain], scheme: 'orangered' },
      zeroAt: model.fsDomain[0],
      darkAbove: geometricMid(model.fsDomain),
      caption: `Point estimates; 0 means none was seen (the tooltip gives the upper bound). ${common}`,
    }),
    // No cell detected a crash (a replayed log without crash marks, a run without
    // crashes): a map of nothing but grey with an empty "NaN" legend says nothing.
    ...(p99s.length === 0 ? [] : [heatmapChart(model, {
      id: 'chart-heatmap-p99',
      title: 'Detection latency p99',
      field: 'p99',
      label: 'lP99',
      legend: model.latency.unit,
      scale: { scheme: 'purples', zero: false },
      darkAbove: p99Max * 0.6,
      caption: `Grey: no crash detected in that cell. ${common}`,
    })]),
    heatmapChart(model, {
      id: 'chart-heatmap-qa',
      title: 'Query accuracy P_A (%)',
      field: 'qaGap',
      label: 'lQa',
      legend: '1 − P_A',
      scale: { type: 'log', domain: [...model.qaDomain], scheme: 'reds' },
      zeroAt: model.qaDomain[0],
      darkAbove: geometricMid(model.qaDomain),
      caption: `Labels give P_A, the fraction of up-time during which the monitor trusted a node; colour gives 1 − P_A on a log scale. ${common}`,
      captionUnlabelled: `Colour gives 1 − P_A on a log scale, P_A being the fraction of up-time during which the monitor trusted a node; the cells are too small to print P_A in. ${common}`,
    }),
  ];
}

function cdfChart(model: ReportModel): Chart | null {
  if (model.cdf.length === 0) return null;
  const cells = [...new Set(model.cdf.map((p) => p.cell))];
  const single = cells.length === 1;
  const spec: TopLevelSpec = {
    $schema: SCHEMA,
    config: CONFIG,
    width: 560,
    height: 300,
    data: { name: 'cdf' },
    encoding: {
      x: { field: 'latency', type: 'quantitative', axis: { title: latencyTitle(model, 'Detection latency') }, scale: { zero: false } },
      y: { field: 'p', type: 'quantitative', scale: { domain: [0, 1] }, axis: { title: 'Fraction of crashes detected', format: '%' } },
      color: single
        ? { value: '#1a73e8' }
        : { field: 'cell', type: 'nominal', sort: cells, scale: { scheme: 'tableau10' }, legend: { title: 'frontier cell', orient: 'right', labelLimit: 260 } },
    },
    layer: [
      { mark: { type: 'line', interpolate: 'linear', strokeWidth: 2 } },
      {
        mark: { type: 'point', filled: true, size: model.cdfDetailed ? 16 : 40 },
        encoding: {
          tooltip: [
            { field: 'cell', title: 'cell' },
            { field: 'q', title: 'quantile' },
            { field: 'latency', title: latencyTitle(model, 'latency'), format: '.3~r' },
          ],
        },
      },
    ],
  };
  const detail = model.cdfDetailed
    ? 'Each curve joins the quantiles every 5 % and at 99 %, 99.9 % and the maximum.'
    : 'This results file carries only p50, p90, p99 and the maximum per cell, so each curve joins those four points.';
  const hidden = model.cdfHidden > 0 ? ` ${model.cdfHidden} further frontier cells are not drawn.` : '';
  return {
    id: 'chart-cdf',
    title: single ? 'Detection latency distribution' : 'Detection latency distribution of the frontier cells',
    caption: `Fraction of crashes detected within a given time (CDF). ${detail}${hidden}`,
    spec,
  };
}

const TICK_STEPS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14_400, 21_600, 43_200, 86_400];

/** Axis of a whole run: seconds, minutes or hours, at most about ten ticks. */
function runAxis(endS: number) {
  const step = TICK_STEPS_S.find((s) => endS / s <= 10) ?? 86_400 * Math.ceil(endS / 864_000);
  const values = Array.from({ length: Math.floor(endS / step) + 1 }, (_, i) => i * step);
  if (step < 60) return { title: 'Simulated time (s)', values, format: '~g' };
  if (step < 3600) return { title: 'Simulated time (min)', values, labelExpr: "format(datum.value / 60, '~g')" };
  return { title: 'Simulated time (h)', values, labelExpr: "format(datum.value / 3600, '~g')" };
}

function timelineChart(model: ReportModel): Chart | null {
  const t = model.timeline;
  if (!t || t.nodes.length === 0) return null;
  const nodes = [...t.nodes];
  const laneHeight = (px: number) => Math.max(40, nodes.length * px);
  const stateColor = {
    type: 'nominal' as const,
    scale: { domain: Object.keys(STATE_COLORS), range: Object.values(STATE_COLORS) },
    legend: { title: 'state', orient: 'top' as const, direction: 'horizontal' as const },
  };
  // Lanes are ordered by a numeric `lane` field, not by a sort list of names: vega-lite
  // compiles such a list into an expression that vega cannot run for names such as
  // "toString" or "constructor" ("Operator not defined").
  const y = { field: 'node', type: 'nominal' as const, sort: { field: 'lane', op: 'min' as const, order: 'ascending' as const }, axis: { title: null, labelLimit: 140 } };
  // The zoomed panel draws only what overlaps the window (the brush signal holds {s: [from, to]}).
  const inWindow = { filter: '!brush.s || (datum.e >= brush.s[0] && datum.s <= brush.s[1])' };
  const inWindowPoint = { filter: '!brush.s || (datum.t >= brush.s[0] && datum.t <= brush.s[1])' };
  const zoom = (detail: boolean, brush: boolean, filter: object) => (detail && !brush && t.window ? { transform: [filter] } : {});
  const layers = (detail: boolean, brush: boolean) => [
    {
      data: { name: 'lanes' },
      ...(brush && t.window
        ? {
            params: [
              {
                name: 'brush',
                value: { x: [...t.window] },
                // A stroke keeps a window of a few seconds visible on an hour-long axis.
                select: { type: 'interval', encodings: ['x'], mark: { fill: '#1a73e8', fillOpacity: 0.15, stroke: '#1a73e8', strokeWidth: 2 } },
              },
            ],
          }
        : {}),
      mark: { type: 'bar', height: { band: 0.7 }, clip: true },
      encoding: { x: { field: 's' }, x2: { field: 'e' }, y, color: { ...stateColor, datum: 'ALIVE' } },
    },
    {
      data: { name: 'states' },
      ...(detail
        ? {
            transform: [
              ...(brush || !t.window ? [] : [inWindow]),
              // The tooltip's text is derived here rather than stored once per span.
              {
                calculate: `datum.state + (datum.wrong ? (datum.state === 'DEAD' ? ' (false death)' : ' (false suspicion)') : ' (node down)') + ' for ' + format(datum.e - datum.s, '.3~r') + ' s'`,
                as: 'tip',
              },
            ],
          }
        : {}),
      mark: { type: 'bar', height: { band: 0.7 }, clip: true },
      encoding: {
        x: { field: 's' },
        x2: { field: 'e' },
        y,
        color: { ...stateColor, field: 'state' },
        ...(detail
          ? {
              tooltip: [
                { field: 'node', title: 'node' },
                { field: 'tip', title: 'state' },
                { field: 's', title: 'from (s)', format: ',.3f' },
                { field: 'e', title: 'to (s)', format: ',.3f' },
              ],
            }
          : {}),
      },
    },
    { data: { name: 'down' }, ...zoom(detail, brush, inWindow), mark: { type: 'bar', height: { band: 0.16 }, clip: true }, encoding: { x: { field: 's' }, x2: { field: 'e' }, y, color: { ...stateColor, datum: 'node down' } } },
    {
      data: { name: 'crashes' },
      ...zoom(detail, brush, inWindowPoint),
      mark: { type: 'point', shape: 'triangle-down', filled: true, size: detail ? 90 : 40, color: '#202124', clip: true, yOffset: detail ? -10 : -5 },
      encoding: { x: { field: 't' }, y, ...(detail ? { tooltip: [{ field: 'node', title: 'crash of' }, { field: 't', title: 'at (s)', format: ',.3f' }] } : {}) },
    },
  ];
  const xTitle = 'Simulated time (s)';
  const overview = {
    width: 900,
    height: laneHeight(t.window ? 9 : 20),
    encoding: { x: { type: 'quantitative', scale: { domain: [0, t.endS] }, axis: runAxis(t.endS) } },
    layer: layers(!t.window, true),
  };
  const zoomed = t.window
    ? {
        width: 900,
        height: laneHeight(22),
        title: { text: `Zoom: ${t.windowReason} (drag the blue window in the overview to move it, or draw a new one)`, anchor: 'start', fontSize: 12, fontWeight: 500, color: '#3c4043' },
        // The brush's extent when there is one, else the whole run. (domainRaw rather than
        // {param: 'brush'}, whose data-driven fallback warns when the window is empty.)
        encoding: { x: { type: 'quantitative', scale: { domain: [0, t.endS], domainRaw: { expr: 'brush.s || null' } }, axis: { title: xTitle, format: ',.3~f', tickCount: 8, labelOverlap: true } } },
        layer: layers(true, false),
      }
    : null;
  const spec = {
    $schema: SCHEMA,
    config: CONFIG,
    ...(zoomed ? { vconcat: [zoomed, overview], spacing: 18 } : overview),
  } as TopLevelSpec;
  const role = model.analysis.recommendation.met ? 'recommended' : 'closest';
  const who = t.isRecommended ? `the ${role} cell` : `the sampled cell (the results file sampled another cell than the ${role} one)`;
  const hidden = t.hiddenNodes > 0 ? ` ${t.hiddenNodes} quieter nodes are not drawn.` : '';
  const dropped = t.dropped > 0 ? ` The log kept only the first transitions (${t.dropped} dropped), so later ones are missing.` : '';
  const fs =
    t.falseSuspicions > 0
      ? ` A false suspicion is an amber bar on a node that is up (no black line): the monitor distrusted a live node until its next heartbeat arrived.`
      : ' This run had no false suspicion.';
  return {
    id: 'chart-timeline',
    title: `Node states in one run: ${t.cellLabel}`,
    caption: `What the monitor believed about each node during replication 0 of ${who}. Black lines are the true down periods, triangles the crashes.${fs}${hidden}${dropped}`,
    spec,
  };
}

function costChart(model: ReportModel): Chart | null {
  if (!model.a) return null;
  // Heartbeat cost usually depends on the interval alone: then one point per interval
  // says it all, and 200 overlapping points would only add bytes.
  const byA = new Map<string, number[]>();
  for (const r of model.rows) if (r.msgs !== null) byA.set(r.a, [...(byA.get(r.a) ?? []), r.msgs]);
  const onlyA = model.b !== null && [...byA.values()].every((v) => Math.max(...v) - Math.min(...v) <= 1e-3 * Math.max(...v));
  if (onlyA) return costByA(model);
  const color = model.b
    ? { field: 'b', type: 'ordinal' as const, sort: [...model.b.values], scale: { scheme: { name: 'viridis', extent: [0.05, 0.85] } }, legend: { title: model.b.name, symbolOpacity: 1 } }
    : { value: '#1a73e8' };
  const spec: TopLevelSpec = {
    $schema: SCHEMA,
    config: CONFIG,
    width: 400,
    height: 240,
    data: { name: 'cells' },
    transform: [{ filter: 'isValid(datum.msgs)' }],
    encoding: {
      x: { field: 'a', type: 'ordinal', sort: [...model.a.values], axis: { title: model.a.name, labelAngle: 0, labelOverlap: true } },
      y: { field: 'msgs', type: 'quantitative', axis: { title: 'Messages per node-second' } },
      color,
    },
    layer: [
      { mark: { type: 'line', opacity: 0.5 }, ...(model.b ? { encoding: { detail: { field: 'b' } } } : {}) },
      { mark: { type: 'point', filled: true, size: 60 }, encoding: { tooltip: [{ field: 'label', title: 'cell' }, { field: 'tMsgs', title: 'messages / node-s' }] } },
    ],
  };
  return {
    id: 'chart-cost',
    title: 'Cost: messages per node-second',
    caption: 'Heartbeats sent per monitored node per second of up-time, per cell.',
    spec,
  };
}

function costByA(model: ReportModel): Chart {
  const a = model.a!;
  const spec: TopLevelSpec = {
    $schema: SCHEMA,
    config: CONFIG,
    width: 400,
    height: 240,
    data: { name: 'cells' },
    transform: [{ filter: 'isValid(datum.msgs)' }, { aggregate: [{ op: 'mean', field: 'msgs', as: 'msgs' }, { op: 'count', as: 'cells' }], groupby: ['a'] }],
    encoding: {
      x: { field: 'a', type: 'ordinal', sort: [...a.values], axis: { title: a.name, labelAngle: 0, labelOverlap: true } },
      y: { field: 'msgs', type: 'quantitative', axis: { title: 'Messages per node-second' } },
      color: { value: '#1a73e8' },
    },
    layer: [
      { mark: { type: 'line', opacity: 0.6 } },
      {
        mark: { type: 'point', filled: true, size: 60 },
        encoding: {
          tooltip: [
            { field: 'a', title: a.name },
            { field: 'msgs', title: 'messages / node-s', format: '.3~r' },
            { field: 'cells', title: 'cells' },
          ],
        },
      },
    ],
  };
  return {
    id: 'chart-cost',
    title: 'Cost: messages per node-second',
    caption: `Heartbeats sent per monitored node per second of up-time. It depends on ${a.name} alone here: every value of ${model.b!.name} costs the same.`,
    spec,
  };
}

/** The charts that make sense for this results file, in page order, with their datasets. */
export function buildCharts(model: ReportModel): ChartSet {
  const sweep = model.results.cells.length > 1 && model.a !== null;
  const t = model.timeline;
  const members = sweep ? membershipModel(model.results, model.rows) : null;
  const shape = shapeB(model);
  const charts = [
    sweep ? tradeOffChart(model) : null,
    ...(members ? membershipCharts(members, colorA(model), shape, CONFIG, SCHEMA) : []),
    model.results.tune ? tuneChart(model.fsDomain, model.latency.unit, model.latency.log, CONFIG) : null,
    ...(sweep ? heatmaps(model) : []),
    sweep ? costChart(model) : null,
    cdfChart(model),
    timelineChart(model),
  ].filter((c): c is Chart => c !== null);
  const datasets: Record<string, readonly object[]> = { cells: model.rows, cdf: model.cdf };
  if (members) {
    datasets['members'] = members.rows;
    datasets['memberCost'] = members.cost;
  }
  if (model.results.tune) datasets['tunePath'] = tunePathRows(model.results, model.rows);
  if (t) {
    const lane = new Map(t.nodes.map((node, i) => [node, i]));
    const withLane = <T extends { node: string }>(xs: readonly T[]) => xs.map((x) => ({ ...x, lane: lane.get(x.node) ?? t.nodes.length }));
    datasets['lanes'] = t.nodes.map((node, i) => ({ node, lane: i, s: 0, e: t.endS }));
    datasets['states'] = withLane(t.states);
    datasets['down'] = withLane(t.down);
    datasets['crashes'] = withLane(t.crashes);
  }
  return { datasets, charts };
}

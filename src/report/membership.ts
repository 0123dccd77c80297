/**
 * The report's protocol comparison, for results whose cells carry `membership` metrics
 * (decentralised protocols: swim, ring, monitors, gossip). A sweep over `protocol.kind`
 * (or any protocol setting) then reads on one trade-off chart — how fast the first
 * member declares a crashed one DEAD against how often a live member is declared DEAD
 * (the mistake that triggers a failover) — and on one cost chart, messages per
 * member-second by kind. A table gives the numbers behind both.
 *
 * Why false deaths and not false suspicions: SWIM's suspicions are cheap by design (a
 * refutation clears them), while a ring's first verdict is already DEAD; what every
 * protocol shares, and what a user pays for, is the DEAD verdict.
 *
 * Pure functions of the results; strings from the results are escaped by the caller's
 * `escapeHtml` (passed in to keep one escaper).
 */
import type { TopLevelSpec } from 'vega-lite';
import { cellLabel, formatAccuracy, formatDurationMs, formatOptionalDurationMs, formatRate, formatSignificant } from '../analysis/index.js';
import type { CellResult, ResultsFile } from '../results/results-file.js';
import { decades, logDomain, type CellRow } from './data.js';

type Membership = NonNullable<CellResult['metrics']['membership']>;

/** A chart as charts.ts's `Chart` (structurally the same; charts.ts imports this file). */
export interface MembershipChart {
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  readonly spec: TopLevelSpec;
}

/** One cell with membership metrics, in chart units. */
export interface MembershipRow {
  readonly id: string;
  readonly label: string;
  /** The swept values, as the main chart's colour and shape read them. */
  readonly a: string;
  readonly b: string;
  /** Time to the first DEAD anywhere (p99, p50) and until every live member knows (p99), in `unit`. */
  readonly deadP99: number | null;
  readonly deadP50: number | null;
  readonly dissP99: number | null;
  /** False deaths per member-day: where the point sits (the floor for 0), its interval bar, and whether it is 0. */
  readonly fdX: number;
  readonly fdLoX: number;
  readonly fdHi: number;
  readonly fdZero: boolean;
  /** Messages per member-second, all kinds. */
  readonly msgs: number;
  readonly tSusp: string;
  readonly tDead: string;
  readonly tDiss: string;
  readonly tFs: string;
  readonly tFd: string;
  readonly tViews: string;
  readonly tMsgs: string;
  readonly tBytes: string;
}

/** One bar segment of the cost chart. */
export interface MembershipCostRow {
  readonly id: string;
  readonly label: string;
  readonly kind: string;
  readonly msgs: number;
  readonly bytes: number;
}

export interface MembershipModel {
  readonly rows: readonly MembershipRow[];
  readonly cost: readonly MembershipCostRow[];
  readonly unit: 's' | 'ms';
  /** Log domain of false deaths per member-day; its lower end stands for 0. */
  readonly fdDomain: readonly [number, number];
}

function withMembership(results: ResultsFile): { cell: CellResult; m: Membership }[] {
  return results.cells.flatMap((cell) => (cell.metrics.membership ? [{ cell, m: cell.metrics.membership }] : []));
}

/** True when the results hold at least one cell of a decentralised protocol. */
export function hasMembership(results: ResultsFile): boolean {
  return results.cells.some((c) => c.metrics.membership !== undefined);
}

/** The membership rows, joined with the main rows' swept values; null when no cell has membership metrics. */
export function membershipModel(results: ResultsFile, rows: readonly CellRow[]): MembershipModel | null {
  const cells = withMembership(results);
  if (cells.length === 0) return null;
  const byId = new Map(rows.map((r) => [r.id, r]));
  const latest = Math.max(0, ...cells.map(({ m }) => Math.max(m.first_dead_ms.p99 ?? 0, m.dissemination_ms.p99 ?? 0)));
  const unit = latest >= 2000 ? 's' : 'ms';
  const divisor = unit === 's' ? 1000 : 1;
  const scale = (ms: number | null) => (ms === null ? null : ms / divisor);
  const fdDomain = logDomain(cells.flatMap(({ m }) => [m.false_deaths.per_node_day, m.false_deaths.ci95_high, m.false_deaths.ci95_low]), [0.01, 10]);
  const floor = fdDomain[0];
  const quantiles = (d: Membership['first_dead_ms']) => (d.p50 === null ? '– (no crash)' : `p50 ${formatDurationMs(d.p50)}, p99 ${formatOptionalDurationMs(d.p99)}`);
  const out: MembershipRow[] = cells.map(({ cell, m }) => {
    const fd = m.false_deaths;
    const fdZero = fd.count === 0;
    const main = byId.get(cell.id);
    return {
      id: cell.id,
      label: cellLabel(cell, results.swept),
      a: main?.a ?? '',
      b: main?.b ?? '',
      deadP99: scale(m.first_dead_ms.p99),
      deadP50: scale(m.first_dead_ms.p50),
      dissP99: scale(m.dissemination_ms.p99),
      fdX: fdZero ? floor : fd.per_node_day,
      fdLoX: fd.ci95_low > floor ? fd.ci95_low : floor,
      fdHi: fd.ci95_high,
      fdZero,
      msgs: m.messages_per_member_s['total'] ?? 0,
      tSusp: quantiles(m.first_suspicion_ms),
      tDead: quantiles(m.first_dead_ms),
      tDiss: m.dissemination_ms.p50 === null ? '– (no crash)' : `${quantiles(m.dissemination_ms)}${m.dissemination_incomplete > 0 ? `, ${m.dissemination_incomplete} incomplete` : ''}`,
      tFs: formatRate(m.false_suspicions),
      tFd: formatRate(fd),
      tViews: m.view_accuracy === null ? '–' : formatAccuracy(m.view_accuracy),
      tMsgs: formatSignificant(m.messages_per_member_s['total'] ?? 0),
      tBytes: formatSignificant(m.bytes_per_member_s['total'] ?? 0),
    };
  });
  const cost: MembershipCostRow[] = cells.flatMap(({ cell, m }) =>
    Object.entries(m.messages_per_member_s)
      .filter(([kind, v]) => kind !== 'total' && v > 0)
      .map(([kind, v]) => ({ id: cell.id, label: cellLabel(cell, results.swept), kind, msgs: v, bytes: m.bytes_per_member_s[kind] ?? 0 })),
  );
  return { rows: out, cost, unit, fdDomain };
}

const TOOLTIP = [
  { field: 'label', title: 'cell' },
  { field: 'tSusp', title: 'to first suspicion' },
  { field: 'tDead', title: 'to first DEAD' },
  { field: 'tDiss', title: 'until all know' },
  { field: 'tFd', title: 'false deaths / member-day (95 %)' },
  { field: 'tFs', title: 'false suspicions / member-day (95 %)' },
  { field: 'tMsgs', title: 'messages / member-s' },
  { field: 'tBytes', title: 'bytes / member-s' },
];

/** First DEAD (p99) against false deaths per member-day, one point per cell, sized by messages. */
function tradeOff(model: MembershipModel, colour: object, shape: object | undefined, config: object, schema: string): MembershipChart {
  const floor = model.fdDomain[0];
  const spec: TopLevelSpec = {
    $schema: schema,
    config,
    width: 640,
    height: 340,
    data: { name: 'members' },
    transform: [{ filter: 'isValid(datum.deadP99)' }],
    encoding: {
      x: {
        field: 'fdX',
        type: 'quantitative',
        scale: { type: 'log', domain: [floor / 2.5, model.fdDomain[1]] },
        axis: { title: 'False deaths per member-day (log scale; 0 at the left)', values: decades(model.fdDomain), labelExpr: `datum.value <= ${floor} ? '0' : datum.label`, format: '~g', grid: true },
      },
      y: { field: 'deadP99', type: 'quantitative', scale: { zero: true }, axis: { title: `Time to the first DEAD, p99 (${model.unit}; tick: until every member knows)` } },
    },
    layer: [
      { transform: [{ filter: '!datum.fdZero' }], mark: { type: 'rule', opacity: 0.5 }, encoding: { x: { field: 'fdLoX' }, x2: { field: 'fdHi' }, color: colour } },
      { transform: [{ filter: 'datum.fdZero' }], mark: { type: 'rule', opacity: 0.4, strokeDash: [3, 3] }, encoding: { x: { field: 'fdLoX' }, x2: { field: 'fdHi' }, color: colour } },
      { transform: [{ filter: 'isValid(datum.dissP99)' }], mark: { type: 'tick', orient: 'horizontal', size: 12, thickness: 1.5, opacity: 0.5 }, encoding: { y: { field: 'dissP99' }, color: colour } },
      {
        mark: { type: 'point', filled: true, opacity: 0.9 },
        encoding: {
          color: colour,
          ...(shape ? { shape } : {}),
          size: { field: 'msgs', type: 'quantitative', scale: { range: [60, 600] }, legend: { title: 'messages / member-s' } },
          tooltip: TOOLTIP,
        },
      },
    ],
  };
  return {
    id: 'chart-membership',
    title: 'Protocols: time to the first DEAD against false deaths',
    caption:
      'One point per cell of a decentralised protocol: how long after a crash the first member declares it DEAD (p99), against how often a live member is declared DEAD (per member-day, 95 % interval bar; 0 at the left with a dashed bar up to the rate it still allows). ' +
      'The tick above a point is the p99 time until every live member holds the crashed one DEAD; the point grows with the messages each member sends per second. Hover for every figure.',
    spec,
  };
}

/** Messages per member-second by kind, one stacked bar per cell. */
function costByKind(model: MembershipModel, config: object, schema: string): MembershipChart {
  const order = model.rows.map((r) => r.label);
  const spec: TopLevelSpec = {
    $schema: schema,
    config,
    width: 640,
    height: { step: 22 },
    data: { name: 'memberCost' },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'label', type: 'nominal', sort: order, axis: { title: null } },
      x: { field: 'msgs', type: 'quantitative', stack: 'zero', axis: { title: 'Messages per member-second (by kind)' } },
      color: { field: 'kind', type: 'nominal', scale: { scheme: 'tableau10' }, legend: { title: 'kind' } },
      tooltip: [
        { field: 'label', title: 'cell' },
        { field: 'kind', title: 'kind' },
        { field: 'msgs', title: 'messages / member-s', format: '.3~r' },
        { field: 'bytes', title: 'bytes / member-s (estimate)', format: '.3~r' },
      ],
    },
  };
  return {
    id: 'chart-membership-cost',
    title: 'Protocols: what each member sends',
    caption: 'Messages each member sends per second of up-time, by kind (probes, acks, indirect probes, gossip, anti-entropy…). Hover for the bytes, which are estimates of each protocol\'s encoding.',
    spec,
  };
}

/** The comparison charts (trade-off, cost), for a sweep with at least one protocol cell. */
export function membershipCharts(model: MembershipModel, colour: object, shape: object | undefined, config: object, schema: string): MembershipChart[] {
  return [tradeOff(model, colour, shape, config, schema), ...(model.cost.length > 0 ? [costByKind(model, config, schema)] : [])];
}

/** The numbers behind the charts, one row per protocol cell. */
export function membershipTableHtml(model: MembershipModel | null, escapeHtml: (s: string) => string): string {
  if (model === null) return '';
  const head = ['cell', 'to first suspicion', 'to first DEAD', 'until all know', 'false suspicions / member-day', 'false deaths / member-day', 'views alive', 'messages / member-s', 'bytes / member-s'];
  const body = model.rows
    .map((r) => `<tr>${[r.label, r.tSusp, r.tDead, r.tDiss, r.tFs, r.tFd, r.tViews, r.tMsgs, r.tBytes].map((v) => `<td>${escapeHtml(v)}</td>`).join('')}</tr>`)
    .join('');
  return `<section class="card" id="membership" style="margin-top:20px">
<h2>Membership protocols</h2>
<p class="targets" style="margin-bottom:10px">Per crash: to the first member that suspects it, to the first DEAD, and until every live member holds it DEAD. Mistakes: where they start, per member-day, with the exact 95 % interval. "Views alive": the share of (observer, live member) time the observer held the member alive.</p>
<div class="table-wrap"><table class="params membership"><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table></div>
</section>`;
}

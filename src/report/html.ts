/**
 * The report page: one self-contained HTML file in the manner of Playwright's and
 * Lighthouse's reports. It carries the results JSON (re-renderable and diffable with
 * `extractResults`), the chart specs with their data, the vega bundles, and each chart
 * as static SVG that the live vega-embed view replaces when JavaScript runs. Nothing
 * is fetched at view time.
 *
 * Every string that comes from a results file goes through `escapeHtml` (text and
 * attributes) or `jsonForScript` (inline JSON, `<` written as \u003c), and vega escapes
 * the text of its SVG. The page holds no timestamp or random id: the same results give
 * the same bytes.
 */
import {
  cellLabel,
  DEFAULT_MAX_FALSE_SUSPICIONS_PER_NODE_DAY,
  formatAccuracy,
  formatCount,
  formatDurationMs,
  formatOptionalDurationMs,
  formatParamValue,
  formatRate,
  formatSignificant,
  shortParamNames,
} from '../analysis/index.js';
import type { CellResult, RecommendationTargets, ResultsFile } from '../results/results-file.js';
import { scriptBundles } from './bundles.js';
import { buildCharts, type Chart, type ChartSet } from './charts.js';
import { reportModel, type ReportModel, type ReportOptions } from './data.js';
import { membershipModel, membershipTableHtml } from './membership.js';
import { tuneSectionHtml } from './tune.js';

/** The metric a later issue adds for pause models; the table shows its column when any cell has it. */
export const PAUSE_METRIC = 'longest_pause_survived_ms';

const RESULTS_ID = 'hbsim-results';
const CHARTS_ID = 'hbsim-charts';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Escaped text in which "95 %" and "2.3 s" never break across lines. */
function prose(text: string): string {
  return escapeHtml(text).replace(/(\d) (%|µs|ms|s|min|h)(?![\w])/g, '$1&nbsp;$2');
}

/** JSON safe inside <script type="application/json">: no "<" can open "</script" or "<!--". */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** The results file embedded in a report written by `renderReportHtml`. */
export function extractResults(html: string): ResultsFile {
  const open = `<script type="application/json" id="${RESULTS_ID}">`;
  const start = html.indexOf(open);
  if (start < 0) throw new Error('not an hbsim report: no embedded results');
  const end = html.indexOf('</script>', start);
  return JSON.parse(html.slice(start + open.length, end)) as ResultsFile;
}

// ------------------------------------------------------------------ pieces

function metricOf(cell: CellResult, name: string): unknown {
  return (cell.metrics as unknown as Record<string, unknown>)[name];
}

interface Column {
  readonly title: string;
  /** Hover text on the header. */
  readonly hint?: string;
  readonly text: (cell: CellResult) => string;
  /** Sort key; numbers sort numerically, null sorts last. */
  readonly key: (cell: CellResult) => number | string | null;
  readonly numeric?: boolean;
}

function columns(model: ReportModel): Column[] {
  const r = model.results;
  const order = new Map<string, number>();
  const names = shortParamNames(r.swept);
  const swept: Column[] = r.swept.map((path) => {
    const values = [...new Set(r.cells.map((c) => c.params[path]).filter((v) => v !== undefined).map((v) => formatParamValue(v!)))];
    values.forEach((v, i) => order.set(`${path}\u0000${v}`, i));
    return {
      title: names.get(path)!,
      hint: path,
      text: (c) => (c.params[path] === undefined ? '–' : formatParamValue(c.params[path]!)),
      key: (c) => (c.params[path] === undefined ? null : order.get(`${path}\u0000${formatParamValue(c.params[path]!)}`)!),
      numeric: true,
    };
  });
  const frontier = new Set(model.analysis.frontier);
  const rec = model.analysis.recommendation.cell;
  const list: Column[] = [
    ...swept,
    { title: 'p50', hint: 'Detection latency, median', text: (c) => formatOptionalDurationMs(c.metrics.detection_latency_ms.p50), key: (c) => c.metrics.detection_latency_ms.p50, numeric: true },
    {
      title: 'p99 (95 %)',
      hint: 'Detection latency p99 with its distribution-free 95 % interval',
      text: (c) => {
        const d = c.metrics.detection_latency_ms;
        if (d.p99 === null) return '–';
        return d.p99_ci95 ? `${formatDurationMs(d.p99)} (${formatDurationMs(d.p99_ci95[0])}–${formatDurationMs(d.p99_ci95[1])})` : formatDurationMs(d.p99);
      },
      key: (c) => c.metrics.detection_latency_ms.p99,
      numeric: true,
    },
    { title: 'false susp. / node-day', hint: 'False suspicions per node-day, exact 95 % Poisson interval', text: (c) => formatRate(c.metrics.false_suspicions), key: (c) => c.metrics.false_suspicions.ci95_high, numeric: true },
    { title: 'false deaths / node-day', hint: 'Live nodes declared DEAD, per node-day', text: (c) => formatRate(c.metrics.false_deaths), key: (c) => c.metrics.false_deaths.ci95_high, numeric: true },
    { title: 'P_A', hint: 'Query accuracy: fraction of up-time during which the node was trusted', text: (c) => formatAccuracy(c.metrics.query_accuracy), key: (c) => c.metrics.query_accuracy, numeric: true },
    { title: 'mistake p50', hint: 'Median length of a false suspicion', text: (c) => formatOptionalDurationMs(c.metrics.mistake_duration_ms.p50), key: (c) => c.metrics.mistake_duration_ms.p50, numeric: true },
    { title: 'msgs / node-s', hint: 'Heartbeats sent per node per second', text: (c) => (c.metrics.messages_per_node_s === null ? '–' : formatSignificant(c.metrics.messages_per_node_s)), key: (c) => c.metrics.messages_per_node_s, numeric: true },
  ];
  if (r.cells.some((c) => typeof metricOf(c, PAUSE_METRIC) === 'number')) {
    list.push({
      title: 'longest pause survived',
      hint: 'Longest sender pause that caused no false suspicion',
      text: (c) => {
        const v = metricOf(c, PAUSE_METRIC);
        return typeof v === 'number' ? formatDurationMs(v) : '–';
      },
      key: (c) => {
        const v = metricOf(c, PAUSE_METRIC);
        return typeof v === 'number' ? v : null;
      },
      numeric: true,
    });
  }
  if (r.cells.length > 1) {
    list.push({
      title: '',
      hint: `★ ${model.analysis.recommendation.met ? 'recommended' : 'closest to the targets'}, ● on the Pareto frontier`,
      text: (c) => (c.id === rec ? '★' : frontier.has(c.id) ? '●' : ''),
      key: (c) => (c.id === rec ? 0 : frontier.has(c.id) ? 1 : 2),
      numeric: true,
    });
  }
  return list;
}

function sortKeyAttr(key: number | string | null): string {
  return key === null ? '' : escapeHtml(String(key));
}

function cellsTable(model: ReportModel): string {
  const cols = columns(model);
  const rec = model.analysis.recommendation.cell;
  const frontier = new Set(model.analysis.frontier);
  const head = cols
    .map((c, i) => `<th scope="col" data-col="${i}"${c.numeric ? ' data-numeric' : ''}${c.hint ? ` title="${escapeHtml(c.hint)}"` : ''}>${escapeHtml(c.title)}</th>`)
    .join('');
  const body = model.results.cells
    .map((cell) => {
      const cls = cell.id === rec ? ' class="rec"' : frontier.has(cell.id) ? ' class="frontier"' : '';
      const tds = cols.map((c) => `<td data-v="${sortKeyAttr(c.key(cell))}">${prose(c.text(cell))}</td>`).join('');
      return `<tr${cls}>${tds}</tr>`;
    })
    .join('\n');
  return `<div class="table-wrap"><table class="cells sortable"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

/** Every metric of one cell, as a two-column table. */
function metricsTable(cell: CellResult): string {
  const m = cell.metrics;
  const d = m.detection_latency_ms;
  const dead = m.detection_to_dead_ms;
  const rows: [string, string][] = [
    ['Detection latency', d.p50 === null ? 'no crash detected' : `p50 ${formatDurationMs(d.p50)} · p90 ${formatOptionalDurationMs(d.p90)} · p99 ${formatOptionalDurationMs(d.p99)} · max ${formatOptionalDurationMs(d.max)} (${d.count} crashes)`],
    ['Detection p99, 95 % interval', d.p99_ci95 ? `${formatDurationMs(d.p99_ci95[0])} – ${formatDurationMs(d.p99_ci95[1])}` : 'too few samples'],
    ['Crash → DEAD', dead.p50 === null ? '–' : `p50 ${formatDurationMs(dead.p50)} · p99 ${formatOptionalDurationMs(dead.p99)}`],
    ['False suspicions per node-day', `${formatRate(m.false_suspicions)} — ${m.false_suspicions.count} in ${formatSignificant(m.node_hours)} node-hours`],
    ['False deaths per node-day', formatRate(m.false_deaths)],
    ['Mistake duration', m.mistake_duration_ms.count === 0 ? 'no false suspicion' : `p50 ${formatOptionalDurationMs(m.mistake_duration_ms.p50)} · p99 ${formatOptionalDurationMs(m.mistake_duration_ms.p99)} · max ${formatOptionalDurationMs(m.mistake_duration_ms.max)}`],
    ['Time between mistakes of a node', m.mistake_recurrence_s.mean === null ? `no false suspicion${m.mistake_recurrence_s.ci95_low === null ? '' : ` (≥ ${formatDurationMs(m.mistake_recurrence_s.ci95_low * 1000)}, 95 %)`}` : `mean ${formatDurationMs(m.mistake_recurrence_s.mean * 1000)}`],
    ['Query accuracy P_A', m.query_accuracy === null ? '–' : `${formatAccuracy(m.query_accuracy)}${m.query_accuracy_ci95 ? ` (95 %: ${formatAccuracy(m.query_accuracy_ci95[0])} – ${formatAccuracy(m.query_accuracy_ci95[1])})` : ''}`],
    ['Messages per node-second', m.messages_per_node_s === null ? '–' : formatSignificant(m.messages_per_node_s)],
    ['Crashes', `${formatCount(m.crashes.count)}: ${formatCount(m.crashes.detected)} detected, ${m.crashes.undetected} undetected before recovery, ${m.crashes.censored} still undetected at the end`],
    ['Heartbeats', `${formatCount(m.heartbeats.sent)} sent, ${formatCount(m.heartbeats.delivered)} delivered, ${formatCount(m.heartbeats.lost)} lost`],
  ];
  const pause = metricOf(cell, PAUSE_METRIC);
  if (typeof pause === 'number') {
    const ps = cell.pause_survival;
    const how = ps ? ` (${ps.failures_at_longest} of ${ps.pauses_per_probe} injected pauses caused a suspicion there${ps.capped ? '; the search stopped at its cap' : ''}${ps.stopped_by_budget ? `; the search stopped at its budget of ${ps.budget_heartbeats?.toExponential(0)} heartbeats, so this is a lower bound` : ''})` : '';
    rows.push(['Longest pause survived', `${formatDurationMs(pause)}${how}`]);
  }
  // Issue-6 metrics, shown when something happened.
  if (m.flaps && m.flaps.count > 0) rows.push(['Flaps per node-day', formatRate(m.flaps)]);
  if (m.max_simultaneous_false_suspicions > 1) {
    rows.push(['Most live nodes suspected at once', `${m.max_simultaneous_false_suspicions} (${m.mass_suspicion_events} mass-suspicion event${m.mass_suspicion_events === 1 ? '' : 's'})`]);
  }
  if (m.pauses && m.pauses.count > 0) {
    const ci = m.pauses.ci95 ? ` (95 %: ${formatSignificant(m.pauses.ci95[0] * 100)} – ${formatSignificant(m.pauses.ci95[1] * 100)} %)` : '';
    rows.push(['Sender pauses', `${formatCount(m.pauses.count)}, mean ${formatOptionalDurationMs(m.pauses.mean_ms)}; ${m.pauses.caused_false_suspicion} caused a false suspicion${ci}`]);
  }
  if (m.transport) {
    const t = m.transport;
    const share = t.stall_share === null ? 'no false suspicion' : `${formatSignificant(t.stall_share * 100)} % of the false suspicions began during a TCP stall${t.stall_share_ci95 ? ` (95 %: ${formatSignificant(t.stall_share_ci95[0] * 100)} – ${formatSignificant(t.stall_share_ci95[1] * 100)} %)` : ''}`;
    rows.push(['TCP', `${formatCount(t.retransmissions)} retransmissions, ${formatCount(t.head_of_line_stalls)} head-of-line stalls, ${formatCount(t.connection_breaks)} connection breaks (${formatCount(t.dropped_by_breaks)} messages lost with them); ${share}`]);
  }
  if (m.failover) {
    const f = m.failover;
    rows.push(['Monitor failover', `${formatCount(f.monitor_crashes)} monitor crash${f.monitor_crashes === 1 ? '' : 'es'}, ${formatDurationMs(f.monitor_down_ms)} without a working monitor; ${formatCount(f.takeover_false_suspicions)} false suspicions caused by takeovers`]);
  }
  if (m.split_brain && m.split_brain.count > 0) {
    rows.push(['Lease split-brain windows', `${m.split_brain.count} (${formatRate(m.split_brain)}), ${formatDurationMs(m.split_brain.total_ms)} in all, longest ${formatDurationMs(m.split_brain.max_ms)}`]);
  }
  if (m.heartbeats.partitioned > 0 || m.heartbeats.missed_while_paused > 0) {
    rows.push(['Heartbeats not sent or cut', `${formatCount(m.heartbeats.missed_while_paused)} skipped while paused, ${formatCount(m.heartbeats.partitioned)} cut by partitions`]);
  }
  return `<table class="kv">${rows.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${prose(v)}</td></tr>`).join('')}</table>` + analyticBlock(cell);
}

/** The closed-form prediction beside the simulated values, with the verdict said loudly. */
function analyticBlock(cell: CellResult): string {
  const a = cell.analytic;
  if (!a) return '';
  const num = (x: number | null, f: (v: number) => string) => (x === null ? '–' : f(x));
  const row = (label: string, v: { predicted: number | null; simulated: number | null; z: number | null }, f: (v: number) => string) =>
    `<tr><th scope="row">${escapeHtml(label)}</th><td>${escapeHtml(num(v.predicted, f))}</td><td>${escapeHtml(num(v.simulated, f))}</td><td>${escapeHtml(v.z === null ? '–' : String(v.z))}</td></tr>`;
  const rate = (x: number) => formatSignificant(x);
  const ms = (x: number) => formatDurationMs(x);
  const acc = (x: number) => formatAccuracy(x);
  // Loud only for a real, unexplained disagreement; a difference the scenario's faults
  // explain is stated plainly, not as an alarm.
  const alarm = !a.agrees && a.violations.length === 0;
  const cls = alarm ? 'analytic disagrees' : 'analytic agrees';
  const verdict = alarm ? `<strong>${escapeHtml(a.verdict)}</strong>` : escapeHtml(a.verdict);
  return (
    `<div class="${cls}"><h4>Closed form beside the simulation</h4><p class="muted">${escapeHtml(a.model)}</p>` +
    `<table class="kv"><tr><th></th><th>predicted</th><th>simulated</th><th>z</th></tr>` +
    row('False suspicions per node-day', a.false_suspicions_per_node_day, rate) +
    row('Mean mistake duration', a.mistake_duration_ms, ms) +
    row('Query accuracy P_A', a.query_accuracy, acc) +
    row('Mean detection latency', a.detection_latency_mean_ms, ms) +
    `</table><p class="verdict">${verdict}</p></div>`
  );
}

function targetsText(targets: RecommendationTargets): string {
  const parts: string[] = [];
  const fs = targets.maxFalseSuspicionsPerNodeDay!;
  parts.push(`at most ${formatSignificant(fs)} false suspicion${fs === 1 ? '' : 's'} per node-day (95 % upper bound)${fs === DEFAULT_MAX_FALSE_SUSPICIONS_PER_NODE_DAY ? ', the default' : ''}`);
  if (targets.maxDetectionP99Ms !== undefined) parts.push(`p99 detection at most ${formatDurationMs(targets.maxDetectionP99Ms)}`);
  if (targets.minQueryAccuracy !== undefined) parts.push(`P_A at least ${formatAccuracy(targets.minQueryAccuracy)} (95 % lower bound)`);
  return parts.join('; ');
}

function fact(label: string, value: string, title?: string, wide = false): string {
  return `<div class="fact${wide ? ' wide' : ''}"${title ? ` title="${escapeHtml(title)}"` : ''}><div class="fact-label">${escapeHtml(label)}</div><div class="fact-value">${escapeHtml(value)}</div></div>`;
}

function figure(chart: Chart, svg: string, wide: boolean): string {
  return (
    `<figure class="chart${wide ? ' wide' : ''}" id="${escapeHtml(chart.id)}">` +
    `<figcaption><h3>${escapeHtml(chart.title)}</h3></figcaption>` +
    `<div class="vis"><div class="static">${svg}</div><div class="live"></div></div>` +
    `<p class="caption">${escapeHtml(chart.caption)}</p></figure>`
  );
}

const STYLE = `
:root{--font:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;--bg:#f1f3f4;--card:#fff;--ink:#202124;--muted:#5f6368;--line:#dadce0;--accent:#1a73e8;--good:#188038;--warn:#e37400;
font-family:var(--font);color:var(--ink);background:var(--bg)}
*{box-sizing:border-box}body{margin:0;font-size:15px;line-height:1.5}
.topbar{background:#202124;color:#fff}.topbar .wrap{display:flex;gap:12px;align-items:baseline;padding:10px 24px}
.brand{font-weight:700;letter-spacing:.02em}.topbar .muted{color:#bdc1c6;font-size:13px}
.wrap{max-width:1180px;margin:0 auto;padding:0 24px}
main.wrap{padding-top:24px;padding-bottom:48px}
.analytic{margin-top:12px;padding:8px 12px;border-radius:6px;background:#f8f9fa}.analytic h4{margin:0}.analytic.disagrees{background:#fef7e0;border-left:4px solid var(--warn)}.analytic .verdict{margin:6px 0 0}
.card{background:var(--card);border-radius:8px;box-shadow:0 1px 2px rgba(60,64,67,.3),0 1px 3px 1px rgba(60,64,67,.15);padding:20px 24px;margin-bottom:20px}
h1{font-size:26px;margin:0 0 4px;word-break:break-word}h2{font-size:18px;margin:0 0 12px}h3{font-size:15px;margin:0}
.desc{color:var(--muted);margin:0 0 16px;white-space:pre-wrap;word-break:break-word}
.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:12px 20px}
.fact-label{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}.fact-value{font-size:17px;font-weight:600;overflow-wrap:anywhere}.fact.wide{grid-column:span 2}.fact.wide .fact-value{font-size:14px;font-weight:500;padding-top:3px}
.rec-card{border-left:6px solid var(--good)}.rec-card.unmet{border-left-color:var(--warn)}
.rec-label{font-size:12px;font-weight:700;text-transform:uppercase;letter-spacing:.06em;color:var(--good)}.unmet .rec-label{color:var(--warn)}
.sentence{font-size:21px;line-height:1.4;margin:6px 0 10px;font-weight:500}
.targets{color:var(--muted);font-size:13px;margin:0}
details{margin-top:12px}summary{cursor:pointer;color:var(--accent);font-size:14px}
nav.toc{display:flex;flex-wrap:wrap;gap:6px 16px;font-size:14px;margin:-4px 0 16px}nav.toc a{color:var(--accent);text-decoration:none}
.charts{display:flex;flex-wrap:wrap;gap:20px}
figure.chart{background:var(--card);border-radius:8px;box-shadow:0 1px 2px rgba(60,64,67,.3),0 1px 3px 1px rgba(60,64,67,.15);margin:0;padding:16px 20px;flex:1 1 calc(50% - 10px);min-width:340px}
figure.chart.wide{flex-basis:100%}
.vis{overflow-x:auto}.static svg{max-width:100%;height:auto;display:block}.static svg text{font-family:var(--font)}
.is-live .static{display:none}.live:empty{display:none}
.caption{color:var(--muted);font-size:13px;margin:8px 0 0;max-width:900px}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;font-size:13px;font-variant-numeric:tabular-nums}
th,td{padding:6px 9px;text-align:left;border-bottom:1px solid var(--line);vertical-align:top}
table.cells{width:100%}table.cells th{position:sticky;top:0;background:#f8f9fa;cursor:pointer;user-select:none;vertical-align:bottom;min-width:3.5em;hyphens:auto}
table.cells td:first-child,table.cells th:first-child{position:sticky;left:0;z-index:1;background:var(--card);box-shadow:1px 0 0 var(--line)}table.cells th:first-child{background:#f8f9fa;z-index:2}
table.cells th[aria-sort=ascending]::after{content:" ▲";font-size:10px}table.cells th[aria-sort=descending]::after{content:" ▼";font-size:10px}
table.cells td{white-space:nowrap}table.cells td,table.cells th{padding:6px 7px}table.cells tr.rec td{background:#e6f4ea;font-weight:600}table.cells tr.frontier td{background:#f8fbff}
table.kv th{color:var(--muted);font-weight:500;white-space:nowrap;padding-right:24px}
table.params td:first-child{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:var(--muted)}
table.params td{word-break:break-word}
footer{color:var(--muted);font-size:13px;margin-top:28px}code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px;background:#e8eaed;padding:1px 4px;border-radius:3px}
@media print{body{background:#fff}.card,figure.chart{box-shadow:none;border:1px solid var(--line)}}
`;

/** Renders the live charts over the static ones, and sorts the cells table on header clicks. */
const PAGE_SCRIPT = `
(function () {
  var set = JSON.parse(document.getElementById(${JSON.stringify(CHARTS_ID)}).textContent);
  var jobs = set.charts.map(function (chart) {
    var host = document.getElementById(chart.id);
    var spec = Object.assign({}, chart.spec, { datasets: set.datasets });
    return vegaEmbed(host.querySelector('.live'), spec, { actions: false, renderer: 'svg' }).then(function () {
      var copy = host.querySelector('.static');
      if (copy) copy.parentNode.removeChild(copy);
      host.classList.add('is-live');
    }, function (error) {
      console.error('hbsim report: chart ' + chart.id + ' could not be drawn; the static copy stays.', error);
    });
  });
  Promise.all(jobs).then(function () { document.documentElement.setAttribute('data-charts', 'ready'); });

  Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), function (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      th.addEventListener('click', function () {
        var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
        var numeric = th.hasAttribute('data-numeric');
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows).map(function (row, i) { return { row: row, i: i, v: row.cells[col].getAttribute('data-v') }; });
        rows.sort(function (a, b) {
          if (a.v === '' || b.v === '') return (a.v === '') - (b.v === '') || a.i - b.i;
          var d = numeric ? Number(a.v) - Number(b.v) : (a.v < b.v ? -1 : a.v > b.v ? 1 : 0);
          return d * dir || a.i - b.i;
        });
        rows.forEach(function (r) { body.appendChild(r.row); });
      });
    });
  });
})();
`;

// ------------------------------------------------------------------ page

/**
 * Renders every chart of a set to static SVG, in order. The default is vega on this
 * thread (svg.ts `renderAllSvg`); the CLI may hand in one that renders on a warmed-up
 * worker thread (src/cli/chart-worker.ts), which gives the same bytes.
 */
export type ChartRenderer = (set: ChartSet) => Promise<readonly string[]>;

/** vega on this thread, loaded on first use: a caller that renders elsewhere never loads it (~0.2 s). */
export const renderChartsHere: ChartRenderer = async (set) => (await import('./svg.js')).renderAllSvg(set);

/** The report as one HTML document; a pure function of the results and options (whichever renderer draws the charts). */
export async function renderReportHtml(results: ResultsFile, options: ReportOptions = {}, renderCharts: ChartRenderer = renderChartsHere): Promise<string> {
  const model = reportModel(results, options);
  const set = buildCharts(model);
  // The charts render (perhaps on another thread) while this one writes the rest of the page.
  const rendering = renderCharts(set);
  rendering.catch(() => {}); // awaited below; this only keeps an early throw here from leaving it unhandled
  const r = results;
  const rec = model.recommended;
  const sweep = r.cells.length > 1;
  const recommendation = model.analysis.recommendation;
  const embedded: ResultsFile = { ...r, analysis: model.analysis };

  const facts = [
    fact('Cells', String(r.cells.length), r.swept.length > 0 ? `swept: ${r.swept.join(', ')}` : 'nothing swept'),
    fact('Replications', String(r.replications)),
    fact(
      r.cells.length > 1 ? `Node-hours, all ${r.cells.length} cells` : 'Simulated node-hours',
      model.nodeHours >= 1000 ? formatCount(Math.round(model.nodeHours)) : formatSignificant(model.nodeHours),
      r.cells.length > 1 ? "summed over all cells and replications; one cell's own (what the terminal prints) is in its detail" : 'summed over replications',
    ),
    fact('Seed', r.seed),
    fact('hbsim', r.tool.version),
    fact('Source', r.source, undefined, true),
  ].join('');

  const toc = set.charts.map((c) => `<a href="#${escapeHtml(c.id)}">${escapeHtml(c.title.replace(/:.*$/, ''))}</a>`).join('');
  const members = membershipTableHtml(sweep ? membershipModel(r, model.rows) : null, escapeHtml);
  const params = model.parameters
    .map((p) => `<tr><td>${escapeHtml(p.path)}</td><td>${escapeHtml(p.value)}</td></tr>`)
    .join('');
  const recLabel = recommendation.too_short ? 'Log too short to judge the target' : sweep ? (recommendation.met ? 'Recommendation' : 'No cell meets the targets') : recommendation.met ? 'Meets the targets' : 'Misses the targets';
  const detailTitle = rec ? (sweep ? `${recommendation.met ? 'Recommended' : 'Closest'} cell in detail: ${cellLabel(rec, r.swept)}` : 'Metrics') : '';
  const chartsJson = { datasets: set.datasets, charts: set.charts.map((c) => ({ id: c.id, spec: c.spec })) };
  const scripts = scriptBundles()
    .map((b) => `<script data-bundle="${escapeHtml(b.name)}">${b.code}</script>`)
    .join('\n');

  const svgs = await rendering;
  const chartHtml = set.charts
    .map((chart, i) => figure(chart, svgs[i]!, !chart.id.startsWith('chart-heatmap') && chart.id !== 'chart-cost'))
    .join('\n');

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="hbsim ${escapeHtml(r.tool.version)}">
<title>${escapeHtml(r.name)} · hbsim report</title>
<style>${STYLE}</style>
</head>
<body>
<header class="topbar"><div class="wrap"><span class="brand">hbsim</span><span class="muted">heartbeat failure-detector report</span></div></header>
<main class="wrap">
<section class="card" id="scenario">
<h1>${escapeHtml(r.name)}</h1>
${model.description ? `<p class="desc">${escapeHtml(model.description)}</p>` : ''}
<div class="facts">${facts}</div>
</section>
<section class="card rec-card${recommendation.met ? '' : ' unmet'}" id="recommendation">
<div class="rec-label">${escapeHtml(recLabel)}</div>
<p class="sentence">${prose(recommendation.sentence)}</p>
<p class="targets">Targets: ${prose(targetsText(model.analysis.targets))}.${sweep ? ` Among the cells that meet them, the one with the lowest p99 detection latency is recommended.` : ''}</p>
${rec ? `<details${sweep ? '' : ' open'}><summary>${escapeHtml(detailTitle)}</summary>${metricsTable(rec)}</details>` : ''}
</section>
${tuneSectionHtml(r, escapeHtml)}
${set.charts.length > 1 ? `<nav class="toc">${toc}<a href="#cells">All cells</a>${members ? '<a href="#membership">Membership</a>' : ''}<a href="#parameters">Parameters</a></nav>` : ''}
<section class="charts">
${chartHtml}
</section>
<section class="card" id="cells" style="margin-top:20px">
<h2>All cells</h2>
${sweep ? `<p class="targets" style="margin-bottom:10px">Click a column to sort. ★ ${recommendation.met ? 'recommended' : 'closest to the targets'}, ● on the Pareto frontier. Rates show the estimate and its 95 % interval; a zero count, the rate it still allows.</p>` : ''}
${cellsTable(model)}
</section>
${members}
<section class="card" id="parameters">
<h2>Scenario parameters</h2>
<p class="targets" style="margin-bottom:10px">Every effective value, as normalised in the results file${r.swept.length > 0 ? `; swept: ${escapeHtml(r.swept.join(', '))}` : ''}.</p>
<div class="table-wrap"><table class="params"><tbody>${params}</tbody></table></div>
</section>
<footer>
The results JSON is embedded in this file (<code>&lt;script id="${RESULTS_ID}"&gt;</code>, the <code>${escapeHtml(r.schema)}</code> contract with its <code>analysis</code>), so the report can be re-rendered or diffed.
Charts: vega-lite, drawn live in the page and also stored as static SVG; nothing is loaded from the network.
</footer>
</main>
<script type="application/json" id="${RESULTS_ID}">${jsonForScript(embedded)}</script>
<script type="application/json" id="${CHARTS_ID}">${jsonForScript(chartsJson)}</script>
${scripts}
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

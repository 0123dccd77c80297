/**
 * The report's tuning section (results written by `hbsim tune`): the search path drawn
 * over the trade-off chart's axes — every candidate simulated, at its p99 detection
 * latency and false-suspicion rate, coloured by its verdict, joined in the order the
 * search visited them, the chosen setting ringed — and the path as a table with each
 * target's verdict and interval. Pure functions of the results; every string from the
 * results is escaped by the caller's `escapeHtml` (passed in to keep one escaper).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ResultsFile } from '../results/results-file.js';
import type { CellRow } from './data.js';

/** A chart as charts.ts's `Chart` (structurally the same; charts.ts imports this file). */
export interface TuneChart {
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  readonly spec: TopLevelSpec;
}

export interface TunePathRow {
  readonly step: number;
  readonly cell: string;
  readonly phase: string;
  readonly outcome: string;
  readonly replications: number;
  readonly fsX: number;
  readonly p99: number | null;
  readonly chosen: boolean;
}

/** The path joined with the cells' chart coordinates. */
export function tunePathRows(results: ResultsFile, rows: readonly CellRow[]): TunePathRow[] {
  const tune = results.tune;
  if (tune === undefined) return [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  return tune.path.flatMap((s) => {
    const row = byId.get(s.cell);
    return row === undefined ? [] : [{ step: s.step, cell: s.cell, phase: s.phase, outcome: s.outcome, replications: s.replications, fsX: row.fsX, p99: row.p99, chosen: s.cell === tune.chosen }];
  });
}

const OUTCOME_COLORS = { meets: '#188038', breaches: '#d93025', undecided: '#e37400', dominated: '#9aa0a6' } as const;

export function tuneChart(fsDomain: readonly [number, number], latencyUnit: string, latencyLog: boolean, config: object): TuneChart {
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config,
    width: 640,
    height: 380,
    data: { name: 'tunePath' },
    transform: [{ filter: 'isValid(datum.p99)' }],
    encoding: {
      x: { field: 'fsX', type: 'quantitative', scale: { type: 'log', domain: [fsDomain[0] / 2.5, fsDomain[1]] }, axis: { title: 'False suspicions per node-day (log scale; 0 at the left)', format: '~g', labelExpr: `datum.value <= ${fsDomain[0]} ? '0' : datum.label` } },
      y: { field: 'p99', type: 'quantitative', scale: latencyLog ? { type: 'log' } : { zero: true }, axis: { title: `Detection latency p99 (${latencyUnit})` } },
    },
    layer: [
      { mark: { type: 'line', color: '#5f6368', strokeWidth: 1, opacity: 0.6, point: false }, encoding: { order: { field: 'step', type: 'quantitative' } } },
      {
        mark: { type: 'point', filled: true, size: 90, opacity: 0.95 },
        encoding: {
          color: { field: 'outcome', type: 'nominal', scale: { domain: Object.keys(OUTCOME_COLORS), range: Object.values(OUTCOME_COLORS) }, legend: { title: 'verdict' } },
          shape: { field: 'phase', type: 'nominal', scale: { domain: ['analytic', 'coarse', 'refine'], range: ['diamond', 'square', 'circle'] }, legend: { title: 'phase' } },
          tooltip: [
            { field: 'step', title: 'step' },
            { field: 'cell', title: 'cell' },
            { field: 'phase', title: 'phase' },
            { field: 'outcome', title: 'verdict' },
            { field: 'replications', title: 'replications' },
          ],
        },
      },
      { mark: { type: 'text', dx: 9, dy: -7, fontSize: 10, color: '#3c4043' }, encoding: { text: { field: 'step', type: 'quantitative' } } },
      { transform: [{ filter: 'datum.chosen' }], mark: { type: 'point', size: 420, filled: false, color: '#202124', strokeWidth: 2 } },
    ],
  } as TopLevelSpec;
  return {
    id: 'chart-tune',
    title: 'Tuning: the search path over the trade-off',
    caption:
      'Every candidate the search simulated, at its p99 detection latency and false-suspicion rate, numbered and joined in the order visited: the closed form’s starting point (diamond), the coarse lattice (squares), then refinements (circles). ' +
      'Green meets every target, red breaches one, orange could not be decided within the replication cap, grey was dropped as costlier than a setting already meeting the targets. The ring is the chosen setting.',
    spec,
  };
}

/** The tuning card: the answer, the cost, and the path as a table. */
export function tuneSectionHtml(results: ResultsFile, escapeHtml: (s: string) => string): string {
  const tune = results.tune;
  if (tune === undefined) return '';
  const targets = Object.entries(tune.targets).map(([m, c]) => `<code>${escapeHtml(m)} ${escapeHtml(c)}</code>`).join(', ');
  const verdicts = (s: (typeof tune.path)[number]) =>
    s.verdicts
      .map((v) => `${escapeHtml(v.metric)}: ${escapeHtml(v.outcome)} (${v.value === null ? '–' : escapeHtml(String(v.value))}${v.ci95 === null ? '' : `, 95 % ${escapeHtml(String(v.ci95[0]))}–${escapeHtml(String(v.ci95[1]))}`})`)
      .join('<br>');
  const rows = tune.path
    .map(
      (s) =>
        `<tr${s.cell === tune.chosen ? ' class="rec"' : ''}><td data-v="${s.step}">${s.step}</td><td>${escapeHtml(s.phase)}${s.stride > 0 ? ` (stride ${s.stride})` : ''}</td><td>${escapeHtml(s.cell)}</td><td>${escapeHtml(s.outcome)}</td><td data-v="${s.replications}">${s.replications}</td><td data-v="${s.node_days}">${s.node_days}</td><td>${s.objective === null ? '–' : escapeHtml(String(s.objective))}</td><td>${verdicts(s)}</td></tr>`,
    )
    .join('');
  const settings = tune.settings.length > 0 ? `<pre><code>${escapeHtml(tune.settings.join('\n'))}</code></pre>` : '';
  return `<section class="card rec-card${tune.chosen === null ? ' unmet' : ''}" id="tuning">
<div class="rec-label">${tune.chosen === null ? 'Tuning: no setting meets the targets' : 'Tuning'}</div>
<p class="sentence">${escapeHtml(tune.sentence)}</p>
<p class="targets">Targets: ${targets}; ${escapeHtml(tune.objective.direction)} <code>${escapeHtml(tune.objective.metric)}</code>. Lattice: ${tune.lattice_cells} cells; at most ${tune.max_replications} replications per candidate.${tune.analytic_start === null ? ' No closed form applies: the search starts on the coarse lattice.' : ` The closed form pointed to ${escapeHtml(tune.analytic_start)}.`}</p>
${settings}
<details><summary>The search path (${tune.path.length} candidates, ${tune.node_days} node-days; full grid ${tune.full_grid_node_days})</summary>
<div class="table-wrap"><table class="cells sortable"><thead><tr><th>step</th><th>phase</th><th>cell</th><th>verdict</th><th>replications</th><th>node-days</th><th>${escapeHtml(tune.objective.metric)}</th><th>targets</th></tr></thead><tbody>${rows}</tbody></table></div>
</details>
</section>`;
}

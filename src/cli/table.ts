/**
 * The terminal summary of a results file: a heading per scenario and a table
 * with one row per cell (one for now; a sweep has many). Plain text in aligned
 * columns, with units on every number; colour only through the palette.
 */
import type { CellResult, ResultsFile } from '../results/results-file.js';
import type { Palette } from './colour.js';

/** ms → a readable duration with 3 significant digits ("850 µs", "12.3 ms", "3.25 s", "5.20 min", "1.30 h"). */
export function formatMs(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '–';
  if (ms === 0) return '0 s';
  if (ms < 1) return `${sig(ms * 1000)} µs`;
  if (ms < 1000) return `${sig(ms)} ms`;
  if (ms < 60_000) return `${sig(ms / 1000)} s`;
  if (ms < 3_600_000) return `${sig(ms / 60_000)} min`;
  return `${sig(ms / 3_600_000)} h`;
}

/** Three significant digits, no exponent for everyday magnitudes. */
export function sig(x: number): string {
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs >= 1e6 || abs < 1e-4) return x.toExponential(2);
  return String(Number(x.toPrecision(3)));
}

/** P_A close to 1: enough decimals to show the first digit that is not 9, and one more. */
export function formatAccuracy(p: number | null): string {
  if (p === null) return '–';
  if (p === 1) return '1';
  const nines = Math.max(0, Math.floor(-Math.log10(1 - p)));
  return p.toFixed(Math.min(9, Math.max(4, nines + 2)));
}

/** "1 crash", "2 crashes". */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

type Align = 'left' | 'right';

export function renderTable(header: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => (align[c] === 'right' ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

const HEADER = ['cell', 'detect p50', 'detect p99', 'false susp./node-day', '95 % CI', 'mistake p50', 'P_A', 'msgs/node·s', 'pause survived'];
const ALIGN: Align[] = ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'];

function cellRow(cell: CellResult): string[] {
  const m = cell.metrics;
  const fs = m.false_suspicions;
  return [
    cell.id,
    formatMs(m.detection_latency_ms.p50),
    formatMs(m.detection_latency_ms.p99),
    sig(fs.per_node_day),
    `${sig(fs.ci95_low)}–${sig(fs.ci95_high)}`,
    formatMs(m.mistake_duration_ms.p50),
    formatAccuracy(m.query_accuracy),
    m.messages_per_node_s === null ? '–' : sig(m.messages_per_node_s),
    m.longest_pause_survived_ms === undefined ? '–' : formatMs(m.longest_pause_survived_ms),
  ];
}

/** The summary of one results file, as lines without trailing newlines. */
/** `settings`: the recommended cell in the system's own settings (`knobs:`), printed last. */
export function summaryLines(results: ResultsFile, palette: Palette, settings?: string): string[] {
  const scenario = results.scenario as { description?: string; duration?: string; cluster?: { nodes?: unknown } };
  const nodes = scenario.cluster?.nodes;
  const nodeCount = typeof nodes === 'number' ? nodes : Array.isArray(nodes) ? nodes.length : undefined;
  const first = results.cells[0]?.metrics;
  const facts = [
    `seed ${results.seed}`,
    `${results.replications} × ${scenario.duration ?? '?'}`,
    ...(nodeCount === undefined ? [] : [count(nodeCount, 'node')]),
    ...(first ? [`${sig(first.node_hours)} node-hours`, `${count(first.crashes.count, 'crash', 'crashes')} (${first.crashes.detected} detected)`] : []),
    ...(first ? [count(first.false_suspicions.count, 'false suspicion')] : []),
  ];
  const title = scenario.description ? `${palette.bold(results.name)} — ${scenario.description}` : palette.bold(results.name);
  const lines = [title, palette.dim(facts.join(' · ')), '', ...renderTable(HEADER, results.cells.map(cellRow), ALIGN)];
  // The answer, in words, after the evidence (and the cells that disagree with the i.i.d. formula).
  const rec = results.analysis?.recommendation;
  if (rec && results.cells.length > 1) lines.push('', `${rec.met ? palette.green('Recommended:') : palette.yellow('No cell meets the targets:')} ${rec.sentence}`);
  // Only a real, unexplained disagreement is worth a line: a difference the scenario's own
  // faults or jitter explain is expected, not news.
  const disagree = results.cells.filter((c) => c.analytic && !c.analytic.agrees && c.analytic.violations.length === 0);
  if (disagree.length > 0) {
    lines.push(palette.yellow(`${disagree.length} of ${results.cells.length} cells differ from the closed-form prediction although they meet its assumptions: see the report, and please report it.`));
  }
  if (settings !== undefined && settings !== '') lines.push('', settings);
  return lines;
}

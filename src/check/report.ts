/**
 * The CI gate in the terminal: per scenario, a table of its thresholds (verdict,
 * threshold, cell, measured value, 95 % interval, what was judged), then one line per
 * threshold that did not hold saying where it is written and why, then the baseline
 * comparison. Plain text in aligned columns; colour only through the style passed
 * in (the CLI's palette), applied after alignment.
 */
import { formatInterval, formatValue } from './format.js';
import { expectationPlace, severityOf, tally, thresholdLabel, type ScenarioCheck } from './gate.js';
import { headline } from './summary.js';

export interface Style {
  readonly bold: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly red: (s: string) => string;
  readonly yellow: (s: string) => string;
  readonly green: (s: string) => string;
}

export const PLAIN: Style = { bold: (s) => s, dim: (s) => s, red: (s) => s, yellow: (s) => s, green: (s) => s };

const WORD = { pass: 'held', fail: 'BREACHED', inconclusive: 'cannot tell' } as const;

function pad(rows: readonly (readonly string[])[], right: readonly boolean[]): string[][] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => [...(r[c] ?? '')].length)));
  return rows.map((r) => r.map((cell, c) => (right[c] ? cell.padStart(widths[c]! + cell.length - [...cell].length) : cell.padEnd(widths[c]! + cell.length - [...cell].length))));
}

/** The lines for one scenario, without trailing newlines. */
export function checkLines(check: ScenarioCheck, style: Style = PLAIN, options: { readonly heading?: string; readonly failOnRegression?: boolean } = {}): string[] {
  const lines = [style.bold(options.heading ?? `${check.name} — ${check.file}`)];
  if (check.items.length > 0) {
    const header = ['verdict', 'threshold', ...(check.swept ? ['cell'] : []), 'measured', '95 % interval', 'judged on'];
    const body = check.items.map((item) => {
      const v = item.verdict;
      return [
        WORD[v.outcome],
        thresholdLabel(item),
        ...(check.swept ? [item.cell] : []),
        formatValue(v.value, v.unit),
        v.interval === null ? '–' : formatInterval(v.interval, v.unit),
        v.basis === 'interval' ? `interval (${v.intervalKind})` : v.basis === 'point' ? 'point value' : 'no value',
      ];
    });
    const right = header.map((h) => h === 'measured' || h === '95 % interval');
    const [head, ...rows] = pad([header, ...body], right).map((r) => r.join('  ').trimEnd());
    lines.push(style.dim(head!));
    rows.forEach((row, i) => {
      const item = check.items[i]!;
      const word = WORD[item.verdict.outcome];
      const colour = item.verdict.outcome === 'pass' ? style.green : severityOf(item, check) === 'error' ? style.red : style.yellow;
      lines.push(colour(word) + row.slice(word.length));
    });
  }
  for (const item of check.items) {
    const severity = severityOf(item, check);
    if (severity === 'ok') continue;
    const v = item.verdict;
    const tag = v.outcome === 'fail' ? style.red('breached') : severity === 'error' ? style.red('cannot tell (fails: inconclusive: fail)') : style.yellow('cannot tell (warning)');
    lines.push(`  ${expectationPlace(item.expectation)} ${thresholdLabel(item)}${check.swept ? ` [cell ${item.cell}]` : ''}: ${tag}: ${v.reason}`);
  }
  for (const note of check.notes) lines.push(`  ${style.yellow('note:')} ${note}`);
  const b = check.baseline;
  if (b !== undefined) {
    const level = options.failOnRegression === true ? style.red : style.yellow;
    const changed = b.changedFields.length > 0 ? `; scenario fields changed since: ${b.changedFields.join(', ')}` : '';
    lines.push(`  baseline (seed ${b.seed}, hbsim ${b.toolVersion}): ${b.regressions.length === 0 ? 'nothing got worse' : level(`${b.regressions.length} worse`)}, ${b.improvements.length} better${changed}`);
    for (const r of b.regressions) lines.push(`    ${level('worse')}: ${r.metric}${check.swept ? ` [cell ${r.cell}]` : ''}: ${r.description} (${r.basis === 'interval' ? 'the 95 % intervals do not overlap' : 'beyond the tolerance'})`);
    for (const r of b.improvements) lines.push(`    ${style.green('better')}: ${r.metric}${check.swept ? ` [cell ${r.cell}]` : ''}: ${r.description}`);
    if (b.missingCells.length > 0) lines.push(`    ${style.dim(`not in the baseline: ${b.missingCells.join(', ')}`)}`);
  }
  return lines;
}

/**
 * The closing line of a run. Worded "held/breached", never "N passed, N failed",
 * so that CI log scrapers looking for a test runner's closing line do not take it
 * for one.
 */
export function closingLine(checks: readonly ScenarioCheck[], failOnRegression = false, style: Style = PLAIN): string {
  const t = tally(checks);
  const text = headline(checks, failOnRegression).replace(/^\S+ /, '');
  const colour = t.failed > 0 || t.inconclusiveFailing > 0 || (failOnRegression && t.regressions > 0) ? style.red : t.inconclusive > 0 || t.regressions > 0 || t.thresholds === 0 ? style.yellow : style.green;
  return colour(text);
}

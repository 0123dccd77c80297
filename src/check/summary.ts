/**
 * The Markdown that `hbsim check` appends to `$GITHUB_STEP_SUMMARY` on GitHub Actions:
 * the verdict first (one heading a reviewer reads at a glance), a table per scenario
 * of what held, what broke and what could not be told, the failures listed, and every
 * threshold's detail folded in `<details>`.
 *
 * GitHub refuses a step summary over 1 MiB (and the upload of the whole step's summary
 * with it), so this one stays within `MAX_SUMMARY_BYTES`: the headline and the failures
 * always, details while they fit, then a line saying what was left out. Text from
 * scenario files is escaped for Markdown and HTML, so a name cannot break the table
 * or inject markup.
 */
import { formatBound, formatInterval, formatValue } from './format.js';
import { expectationPlace, severityOf, tally, thresholdLabel, type CheckItem, type ScenarioCheck } from './gate.js';
import { verdictMessage } from './junit.js';

/** Our budget: half of GitHub's 1 MiB cap, leaving room for other steps' summaries in the same job step. */
export const MAX_SUMMARY_BYTES = 512 * 1024;
/** Failures listed by name under the headline; the rest are counted. */
const MAX_LISTED = 30;

/** Escapes text for Markdown prose and table cells: no markup, no HTML, no cell breaks, one line. */
export function markdownText(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|#~!]/g, (c) => `\\${c}`);
}

/** A code span for a generated label (metric and condition): `|` still needs escaping inside a table. */
function code(text: string): string {
  return `\`${text.replace(/`/g, "'").replace(/[\r\n]+/g, ' ').replace(/\|/g, '\\|')}\``;
}

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

const ICON = { pass: '✅', fail: '❌', inconclusive: '❔' } as const;

export interface SummaryOptions {
  readonly failOnRegression?: boolean;
  readonly maxBytes?: number;
}

/** The headline: "❌ hbsim check failed: 1 threshold breached, …". */
export function headline(checks: readonly ScenarioCheck[], failOnRegression = false): string {
  const t = tally(checks);
  const failing = t.failed > 0 || t.inconclusiveFailing > 0 || (failOnRegression && t.regressions > 0);
  const parts = [
    ...(t.failed > 0 ? [`${t.failed} threshold${t.failed === 1 ? '' : 's'} breached`] : []),
    ...(t.inconclusive > 0 ? [`${t.inconclusive} cannot tell${t.inconclusiveFailing > 0 ? ` (${t.inconclusiveFailing} failing)` : ''}`] : []),
    ...(t.regressions > 0 ? [`${t.regressions} worse than the baseline`] : []),
  ];
  const scope = `${t.thresholds} threshold${t.thresholds === 1 ? '' : 's'} in ${checks.length} scenario${checks.length === 1 ? '' : 's'}`;
  if (failing) return `${ICON.fail} hbsim check failed: ${parts.join(', ')} (${scope})`;
  if (t.thresholds === 0 && parts.length === 0) return `⚠️ hbsim check had nothing to check: no thresholds in ${checks.length} scenario${checks.length === 1 ? '' : 's'}`;
  if (parts.length > 0) return `⚠️ hbsim check passed with warnings: ${parts.join(', ')} (${scope})`;
  return `${ICON.pass} hbsim check passed: ${t.passed === t.thresholds ? 'all ' : ''}${scope} held`;
}

function overviewRow(check: ScenarioCheck): string {
  const count = (o: string) => check.items.filter((i) => i.verdict.outcome === o).length;
  return `| ${markdownText(check.name)} | ${count('pass')} | ${count('fail')} | ${count('inconclusive')}${count('inconclusive') > 0 ? ` (${check.inconclusive})` : ''} | ${check.baseline ? check.baseline.regressions.length : '–'} |`;
}

function listed(item: CheckItem, check: ScenarioCheck): string {
  return `- **${markdownText(check.name)}** ${code(thresholdLabel(item))}${check.swept ? ` (cell ${markdownText(item.cell)})` : ''}: ${markdownText(verdictMessage(item, check).slice(thresholdLabel(item).length + 1))} — ${markdownText(expectationPlace(item.expectation))}`;
}

function details(check: ScenarioCheck): string {
  const rows = check.items.map((item) => {
    const v = item.verdict;
    const cells = [
      ICON[v.outcome],
      code(thresholdLabel(item)),
      ...(check.swept ? [markdownText(item.cell)] : []),
      markdownText(formatValue(v.value, v.unit)),
      markdownText(v.interval === null ? '–' : formatInterval(v.interval, v.unit)),
      markdownText(`${v.op} ${formatBound(v.bound, v.unit)}`),
      markdownText(v.reason),
    ];
    return `| ${cells.join(' | ')} |`;
  });
  const header = ['', 'Threshold', ...(check.swept ? ['Cell'] : []), 'Measured', '95 % interval', 'Bound', 'Why'];
  const changes = check.baseline
    ? [
        '',
        `Baseline (seed ${markdownText(check.baseline.seed)}, hbsim ${markdownText(check.baseline.toolVersion)}): ${check.baseline.regressions.length} worse, ${check.baseline.improvements.length} better${check.baseline.changedFields.length > 0 ? `; scenario fields changed since: ${check.baseline.changedFields.map(code).join(', ')}` : ''}.`,
        ...check.baseline.regressions.map((r) => `- worse: ${code(r.metric)}${check.swept ? ` (cell ${markdownText(r.cell)})` : ''}: ${markdownText(r.description)}`),
        ...check.baseline.improvements.map((r) => `- better: ${code(r.metric)}${check.swept ? ` (cell ${markdownText(r.cell)})` : ''}: ${markdownText(r.description)}`),
      ]
    : [];
  const notes = check.notes.map((n) => `- ${markdownText(n)}`);
  const title = `${markdownText(check.name)}: ${check.items.length} verdict${check.items.length === 1 ? '' : 's'} (${markdownText(check.file)}, seed ${markdownText(check.seed)}, ${check.replications} replication${check.replications === 1 ? '' : 's'})`;
  return [
    '<details>',
    `<summary>${title}</summary>`,
    '',
    ...(rows.length > 0 ? [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows] : []),
    ...notes,
    ...changes,
    '',
    '</details>',
    '',
  ].join('\n');
}

/** The step summary, within `maxBytes` (default `MAX_SUMMARY_BYTES`). */
export function stepSummary(checks: readonly ScenarioCheck[], options: SummaryOptions = {}): string {
  const max = options.maxBytes ?? MAX_SUMMARY_BYTES;
  const reserve = 512; // room for the closing "left out" line
  const out: string[] = [];
  let size = 0;
  const push = (text: string): boolean => {
    const n = bytes(text) + 1;
    if (size + n > max - reserve) return false;
    out.push(text);
    size += n;
    return true;
  };
  push(`## ${headline(checks, options.failOnRegression)}`);
  push('');
  const failures = checks.flatMap((check) => check.items.filter((i) => severityOf(i, check) !== 'ok').map((item) => ({ item, check })));
  const errors = failures.filter((f) => severityOf(f.item, f.check) === 'error');
  const warnings = failures.filter((f) => severityOf(f.item, f.check) === 'warning');
  const left: string[] = [];
  for (const [label, group] of [
    ['Failing', errors],
    ['Cannot tell (warnings)', warnings],
  ] as const) {
    if (group.length === 0) continue;
    push(`**${label}**`);
    push('');
    let shown = 0;
    for (const { item, check } of group.slice(0, MAX_LISTED)) if (push(listed(item, check))) shown++;
    if (group.length > shown) push(`- … and ${group.length - shown} more (see the details below or the JUnit report)`);
    push('');
  }
  push('| Scenario | Held | Breached | Cannot tell | Worse than baseline |');
  push('| --- | ---: | ---: | ---: | ---: |');
  let rowsShown = 0;
  for (const check of checks) if (push(overviewRow(check))) rowsShown++;
  if (rowsShown < checks.length) left.push(`${checks.length - rowsShown} scenarios' rows`);
  push('');
  let detailsShown = 0;
  for (const check of checks) if (push(details(check))) detailsShown++;
  if (detailsShown < checks.length) left.push(`${checks.length - detailsShown} scenarios' details`);
  if (left.length > 0) out.push(`_Left out to stay under GitHub's 1 MiB step-summary limit: ${left.join(' and ')}; the JUnit report has everything._`);
  return `${out.join('\n')}\n`;
}

/**
 * The CI gate's verdicts as JUnit XML, the format every CI system shows as test
 * results. There is no official schema; this writes the common subset (the Jenkins /
 * Ant one that GitLab, Azure DevOps and the GitHub test-report actions read):
 *
 *   <testsuites name tests failures errors skipped time>
 *     <testsuite name tests failures errors skipped time file>   one per scenario
 *       <properties><property name value/>…</properties>          source, seed, …
 *       <testcase classname name time file line>                  one per threshold × cell
 *         <failure message type>details</failure>                 breached (type "threshold"),
 *                                                                 or undecided under `inconclusive: fail`
 *         <skipped message/>                                      undecided under `inconclusive: warn`
 *         <system-out>why</system-out>
 *
 * plus, with a baseline, one testcase per scenario × cell "no regression against the
 * baseline", failing only under --fail-on-regression. No timestamps, so the same
 * verdicts give the same bytes. Run times come from the caller (the CLI owns clocks).
 */
import type { MetricChange } from './baseline.js';
import { formatBound, formatInterval, formatNodeHours, formatValue } from './format.js';
import { expectationPlace, thresholdLabel, type CheckItem, type ScenarioCheck } from './gate.js';

export interface JunitOptions {
  /** Wall-clock seconds each scenario took (simulation included), by scenario name. */
  readonly secondsByScenario?: ReadonlyMap<string, number>;
  readonly failOnRegression?: boolean;
}

/**
 * Characters XML 1.0 cannot carry at all, even as references: C0 controls other than
 * tab, LF and CR, U+FFFE, U+FFFF and unpaired surrogates. They become U+FFFD.
 */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text for an attribute value in double quotes: markup, quotes and whitespace that attribute normalisation would eat are escaped. */
export function xmlAttribute(text: string): string {
  return text.replace(NOT_XML, '\uFFFD').replace(/[&<>"'\t\n\r]/g, (c) => ATTRIBUTE_ESCAPES[c]!);
}

/** Text content of an element: `&`, `<` and `>` escaped (the last so that "]]>" cannot appear); CR kept as a reference. */
export function xmlText(text: string): string {
  return text.replace(NOT_XML, '\uFFFD').replace(/[&<>\r]/g, (c) => ATTRIBUTE_ESCAPES[c]!);
}

const ATTRIBUTE_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' };

const attrs = (pairs: readonly (readonly [string, string | number | undefined])[]) =>
  pairs
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${xmlAttribute(String(v))}"`)
    .join('');

function seconds(value: number | undefined): string {
  return (value ?? 0).toFixed(3);
}

/** The testcase name: the threshold as written, and the cell when the results have several. */
export function testcaseName(item: CheckItem, check: Pick<ScenarioCheck, 'swept'>): string {
  return check.swept ? `${thresholdLabel(item)} [cell ${item.cell}]` : thresholdLabel(item);
}

/** One line: "false_suspicions.per_node_day <= 0.01: measured 0.109, 95 % interval 0.0028–0.61 (exact Poisson), bound ≤ 0.01". */
export function verdictMessage(item: CheckItem, check: Pick<ScenarioCheck, 'swept'>): string {
  const v = item.verdict;
  const what = v.outcome === 'pass' ? 'holds' : v.outcome === 'fail' ? 'breached' : 'cannot tell';
  const cell = check.swept ? ` in cell ${item.cell}` : '';
  const interval = v.interval === null ? (v.basis === 'point' ? ', no interval (point value judged)' : '') : `, 95 % interval ${formatInterval(v.interval, v.unit)} (${v.intervalKind})`;
  return `${thresholdLabel(item)} ${what}${cell}: measured ${formatValue(v.value, v.unit)}${interval}, bound ${v.op} ${formatBound(v.bound, v.unit)}`;
}

/** The lines of detail under a verdict: everything a reader needs without the report. */
export function verdictDetails(item: CheckItem, check: Pick<ScenarioCheck, 'swept' | 'name'>): string[] {
  const v = item.verdict;
  return [
    `scenario: ${check.name}`,
    `threshold: ${thresholdLabel(item)} (${expectationPlace(item.expectation)})`,
    ...(check.swept ? [`cell: ${item.cell}`] : []),
    `measured: ${formatValue(v.value, v.unit, 6)}`,
    `95 % interval: ${v.interval === null ? 'none' : `${formatValue(v.interval[0], v.unit, 6)} to ${formatValue(v.interval[1], v.unit, 6)} (${v.intervalKind})`}`,
    `bound: ${v.op} ${formatBound(v.bound, v.unit)}`,
    `verdict: ${v.outcome === 'pass' ? 'holds' : v.outcome === 'fail' ? 'breached' : 'cannot tell'}: ${v.reason}`,
    ...(v.nodeHours === null ? [] : [`simulated: ${formatNodeHours(v.nodeHours)}`]),
  ];
}

function changeLine(change: MetricChange, swept: boolean): string {
  return `${change.metric}${swept ? ` [cell ${change.cell}]` : ''} got worse: ${change.description} (${change.basis === 'interval' ? 'the 95 % intervals do not overlap' : 'moved beyond the tolerance'})`;
}

interface Case {
  readonly xml: string;
  readonly failed: boolean;
  readonly skipped: boolean;
}

function thresholdCase(item: CheckItem, check: ScenarioCheck): Case {
  const v = item.verdict;
  const e = item.expectation;
  const head = `    <testcase${attrs([
    ['classname', check.name],
    ['name', testcaseName(item, check)],
    ['time', '0.000'],
    ['file', e.set === undefined ? e.file : undefined],
    ['line', e.line],
  ])}>\n`;
  const properties =
    '      <properties>\n' +
    [
      ['metric', e.metric],
      ['condition', e.written],
      ['cell', item.cell],
      ['outcome', v.outcome],
      ['value', v.value === null ? '' : String(v.value)],
      ['ci95_low', v.interval === null ? '' : String(v.interval[0])],
      ['ci95_high', v.interval === null ? '' : String(v.interval[1])],
      ['bound', String(v.bound)],
    ]
      .map(([name, value]) => `        <property${attrs([['name', name], ['value', value]])}/>\n`)
      .join('') +
    '      </properties>\n';
  const message = verdictMessage(item, check);
  const details = verdictDetails(item, check).join('\n');
  let body: string;
  let failed = false;
  let skipped = false;
  if (v.outcome === 'fail' || (v.outcome === 'inconclusive' && check.inconclusive === 'fail')) {
    failed = true;
    body = `      <failure${attrs([['message', message], ['type', v.outcome === 'fail' ? 'threshold' : 'inconclusive']])}>${xmlText(details)}</failure>\n`;
  } else if (v.outcome === 'inconclusive') {
    skipped = true;
    body = `      <skipped${attrs([['message', message]])}/>\n      <system-out>${xmlText(details)}</system-out>\n`;
  } else {
    body = `      <system-out>${xmlText(details)}</system-out>\n`;
  }
  return { xml: `${head}${properties}${body}    </testcase>\n`, failed, skipped };
}

function baselineCases(check: ScenarioCheck, failOnRegression: boolean): Case[] {
  const comparison = check.baseline;
  if (comparison === undefined) return [];
  return comparison.compared.map((cell) => {
    const worse = comparison.regressions.filter((r) => r.cell === cell);
    const name = check.swept ? `no regression against the baseline [cell ${cell}]` : 'no regression against the baseline';
    const lines = worse.map((r) => changeLine(r, check.swept));
    const head = `    <testcase${attrs([['classname', check.name], ['name', name], ['time', '0.000']])}>\n`;
    const failed = failOnRegression && worse.length > 0;
    const summary = `${worse.length} metric${worse.length === 1 ? '' : 's'} got worse than the baseline (seed ${comparison.seed}, hbsim ${comparison.toolVersion})`;
    const body = failed
      ? `      <failure${attrs([['message', summary], ['type', 'regression']])}>${xmlText(lines.join('\n'))}</failure>\n`
      : `      <system-out>${xmlText(worse.length === 0 ? 'no metric got worse beyond its interval or tolerance' : [`warning: ${summary}`, ...lines].join('\n'))}</system-out>\n`;
    return { xml: `${head}${body}    </testcase>\n`, failed, skipped: false };
  });
}

/** The whole JUnit document for a run of `hbsim check`. */
export function junitXml(checks: readonly ScenarioCheck[], options: JunitOptions = {}): string {
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  let totalSeconds = 0;
  const suites = checks.map((check) => {
    const cases = [...check.items.map((item) => thresholdCase(item, check)), ...baselineCases(check, options.failOnRegression === true)];
    const f = cases.filter((c) => c.failed).length;
    const s = cases.filter((c) => c.skipped).length;
    const time = options.secondsByScenario?.get(check.name);
    tests += cases.length;
    failures += f;
    skipped += s;
    totalSeconds += time ?? 0;
    const properties = [
      ['source', check.source],
      ['seed', check.seed],
      ['replications', String(check.replications)],
      ['inconclusive', check.inconclusive],
      ['cells', check.cells.join(', ')],
      ...check.notes.map((n) => ['note', n] as const),
    ];
    return (
      `  <testsuite${attrs([
        ['name', check.name],
        ['tests', cases.length],
        ['failures', f],
        ['errors', 0],
        ['skipped', s],
        ['time', seconds(time)],
        ['file', check.file],
      ])}>\n` +
      `    <properties>\n${properties.map(([name, value]) => `      <property${attrs([['name', name], ['value', value]])}/>\n`).join('')}    </properties>\n` +
      cases.map((c) => c.xml).join('') +
      '  </testsuite>\n'
    );
  });
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites${attrs([['name', 'hbsim check'], ['tests', tests], ['failures', failures], ['errors', 0], ['skipped', skipped], ['time', seconds(totalSeconds)]])}>\n` +
    suites.join('') +
    '</testsuites>\n'
  );
}

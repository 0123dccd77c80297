/**
 * hbsim as a library, for a user's own tests (docs/library.md): the three steps of the
 * command line as functions.
 *
 *   const scenario = loadScenario('db-ha', { set: { 'detector.timeout': '4x' } });
 *   const results = await run(scenario);                  // the results JSON, as an object
 *   const { passed, verdicts } = check(results, { 'false_suspicions.per_node_day': '< 1' });
 *
 * Same contract as the CLI: `run` returns exactly what `hbsim run --json` prints
 * (docs/results.md), `check` judges thresholds exactly as `hbsim check` does (the 95 %
 * interval must clear the bound; too little simulated time is "inconclusive", never a
 * pass). Errors in a scenario throw `ScenarioError`, whose `issues` carry file, line,
 * field and what was expected.
 */
import { availableParallelism } from 'node:os';
import { checkResults, type CheckItem } from '../check/gate.js';
import type { Verdict } from '../check/judge.js';
import type { ResultsFile } from '../results/results-file.js';
import { toolVersion } from '../results/tool-version.js';
import { ScenarioError } from '../scenarios/errors.js';
import { METRIC_UNITS, parseThreshold } from '../scenarios/expect.js';
import { gateSpecOf, loadScenarioText, resolveScenario, type Expectation, type GateCells, type LoadedScenario } from '../scenarios/load.js';
import { parseSet, type SetOverride } from '../scenarios/sets.js';
import { runScenario } from '../sweep/run-scenario.js';

export type { ResultsFile, CellResult } from '../results/results-file.js';
export type { CellMetrics } from '../results/cell-metrics.js';
export type { Verdict, Outcome } from '../check/judge.js';
export type { ScenarioIssue } from '../scenarios/errors.js';
export type { LoadedScenario } from '../scenarios/load.js';
export { ScenarioError };

/** Field overrides: `{ 'link.loss': '2%', replications: 10 }` (a string is read as on the command line, anything else as its JSON) or `['link.loss=2%']`, as `--set` takes them. */
export type SetInput = Readonly<Record<string, unknown>> | readonly string[];

export interface LoadScenarioOptions {
  /** Overrides applied on top of the scenario, in order, before validation (like `--set`). */
  readonly set?: SetInput;
}

/**
 * A scenario from a preset name ("k8s"), a file path ("ops/my.yaml", ".json") or the
 * scenario text itself (anything with a line break, or starting with "{"). Validated:
 * a bad field throws `ScenarioError` naming the file, line and field.
 */
export function loadScenario(source: string, options: LoadScenarioOptions = {}): LoadedScenario {
  const sets = toSets(options.set);
  if (/[\r\n]/.test(source) || source.trimStart().startsWith('{')) {
    const looksJson = source.trimStart().startsWith('{');
    return loadScenarioText(source, looksJson ? '<text>.json' : '<text>.yaml', { sets, source: '<text>', dir: process.cwd() });
  }
  return resolveScenario(source, { sets });
}

function toSets(input: SetInput | undefined): SetOverride[] {
  if (input === undefined) return [];
  if (isStringList(input)) return input.map((text) => parseSet(text, `set ${text}`));
  return Object.entries(input).map(([path, value]) => {
    // Strings are YAML scalars as on the command line ("2%", "500ms"); anything else is
    // written as JSON, which YAML reads back as the same value.
    const text = `${path}=${typeof value === 'string' ? value : JSON.stringify(value)}`;
    return parseSet(text, `set ${text}`);
  });
}

function isStringList(input: SetInput): input is readonly string[] {
  return Array.isArray(input);
}

export interface RunOptions {
  /** Worker threads for cells and replications; default 1 (tests usually run in parallel already). Results do not depend on it. */
  readonly workers?: number;
  /** Search each cell's longest survivable sender pause (`longest_pause_survived_ms`); default true, as the CLI. */
  readonly pauseSurvival?: boolean;
  /** Stops the run (the promise rejects); nothing partial is returned. */
  readonly signal?: AbortSignal;
}

/** Runs every cell of the scenario's sweep; resolves to the results object (docs/results.md). */
export async function run(scenario: LoadedScenario, options: RunOptions = {}): Promise<ResultsFile> {
  const workers = options.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1 || workers > 4 * availableParallelism() + 64) {
    throw new RangeError(`workers: expected a whole number from 1, got ${workers}`);
  }
  return runScenario(scenario, {
    toolVersion: toolVersion(),
    workers,
    pauseSurvival: options.pauseSurvival ?? true,
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/** Thresholds as in a scenario's `expect:` block: metric path → condition ("<= 5s", "< 1", ">= 99.99%"). */
export type Thresholds = Readonly<Record<string, string>>;

export interface CheckOptions {
  /** Which cells to judge: "all" (default when thresholds are given), "recommended", or a cell id ("1s/3x"). */
  readonly cell?: string;
}

/** One threshold judged on one cell. */
export interface CheckVerdict extends Verdict {
  /** The cell judged ("default" when nothing is swept). */
  readonly cell: string;
}

export interface CheckResult {
  /** True when every threshold passed on every cell judged (an inconclusive verdict is not a pass). */
  readonly passed: boolean;
  readonly verdicts: readonly CheckVerdict[];
  /** One line per verdict, "PASS 1s/3x false_suspicions.per_node_day < 1: …", for a test's failure message. */
  readonly summary: string;
}

/**
 * Judges thresholds on the results: either `Thresholds` written here, or a scenario's
 * own `expect:` block (pass the loaded scenario; its `expect_options.cell` applies).
 */
export function check(results: ResultsFile, expect: Thresholds | LoadedScenario, options: CheckOptions = {}): CheckResult {
  const spec = isLoaded(expect)
    ? { ...gateSpecOf(expect), ...(options.cell === undefined ? {} : { cells: cellsOf(options.cell) }) }
    : { expectations: parseThresholds(expect), inconclusive: 'fail' as const, cells: cellsOf(options.cell ?? 'all') };
  const ids = new Set(results.cells.map((c) => c.id));
  if (spec.cells.kind === 'cell' && !ids.has(spec.cells.id)) {
    throw new RangeError(`check: the results have no cell "${spec.cells.id}"; they have ${[...ids].join(', ')}`);
  }
  const outcome = checkResults(results, spec, results.source);
  const verdicts = outcome.items.map((item: CheckItem) => ({ ...item.verdict, cell: item.cell }));
  return {
    passed: verdicts.length > 0 && verdicts.every((v) => v.outcome === 'pass'),
    verdicts,
    summary: verdicts.map((v) => `${v.outcome.toUpperCase()} ${v.cell} ${v.metric} ${v.written}: ${v.reason}`).join('\n'),
  };
}

function isLoaded(value: Thresholds | LoadedScenario): value is LoadedScenario {
  return typeof (value as LoadedScenario).scenario === 'object' && (value as LoadedScenario).origin !== undefined;
}

function cellsOf(cell: string): GateCells {
  return cell === 'all' ? { kind: 'all' } : cell === 'recommended' ? { kind: 'recommended' } : { kind: 'cell', id: cell };
}

function parseThresholds(thresholds: Thresholds): Expectation[] {
  const entries = Object.entries(thresholds);
  if (entries.length === 0) throw new RangeError('check: no thresholds given');
  return entries.map(([metric, condition]) => {
    const unit = METRIC_UNITS.get(metric);
    const fail = (why: string): never => {
      throw new ScenarioError([{ file: '<check>', path: metric, message: why }]);
    };
    if (unit === undefined) return fail(`unknown metric "${metric}"; see docs/results.md for the metric paths`);
    const parsed = parseThreshold(metric, unit, condition);
    if (!parsed.ok) return fail(`expected a condition such as "<= 5s", "< 1" or ">= 99.99%"${parsed.reason === '' ? '' : `: ${parsed.reason}`}`);
    return { ...parsed.value, file: '<check>' };
  });
}

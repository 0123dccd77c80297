/**
 * The CI gate over one results file: which cells to check (all, the recommended one
 * or a named one), every threshold of `expect:` judged on each, and the tallies that
 * decide the exit code. Pure: the results file and the scenario's gate spec in, a
 * `ScenarioCheck` out; it never simulates and never reads files.
 */
import { recommend } from '../analysis/index.js';
import type { CellResult, ResultsFile } from '../results/results-file.js';
import type { Expectation, GateCells, GateSpec } from '../scenarios/load.js';
import type { BaselineComparison } from './baseline.js';
import { judge, type Verdict } from './judge.js';

export interface CheckItem {
  readonly expectation: Expectation;
  /** The id of the cell judged ("default" when nothing is swept). */
  readonly cell: string;
  readonly verdict: Verdict;
}

export interface ScenarioCheck {
  readonly name: string;
  /** "preset:<name>" or the scenario path as given. */
  readonly source: string;
  /** The scenario file as named in messages (a preset's is "presets/<name>.yaml"). */
  readonly file: string;
  readonly seed: string;
  readonly replications: number;
  /** What an inconclusive threshold does to the gate: `expect_options.inconclusive`. */
  readonly inconclusive: 'fail' | 'warn';
  /** Ids of the cells judged, in results order. */
  readonly cells: readonly string[];
  /** Whether the scenario has a sweep (then reports name the cell). */
  readonly swept: boolean;
  /** One item per threshold × cell judged, thresholds in file order, then cells. */
  readonly items: readonly CheckItem[];
  /** The comparison with a baseline, when one was asked for and found. */
  readonly baseline?: BaselineComparison;
  /** Things worth saying that are not verdicts ("no baseline for this scenario"). */
  readonly notes: readonly string[];
}

/** The cells the gate checks. Throws RangeError for a cell id the results do not have (the CLI checks first). */
export function cellsToCheck(results: ResultsFile, cells: GateCells): CellResult[] {
  switch (cells.kind) {
    case 'all':
      return [...results.cells];
    case 'recommended': {
      const id = results.analysis?.recommendation.cell ?? recommend(results.cells).cell;
      return results.cells.filter((c) => c.id === id);
    }
    case 'cell': {
      const found = results.cells.filter((c) => c.id === cells.id);
      if (found.length === 0) throw new RangeError(`the results of ${results.name} have no cell "${cells.id}"`);
      return found;
    }
  }
}

/** Judges every threshold of `spec` on the cells it names. */
export function checkResults(results: ResultsFile, spec: GateSpec, file: string): ScenarioCheck {
  const cells = cellsToCheck(results, spec.cells);
  const items = spec.expectations.flatMap((expectation) => cells.map((cell) => ({ expectation, cell: cell.id, verdict: judge(expectation, cell.metrics) })));
  return {
    name: results.name,
    source: results.source,
    file,
    seed: results.seed,
    replications: results.replications,
    inconclusive: spec.inconclusive,
    cells: cells.map((c) => c.id),
    swept: results.swept.length > 0 || results.cells.length > 1,
    items,
    notes: spec.expectations.length === 0 ? ['no expect: block, so no threshold to check'] : [],
  };
}

export interface Tally {
  readonly thresholds: number;
  readonly passed: number;
  readonly failed: number;
  readonly inconclusive: number;
  /** Inconclusive verdicts that fail the gate (`inconclusive: fail`). */
  readonly inconclusiveFailing: number;
  readonly regressions: number;
}

export function tally(checks: readonly ScenarioCheck[]): Tally {
  let passed = 0;
  let failed = 0;
  let inconclusive = 0;
  let inconclusiveFailing = 0;
  let regressions = 0;
  for (const check of checks) {
    for (const item of check.items) {
      if (item.verdict.outcome === 'pass') passed++;
      else if (item.verdict.outcome === 'fail') failed++;
      else {
        inconclusive++;
        if (check.inconclusive === 'fail') inconclusiveFailing++;
      }
    }
    regressions += check.baseline?.regressions.length ?? 0;
  }
  return { thresholds: passed + failed + inconclusive, passed, failed, inconclusive, inconclusiveFailing, regressions };
}

/** How an item counts for the gate: a failure, a warning, or fine. */
export function severityOf(item: CheckItem, check: Pick<ScenarioCheck, 'inconclusive'>): 'error' | 'warning' | 'ok' {
  if (item.verdict.outcome === 'fail') return 'error';
  if (item.verdict.outcome === 'inconclusive') return check.inconclusive === 'fail' ? 'error' : 'warning';
  return 'ok';
}

/** True when the gate fails: a breached threshold, an inconclusive one under `fail`, or a regression under --fail-on-regression. */
export function gateFails(checks: readonly ScenarioCheck[], failOnRegression: boolean): boolean {
  const t = tally(checks);
  return t.failed > 0 || t.inconclusiveFailing > 0 || (failOnRegression && t.regressions > 0);
}

/** "detection_latency_ms.p99 <= 5s" */
export function thresholdLabel(item: CheckItem): string {
  return `${item.expectation.metric} ${item.expectation.written}`;
}

/** Where a threshold was written: "my.yaml:12:29" or the --set. */
export function expectationPlace(e: Expectation): string {
  if (e.set !== undefined) return e.set;
  return e.line === undefined ? e.file : `${e.file}:${e.line}${e.column === undefined ? '' : `:${e.column}`}`;
}

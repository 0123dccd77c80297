/**
 * `hbsim check` of one cell of a sweep (`--cell`, `expect_options.cell`): only that
 * cell is simulated, as a scenario of its own, and its results are labelled as that
 * cell of the sweep. Shared by check.ts and by merge.ts (which rebuilds the same run
 * from check shards).
 */
import { analyze } from '../../analysis/index.js';
import type { ResultsFile } from '../../results/results-file.js';
import { recommendationTargetsOf } from '../../scenarios/build.js';
import { expandSweep, withSets, type LoadedScenario, type SweepCell } from '../../scenarios/load.js';
import { parsePath, type SetOverride } from '../../scenarios/sets.js';

/**
 * The scenario of one cell of a sweep, sweep removed and the cell's values set: when
 * the gate names one cell, only that cell is simulated (the others cannot change its
 * verdicts). Undefined when nothing is swept.
 */
export function onlyCell(l: LoadedScenario, id: string): { loaded: LoadedScenario; cell: SweepCell } | undefined {
  const cells = expandSweep(l);
  const cell = cells.find((c) => c.id === id);
  if (cell === undefined || cells.length === 1) return undefined;
  const label = `cell ${id}`;
  const sets: SetOverride[] = [{ label, path: ['sweep'], value: {} }, { label, path: ['expect_options', 'cell'], value: 'all' }, ...Object.entries(cell.params).map(([key, value]): SetOverride => ({ label, path: parsePath(key), value }))];
  return { loaded: withSets(l, sets), cell };
}

/** The results of a one-cell run, labelled as that cell of the sweep (id, params, swept paths) and analysed as such. */
export function asCell(results: ResultsFile, cell: SweepCell, l: LoadedScenario): ResultsFile {
  const cells = results.cells.map((c) => ({ ...c, id: cell.id, params: cell.params }));
  return { ...results, swept: Object.keys(cell.params), cells, sample: { ...results.sample, cell: cell.id }, analysis: analyze(cells, recommendationTargetsOf(l.scenario)) };
}


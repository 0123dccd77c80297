/**
 * What the CI gate needs from a scenario: the `expect:` thresholds with their place
 * in the file, and `expect_options.cell` resolved against the sweep's cells.
 */
import { ScenarioError } from '../errors.js';
import type { Threshold } from '../expect.js';
import type { Scenario } from '../schema/index.js';
import { formatPath } from '../sets.js';
import { closest } from '../suggest.js';
import type { Locator } from './locator.js';
import type { ScenarioOrigin } from './origin.js';
import { sweepEntriesOf, type SweepCell } from './sweep-cells.js';

/** A threshold of `expect:`, with where it was written (for `::error file=…,line=…`). */
export interface Expectation extends Threshold {
  readonly file: string;
  /** Absent when the threshold came from a `--set` (then `set` names it). */
  readonly line?: number;
  readonly column?: number;
  readonly set?: string;
}

/** Which cells the CI gate checks (`expect_options.cell`), resolved against the sweep. */
export type GateCells = { readonly kind: 'all' } | { readonly kind: 'recommended' } | { readonly kind: 'cell'; readonly id: string };

/** What the CI gate needs from a scenario. */
export interface GateSpec {
  readonly expectations: readonly Expectation[];
  readonly inconclusive: 'fail' | 'warn';
  readonly cells: GateCells;
}

/**
 * `expect_options.cell` names a cell of the file's sweep. A `--set` that fixes a swept
 * path (heartbeat.interval=500ms) or rewrites a sweep changes the cells; the pinned cell
 * then means the same values on the paths still swept ("1s/3x" becomes "3x" once the
 * interval is set). When no cell corresponds, `run` and `validate` go on (they never use
 * the gate) and `check` says which override removed it, not a line of a preset file.
 */
export function resolveGateCell(origin: ScenarioOrigin, scenario: Scenario, cells: readonly SweepCell[], where: Locator): { cells: GateCells; error?: ScenarioError } {
  try {
    return { cells: checkGateCell(scenario, cells, where) };
  } catch (err) {
    const blamed = sweepChangingSets(origin, where);
    if (!(err instanceof ScenarioError) || blamed.length === 0) throw err;
    const pinned = pinnedParams(origin, scenario.expect_options.cell, where);
    const swept = Object.keys(cells[0]!.params);
    const matching = pinned === undefined ? [] : cells.filter((c) => swept.every((k) => !Object.hasOwn(pinned, k) || String(c.params[k]) === String(pinned[k])) && swept.some((k) => Object.hasOwn(pinned, k)));
    if (matching.length === 1) return { cells: { kind: 'cell', id: matching[0]!.id } };
    const written = typeof scenario.expect_options.cell === 'string' ? scenario.expect_options.cell : JSON.stringify(scenario.expect_options.cell);
    const error = new ScenarioError([
      {
        file: origin.file,
        set: blamed.join(', '),
        path: 'expect_options.cell',
        message: `after these overrides no cell matches the gate's cell "${written}" (expect_options.cell in ${origin.file}); check another with --cell ID, --cell recommended or --set expect_options.cell=all`,
      },
    ]);
    return { cells: { kind: 'all' }, error };
  }
}

/** The overrides that change the cells: `sweep…` itself, a swept path, or a section above one. */
function sweepChangingSets(origin: ScenarioOrigin, where: Locator): string[] {
  const keys = sweepEntriesOf(origin.base, where).map((e) => e.key);
  return origin.sets
    .filter((s) => {
      const path = formatPath(s.path);
      return s.path[0] === 'sweep' || keys.some((k) => k === path || k.startsWith(`${path}.`));
    })
    .map((s) => s.label);
}

/** The pinned gate cell as path → value over the file's own sweep (before overrides); undefined when it cannot be read so. */
function pinnedParams(origin: ScenarioOrigin, cell: Scenario['expect_options']['cell'], where: Locator): Record<string, string> | undefined {
  if (cell === 'all' || cell === 'recommended') return undefined;
  if (typeof cell !== 'string') return Object.fromEntries(Object.entries(cell).map(([k, v]) => [k, String(v)]));
  const entries = sweepEntriesOf(origin.base, where);
  const parts = cell.split('/');
  if (entries.length === 0 || parts.length !== entries.length) return undefined;
  return Object.fromEntries(entries.map((e, i) => [e.key, parts[i]!]));
}

/** Resolves `expect_options.cell` against the cells: an id or the params must name one. */
export function checkGateCell(scenario: Scenario, cells: readonly SweepCell[], where: Locator): GateCells {
  const cell = scenario.expect_options.cell;
  if (cell === 'all' || cell === 'recommended') return { kind: cell };
  const path = ['expect_options', 'cell'];
  const refuse = (message: string, suggestion?: string): never => {
    throw new ScenarioError([{ file: where.file, ...where.locate(path), path: formatPath(path), message, ...(suggestion === undefined ? {} : { suggestion }) }]);
  };
  const ids = cells.map((c) => c.id);
  if (typeof cell === 'string') {
    if (!ids.includes(cell)) refuse(`no cell "${cell}"; expected all, recommended, or one of ${ids.slice(0, 10).join(', ')}${ids.length > 10 ? ', …' : ''}`, closest(cell, ids));
    return { kind: 'cell', id: cell };
  }
  const swept = Object.keys(cells[0]!.params);
  for (const key of Object.keys(cell)) if (!swept.includes(key)) refuse(`"${key}" is not swept; the swept paths are ${swept.length === 0 ? 'none' : swept.join(', ')}`, closest(key, swept));
  const matching = cells.filter((c) => Object.entries(cell).every(([k, v]) => String(c.params[k]) === String(v)));
  if (matching.length !== 1) refuse(matching.length === 0 ? 'no cell has these values' : `${matching.length} cells have these values; give every swept path to pick one`);
  return { kind: 'cell', id: matching[0]!.id };
}

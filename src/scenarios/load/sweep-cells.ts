/**
 * A `sweep:` checked value by value (each substituted alone into the document, so a
 * problem points at the value's own line), then cell by cell. Validating a cell is
 * the loader's job: `checkSweep` is handed the loader's validation (`validateCell`).
 */
import { ScenarioError, type ScenarioIssue } from '../errors.js';
import type { Scenario } from '../schema/index.js';
import { parsePath, type PathSegment, type SetOverride } from '../sets.js';
import { cellId, productIndices, sweepValues, type ParamValue, type SweepEntry } from '../sweep.js';
import { dedupe, isPlainMap, withoutUndefined } from './issues.js';
import type { Locator } from './locator.js';
import { MAX_ISSUES, type ScenarioOrigin } from './origin.js';

/** One cell of a sweep: the values substituted, and the scenario they give. */
export interface SweepCell {
  /** The values as written, joined by "/" in sweep order ("500ms/3x"); "default" when nothing is swept. */
  readonly id: string;
  /** Swept path → value as written. */
  readonly params: Readonly<Record<string, ParamValue>>;
  /** The validated scenario of this cell (its `sweep` empty). */
  readonly scenario: Scenario;
}

/** At most this many cells in a sweep: each is a full simulation. */
export const MAX_SWEEP_CELLS = 10_000;

/** Paths a sweep cannot vary: they name the run, or configure the sweep and the gate. */
const UNSWEPT = new Set(['name', 'replications', 'sweep', 'targets', 'expect', 'expect_options', 'tune']);

export interface SweepEntryInfo {
  readonly key: string;
  readonly path: PathSegment[];
  /** The values as written (a range expanded), or null when the entry itself is malformed (the schema says why). */
  readonly values: readonly ParamValue[] | null;
  /** The override that puts value i at the path, located at the value in the file. */
  setFor(i: number): SetOverride;
}

/** The entries of the document's `sweep:` as far as they can be read before validation. */
export function sweepEntriesOf(document: unknown, where: Locator): SweepEntryInfo[] {
  const sweep = isPlainMap(document) ? document['sweep'] : undefined;
  if (!isPlainMap(sweep)) return [];
  return Object.entries(sweep).map(([key, entry]) => {
    const path = parsePath(key);
    const readable = Array.isArray(entry) ? entry.every((v) => ['string', 'number', 'boolean'].includes(typeof v)) : isPlainMap(entry);
    const expanded = readable ? sweepValues(entry as SweepEntry) : undefined;
    const values = expanded?.ok ? expanded.value : null;
    return {
      key,
      path,
      values,
      setFor(i: number): SetOverride {
        const value = values![i]!;
        // At the value in the file, or at the --set that wrote the sweep.
        const loc = where.locate(Array.isArray(entry) ? ['sweep', key, i] : ['sweep', key]);
        const label = loc.set ?? `sweep ${key}=${String(value)}`;
        return { label, path, value, ...(loc.line === undefined ? {} : { at: { line: loc.line, column: loc.column ?? 1 } }) };
      },
    };
  });
}

/** An "unknown field" problem about the swept path itself. */
export function isUnknownSweptPath(issue: ScenarioIssue, key: string): boolean {
  return issue.path === key && issue.message.startsWith('unknown field');
}

/** Validates one cell of a sweep (its own `sweep` emptied): the loader's validation. */
export type ValidateCell = (origin: ScenarioOrigin) => { readonly scenario: Scenario };

const SWEEP_OFF: SetOverride = { label: 'sweep cell', path: ['sweep'], value: {} };

/**
 * Checks a sweep value by value (each substituted alone into the document, so a
 * problem points at the value's own line), then every combination, and returns the
 * cells in order: the cartesian product, the first path outermost.
 */
export function checkSweep(origin: ScenarioOrigin, entries: readonly SweepEntryInfo[], where: Locator, validateCell: ValidateCell): SweepCell[] {
  const issues: ScenarioIssue[] = [];
  for (const e of entries) {
    const head = e.path[0];
    const bad = e.key.trim() === '' || e.path.some((s) => s === '') ? 'is not a field path; write the fields separated by dots, e.g. heartbeat.interval' : typeof head === 'string' && UNSWEPT.has(head) ? `${head} cannot be swept` : undefined;
    if (bad !== undefined) issues.push({ file: origin.file, ...where.locate(['sweep', e.key], true), path: `sweep.${e.key}`, message: bad });
  }
  if (issues.length > 0) throw new ScenarioError(issues);
  for (const e of entries) {
    e.values!.forEach((_, i) => {
      const set = e.setFor(i);
      try {
        validateCell({ ...origin, sets: [...origin.sets, SWEEP_OFF, set] });
      } catch (err) {
        if (!(err instanceof ScenarioError)) throw err;
        issues.push(
          ...err.issues.map((issue) =>
            // A swept path that names no field is the key's fault, not any one value's.
            isUnknownSweptPath(issue, e.key)
              ? withoutUndefined({ ...issue, file: origin.file, set: undefined, ...where.locate(['sweep', e.key], true), path: `sweep.${e.key}` })
              : blame(issue, set, `sweep.${e.key}[${i}]`, e.key, origin.file),
          ),
        );
      }
    });
  }
  if (issues.length > 0) throw new ScenarioError(dedupe(issues).slice(0, MAX_ISSUES));
  const sizes = entries.map((e) => e.values!.length);
  const count = sizes.reduce((a, b) => a * b, 1);
  if (count > MAX_SWEEP_CELLS) {
    throw new ScenarioError([{ file: origin.file, ...where.locate(['sweep'], true), path: 'sweep', message: `the sweep has ${count} cells (${sizes.join(' × ')}); at most ${MAX_SWEEP_CELLS}` }]);
  }
  const cells: SweepCell[] = [];
  const ids = new Set<string>();
  for (const tuple of productIndices(sizes)) {
    const sets = tuple.map((i, k) => entries[k]!.setFor(i));
    const values = tuple.map((i, k) => entries[k]!.values![i]!);
    const id = cellId(values);
    const params = Object.fromEntries(entries.map((e, k) => [e.key, values[k]!]));
    try {
      const cell = validateCell({ ...origin, sets: [...origin.sets, SWEEP_OFF, ...sets] });
      if (ids.has(id)) throw new ScenarioError([{ file: origin.file, ...where.locate(['sweep'], true), path: 'sweep', message: `two cells would both be named "${id}"; write the values differently` }]);
      ids.add(id);
      cells.push({ id, params, scenario: cell.scenario });
    } catch (err) {
      if (!(err instanceof ScenarioError)) throw err;
      const combination = entries.map((e, k) => `${e.key}=${String(values[k])}`).join(', ');
      issues.push(...err.issues.map((issue) => ({ ...issue, file: origin.file, ...where.locate(['sweep'], true), set: undefined, path: 'sweep', message: `the cell ${combination} is invalid: ${issue.path === '' ? '' : `${issue.path}: `}${issue.message}` })));
      if (issues.length >= MAX_ISSUES) break;
    }
  }
  if (issues.length > 0) throw new ScenarioError(dedupe(issues.map(withoutUndefined)).slice(0, MAX_ISSUES));
  return cells;
}

/** A problem a swept value caused, pointed at the value: `file:line:col sweep.detector.timeout[2]: …`. */
export function blame(issue: ScenarioIssue, set: SetOverride, path: string, key: string, file: string): ScenarioIssue {
  // A problem inside a sample file the value names stays in that file.
  if (issue.file !== file) return issue;
  const where = set.at === undefined ? { set: set.label } : { line: set.at.line, column: set.at.column };
  const inner = issue.path === key || issue.path === '' ? '' : `${issue.path}: `;
  return withoutUndefined({ ...issue, line: undefined, column: undefined, set: undefined, ...where, path, message: `${inner}${issue.message}` });
}

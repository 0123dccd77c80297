/**
 * Reads scenario files (YAML or JSON) and built-in presets, applies `--set`
 * overrides, validates against the schema and reports every problem as a
 * `ScenarioError` that names file:line:column (or the `--set`), the field, what
 * was expected and what was found. It is the only module here that reads files,
 * and `ScenarioError` is the only exception it lets out: YAML syntax errors,
 * unreadable files and schema issues all become one.
 *
 * It also reads the CSV files of empirical delay laws (relative to the scenario
 * file), checks a `sweep:` value by value and cell by cell (`expandSweep` gives the
 * cells), and locates each `expect:` threshold for the CI gate's annotations.
 *
 * The parts, in ./load/: origin.ts (reading and parsing a file), locator.ts (a field
 * path to its line or `--set`), issues.ts (zod's issues as file:line, field,
 * expected), sample-files.ts (`csv:` files), sweep-cells.ts (checking a sweep),
 * gate.ts (the CI gate's cell). This file holds the entry points and the validation.
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScenarioError, type ScenarioIssue } from './errors.js';
import type { Comparison } from './expect.js';
import { resolveGateCell, checkGateCell, type Expectation, type GateCells, type GateSpec } from './load/gate.js';
import { builtInMessage, dedupe, sortIssues, toIssues, valueAt, withoutUndefined } from './load/issues.js';
import { Locator } from './load/locator.js';
import { firstLine, looksLikePath, MAX_ISSUES, parseOrigin, readScenarioFile, type ScenarioOrigin } from './load/origin.js';
import { sampleFileReader } from './load/sample-files.js';
import { blame, checkSweep, isUnknownSweptPath, sweepEntriesOf, type SweepCell } from './load/sweep-cells.js';
import { DEFAULT_PRESET, isPresetName, PRESET_NAMES } from './presets/index.js';
import { defaultAt } from './reference.js';
import { reservedKeys } from './reserved-keys.js';
import { scenarioSchema, scenarioWarnings, withSampleFileReader, type Scenario } from './schema/index.js';
import { applyOverrides, formatPath, type SetOverride } from './sets.js';
import { closest } from './suggest.js';
import { DEFAULT_CELL_ID } from './sweep.js';

export type { Expectation, GateCells, GateSpec } from './load/gate.js';
export { defaultNameFor, type ScenarioOrigin } from './load/origin.js';
export { MAX_SWEEP_CELLS, type SweepCell } from './load/sweep-cells.js';

export interface LoadOptions {
  /** Overrides applied, in order, on top of the file before validation. */
  readonly sets?: readonly SetOverride[];
}

export interface LoadedScenario {
  readonly scenario: Scenario;
  /** The document after overrides, before validation: what a sweep substitutes values into. */
  readonly document: unknown;
  /** "preset:<name>" or the path as the user gave it. */
  readonly source: string;
  /** Problems that do not stop the run, located like errors. */
  readonly warnings: readonly ScenarioIssue[];
  /** The parsed file, kept so that further overrides (`withSets`) still report lines. */
  readonly origin: ScenarioOrigin;
  /** The `expect:` thresholds with their place in the file. */
  readonly expectations: readonly Expectation[];
}

// ------------------------------------------------------------------ entry points

/**
 * Parses and validates scenario text; `file` is used in messages, for the default
 * name and, unless `dir` says otherwise, as the place sample files are relative to.
 */
export function loadScenarioText(text: string, file: string, options: LoadOptions & { readonly source?: string; readonly dir?: string } = {}): LoadedScenario {
  const origin = parseOrigin(text, file, options.source ?? file);
  return validate({ ...origin, sets: options.sets ?? [], dir: options.dir ?? dirname(file), sampleFiles: new Map() });
}

/** Reads and validates a scenario file. */
export function loadScenarioFile(path: string, options: LoadOptions = {}): LoadedScenario {
  return loadScenarioText(readScenarioFile(path), path, options);
}

/** Validates a built-in preset. */
export function loadPreset(name: string, options: LoadOptions = {}): LoadedScenario {
  return loadScenarioText(presetText(name), presetLabel(name), { ...options, source: `preset:${name}`, dir: dirname(presetPath(name)) });
}

/**
 * A preset name or a file path, as typed on the command line. Something that
 * looks like a path (has a separator or a .yaml/.yml/.json extension) is a file;
 * otherwise a preset name, else a file of that name.
 */
export function resolveScenario(ref: string, options: LoadOptions = {}): LoadedScenario {
  if (!looksLikePath(ref) && isPresetName(ref)) return loadPreset(ref, options);
  if (!looksLikePath(ref) && !existsSync(ref)) {
    const guess = closest(ref, PRESET_NAMES);
    throw new ScenarioError([
      {
        file: ref,
        path: '',
        message: `no such preset or file; presets are ${PRESET_NAMES.join(', ')}`,
        ...(guess === undefined ? {} : { suggestion: guess }),
      },
    ]);
  }
  return loadScenarioFile(ref, options);
}

/** The scenario `hbsim run` uses when given none. */
export function loadDefaultScenario(options: LoadOptions = {}): LoadedScenario {
  return loadPreset(DEFAULT_PRESET, options);
}

/** The same scenario with more overrides on top (e.g. a sweep cell's values). */
export function withSets(loaded: LoadedScenario, sets: readonly SetOverride[]): LoadedScenario {
  return validate({ ...loaded.origin, sets: [...loaded.origin.sets, ...sets] });
}

// ---------------------------------------------------------------------- presets

/**
 * The presets folder. Resolved from the package root so that it is the same
 * folder whether this module runs from src/scenarios or from a build in dist/.
 */
const PRESETS_DIR = new URL('../../src/scenarios/presets/', import.meta.url);

export function presetPath(name: string): string {
  return fileURLToPath(new URL(`${name}.yaml`, PRESETS_DIR));
}

const presetLabel = (name: string) => `presets/${name}.yaml`;

/** A preset's file as written, comments and all: a starting point for one's own scenario. */
export function presetText(name: string): string {
  if (!isPresetName(name)) {
    const guess = closest(name, PRESET_NAMES);
    throw new ScenarioError([
      { file: name, path: '', message: `no preset of that name; presets are ${PRESET_NAMES.join(', ')}`, ...(guess === undefined ? {} : { suggestion: guess }) },
    ]);
  }
  return readScenarioFile(presetPath(name), presetLabel(name));
}

export interface PresetSummary {
  readonly name: string;
  readonly description: string;
  readonly isDefault: boolean;
}

export function listPresets(): PresetSummary[] {
  return PRESET_NAMES.map((name) => ({ name, description: loadPreset(name).scenario.description, isDefault: name === DEFAULT_PRESET }));
}

// ------------------------------------------------------------------- validation

/** Cells of each validated scenario, found while checking its sweep. */
const cellsOf = new WeakMap<LoadedScenario, readonly SweepCell[]>();

/** Applies overrides; a problem with one written in the file (a sweep's value) names the file. */
function applyHere(origin: ScenarioOrigin, sets: readonly SetOverride[]): unknown {
  try {
    return applyOverrides(origin.base, sets, defaultAt);
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    throw new ScenarioError(e.issues.map((i) => (i.file === '' && i.line !== undefined ? { ...i, file: origin.file } : i)));
  }
}

/** `cell`: one cell of a sweep being checked, whose gate settings refer to the whole sweep. */
function validate(origin: ScenarioOrigin, role: 'scenario' | 'cell' = 'scenario'): LoadedScenario {
  const document = applyHere(origin, origin.sets);
  const where = new Locator(origin);
  const entries = sweepEntriesOf(document, where);
  // A field that only the sweep mentions takes its first value in the scenario as loaded.
  const fill = entries.flatMap((e) => (e.values !== null && e.values.length > 0 && valueAt(document, e.path) === undefined ? [e.setFor(0)] : []));
  const base = fill.length === 0 ? origin : { ...origin, sets: [...origin.sets, ...fill] };
  const baseDocument = fill.length === 0 ? document : applyHere(origin, base.sets);
  let scenario: Scenario;
  try {
    scenario = parseScenario(base, baseDocument, new Locator(base));
  } catch (err) {
    if (!(err instanceof ScenarioError) || fill.length === 0) throw err;
    // Problems at a value only the sweep gives are that value's problems.
    throw new ScenarioError(
      err.issues.map((issue) => {
        const set = fill.find((f) => f.at !== undefined && f.at.line === issue.line && f.at.column === issue.column);
        if (set === undefined) return issue;
        const key = formatPath(set.path);
        // A swept path that names no field is the key's fault, not its first value's.
        if (isUnknownSweptPath(issue, key)) return withoutUndefined({ ...issue, set: undefined, ...where.locate(['sweep', key], true), path: `sweep.${key}` });
        return blame(issue, set, `sweep.${key}[0]`, key, origin.file);
      }),
    );
  }
  const cells = entries.length === 0 ? [{ id: DEFAULT_CELL_ID, params: {}, scenario }] : checkSweep(origin, entries, where, validateCell);
  const gate = role === 'cell' ? { cells: { kind: 'all' } as GateCells } : resolveGateCell(origin, scenario, cells, where);
  // A cell's check keeps only its scenario (checkSweep): its warnings and located
  // thresholds are the scenario's own, already found (db-ha locates 5 thresholds in each of 29 checks).
  const warnings =
    role === 'cell'
      ? []
      : [
          ...(origin.yaml?.warnings ?? []).map((w) => ({ file: origin.file, ...where.atOffset(w.pos[0]), path: '', message: `YAML: ${firstLine(w.message)}` })),
          ...scenarioWarnings(scenario).map((w) => ({ file: origin.file, ...where.locate(w.path), path: formatPath(w.path), message: w.message })),
        ];
  const expectations = role === 'cell' ? [] : scenario.expect.map((t): Expectation => ({ ...t, op: t.op as Comparison, file: origin.file, ...where.locate(['expect', t.metric]) }));
  const loaded: LoadedScenario = { scenario, document, source: origin.source, warnings, origin, expectations };
  cellsOf.set(loaded, cells);
  gateCellOf.set(loaded, gate.cells);
  if (gate.error !== undefined) gateErrorOf.set(loaded, gate.error);
  return loaded;
}

const validateCell = (origin: ScenarioOrigin) => validate(origin, 'cell');

/** Validates a document against the schema, with sample files read through the origin. */
function parseScenario(origin: ScenarioOrigin, document: unknown, where: Locator): Scenario {
  // jitless: zod would otherwise generate (new Function) and compile a parser for each object
  // schema on first use, which a CLI process validating a few documents never repays
  // (db-ha's 20 cells validate ~15 % faster without); the outcome is the same.
  const result = withSampleFileReader(sampleFileReader(origin), () => scenarioSchema.safeParse(document, { error: builtInMessage, jitless: true }));
  // z.record drops a "__proto__" key without a word (reserved-keys.ts): refuse it here, in every map alike.
  const reserved = reservedKeys(document).map(({ path, message }): ScenarioIssue => ({ file: where.file, ...where.locate(path, true), path: formatPath(path), message }));
  if (!result.success || reserved.length > 0) {
    const zodIssues = result.success ? [] : result.error.issues;
    // A map with an unknown key also fails its own cross-field rule (e.g. "no fault kind"): say only the first.
    const unknownAt = new Set(zodIssues.filter((i) => i.code === 'unrecognized_keys').map((i) => i.path.map(String).join('.')));
    const primary = zodIssues.filter((i) => i.code !== 'custom' || !unknownAt.has(i.path.map(String).join('.')));
    const refusedAt = new Set(reserved.map((r) => r.path));
    const issues = dedupe([...reserved, ...primary.flatMap((issue) => toIssues(issue, document, where)).filter((i) => !refusedAt.has(i.path))]);
    throw new ScenarioError(sortIssues(issues, origin.sets).slice(0, MAX_ISSUES));
  }
  return result.data;
}

/**
 * The cells of a loaded scenario's sweep, in a fixed order: the cartesian product
 * of the swept values, the first path outermost (it changes slowest). Each cell has
 * its id (the values as written, joined by "/"), its params (path → value as
 * written) and its validated scenario. One cell, "default", when nothing is swept.
 * Pure: the loader has already checked every cell (and read every sample file).
 */
export function expandSweep(loaded: LoadedScenario): SweepCell[] {
  const cached = cellsOf.get(loaded);
  if (cached !== undefined) return [...cached];
  const entries = sweepEntriesOf(loaded.document, new Locator(loaded.origin));
  return entries.length === 0 ? [{ id: DEFAULT_CELL_ID, params: {}, scenario: loaded.scenario }] : checkSweep(loaded.origin, entries, new Locator(loaded.origin), validateCell);
}

// -------------------------------------------------------------------- CI gate

const gateCellOf = new WeakMap<LoadedScenario, GateCells>();
/** A gate cell that overrides made unresolvable: only `gateSpecOf` (the CI gate) needs it, so only it throws. */
const gateErrorOf = new WeakMap<LoadedScenario, ScenarioError>();

/** The expectations, the policy for inconclusive ones and the cells to check. */
export function gateSpecOf(loaded: LoadedScenario): GateSpec {
  const error = gateErrorOf.get(loaded);
  if (error !== undefined) throw error;
  const cells = gateCellOf.get(loaded) ?? checkGateCell(loaded.scenario, expandSweep(loaded), new Locator(loaded.origin));
  return { expectations: loaded.expectations, inconclusive: loaded.scenario.expect_options.inconclusive, cells };
}

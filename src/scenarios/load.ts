/**
 * Reads scenario files (YAML or JSON) and built-in presets, applies `--set`
 * overrides, validates against the schema and reports every problem as a
 * `ScenarioError` that names file:line:column (or the `--set`), the field, what
 * was expected and what was found. It is the only module here that reads files,
 * and `ScenarioError` is the only exception it lets out: YAML syntax errors,
 * unreadable files and schema issues all become one.
 *
 * Line numbers come from the YAML document's node ranges (yaml's LineCounter);
 * zod knows only paths. An override's value has no line, so problems inside it
 * point at the `--set` instead.
 *
 * It also reads the CSV files of empirical delay laws (relative to the scenario
 * file), checks a `sweep:` value by value and cell by cell (`expandSweep` gives the
 * cells), and locates each `expect:` threshold for the CI gate's annotations.
 */
import { existsSync } from 'node:fs';
import { FileReadError, readBoundedText } from '../io/bounded-read.js';
import { basename, dirname, extname, isAbsolute, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import type { z } from 'zod';
import { describeValue, ScenarioError, type ScenarioIssue } from './errors.js';
import { DEFAULT_PRESET, isPresetName, PRESET_NAMES } from './presets/index.js';
import type { Comparison, Threshold } from './expect.js';
import { defaultAt, keysAt, primaryFieldPaths, variantsWith } from './reference.js';
import { parseSampleCsv } from './samples-csv.js';
import { reservedKeys } from './reserved-keys.js';
import { NAME_PATTERN, scenarioSchema, scenarioWarnings, withSampleFileReader, type SampleFileResult, type SampleFileSpec, type Scenario } from './schema/index.js';
import { applyOverrides, formatPath, parsePath, type PathSegment, type SetOverride } from './sets.js';
import { closest } from './suggest.js';
import { cellId, DEFAULT_CELL_ID, productIndices, sweepValues, type ParamValue, type SweepEntry } from './sweep.js';

export interface LoadOptions {
  /** Overrides applied, in order, on top of the file before validation. */
  readonly sets?: readonly SetOverride[];
}

/** A threshold of `expect:`, with where it was written (for `::error file=…,line=…`). */
export interface Expectation extends Threshold {
  readonly file: string;
  /** Absent when the threshold came from a `--set` (then `set` names it). */
  readonly line?: number;
  readonly column?: number;
  readonly set?: string;
}

/** One cell of a sweep: the values substituted, and the scenario they give. */
export interface SweepCell {
  /** The values as written, joined by "/" in sweep order ("500ms/3x"); "default" when nothing is swept. */
  readonly id: string;
  /** Swept path → value as written. */
  readonly params: Readonly<Record<string, ParamValue>>;
  /** The validated scenario of this cell (its `sweep` empty). */
  readonly scenario: Scenario;
}

/** Which cells the CI gate checks (`expect_options.cell`), resolved against the sweep. */
export type GateCells = { readonly kind: 'all' } | { readonly kind: 'recommended' } | { readonly kind: 'cell'; readonly id: string };

/** What the CI gate needs from a scenario. */
export interface GateSpec {
  readonly expectations: readonly Expectation[];
  readonly inconclusive: 'fail' | 'warn';
  readonly cells: GateCells;
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

/** A parsed but not yet validated scenario file. */
export interface ScenarioOrigin {
  readonly file: string;
  readonly source: string;
  readonly yaml: Document | undefined;
  readonly lines: LineCounter;
  /** The file's document with the default name filled in, before any override. */
  readonly base: unknown;
  readonly sets: readonly SetOverride[];
  /** The folder that relative sample-file paths start from. */
  readonly dir: string;
  /** Sample files read so far, by resolved path: read once per load, then shared by every cell. */
  readonly sampleFiles: Map<string, SampleFileResult>;
}

const MAX_FILE_BYTES = 1_000_000;
const MAX_ISSUES = 50;

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

// ------------------------------------------------------------------------ files

function looksLikePath(ref: string): boolean {
  return ref.includes('/') || ref.includes(sep) || /\.(ya?ml|json)$/i.test(ref);
}

function readScenarioFile(path: string, label = path): string {
  try {
    return readBoundedText(path, MAX_FILE_BYTES, 'a scenario file');
  } catch (e) {
    if (e instanceof FileReadError) throw new ScenarioError([{ file: label, path: '', message: e.message }]);
    throw e;
  }
}

/** The file name without extension, made into a valid scenario name. */
export function defaultNameFor(file: string): string {
  const stem = basename(file, extname(file))
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 64);
  return NAME_PATTERN.test(stem) ? stem : 'scenario';
}

// ---------------------------------------------------------------------- parsing

function parseOrigin(text: string, file: string, source: string): Omit<ScenarioOrigin, 'sets' | 'dir' | 'sampleFiles'> {
  const lines = new LineCounter();
  // The YAML parser breaks lines at LF only; a file with classic-Mac CR line ends would
  // read as one long line (all comment, say, and then "is empty").
  const bareCr = /\r(?!\n)/.exec(text);
  if (bareCr !== null) {
    const line = text.slice(0, bareCr.index).split('\n').length;
    throw new ScenarioError([{ file, line, column: bareCr.index - text.lastIndexOf('\n', bareCr.index - 1), path: '', message: 'has a bare CR line end (classic Mac); save it with LF or CRLF line ends' }]);
  }
  if (text.length > MAX_FILE_BYTES) throw new ScenarioError([{ file, path: '', message: `is too long; a scenario file is at most ${MAX_FILE_BYTES} bytes` }]);
  if (extname(file).toLowerCase() === '.json') checkStrictJson(text, file);
  let yaml: Document;
  try {
    yaml = parseDocument(text, { lineCounter: lines, prettyErrors: false, strict: true, uniqueKeys: true, version: '1.2', logLevel: 'error' });
  } catch (e) {
    // The parser recurses; absurdly deep nesting overflows the stack.
    throw new ScenarioError([{ file, path: '', message: `cannot be parsed as YAML (${e instanceof Error ? e.message : String(e)})` }]);
  }
  const at = (offset: number) => {
    const pos = lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  if (yaml.errors.length > 0) {
    throw new ScenarioError(yaml.errors.slice(0, MAX_ISSUES).map((e) => ({ file, ...at(e.pos[0]), path: '', message: `YAML: ${firstLine(e.message)}` })));
  }
  const badKey = findNonScalarKey(yaml.contents);
  if (badKey !== undefined) {
    throw new ScenarioError([{ file, ...at(badKey), path: '', message: 'keys must be plain names, not lists or maps' }]);
  }
  let document: unknown;
  try {
    document = yaml.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    // Unresolved or excessive aliases surface only here; point at the first alias.
    const alias = firstAlias(yaml.contents);
    throw new ScenarioError([{ file, ...(alias === undefined ? {} : at(alias)), path: '', message: `YAML: ${e instanceof Error ? firstLine(e.message) : String(e)}` }]);
  }
  if (document === null || document === undefined) {
    throw new ScenarioError([{ file, line: 1, column: 1, path: '', message: 'is empty; expected a map of scenario fields (name, duration, heartbeat, link, detector, …)' }]);
  }
  if (typeof document !== 'object' || Object.getPrototypeOf(document) !== Object.prototype) {
    const start = yaml.contents?.range?.[0] ?? 0;
    throw new ScenarioError([{ file, ...at(start), path: '', message: `expected a map of scenario fields (name, duration, heartbeat, …), got ${describeValue(document)}` }]);
  }
  const base = Object.hasOwn(document, 'name') ? document : { name: defaultNameFor(file), ...document };
  return { file, source, yaml, lines, base };
}

const firstLine = (message: string) => message.split('\n')[0]!.trim();

/**
 * A .json scenario is JSON, not YAML that happens to look like it: a trailing comma or
 * a `# comment` is an error (docs/scenarios.md). YAML then parses the same text, only
 * to locate later problems by line.
 */
function checkStrictJson(text: string, file: string): void {
  try {
    JSON.parse(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const position = /at position (\d+)/.exec(message);
    // Without a position (empty or truncated text) the problem is at the end.
    const offset = position ? Number(position[1]) : text.length;
    const before = text.slice(0, offset).split('\n');
    const where = { line: before.length, column: before[before.length - 1]!.length + 1 };
    throw new ScenarioError([{ file, ...where, path: '', message: `not valid JSON: ${message.replace(/\s*in JSON at position \d+.*$/, '')} (a .json scenario is strict JSON: no comments or trailing commas; use .yaml for those)` }]);
  }
}

/** Offset of the first alias (`*name`) in the document. */
function firstAlias(node: unknown, depth = 0): number | undefined {
  if (depth > 200) return undefined;
  if (isAlias(node)) return node.range?.[0];
  const children = isMap(node) ? node.items.flatMap((p) => [p.key, p.value]) : isSeq(node) ? node.items : [];
  for (const child of children) {
    const found = firstAlias(child, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Offset of the first map key that is itself a collection (JS objects cannot hold those keys). */
function findNonScalarKey(node: unknown, depth = 0): number | undefined {
  if (depth > 200) return undefined;
  if (isMap(node)) {
    for (const pair of node.items) {
      if (pair.key !== null && !isScalar(pair.key) && !isAlias(pair.key)) return (pair.key as YamlNode).range?.[0] ?? 0;
      const inner = findNonScalarKey(pair.value, depth + 1);
      if (inner !== undefined) return inner;
    }
  } else if (isSeq(node)) {
    for (const item of node.items) {
      const inner = findNonScalarKey(item, depth + 1);
      if (inner !== undefined) return inner;
    }
  }
  return undefined;
}

// ------------------------------------------------------------------- validation

/** At most this many cells in a sweep: each is a full simulation. */
export const MAX_SWEEP_CELLS = 10_000;

/** Paths a sweep cannot vary: they name the run, or configure the sweep and the gate. */
const UNSWEPT = new Set(['name', 'replications', 'sweep', 'targets', 'expect', 'expect_options', 'tune']);

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
  const cells = entries.length === 0 ? [{ id: DEFAULT_CELL_ID, params: {}, scenario }] : checkSweep(origin, entries, where);
  const gate = role === 'cell' ? { cells: { kind: 'all' } as GateCells } : resolveGateCell(origin, scenario, cells, where);
  const warnings = [
    ...(origin.yaml?.warnings ?? []).map((w) => ({ file: origin.file, ...where.atOffset(w.pos[0]), path: '', message: `YAML: ${firstLine(w.message)}` })),
    ...scenarioWarnings(scenario).map((w) => ({ file: origin.file, ...where.locate(w.path), path: formatPath(w.path), message: w.message })),
  ];
  const expectations = scenario.expect.map((t): Expectation => ({ ...t, op: t.op as Comparison, file: origin.file, ...where.locate(['expect', t.metric]) }));
  const loaded: LoadedScenario = { scenario, document, source: origin.source, warnings, origin, expectations };
  cellsOf.set(loaded, cells);
  gateCellOf.set(loaded, gate.cells);
  if (gate.error !== undefined) gateErrorOf.set(loaded, gate.error);
  return loaded;
}

/** Validates a document against the schema, with sample files read through the origin. */
function parseScenario(origin: ScenarioOrigin, document: unknown, where: Locator): Scenario {
  const result = withSampleFileReader(sampleFileReader(origin), () => scenarioSchema.safeParse(document, { error: builtInMessage }));
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

// ------------------------------------------------------------------------ sweeps

interface SweepEntryInfo {
  readonly key: string;
  readonly path: PathSegment[];
  /** The values as written (a range expanded), or null when the entry itself is malformed (the schema says why). */
  readonly values: readonly ParamValue[] | null;
  /** The override that puts value i at the path, located at the value in the file. */
  setFor(i: number): SetOverride;
}

const isPlainMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The entries of the document's `sweep:` as far as they can be read before validation. */
function sweepEntriesOf(document: unknown, where: Locator): SweepEntryInfo[] {
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
function isUnknownSweptPath(issue: ScenarioIssue, key: string): boolean {
  return issue.path === key && issue.message.startsWith('unknown field');
}

const SWEEP_OFF: SetOverride = { label: 'sweep cell', path: ['sweep'], value: {} };

/**
 * Checks a sweep value by value (each substituted alone into the document, so a
 * problem points at the value's own line), then every combination, and returns the
 * cells in order: the cartesian product, the first path outermost.
 */
function checkSweep(origin: ScenarioOrigin, entries: readonly SweepEntryInfo[], where: Locator): SweepCell[] {
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
        validate({ ...origin, sets: [...origin.sets, SWEEP_OFF, set] }, 'cell');
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
      const cell = validate({ ...origin, sets: [...origin.sets, SWEEP_OFF, ...sets] }, 'cell');
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

function withoutUndefined(issue: ScenarioIssue): ScenarioIssue {
  return Object.fromEntries(Object.entries(issue).filter(([, v]) => v !== undefined)) as unknown as ScenarioIssue;
}

/** A problem a swept value caused, pointed at the value: `file:line:col sweep.detector.timeout[2]: …`. */
function blame(issue: ScenarioIssue, set: SetOverride, path: string, key: string, file: string): ScenarioIssue {
  // A problem inside a sample file the value names stays in that file.
  if (issue.file !== file) return issue;
  const where = set.at === undefined ? { set: set.label } : { line: set.at.line, column: set.at.column };
  const inner = issue.path === key || issue.path === '' ? '' : `${issue.path}: `;
  return withoutUndefined({ ...issue, line: undefined, column: undefined, set: undefined, ...where, path, message: `${inner}${issue.message}` });
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
  return entries.length === 0 ? [{ id: DEFAULT_CELL_ID, params: {}, scenario: loaded.scenario }] : checkSweep(loaded.origin, entries, new Locator(loaded.origin));
}

// -------------------------------------------------------------------- CI gate

const gateCellOf = new WeakMap<LoadedScenario, GateCells>();
/** A gate cell that overrides made unresolvable: only `gateSpecOf` (the CI gate) needs it, so only it throws. */
const gateErrorOf = new WeakMap<LoadedScenario, ScenarioError>();

/**
 * `expect_options.cell` names a cell of the file's sweep. A `--set` that fixes a swept
 * path (heartbeat.interval=500ms) or rewrites a sweep changes the cells; the pinned cell
 * then means the same values on the paths still swept ("1s/3x" becomes "3x" once the
 * interval is set). When no cell corresponds, `run` and `validate` go on (they never use
 * the gate) and `check` says which override removed it, not a line of a preset file.
 */
function resolveGateCell(origin: ScenarioOrigin, scenario: Scenario, cells: readonly SweepCell[], where: Locator): { cells: GateCells; error?: ScenarioError } {
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
function checkGateCell(scenario: Scenario, cells: readonly SweepCell[], where: Locator): GateCells {
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

/** The expectations, the policy for inconclusive ones and the cells to check. */
export function gateSpecOf(loaded: LoadedScenario): GateSpec {
  const error = gateErrorOf.get(loaded);
  if (error !== undefined) throw error;
  const cells = gateCellOf.get(loaded) ?? checkGateCell(loaded.scenario, expandSweep(loaded), new Locator(loaded.origin));
  return { expectations: loaded.expectations, inconclusive: loaded.scenario.expect_options.inconclusive, cells };
}

// ---------------------------------------------------------------- sample files

/** Reads sample files relative to the scenario's folder, each once per load. */
function sampleFileReader(origin: ScenarioOrigin): (spec: SampleFileSpec) => SampleFileResult {
  return (spec) => {
    const path = isAbsolute(spec.file) ? spec.file : join(origin.dir, spec.file);
    const key = `${path}\u0000${spec.column ?? ''}\u0000${spec.unit ?? ''}`;
    const cached = origin.sampleFiles.get(key);
    if (cached !== undefined) return cached;
    const result = readSampleFile(path, spec);
    origin.sampleFiles.set(key, result);
    return result;
  };
}

const MAX_SAMPLE_FILE_BYTES = 50_000_000;

function readSampleFile(path: string, spec: SampleFileSpec): SampleFileResult {
  let text: string;
  try {
    text = readBoundedText(path, MAX_SAMPLE_FILE_BYTES, 'a sample file');
  } catch (e) {
    if (e instanceof FileReadError) return { ok: false, message: `cannot read the sample file ${path}: ${e.message}` };
    throw e;
  }
  return parseSampleCsv(text, spec, path);
}

type ZodIssue = z.core.$ZodIssue;
type RawIssue = z.core.$ZodRawIssue;

/** zod's own messages, reworded as "expected …" like ours. */
function builtInMessage(issue: RawIssue): string | undefined {
  const i = issue as RawIssue & { expected?: string; minimum?: number | bigint; maximum?: number | bigint; inclusive?: boolean; origin?: string; values?: unknown[] };
  switch (i.code) {
    case 'invalid_type':
      return `expected ${TYPE_PHRASES[i.expected ?? ''] ?? `a ${i.expected}`}`;
    case 'too_small':
      return i.origin === 'array' ? `expected at least ${i.minimum} entries` : `expected a number ${i.inclusive ? '≥' : '>'} ${i.minimum}`;
    case 'too_big':
      return i.origin === 'array'
        ? `expected at most ${i.maximum} entries`
        : i.origin === 'string'
          ? `expected at most ${i.maximum} characters`
          : `expected a number ${i.inclusive ? '≤' : '<'} ${i.maximum}`;
    case 'invalid_value':
      return `expected ${(i.values ?? []).length === 1 ? '' : 'one of '}${(i.values ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return undefined;
  }
}

const TYPE_PHRASES: Readonly<Record<string, string>> = {
  number: 'a number',
  int: 'a whole number',
  string: 'a string',
  boolean: 'true or false',
  object: 'a map of fields (key: value)',
  array: 'a list',
};

/**
 * For a union without a discriminator (a probability or a map, say), the issues of
 * the form the value was meant to have: the forms whose problems are not at the
 * value itself (a map where a number was expected), then the one that knew most of
 * the value's keys. Undefined when no form fits, so the union's own message stands.
 */
function closestForm(issue: ZodIssue, value: unknown): readonly ZodIssue[] | undefined {
  const errors = (issue as { errors?: readonly (readonly ZodIssue[])[] }).errors ?? [];
  const fits = (issues: readonly ZodIssue[]) =>
    !issues.some((i) => i.path.length === 0 && (i.code === 'invalid_type' || (i.code === 'invalid_union' && !('discriminator' in i && typeof i.discriminator === 'string' && isPlainMap(value)))));
  const unknownKeys = (issues: readonly ZodIssue[]) => issues.reduce((n, i) => n + (i.code === 'unrecognized_keys' ? i.keys.length : 0), 0);
  const candidates = errors.filter(fits);
  if (candidates.length === 0) return undefined;
  return [...candidates].sort((a, b) => unknownKeys(a) - unknownKeys(b) || a.length - b.length)[0];
}

function toIssues(issue: ZodIssue, document: unknown, where: Locator): ScenarioIssue[] {
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  const file = where.file;
  if (issue.code === 'invalid_union' && !('discriminator' in issue && typeof issue.discriminator === 'string')) {
    const form = closestForm(issue, valueAt(document, path));
    if (form !== undefined) return form.flatMap((inner) => toIssues({ ...inner, path: [...issue.path, ...inner.path] } as ZodIssue, document, where));
  }
  if (issue.code === 'invalid_key') {
    const inner = (issue as { issues?: readonly ZodIssue[] }).issues?.[0];
    const key = String(path.at(-1));
    return [{ file, ...where.locate(path, true), path: formatPath(path), message: `${inner?.message ?? 'expected a valid name'}, got ${JSON.stringify(key)}` }];
  }
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const keyPath = [...path, key];
      const owners = variantsWith(keyPath);
      const suggestion = owners.length > 0 ? undefined : suggestKey(key, path, document);
      return {
        file,
        ...where.locate(keyPath, true),
        path: formatPath(keyPath),
        message: owners.length > 0 ? `field "${key}" does not apply here; it goes with ${owners.join(' or ')}` : `unknown field "${key}"`,
        ...(suggestion === undefined ? {} : { suggestion }),
      };
    });
  }
  const value = valueAt(document, path);
  if (issue.code === 'invalid_union' && 'discriminator' in issue && typeof issue.discriminator === 'string') {
    const options = ((issue as { options?: unknown[] }).options ?? []).map(String);
    const suggestion = typeof value === 'string' ? closest(value, options) : undefined;
    return [valueIssue(file, where, path, `one of ${options.join(', ')}`, value, '', suggestion)];
  }
  const params = (issue as { params?: { note?: unknown; candidates?: unknown; suggestion?: unknown; atKey?: unknown; at?: { file: string; line: number; column: number } } }).params;
  const note = typeof params?.note === 'string' ? params.note : '';
  const values = issue.code === 'invalid_value' ? issue.values.map(String) : [];
  const candidates = Array.isArray(params?.candidates) ? params.candidates.map(String) : values;
  const suggestion = typeof params?.suggestion === 'string' ? params.suggestion : typeof value === 'string' && candidates.length > 0 ? closest(value, candidates) : undefined;
  // A problem inside a sample file points into that file.
  const at = params?.at;
  // `atKey`: the problem is the key itself (an unknown metric name), so point at it.
  const place = (p: PathSegment[]) => (at === undefined ? where.locate(p, params?.atKey === true) : { line: at.line, column: at.column });
  const inFile = at === undefined ? file : at.file;
  if (issue.message.startsWith('expected ') && at === undefined) {
    return [valueIssue(file, where, path, issue.message.slice('expected '.length), value, note, suggestion)];
  }
  return [{ file: inFile, ...place(path), path: formatPath(path), message: note === '' ? issue.message : `${issue.message} (${note})`, ...(suggestion === undefined ? {} : { suggestion }) }];
}

function valueIssue(file: string, where: Locator, path: PathSegment[], expected: string, value: unknown, note: string, suggestion: string | undefined): ScenarioIssue {
  const got = describeValue(value);
  const message = value === undefined ? `missing; expected ${expected}` : `expected ${expected}, got ${got}${note === '' ? '' : ` (${note})`}`;
  return {
    file,
    ...where.locate(path),
    path: formatPath(path),
    message,
    expected,
    got,
    ...(suggestion === undefined ? {} : { suggestion }),
  };
}

/** A close sibling key, else the one field elsewhere in the format with that name ("interval" → "heartbeat.interval"). */
function suggestKey(key: string, parent: readonly PathSegment[], document: unknown): string | undefined {
  const sibling = closest(key, keysAt(parent, document));
  if (sibling !== undefined) return sibling;
  const elsewhere = primaryFieldPaths();
  const exact = [...new Set(elsewhere.filter((p) => p.split('.').pop() === key))];
  if (exact.length === 1) return exact[0];
  const lastNames = [...new Set(elsewhere.map((p) => p.split('.').pop()!))];
  const near = closest(key, lastNames);
  if (near === undefined) return undefined;
  const paths = [...new Set(elsewhere.filter((p) => p.split('.').pop() === near))];
  return paths.length === 1 ? paths[0] : undefined;
}

function valueAt(document: unknown, path: readonly PathSegment[]): unknown {
  let value: unknown = document;
  for (const segment of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<PathSegment, unknown>)[segment];
  }
  return value;
}

function dedupe(issues: ScenarioIssue[]): ScenarioIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.set ?? ''}|${i.path}|${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Overrides first, in command-line order (they have no line), then by position in the file. */
function sortIssues(issues: ScenarioIssue[], sets: readonly SetOverride[]): ScenarioIssue[] {
  const labels = sets.map((s) => s.label);
  const rank = (i: ScenarioIssue) => (i.set !== undefined ? labels.indexOf(i.set) - labels.length : (i.line ?? 0) * 1e6 + (i.column ?? 0));
  return issues.map((issue, index) => ({ issue, index })).sort((a, b) => rank(a.issue) - rank(b.issue) || a.index - b.index).map((x) => x.issue);
}

// ---------------------------------------------------------------------- locating

type Location = Pick<ScenarioIssue, 'line' | 'column' | 'set'>;

/** Maps a field path to the place that gave it its value: a `--set`, or a line and column of the file. */
class Locator {
  readonly file: string;
  private readonly origin: ScenarioOrigin;

  constructor(origin: ScenarioOrigin) {
    this.origin = origin;
    this.file = origin.file;
  }

  atOffset(offset: number): Location {
    const pos = this.origin.lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  }

  /** `key`: point at the field's name rather than its value (for unknown fields). */
  locate(path: readonly PathSegment[], key = false): Location {
    const sets = this.origin.sets;
    const blame = (set: SetOverride): Location => (set.at === undefined ? { set: set.label } : { line: set.at.line, column: set.at.column });
    for (let i = sets.length - 1; i >= 0; i--) {
      if (startsWith(path, sets[i]!.path)) return blame(sets[i]!);
    }
    const found = this.find(path);
    if (!found.complete) {
      // The field is not in the file: an override that created it is the better culprit.
      for (let i = sets.length - 1; i >= 0; i--) {
        if (startsWith(sets[i]!.path, path) && sets[i]!.path.length > 0) return blame(sets[i]!);
      }
    }
    const offset = key || !found.complete ? (found.keyOffset ?? found.valueOffset) : (found.valueOffset ?? found.keyOffset);
    return offset === undefined ? { line: 1, column: 1 } : this.atOffset(offset);
  }

  /** Walks the YAML nodes along `path`, as far as they go. */
  private find(path: readonly PathSegment[]): { complete: boolean; keyOffset?: number; valueOffset?: number } {
    const yaml = this.origin.yaml;
    let node: unknown = yaml?.contents;
    let keyOffset: number | undefined;
    for (const segment of path) {
      if (isAlias(node) && yaml) node = node.resolve(yaml);
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) return { complete: false, ...offsets(keyOffset, node) };
        keyOffset = (pair.key as YamlNode).range?.[0];
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
        node = node.items[segment];
        keyOffset = (node as YamlNode | null)?.range?.[0];
      } else {
        return { complete: false, ...offsets(keyOffset, node) };
      }
    }
    return { complete: true, ...offsets(keyOffset, node) };
  }
}

function offsets(keyOffset: number | undefined, node: unknown): { keyOffset?: number; valueOffset?: number } {
  const range = (node as YamlNode | null | undefined)?.range;
  const valueOffset = range !== undefined && range !== null && !(isScalar(node) && node.value === null && range[0] === range[1]) ? range[0] : undefined;
  return { ...(keyOffset === undefined ? {} : { keyOffset }), ...(valueOffset === undefined ? {} : { valueOffset }) };
}

function startsWith(path: readonly PathSegment[], prefix: readonly PathSegment[]): boolean {
  return prefix.length <= path.length && prefix.every((s, i) => String(s) === String(path[i]));
}

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
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, extname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import type { z } from 'zod';
import { describeValue, ScenarioError, type ScenarioIssue } from './errors.js';
import { DEFAULT_PRESET, isPresetName, PRESET_NAMES } from './presets/index.js';
import { allFieldPaths, keysAt, variantsWith } from './reference.js';
import { NAME_PATTERN, scenarioSchema, scenarioWarnings, type Scenario } from './schema.js';
import { applySets, formatPath, type PathSegment, type SetOverride } from './sets.js';
import { closest } from './suggest.js';

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
}

const MAX_FILE_BYTES = 1_000_000;
const MAX_ISSUES = 50;

// ------------------------------------------------------------------ entry points

/** Parses and validates scenario text; `file` is only used in messages and for the default name. */
export function loadScenarioText(text: string, file: string, options: LoadOptions & { readonly source?: string } = {}): LoadedScenario {
  const origin = parseOrigin(text, file, options.source ?? file);
  return validate({ ...origin, sets: options.sets ?? [] });
}

/** Reads and validates a scenario file. */
export function loadScenarioFile(path: string, options: LoadOptions = {}): LoadedScenario {
  return loadScenarioText(readScenarioFile(path), path, options);
}

/** Validates a built-in preset. */
export function loadPreset(name: string, options: LoadOptions = {}): LoadedScenario {
  return loadScenarioText(presetText(name), presetLabel(name), { ...options, source: `preset:${name}` });
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
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a scenario file' : code === 'EACCES' ? 'permission denied' : `cannot be read (${code ?? String(e)})`;
    throw new ScenarioError([{ file: label, path: '', message: why }]);
  }
  if (bytes.length > MAX_FILE_BYTES) throw new ScenarioError([{ file: label, path: '', message: `is ${bytes.length} bytes; a scenario file is at most ${MAX_FILE_BYTES}` }]);
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
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

function parseOrigin(text: string, file: string, source: string): Omit<ScenarioOrigin, 'sets'> {
  const lines = new LineCounter();
  if (text.length > MAX_FILE_BYTES) throw new ScenarioError([{ file, path: '', message: `is too long; a scenario file is at most ${MAX_FILE_BYTES} bytes` }]);
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

function validate(origin: ScenarioOrigin): LoadedScenario {
  const document = applySets(origin.base, origin.sets);
  const where = new Locator(origin);
  const result = scenarioSchema.safeParse(document, { error: builtInMessage });
  if (!result.success) {
    // A map with an unknown key also fails its own cross-field rule (e.g. "no fault kind"): say only the first.
    const unknownAt = new Set(result.error.issues.filter((i) => i.code === 'unrecognized_keys').map((i) => i.path.map(String).join('.')));
    const primary = result.error.issues.filter((i) => i.code !== 'custom' || !unknownAt.has(i.path.map(String).join('.')));
    const issues = dedupe(primary.flatMap((issue) => toIssues(issue, document, where)));
    throw new ScenarioError(sortIssues(issues, origin.sets).slice(0, MAX_ISSUES));
  }
  const scenario = result.data;
  const warnings = [
    ...(origin.yaml?.warnings ?? []).map((w) => ({ file: origin.file, ...where.atOffset(w.pos[0]), path: '', message: `YAML: ${firstLine(w.message)}` })),
    ...scenarioWarnings(scenario).map((w) => ({ file: origin.file, ...where.locate(w.path), path: formatPath(w.path), message: w.message })),
  ];
  return { scenario, document, source: origin.source, warnings, origin };
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

function toIssues(issue: ZodIssue, document: unknown, where: Locator): ScenarioIssue[] {
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  const file = where.file;
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
  const params = (issue as { params?: { note?: unknown; candidates?: unknown } }).params;
  const note = typeof params?.note === 'string' ? params.note : '';
  const candidates = Array.isArray(params?.candidates) ? params.candidates.map(String) : [];
  const suggestion = typeof value === 'string' && candidates.length > 0 ? closest(value, candidates) : undefined;
  if (issue.message.startsWith('expected ')) {
    return [valueIssue(file, where, path, issue.message.slice('expected '.length), value, note, suggestion)];
  }
  return [{ file, ...where.locate(path), path: formatPath(path), message: issue.message, ...(suggestion === undefined ? {} : { suggestion }) }];
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
  const elsewhere = allFieldPaths();
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
    for (let i = sets.length - 1; i >= 0; i--) {
      if (startsWith(path, sets[i]!.path)) return { set: sets[i]!.label };
    }
    const found = this.find(path);
    if (!found.complete) {
      // The field is not in the file: an override that created it is the better culprit.
      for (let i = sets.length - 1; i >= 0; i--) {
        if (startsWith(sets[i]!.path, path)) return { set: sets[i]!.label };
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

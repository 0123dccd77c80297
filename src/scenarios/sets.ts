/**
 * Overrides of single fields of a scenario document: `--set path=value` on the
 * command line, and the values of a sweep cell. A path addresses a field
 * of the document as written (`heartbeat.interval`, `faults.0.crash.mttf`), and the
 * value is read as YAML, so `2%`, `500ms`, `3x`, `[a, b]` and `{dist: uniform,
 * max: 5ms}` mean what they would in a file. Overrides are applied before
 * validation, so units and relative values ("timeout: 3x") are resolved after
 * substitution and are validated exactly like the file.
 *
 * Pure: no files, no zod. Errors are `ScenarioError`s that name the `--set`.
 */
import { parse as parseYaml } from 'yaml';
import { ScenarioError } from './errors.js';

export type PathSegment = string | number;

export interface SetOverride {
  /** Where the override came from, as messages show it: `--set link.loss=2%`, `--seed 7`. */
  readonly label: string;
  readonly path: readonly PathSegment[];
  readonly value: unknown;
  /** Where in the file the value was written, when it was (a sweep's value): problems point there instead of at `label`. */
  readonly at?: { readonly line: number; readonly column: number };
}

/** Maps whose keys are themselves dotted paths: `sweep.detector.timeout` is the key "detector.timeout" of `sweep`. */
const PATH_KEYED = new Set(['sweep', 'expect']);

const setError = (label: string, message: string) => new ScenarioError([{ file: '', set: label, path: '', message }]);
/** An override written in the file (a sweep's value) fails at its place there; the loader fills in the file. */
const overrideError = (set: SetOverride, message: string) =>
  set.at === undefined ? setError(set.label, message) : new ScenarioError([{ file: '', line: set.at.line, column: set.at.column, path: '', message: `${set.label}: ${message}` }]);

/**
 * Splits `a.b.0.c` into segments; all-digit segments index lists. Under `sweep` and
 * `expect`, whose keys are paths, the rest is one key: `sweep.detector.timeout` is
 * ["sweep", "detector.timeout"].
 */
export function parsePath(text: string): PathSegment[] {
  const parts = text.split('.');
  if (parts.length > 2 && PATH_KEYED.has(parts[0]!)) return [parts[0]!, parts.slice(1).join('.')];
  return parts.map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
}

export function formatPath(path: readonly PathSegment[]): string {
  return path.map(String).join('.');
}

/** Reads one `path=value` override; `label` is how messages name it (default `--set <text>`). */
export function parseSet(text: string, label = `--set ${text}`): SetOverride {
  const eq = text.indexOf('=');
  if (eq < 0) throw setError(label, 'expected path=value, e.g. --set link.loss=2% or --set heartbeat.interval=500ms');
  const pathText = text.slice(0, eq).trim();
  const valueText = text.slice(eq + 1);
  const path = parsePath(pathText);
  if (pathText === '' || path.some((s) => s === '')) {
    throw setError(label, `"${pathText}" is not a field path; write the fields separated by dots, e.g. link.delay.mean`);
  }
  if (valueText.trim() === '') throw setError(label, 'no value after "="; write e.g. --set link.loss=2%');
  let value: unknown;
  try {
    value = parseYaml(valueText, { prettyErrors: false, strict: true, uniqueKeys: true, maxAliasCount: 10, logLevel: 'error' });
  } catch (e) {
    throw setError(label, `the value is not valid YAML: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { label, path, value };
}

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Own-property write that cannot reach a prototype, whatever the key (`__proto__` included). */
function put(container: Record<string, unknown> | unknown[], key: PathSegment, value: unknown): void {
  Object.defineProperty(container, key, { value, writable: true, enumerable: true, configurable: true });
}

function own(container: object, key: PathSegment): unknown {
  return Object.hasOwn(container, key) ? (container as Record<PathSegment, unknown>)[key] : undefined;
}

/** The value a missing section takes by default (`detector` → `{ kind: timeout }`), if it has one. */
export type DefaultsAt = (path: readonly PathSegment[]) => unknown;

/**
 * The document with each override applied in order (later ones win). The input
 * is not modified. Missing maps along a path are created (from `defaults` when the
 * section has a default, so `--set detector.timeout=5s` keeps the default kind),
 * and a list index may be at most the list's length (which appends).
 */
export function applySets(document: unknown, sets: readonly SetOverride[], defaults: DefaultsAt = () => undefined): unknown {
  if (sets.length === 0) return document;
  const root = copyOf(document);
  for (const set of sets) applyInPlace(root, set, defaults);
  return root;
}

/** The document to apply overrides to: a copy (the input is never modified), or a new map for none. */
const copyOf = (document: unknown): unknown => (document === null || document === undefined ? {} : structuredClone(document));

/** Applies one override to `root`, a copy the caller owns. */
function applyInPlace(root: unknown, set: SetOverride, defaults: DefaultsAt): void {
  if (!isMap(root)) throw overrideError(set, 'the scenario is not a map of fields, so no field can be set');
  let container: Record<string, unknown> | unknown[] = root;
  for (let i = 0; i < set.path.length; i++) {
    const segment = set.path[i]!;
    const last = i === set.path.length - 1;
    const where = formatPath(set.path.slice(0, i));
    let key: PathSegment = segment;
    if (Array.isArray(container)) {
      if (typeof segment !== 'number') throw overrideError(set, `${where} is a list; address its entries by number (${where}.0)`);
      if (segment > container.length) throw overrideError(set, `${where} has ${container.length} entries; the index must be at most ${container.length}`);
    } else {
      key = String(segment);
    }
    if (last) {
      put(container, key, structuredClone(set.value));
      break;
    }
    let next = own(container, key);
    if (next === undefined || next === null) {
      const fallback = defaults(set.path.slice(0, i + 1));
      next = fallback !== undefined && typeof fallback === 'object' ? structuredClone(fallback) : typeof set.path[i + 1] === 'number' ? [] : {};
      put(container, key, next);
    }
    if (!isMap(next) && !Array.isArray(next)) {
      throw overrideError(set, `${formatPath(set.path.slice(0, i + 1))} is a single value, not a section with fields`);
    }
    container = next;
  }
}

/**
 * `applySets`, where an override of a swept field replaces its sweep: `--set
 * detector.timeout=5s` on a scenario that sweeps `detector.timeout` runs 5s alone,
 * and `--set detector={kind: lease}` drops every sweep under `detector`. Overrides of
 * `sweep` itself (`--set sweep.detector.timeout=[1s, 2s]`) apply as written.
 */
export function applyOverrides(document: unknown, sets: readonly SetOverride[], defaults: DefaultsAt = () => undefined): unknown {
  if (sets.length === 0) return document;
  // One copy for all the overrides (a sweep's cell has three or more: copying the
  // document for each was a tenth of reading db-ha's twenty cells).
  const doc = copyOf(document);
  for (const set of sets) {
    applyInPlace(doc, set, defaults);
    if (set.path[0] === 'sweep' || !isMap(doc)) continue;
    const sweep = own(doc, 'sweep');
    if (!isMap(sweep)) continue;
    for (const key of Object.keys(sweep)) {
      const swept = parsePath(key);
      if (set.path.length <= swept.length && set.path.every((s, i) => String(s) === String(swept[i]))) delete sweep[key];
    }
  }
  return doc;
}

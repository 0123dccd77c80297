/**
 * Reading and parsing a scenario file: its text (bounded in size) to a YAML document
 * kept for its line numbers (yaml's LineCounter) and the plain document validated
 * later. A .json file is strict JSON. Every problem is a `ScenarioError` with a line.
 */
import { basename, extname, sep } from 'node:path';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { FileReadError, readBoundedText } from '../../io/bounded-read.js';
import { describeValue, ScenarioError } from '../errors.js';
import { NAME_PATTERN, type SampleFileResult } from '../schema/index.js';
import type { SetOverride } from '../sets.js';

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

export const MAX_FILE_BYTES = 1_000_000;
export const MAX_ISSUES = 50;

export function looksLikePath(ref: string): boolean {
  return ref.includes('/') || ref.includes(sep) || /\.(ya?ml|json)$/i.test(ref);
}

export function readScenarioFile(path: string, label = path): string {
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

export function parseOrigin(text: string, file: string, source: string): Omit<ScenarioOrigin, 'sets' | 'dir' | 'sampleFiles'> {
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

export const firstLine = (message: string) => message.split('\n')[0]!.trim();

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

/**
 * zod's issues as the loader reports them: file:line:column (or the `--set`), the
 * field's dotted path, what was expected and what was found, with a "did you mean"
 * where one is close. zod's own messages are reworded as "expected …" like ours.
 */
import type { z } from 'zod';
import { describeValue, type ScenarioIssue } from '../errors.js';
import { keysAt, primaryFieldPaths, variantsWith } from '../reference.js';
import { formatPath, type PathSegment, type SetOverride } from '../sets.js';
import { closest } from '../suggest.js';
import type { Locator } from './locator.js';

export const isPlainMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

type ZodIssue = z.core.$ZodIssue;
type RawIssue = z.core.$ZodRawIssue;

/** zod's own messages, reworded as "expected …" like ours. */
export function builtInMessage(issue: RawIssue): string | undefined {
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

export function toIssues(issue: ZodIssue, document: unknown, where: Locator): ScenarioIssue[] {
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

export function valueAt(document: unknown, path: readonly PathSegment[]): unknown {
  let value: unknown = document;
  for (const segment of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<PathSegment, unknown>)[segment];
  }
  return value;
}

export function dedupe(issues: ScenarioIssue[]): ScenarioIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.set ?? ''}|${i.path}|${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Overrides first, in command-line order (they have no line), then by position in the file. */
export function sortIssues(issues: ScenarioIssue[], sets: readonly SetOverride[]): ScenarioIssue[] {
  const labels = sets.map((s) => s.label);
  const rank = (i: ScenarioIssue) => (i.set !== undefined ? labels.indexOf(i.set) - labels.length : (i.line ?? 0) * 1e6 + (i.column ?? 0));
  return issues.map((issue, index) => ({ issue, index })).sort((a, b) => rank(a.issue) - rank(b.issue) || a.index - b.index).map((x) => x.issue);
}

export function withoutUndefined(issue: ScenarioIssue): ScenarioIssue {
  return Object.fromEntries(Object.entries(issue).filter(([, v]) => v !== undefined)) as unknown as ScenarioIssue;
}

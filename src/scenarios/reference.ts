/**
 * Reads the scenario schema as data: the list of every field with its type,
 * default and meaning (the reference table of docs/scenarios.md), and the keys a
 * map accepts at a given place in a document (for "did you mean" on unknown keys).
 *
 * It walks zod's schema definitions (`_zod.def`), for the handful of node kinds
 * that schema.ts uses; a kind it does not know yields no fields, and the
 * docs test then fails, rather than anything silently going wrong at run time.
 */
import { stringify } from 'yaml';
import { scenarioSchema, type FieldMeta } from './schema.js';

/** The subset of zod's internal definition this module reads. */
interface Def {
  readonly type: string;
  readonly shape?: Readonly<Record<string, Node>>;
  readonly innerType?: Node;
  readonly defaultValue?: unknown;
  readonly options?: readonly Node[];
  readonly discriminator?: string;
  readonly element?: Node;
  readonly values?: readonly unknown[];
  readonly in?: Node;
}
interface Node {
  readonly _zod: { readonly def: Def };
  meta(): (FieldMeta & Record<string, unknown>) | undefined;
}

export interface FieldRow {
  /** Dotted path; list items are written `faults[]`. */
  readonly path: string;
  /** For a variant's own fields: the discriminator and value that enable it ("dist: uniform"). */
  readonly when?: string;
  readonly type: string;
  /** "required", "optional", or the default as one would write it. */
  readonly default: string;
  readonly description: string;
}

interface Unwrapped {
  readonly node: Node;
  readonly meta: FieldMeta | undefined;
  readonly default: { readonly value: unknown } | undefined;
  readonly optional: boolean;
}

/** Strips prefault/default/optional wrappers, collecting default and metadata (outer wins). */
function unwrap(node: Node): Unwrapped {
  let meta: FieldMeta | undefined;
  let dflt: { value: unknown } | undefined;
  let optional = false;
  let current = node;
  for (;;) {
    const m = current.meta();
    if (m !== undefined) meta = { ...m, ...meta };
    const def = current._zod.def;
    if ((def.type === 'prefault' || def.type === 'default') && def.innerType) {
      dflt ??= { value: def.defaultValue };
      current = def.innerType;
    } else if (def.type === 'optional' && def.innerType) {
      optional = true;
      current = def.innerType;
    } else {
      return { node: current, meta, default: dflt, optional };
    }
  }
}

const asNode = (schema: unknown) => schema as Node;

function derivedType(node: Node): string {
  const def = node._zod.def;
  switch (def.type) {
    case 'literal':
      return (def.values ?? []).map((v) => JSON.stringify(v)).join(' | ');
    case 'boolean':
      return 'boolean';
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'object':
      return 'map';
    case 'array':
      return 'list';
    default:
      return def.type;
  }
}

function renderDefault(u: Unwrapped): string {
  if (u.meta?.defaultText !== undefined) return u.meta.defaultText;
  if (u.default === undefined) return u.optional ? 'optional' : 'required';
  const value = u.default.value;
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0) return '';
  return `\`${stringify(value, { flow: true }).trim()}\``;
}

function isSection(node: Node): boolean {
  return node._zod.def.type === 'object' || (node._zod.def.type === 'union' && node._zod.def.discriminator !== undefined);
}

function literalOf(node: Node): string | undefined {
  const def = node._zod.def;
  return def.type === 'literal' && typeof def.values?.[0] === 'string' ? def.values[0] : undefined;
}

function walk(node: Node, path: string, rows: FieldRow[], when?: string): void {
  const def = node._zod.def;
  if (def.type === 'object' && def.shape) {
    for (const [key, child] of Object.entries(def.shape)) addField(child, path === '' ? key : `${path}.${key}`, rows, when);
    return;
  }
  if (def.type === 'union' && def.discriminator !== undefined && def.options) {
    walkVariants(def.options, def.discriminator, path, rows);
    return;
  }
  if (def.type === 'array' && def.element) walk(unwrap(def.element).node, `${path}[]`, rows, when);
}

function addField(child: Node, path: string, rows: FieldRow[], when?: string): void {
  const u = unwrap(child);
  const section = isSection(u.node);
  const isList = u.node._zod.def.type === 'array';
  const element = isList && u.node._zod.def.element ? unwrap(u.node._zod.def.element).node : undefined;
  const listOfSections = element !== undefined && isSection(element);
  if (!section || u.meta?.description !== undefined) {
    rows.push({
      path,
      ...(when === undefined ? {} : { when }),
      type: u.meta?.type ?? derivedType(u.node),
      default: renderDefault(u),
      description: u.meta?.description ?? '',
    });
  }
  if (section) walk(u.node, path, rows, when);
  else if (listOfSections) walk(u.node, path, rows, when);
}

/** A discriminated union: one row for the discriminator, shared fields once, then each variant's own fields. */
function walkVariants(options: readonly Node[], discriminator: string, path: string, rows: FieldRow[]): void {
  const variants = options.map((option) => {
    const shape = option._zod.def.shape ?? {};
    const tag = shape[discriminator] ? unwrap(shape[discriminator]) : undefined;
    return { shape, value: tag ? literalOf(tag.node) : undefined, meta: tag?.meta };
  });
  const values = variants.map((v) => v.value ?? '?');
  const prefix = path === '' ? '' : `${path}.`;
  const described = variants.map((v) => `\`${v.value}\`: ${v.meta?.description ?? ''}`.trim()).join(' ');
  rows.push({ path: `${prefix}${discriminator}`, type: `one of ${values.join(', ')}`, default: 'required', description: described });
  const keys = new Set(variants.flatMap((v) => Object.keys(v.shape)));
  keys.delete(discriminator);
  const shared = [...keys].filter((k) => variants.every((v) => v.shape[k] !== undefined));
  for (const key of shared) addField(variants[0]!.shape[key]!, `${prefix}${key}`, rows);
  for (const v of variants) {
    for (const [key, child] of Object.entries(v.shape)) {
      if (key === discriminator || shared.includes(key)) continue;
      addField(child, `${prefix}${key}`, rows, `${discriminator}: ${v.value}`);
    }
  }
}

let fieldsCache: readonly FieldRow[] | undefined;

/** Every field of the scenario format, in schema order. */
export function scenarioFields(): readonly FieldRow[] {
  if (fieldsCache === undefined) {
    const rows: FieldRow[] = [];
    walk(asNode(scenarioSchema), '', rows);
    fieldsCache = rows;
  }
  return fieldsCache;
}

const plainPath = (row: FieldRow) => row.path.replace(/\[\]/g, '');

/** Dotted paths of every field (list entries left out: `faults.crash.at`), for suggesting a field that exists elsewhere. */
export function allFieldPaths(): string[] {
  return [...new Set(scenarioFields().map(plainPath))];
}

/** For a field that exists only in some variants of a union, the variants ("dist: uniform"); else []. */
export function variantsWith(path: readonly (string | number)[]): string[] {
  const wanted = path.filter((s) => typeof s === 'string').join('.');
  return scenarioFields().flatMap((r) => (r.when !== undefined && plainPath(r) === wanted ? [r.when] : []));
}

/**
 * The keys a map accepts at `path` of the document `doc` (choosing union variants
 * by the document's discriminator values), or [] when the path leads nowhere known.
 */
export function keysAt(path: readonly (string | number)[], doc: unknown): string[] {
  let nodes: Node[] = [unwrap(asNode(scenarioSchema)).node];
  let value: unknown = doc;
  for (const segment of path) {
    const next: Node[] = [];
    for (const node of nodes.flatMap((n) => resolveUnion(n, value))) {
      const def = node._zod.def;
      if (def.type === 'object' && typeof segment === 'string' && def.shape?.[segment]) next.push(unwrap(def.shape[segment]).node);
      if (def.type === 'array' && typeof segment === 'number' && def.element) next.push(unwrap(def.element).node);
    }
    nodes = next;
    value = value !== null && typeof value === 'object' ? (value as Record<string | number, unknown>)[segment] : undefined;
  }
  const keys = nodes.flatMap((n) => resolveUnion(n, value)).flatMap((n) => (n._zod.def.type === 'object' ? Object.keys(n._zod.def.shape ?? {}) : []));
  return [...new Set(keys)];
}

/** The union options that fit `value`: the one its discriminator names, else all of them. */
function resolveUnion(node: Node, value: unknown): Node[] {
  const def = node._zod.def;
  if (def.type !== 'union' || !def.options) return [node];
  const options = def.options.map((o) => unwrap(o).node);
  const tag = def.discriminator;
  if (tag !== undefined && value !== null && typeof value === 'object') {
    const wanted = (value as Record<string, unknown>)[tag];
    const match = options.filter((o) => {
      const t = o._zod.def.shape?.[tag];
      return t !== undefined && literalOf(unwrap(t).node) === wanted;
    });
    if (match.length > 0) return match;
  }
  return options;
}

/** The reference table as Markdown. */
export function markdownFieldTable(rows: readonly FieldRow[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = ['| Field | Type | Default | Meaning |', '| --- | --- | --- | --- |'];
  for (const r of rows) {
    const field = `\`${r.path}\`${r.when === undefined ? '' : ` (${r.when})`}`;
    lines.push(`| ${esc(field)} | ${esc(r.type)} | ${esc(r.default)} | ${esc(r.description)} |`);
  }
  return `${lines.join('\n')}\n`;
}

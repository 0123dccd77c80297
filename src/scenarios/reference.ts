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
import { scenarioSchema, type FieldMeta } from './schema/index.js';

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
  readonly keyType?: Node;
  readonly valueType?: Node;
  readonly getter?: () => Node;
}
interface Node {
  readonly _zod: { readonly def: Def };
  meta(): (FieldMeta & Record<string, unknown>) | undefined;
}

export interface FieldRow {
  /** Dotted path; list items are written `faults[]`. */
  readonly path: string;
  /** For a variant's own fields: the discriminator and value that enable it ("dist: uniform"), or the form of a union ("{ average, burst }"). */
  readonly when?: string;
  readonly type: string;
  /** "required", "optional", or the default as one would write it. */
  readonly default: string;
  readonly description: string;
  /** A field inside one documented elsewhere (`sameAs`): known to "did you mean", left out of the table. */
  readonly hidden?: boolean;
  /** The field this one repeats the format of (`reverse_link.loss` → `link.loss`). */
  readonly sameAs?: string;
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
    } else if (def.type === 'lazy' && def.getter) {
      // A section built on first use (schema/faults.ts): the schema it stands for.
      current = def.getter();
    } else {
      return { node: current, meta, default: dflt, optional };
    }
  }
}

const asNode = (schema: unknown) => schema as Node;

/** A map schema's field `key`, never an inherited property ("constructor"). */
function fieldOf(def: Def, key: string): Node | undefined {
  return def.shape !== undefined && Object.hasOwn(def.shape, key) ? def.shape[key] : undefined;
}

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
  const def = node._zod.def;
  if (def.type === 'object' || (def.type === 'union' && def.discriminator !== undefined)) return true;
  // A record of maps (`link_classes`), and a union with a map among its forms (`link.loss`).
  if (def.type === 'record' && def.valueType) return isSection(unwrap(def.valueType).node) || isUnionWithMaps(unwrap(def.valueType).node);
  return isUnionWithMaps(node);
}

function isUnionWithMaps(node: Node): boolean {
  const def = node._zod.def;
  return def.type === 'union' && def.discriminator === undefined && (def.options ?? []).some((o) => isSection(unwrap(o).node));
}

/** Placeholder for a record's keys in paths: `link_classes.NAME.nodes`. */
const RECORD_KEY = 'NAME';

function literalOf(node: Node): string | undefined {
  const def = node._zod.def;
  return def.type === 'literal' && typeof def.values?.[0] === 'string' ? def.values[0] : undefined;
}

interface WalkContext {
  readonly when?: string;
  readonly hidden?: boolean;
}

function walk(node: Node, path: string, rows: FieldRow[], c: WalkContext = {}): void {
  const def = node._zod.def;
  if (def.type === 'object' && def.shape) {
    for (const [key, child] of Object.entries(def.shape)) addField(child, path === '' ? key : `${path}.${key}`, rows, c);
    return;
  }
  if (def.type === 'union' && def.discriminator !== undefined && def.options) {
    walkVariants(def.options, def.discriminator, path, rows, c);
    return;
  }
  if (def.type === 'union' && def.options) {
    // Forms of one field (a probability, or one of two maps): the maps' fields, each marked with its form.
    for (const option of def.options) {
      const u = unwrap(option);
      if (!isSection(u.node)) continue;
      walk(u.node, path, rows, { ...c, ...(u.meta?.variant === undefined ? {} : { when: u.meta.variant }) });
    }
    return;
  }
  if (def.type === 'record' && def.valueType) {
    addField(def.valueType, `${path}.${RECORD_KEY}`, rows, c);
    return;
  }
  if (def.type === 'array' && def.element) walk(unwrap(def.element).node, `${path}[]`, rows, c);
}

function addField(child: Node, path: string, rows: FieldRow[], c: WalkContext = {}): void {
  const u = unwrap(child);
  const section = isSection(u.node);
  const isList = u.node._zod.def.type === 'array';
  const element = isList && u.node._zod.def.element ? unwrap(u.node._zod.def.element).node : undefined;
  const listOfSections = element !== undefined && isSection(element);
  const sameAs = u.meta?.sameAs;
  if (!section || u.meta?.description !== undefined) {
    const type = u.meta?.type ?? derivedType(u.node);
    rows.push({
      path,
      ...(c.when === undefined ? {} : { when: c.when }),
      type: sameAs === undefined ? type : `${type}, as \`${sameAs}\``,
      default: renderDefault(u),
      description: u.meta?.description ?? '',
      ...(c.hidden ? { hidden: true } : {}),
      ...(sameAs === undefined ? {} : { sameAs }),
    });
  }
  // Inside a field documented elsewhere, the rows exist for "did you mean" only.
  const inner: WalkContext = sameAs === undefined ? c : { hidden: true };
  if (section || listOfSections) walk(u.node, path, rows, inner);
}

/** A discriminated union: one row for the discriminator, shared fields once, then each variant's own fields. */
function walkVariants(options: readonly Node[], discriminator: string, path: string, rows: FieldRow[], c: WalkContext): void {
  const variants = options.map((option) => {
    // unwrap: a variant built on first use (schema/detectors.ts) is a z.lazy of the object.
    const shape = unwrap(option).node._zod.def.shape ?? {};
    const tag = shape[discriminator] ? unwrap(shape[discriminator]) : undefined;
    return { shape, value: tag ? literalOf(tag.node) : undefined, meta: tag?.meta };
  });
  const values = variants.map((v) => v.value ?? '?');
  const prefix = path === '' ? '' : `${path}.`;
  const described = variants.map((v) => `\`${v.value}\`: ${v.meta?.description ?? ''}`.trim()).join(' ');
  rows.push({ path: `${prefix}${discriminator}`, type: `one of ${values.join(', ')}`, default: 'required', description: described, ...(c.when === undefined ? {} : { when: c.when }), ...(c.hidden ? { hidden: true } : {}) });
  const keys = new Set(variants.flatMap((v) => Object.keys(v.shape)));
  keys.delete(discriminator);
  const shared = [...keys].filter((k) => variants.every((v) => v.shape[k] !== undefined));
  for (const key of shared) addField(variants[0]!.shape[key]!, `${prefix}${key}`, rows, c);
  for (const v of variants) {
    for (const [key, child] of Object.entries(v.shape)) {
      if (key === discriminator || shared.includes(key)) continue;
      addField(child, `${prefix}${key}`, rows, { ...c, when: `${discriminator}: ${v.value}` });
    }
  }
}

let rowsCache: readonly FieldRow[] | undefined;

/** Every row, those inside fields documented elsewhere included. */
function allRows(): readonly FieldRow[] {
  if (rowsCache === undefined) {
    const rows: FieldRow[] = [];
    walk(asNode(scenarioSchema), '', rows);
    rowsCache = rows;
  }
  return rowsCache;
}

let fieldsCache: readonly FieldRow[] | undefined;

/** Every field of the scenario format as the reference table lists it, in schema order. */
export function scenarioFields(): readonly FieldRow[] {
  fieldsCache ??= allRows().filter((r) => r.hidden !== true);
  return fieldsCache;
}

const plainPath = (row: FieldRow) => row.path.replace(/\[\]/g, '');

/** Dotted paths of every field (list entries left out: `faults.crash.at`), for suggesting a field that exists elsewhere. */
export function allFieldPaths(): string[] {
  return [...new Set(allRows().map(plainPath))];
}

/**
 * Paths of the fields a misplaced key most likely meant: documented, not a copy of
 * another field's format (`reverse_link.loss`), not inside a map of named entries.
 */
export function primaryFieldPaths(): string[] {
  return [...new Set(scenarioFields().filter((r) => r.sameAs === undefined && !r.path.split('.').includes(RECORD_KEY)).map(plainPath))];
}

/** A document path in the reference's spelling: map keys of records become NAME, list indices disappear. */
function referencePath(path: readonly (string | number)[]): string {
  const out: string[] = [];
  let node: Node | undefined = unwrap(asNode(scenarioSchema)).node;
  for (const segment of path) {
    if (typeof segment === 'number') {
      node = node?._zod.def.type === 'array' && node._zod.def.element ? unwrap(node._zod.def.element).node : undefined;
      continue;
    }
    const def: Def | undefined = node?._zod.def;
    if (def?.type === 'record' && def.valueType) {
      out.push(RECORD_KEY);
      node = unwrap(def.valueType).node;
    } else {
      out.push(segment);
      node = def === undefined ? undefined : childOf(node!, segment);
    }
  }
  return out.join('.');
}

/** The schema of field `key` in a map schema (through unions), if any. */
function childOf(node: Node, key: string): Node | undefined {
  const def = node._zod.def;
  if (def.type === 'object') {
    const field = fieldOf(def, key);
    return field === undefined ? undefined : unwrap(field).node;
  }
  if (def.type === 'union') {
    for (const option of def.options ?? []) {
      const found = childOf(unwrap(option).node, key);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** For a field that exists only in some variants of a union, the variants ("dist: uniform"); else []. */
export function variantsWith(path: readonly (string | number)[]): string[] {
  const wanted = referencePath(path);
  return [...new Set(allRows().flatMap((r) => (r.when !== undefined && plainPath(r) === wanted ? [r.when] : [])))];
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
      const field = typeof segment === 'string' ? fieldOf(def, segment) : undefined;
      if (def.type === 'object' && field !== undefined) next.push(unwrap(field).node);
      if (def.type === 'record' && typeof segment === 'string' && def.valueType) next.push(unwrap(def.valueType).node);
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
  const options = def.options.map((o) => unwrap(o).node).flatMap((o) => resolveUnion(o, value));
  const tag = def.discriminator;
  if (tag !== undefined && value !== null && typeof value === 'object') {
    const wanted = (value as Record<string, unknown>)[tag];
    const match = options.filter((o) => {
      const t = fieldOf(o._zod.def, tag);
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

/**
 * The default of the section at `path` as one would write it (`detector` →
 * `{ kind: timeout }`), or undefined: what an override fills in when it creates a
 * missing section.
 */
export function defaultAt(path: readonly (string | number)[]): unknown {
  let node: Node = asNode(scenarioSchema);
  let dflt: { value: unknown } | undefined;
  for (const segment of path) {
    const u = unwrap(node);
    const def: Def = u.node._zod.def;
    let child: Node | undefined;
    if (def.type === 'object' && typeof segment === 'string') child = fieldOf(def, segment);
    else if (def.type === 'record' && typeof segment === 'string') child = def.valueType;
    else if (def.type === 'array' && typeof segment === 'number') child = def.element;
    if (child === undefined) return undefined;
    node = child;
    dflt = unwrap(child).default;
  }
  return dflt?.value;
}

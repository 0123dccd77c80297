/**
 * `__proto__` as a key of a scenario document (issue 16).
 *
 * YAML and JSON parsers keep a `__proto__` key as an own property, but zod's
 * `z.record` (quantiles, link_classes, sweep, tune.params, expect_options.cell)
 * skips it: copied into a fresh object it would set the prototype, so zod drops
 * it and the entry silently vanishes (a link class that never applies, a quantile
 * never drawn). Strict maps do report it, as an unknown field.
 *
 * The rule, the same for every map: `__proto__` is never a valid key. No field,
 * metric, quantile, swept path or class is called that (names start with a letter
 * or digit), so it is refused as unknown, located at the key like any unknown key.
 * Other names inherited from Object.prototype (`constructor`, `prototype`,
 * `toString`) are plain names where the field's own pattern allows them (a link
 * class `constructor` is a class like any other): every lookup of a user's name
 * uses own keys (Object.hasOwn, Object.entries), never `in` or a bare index.
 */
import type { PathSegment } from './sets.js';

export const RESERVED_KEY = '__proto__';

/** What a key names in the map at `parent`, for the message: "unknown quantile". */
function refusal(parent: readonly PathSegment[]): string {
  const at = parent.map(String).join('.');
  const last = String(parent.at(-1) ?? '');
  if (last === 'quantiles') return `unknown quantile "${RESERVED_KEY}"; write p0 to p100, e.g. p50, p99 or p99.9`;
  if (at === 'link_classes') return `unknown link class "${RESERVED_KEY}": a reserved name, not a class name (a name of letters, digits, ".", "_" or "-", starting with a letter or digit)`;
  if (at === 'sweep' || at === 'tune.params') return `unknown field "${RESERVED_KEY}"; a swept path names a field, such as heartbeat.interval`;
  if (at === 'expect_options.cell') return `unknown swept path "${RESERVED_KEY}"; give swept paths such as heartbeat.interval`;
  if (at === 'expect' || at === 'tune.targets') return `unknown metric "${RESERVED_KEY}"; metrics are named as in docs/results.md (e.g. false_suspicions.per_node_day)`;
  return `unknown field "${RESERVED_KEY}"`;
}

/**
 * Every own `__proto__` key in a parsed document, with the message refusing it.
 * Iterative and visiting each object once: documents may be deep, and aliases
 * share objects.
 */
export function reservedKeys(document: unknown): { path: PathSegment[]; message: string }[] {
  const found: { path: PathSegment[]; message: string }[] = [];
  const seen = new Set<object>();
  const stack: { value: unknown; path: PathSegment[] }[] = [{ value: document, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (value === null || typeof value !== 'object' || seen.has(value)) continue;
    seen.add(value);
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: [...path, i] });
      continue;
    }
    if (Object.hasOwn(value, RESERVED_KEY)) found.push({ path: [...path, RESERVED_KEY], message: refusal(path) });
    for (const [key, child] of Object.entries(value).reverse()) stack.push({ value: child, path: [...path, key] });
  }
  return found;
}

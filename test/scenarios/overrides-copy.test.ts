/**
 * #12 read phase: applyOverrides copies the document once for all its overrides (a
 * sweep cell's check applies three or more, and copying the document for each was a
 * tenth of reading db-ha). It must give exactly what applying them one at a time, each
 * on a fresh copy (c5f1eeb's definition, below), gives: the same document, the same
 * sharing of aliased sections, the same error for the same override, and the input
 * untouched.
 */
import fc from 'fast-check';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../src/scenarios/errors.js';
import { applyOverrides, applySets, parsePath, type SetOverride } from '../../src/scenarios/sets.js';
import { defaultAt } from '../../src/scenarios/reference.js';

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** c5f1eeb's applyOverrides: applySets (a fresh copy) for each override in turn. */
function oneCopyPerOverride(document: unknown, sets: readonly SetOverride[]): unknown {
  let doc = document;
  for (const set of sets) {
    doc = applySets(doc, [set], defaultAt);
    if (set.path[0] === 'sweep' || !isMap(doc)) continue;
    const sweep = Object.hasOwn(doc, 'sweep') ? doc.sweep : undefined;
    if (!isMap(sweep)) continue;
    for (const key of Object.keys(sweep)) {
      const swept = parsePath(key);
      if (set.path.length <= swept.length && set.path.every((s, i) => String(s) === String(swept[i]))) delete sweep[key];
    }
  }
  return doc;
}

const outcome = (f: () => unknown): unknown => {
  try {
    return { value: f() };
  } catch (e) {
    if (e instanceof ScenarioError) return { error: e.issues };
    throw e;
  }
};

const segment = fc.oneof(fc.constantFrom('heartbeat', 'interval', 'link', 'loss', 'sweep', 'detector', 'timeout', 'faults', 'detector.timeout', '__proto__', 'a'), fc.nat(3));
const value = fc.oneof(fc.constantFrom('1s', '2%', 3, null, true), fc.dictionary(fc.constantFrom('x', 'y', 'dist'), fc.constantFrom('1ms', 2, 'uniform')), fc.array(fc.constantFrom('a', 1), { maxLength: 3 }));
const override = fc.record({ path: fc.array(segment, { minLength: 1, maxLength: 4 }), value }).map(({ path, value: v }): SetOverride => ({ label: `--set ${path.join('.')}`, path, value: v }));

const DOCUMENT = `
name: x
heartbeat: &hb { interval: 1s, jitter: { dist: uniform, max: 20ms } }
link: { loss: 1% }
backup: *hb
faults:
  - pause: { every: 1h, duration: 200ms }
sweep:
  heartbeat.interval: [500ms, 1s]
  detector.timeout: [2x, 3x]
`;

describe('applyOverrides copies the document once', () => {
  it('gives what one copy per override gives, for random overrides (documents, errors, aliased sections), and leaves the input as it was', () => {
    fc.assert(
      fc.property(fc.array(override, { maxLength: 5 }), (sets) => {
        const document = parseYaml(DOCUMENT) as Record<string, unknown>;
        const before = structuredClone(document);
        const once = outcome(() => applyOverrides(document, sets, defaultAt));
        expect(document).toEqual(before);
        const reference = outcome(() => oneCopyPerOverride(parseYaml(DOCUMENT), sets));
        expect(once).toEqual(reference);
        if (isMap(once) && isMap(once.value) && isMap(reference) && isMap(reference.value)) {
          // An alias stays one object in both (yaml resolves `*hb` to the same map as `&hb`).
          expect(once.value.heartbeat === once.value.backup).toBe(reference.value.heartbeat === reference.value.backup);
        }
      }),
      { numRuns: 400, seed: 1213 },
    );
  });

  it('a sweep cell: the sweep off, then each swept value; the input untouched', () => {
    const document = parseYaml(DOCUMENT) as Record<string, unknown>;
    const sets: SetOverride[] = [
      { label: 'sweep off', path: ['sweep'], value: {} },
      { label: 'sweep.heartbeat.interval[0]', path: ['heartbeat', 'interval'], value: '500ms' },
      { label: 'sweep.detector.timeout[1]', path: ['detector', 'timeout'], value: '3x' },
    ];
    const cell = applyOverrides(document, sets, defaultAt) as Record<string, Record<string, unknown>>;
    expect(cell.heartbeat!.interval).toBe('500ms');
    expect(cell.detector).toEqual({ ...(defaultAt(['detector']) as object), timeout: '3x' });
    expect(cell.sweep).toEqual({});
    expect(document).toEqual(parseYaml(DOCUMENT));
    expect(cell).toEqual(oneCopyPerOverride(parseYaml(DOCUMENT), sets));
  });
});

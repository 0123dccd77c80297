/**
 * Scenario validation runs zod "jitless" (src/scenarios/load.ts: the CLI validates a
 * few documents per process, which zod's generated parsers never repay). The outcome
 * must be the same as with zod's generated parsers: for every preset, and for the
 * presets broken in assorted ways, the parsed scenario or the issues are identical.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { presetText } from '../../src/scenarios/load.js';
import { PRESET_NAMES } from '../../src/scenarios/presets/index.js';
import { scenarioSchema } from '../../src/scenarios/schema/scenario.js';

/** Breaks a document: a wrong type, an unknown field, a value out of range, a missing section. */
const BREAKAGES: ((doc: Record<string, unknown>) => void)[] = [
  (doc) => void (doc.duration = 42),
  (doc) => void (doc.surprise = true),
  (doc) => void (doc.replications = -1),
  (doc) => void (doc.detector = { kind: 'no-such-detector' }),
  (doc) => void (doc.link = { loss: '250%', delay: { dist: 'lognormal' } }),
  (doc) => void (doc.cluster = 'many'),
];

function outcome(document: unknown, jitless: boolean): unknown {
  const r = scenarioSchema.safeParse(document, { jitless });
  return r.success ? { data: r.data } : { issues: r.error.issues.map((i) => ({ code: i.code, path: i.path, message: i.message })) };
}

describe('scenario validation without zod-generated parsers', () => {
  it('parses every preset, and reports the same issues for broken ones, as with them', () => {
    let failures = 0;
    for (const name of PRESET_NAMES) {
      const document = parse(presetText(name)) as Record<string, unknown>;
      const generated = outcome(document, false);
      expect(outcome(document, true), name).toEqual(generated);
      for (const [k, breakIt] of BREAKAGES.entries()) {
        const broken = structuredClone(document);
        breakIt(broken);
        const expected = outcome(broken, false) as { issues?: unknown[] };
        if (expected.issues) failures++;
        expect(outcome(broken, true), `${name} breakage ${k}`).toEqual(expected);
      }
    }
    // The breakages do break (the comparison above covers issue lists, not only successes).
    expect(failures).toBe(PRESET_NAMES.length * BREAKAGES.length);
  });
});

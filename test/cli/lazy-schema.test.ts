/**
 * The `faults` section's zod schema is built on first use (src/scenarios/schema/faults.ts,
 * ~20-40 ms of start-up): loading and normalising a scenario without faults never builds
 * it; one with faults does, and validates as before (test/scenarios/faults.test.ts, and
 * `npm run docs:check` for the generated reference).
 */
import { describe, expect, it, vi } from 'vitest';

const PLAIN = 'name: plain\nduration: 10m\ncluster: { nodes: 3 }\n';
const WITH_FAULTS = `${PLAIN}faults:\n  - pause: { nodes: all, every: 1h, duration: { dist: constant, value: 2s } }\n`;

describe('the faults schema, built on first use', () => {
  it('is not built for a scenario without faults, and is for one with them', async () => {
    vi.resetModules();
    const faults = await import('../../src/scenarios/schema/faults.js');
    const { loadScenarioText } = await import('../../src/scenarios/load.js');
    const { normalizeScenario } = await import('../../src/scenarios/schema/index.js');
    const plain = loadScenarioText(PLAIN, 'plain.yaml');
    normalizeScenario(plain.scenario);
    expect(faults.faultSchemaIsBuilt()).toBe(false);
    const withFaults = loadScenarioText(WITH_FAULTS, 'faults.yaml');
    expect(faults.faultSchemaIsBuilt()).toBe(true);
    expect(withFaults.scenario.faults).toHaveLength(1);
    expect(normalizeScenario(withFaults.scenario).faults).toEqual([{ pause: expect.objectContaining({ nodes: 'all' }) }]);
    expect(faults.faultSchema()).toBe(faults.faultSchema());
  });

  it('reverse_link, link_classes and protocol are built only for a scenario that has them (read, validated and normalised as before)', async () => {
    vi.resetModules();
    const { lazySectionsBuilt } = await import('../../src/scenarios/schema/sections.js');
    const { loadScenarioText } = await import('../../src/scenarios/load.js');
    const { normalizeScenario } = await import('../../src/scenarios/schema/index.js');
    normalizeScenario(loadScenarioText(`${PLAIN}link: { loss: 1% }\n`, 'plain.yaml').scenario);
    expect(lazySectionsBuilt()).toEqual({ reverse_link: false, link_classes: false, protocol: false });
    const reverse = normalizeScenario(loadScenarioText(`${PLAIN}reverse_link: { loss: 2% }\n`, 'reverse.yaml').scenario);
    expect(reverse.reverse_link).toEqual({ loss: 0.02 });
    expect(lazySectionsBuilt()).toEqual({ reverse_link: true, link_classes: false, protocol: false });
    const classes = loadScenarioText(`${PLAIN}link_classes: { far: { nodes: [node-01], preset: cross-region } }\n`, 'classes.yaml');
    expect(classes.scenario.link_classes).toEqual({ far: { nodes: ['node-01'], preset: 'cross-region' } });
    expect(lazySectionsBuilt()).toEqual({ reverse_link: true, link_classes: true, protocol: false });
    const swim = loadScenarioText(`${PLAIN}protocol: { kind: swim }\n`, 'swim.yaml');
    expect(swim.scenario.protocol).toEqual(expect.objectContaining({ kind: 'swim', base: 'lan', lifeguard: true }));
    expect(lazySectionsBuilt()).toEqual({ reverse_link: true, link_classes: true, protocol: true });
    // Errors inside them read as they did (paths, messages: docs/scenarios.md and test/scenarios/** too).
    expect(() => loadScenarioText(`${PLAIN}protocol: { kind: swim, bogus: 1 }\n`, 'bad.yaml')).toThrow(/protocol: unknown key "bogus"|bogus/);
  });
});

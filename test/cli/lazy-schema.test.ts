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
});

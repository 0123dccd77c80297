/**
 * The scenario schema: the sections (./sections.ts) with their cross-field rules
 * (./rules.ts), the types it gives, and the way back to a document.
 */
import { z } from 'zod';
import { onlyIfValid } from './leaves.js';
import { crossFieldRules } from './rules.js';
import { scenarioObject } from './sections.js';

export const scenarioSchema = scenarioObject.superRefine(crossFieldRules, onlyIfValid);

/** A scenario as written in a file (units as strings, defaults optional). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
/** A validated scenario: every default filled in, durations in integer µs, probabilities in [0, 1]. */
export type Scenario = z.output<typeof scenarioSchema>;
export type DistributionSpec = Scenario['heartbeat']['jitter'];
export type LinkDelaySpec = Scenario['link']['delay'];
export type TargetsSpec = Scenario['targets'];
export type ExpectOptionsSpec = Scenario['expect_options'];
export type KnobsSpec = NonNullable<Scenario['knobs']>;

/**
 * The scenario as a document again, every default filled in and every value in
 * its canonical spelling ("1.5s", "3x", 0.01). Loading it gives the same scenario
 * (a `csv:` file is named again, relative to the scenario file, not inlined).
 */
export function normalizeScenario(scenario: Scenario): ScenarioInput {
  return z.encode(scenarioSchema, scenario);
}

/** What the loader says when it refuses a scenario: the test fails if `load` accepts it. */
import { ScenarioError, formatIssue, type ScenarioIssue } from '../../src/scenarios/errors.js';

export function refusedIssues(load: () => unknown): ScenarioIssue[] {
  try {
    load();
  } catch (e) {
    if (e instanceof ScenarioError) return [...e.issues];
    throw e;
  }
  throw new Error('expected the scenario to be refused');
}

/** The problems as printed: `file:line:column field: message`. */
export const refusedLines = (load: () => unknown): string[] => refusedIssues(load).map(formatIssue);

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCENARIO_DOCS_PATH, updateGeneratedSections } from '../../src/cli/docs.js';
import { allFieldPaths, scenarioFields } from '../../src/scenarios/reference.js';

describe('docs/scenarios.md', () => {
  const committed = readFileSync(SCENARIO_DOCS_PATH, 'utf8');

  it('holds the field reference and preset list generated from the code (run `npm run docs` if this fails)', () => {
    expect(committed).toBe(updateGeneratedSections(committed));
  });

  it('documents every field with a type, a default and a meaning', () => {
    const rows = scenarioFields();
    expect(rows.length).toBeGreaterThan(40);
    for (const row of rows) {
      expect(committed).toContain(`\`${row.path}\``);
      expect(row.type, row.path).not.toBe('');
      expect(row.description, row.path).not.toBe('');
    }
    for (const path of ['heartbeat.interval', 'link.loss', 'link.delay.mean', 'detector.timeout', 'detector.dead_after', 'faults.crash.mttf']) {
      expect(allFieldPaths()).toContain(path);
    }
  });

  it('fails loudly when a generated section lost its markers', () => {
    expect(() => updateGeneratedSections('no markers here')).toThrow(/markers/);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCENARIO_DOCS_PATH, updateGeneratedSections } from '../../src/cli/docs.js';
import { parseDocument } from 'yaml';
import { loadScenarioText } from '../../src/scenarios/load.js';
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

  it('shows YAML examples that load (each line on its own where a block lists alternatives)', () => {
    const blocks = [...committed.matchAll(/```yaml[^\n]*\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThan(8);
    let loaded = 0;
    for (const block of blocks) {
      const alternatives = parseDocument(block, { uniqueKeys: true }).errors.length > 0;
      const docs = alternatives ? block.split('\n').filter((l) => /^[a-z]/.test(l)) : [block];
      for (const doc of docs) {
        // Sample files the examples name do not exist here.
        if (/csv:/.test(doc)) continue;
        expect(() => loadScenarioText(doc, 'docs-example.yaml'), doc).not.toThrow();
        loaded++;
      }
    }
    expect(loaded).toBeGreaterThan(15);
  });

  it('fails loudly when a generated section lost its markers', () => {
    expect(() => updateGeneratedSections('no markers here')).toThrow(/markers/);
  });
});

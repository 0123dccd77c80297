/**
 * Issue 16 item 5: the regression gate cannot be fooled. Under --fail-on-regression a
 * corrupt, empty, foreign or incomplete baseline is bad input (exit 2), not "nothing
 * got worse"; the genuine baseline still passes (exit 0).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir, TINY, writeScenario } from './support.js';

const SCENARIO = `${TINY}expect: { query_accuracy: ">= 90%" }\n`;
let dir = '';
let scenario = '';
let saved: { cells: { metrics: Record<string, unknown> }[] } & Record<string, unknown>;

const gate = (baselines: string) => cli(['check', scenario, '--baseline', baselines, '--fail-on-regression', '--no-report', '--out', join(dir, 'out')]);

function baselineDir(content: unknown): string {
  const d = tempDir('hbsim-h16-base-');
  writeFileSync(join(d, 'tiny.json'), typeof content === 'string' ? content : JSON.stringify(content));
  return d;
}

beforeAll(async () => {
  dir = tempDir();
  scenario = writeScenario(dir, SCENARIO);
  const r = await cli(['check', scenario, '--save-baseline', join(dir, 'base'), '--no-report', '--out', join(dir, 'out')]);
  expect(r.code, r.stderr).toBe(0);
  saved = JSON.parse(readFileSync(join(dir, 'base', 'tiny.json'), 'utf8'));
});

describe('--fail-on-regression with a baseline that cannot gate', () => {
  it('passes with the genuine baseline', async () => {
    const r = await gate(join(dir, 'base'));
    expect(r.code, r.stderr).toBe(0);
  });

  it.each([
    ['metrics "x"', () => ({ ...saved, cells: saved.cells.map((c) => ({ ...c, metrics: 'x' })) }), /no readable cells \("cells\.0\.metrics"\)/],
    ['metrics {}', () => ({ ...saved, cells: saved.cells.map((c) => ({ ...c, metrics: {} })) }), /lacks what the gate compares \(default: [a-z0-9_.]+; default: /],
    ['"cells": []', () => ({ ...saved, cells: [] }), /has no cells/],
    ['an array', () => [saved], /is not a baseline: expected a JSON object/],
    ['nested 20,000 deep', () => `${'['.repeat(20_000)}${']'.repeat(20_000)}`, /nested deeper than 64 levels/],
    ['another system under this name', () => ({ ...saved, scenario: { ...(saved['scenario'] as object), cluster: { nodes: 5, monitor: 'monitor' } } }), /was saved for another system \(cluster and detector digest [0-9a-f]{12}, this one is [0-9a-f]{12}; changed: cluster\.nodes/],
    ['another name', () => ({ ...saved, name: 'db-ha' }), /was saved for scenario "db-ha", not "tiny"/],
  ])('%s: exit 2 with a reason', async (_what, make, message) => {
    const r = await gate(baselineDir(make()));
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('no baseline for the scenario is an error too', async () => {
    const r = await gate(tempDir('hbsim-h16-empty-'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--fail-on-regression: no baseline .*tiny\.json for tiny/);
  });
});

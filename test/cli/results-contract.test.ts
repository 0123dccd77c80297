/**
 * The results JSON against its documentation: every field a run writes is named in
 * docs/results.md, so the contract cannot grow silently.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';

const docs = readFileSync(new URL('../../docs/results.md', import.meta.url), 'utf8');

async function resultsOf(args: string[]): Promise<Record<string, unknown>> {
  const out: string[] = [];
  const io = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: () => {} }, env: {} };
  const code = await runCli(['run', ...args, '--json', '--out', mkdtempSync(join(tmpdir(), 'hbsim-contract-'))], io);
  expect(code).toBe(0);
  return JSON.parse(out.join('')) as Record<string, unknown>;
}

describe('docs/results.md', () => {
  it('names every field of a results file: top level, cell, metric and metric part', async () => {
    const results = await resultsOf(['seed-demo']);
    const cell = (results.cells as Record<string, unknown>[])[0]!;
    const metrics = cell.metrics as Record<string, unknown>;
    const names = new Set([...Object.keys(results), ...Object.keys(cell), ...Object.keys(metrics)]);
    for (const value of Object.values(metrics)) {
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) for (const k of Object.keys(value)) names.add(k);
    }
    const undocumented = [...names].filter((n) => !docs.includes(`\`${n}\``));
    expect(undocumented).toEqual([]);
    expect(results.schema).toBe('hbsim.results/1');
    expect(results.streams).toBe('hbsim.streams/2');
  });

  it('describes a timeline entry as the run writes it', async () => {
    const results = await resultsOf(['seed-demo']);
    const entries = (results.sample as { timeline: { entries: Record<string, unknown>[] } }).timeline.entries;
    expect(entries.map((e) => e.event)).toEqual(['crash', 'verdict', 'verdict']);
    expect(Object.keys(entries[1]!)).toEqual(['t_ms', 'node', 'event', 'from', 'to', 'cause']);
    expect(entries[1]).toMatchObject({ node: 'worker-1', from: 'ALIVE', to: 'SUSPECTED' });
  });
});

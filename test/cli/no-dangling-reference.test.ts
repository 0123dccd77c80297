/**
 * What users read must cite only what they can open: no "reference §1.7" (the project's
 * internal research notes), no bare "§5.1". A section sign is allowed after a document
 * users can find by name (the SWIM paper, an RFC). Scans `hbsim --help` and every
 * command's help, `hbsim presets NAME` for every preset (the YAML comments users copy),
 * the terminal output of a run, and the HTML report (outside the vendored chart bundles).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import type { CliIo } from '../../src/cli/io.js';
import { PRESET_NAMES } from '../../src/scenarios/presets/index.js';

function capture() {
  const out: string[] = [];
  const io: CliIo = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => out.push(s) }, env: {} };
  return { io, text: () => out.join('') };
}

/** Each citation a user cannot follow, with a little context. */
export function danglingReferences(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/§/g)) {
    const before = text.slice(Math.max(0, m.index - 40), m.index);
    if (/(\bpaper|\bRFC \d+|\bIEEE [^§]{0,30})\s*$/.test(before) && !/reference\s*$/.test(before)) continue;
    found.push(text.slice(Math.max(0, m.index - 40), m.index + 10).replace(/\s+/g, ' '));
  }
  for (const m of text.matchAll(/failure-detectors\.md|shared\/reference|users-and-conventions\.md/g)) found.push(text.slice(Math.max(0, m.index - 30), m.index + 30));
  return found;
}

describe('no citation a user cannot open', () => {
  it('the checker finds what it must and allows public sources', () => {
    expect(danglingReferences('phi crosses 8 (reference §2.2)')).toHaveLength(1);
    expect(danglingReferences('200 ms median, §5.1)')).toHaveLength(1);
    expect(danglingReferences('see /work/shared/reference/failure-detectors.md').length).toBeGreaterThan(0);
    expect(danglingReferences('the protocol analysed in the SWIM paper §3.1; RFC 6298 §2.1')).toEqual([]);
  });

  it('in hbsim --help and every command\'s help', async () => {
    for (const args of [['--help'], ...['run', 'check', 'merge', 'validate', 'presets', 'tune', 'configure', 'replay'].map((c) => [c, '--help'])]) {
      const c = capture();
      expect(await runCli(args, c.io)).toBe(0);
      expect(c.text().length, args.join(' ')).toBeGreaterThan(200);
      expect(danglingReferences(c.text()), args.join(' ')).toEqual([]);
    }
  });

  it('in the YAML of every preset (hbsim presets NAME)', async () => {
    for (const name of PRESET_NAMES) {
      const c = capture();
      expect(await runCli(['presets', name], c.io)).toBe(0);
      expect(danglingReferences(c.text()), name).toEqual([]);
    }
  });

  it('in a run\'s terminal output and its HTML report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hbsim-refs-'));
    const c = capture();
    expect(await runCli(['run', 'seed-demo', '--set', 'duration=30m', '--out', dir], c.io)).toBe(0);
    expect(danglingReferences(c.text())).toEqual([]);
    const html = readFileSync(join(dir, 'seed-demo.html'), 'utf8').replace(/<script data-bundle[\s\S]*?<\/script>/g, '');
    expect(html.length).toBeGreaterThan(10_000);
    expect(danglingReferences(html)).toEqual([]);
    const results = readFileSync(join(dir, 'seed-demo.json'), 'utf8');
    expect(danglingReferences(results)).toEqual([]);
  });
});

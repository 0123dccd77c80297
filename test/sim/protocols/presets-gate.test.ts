/**
 * The SWIM presets' expect: blocks are sensitive to their key timeout: with the suspicion
 * timeout halved (suspicion_mult halved), the false-death bound must fail `hbsim check`.
 * That they hold at the preset values is gated by .ci/run against .ci/baselines.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/cli.js';

async function check(args: readonly string[]): Promise<{ code: number; stdout: string }> {
  const out: string[] = [];
  const io = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: () => {} }, env: {} };
  const code = await runCli(['check', '--workers', '1', '--no-report', '--out', mkdtempSync(join(tmpdir(), 'hbsim-swim-gate-')), ...args], io);
  return { code, stdout: out.join('') };
}

describe('SWIM presets fail their gate when the suspicion timeout is halved', () => {
  for (const [preset, halved] of [
    ['consul-lan', 2],
    ['consul-wan', 3],
    ['nomad', 3],
    ['serf', 2],
  ] as const) {
    it(`${preset}: suspicion_mult halved to ${halved} breaches false_deaths.per_node_day`, async () => {
      const { code, stdout } = await check([preset, '--set', `protocol.suspicion_mult=${halved}`]);
      expect(code).toBe(1);
      expect(stdout).toMatch(/BREACHED\s+false_deaths\.per_node_day/);
    }, 60_000);
  }
});

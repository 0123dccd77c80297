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

describe('watch-ring presets fail their gate when the key timeout is halved', () => {
  for (const [preset, set] of [
    ['ring-example', 'detector.timeout=2.5s'],
    ['akka-cluster-monitors', 'detector.acceptable_pause=1.5s'],
  ] as const) {
    it(`${preset}: ${set} breaches false_deaths.per_node_day`, async () => {
      const halved = await check([preset, '--set', set]);
      expect(halved.code).toBe(1);
      expect(halved.stdout).toMatch(/BREACHED\s+false_deaths\.per_node_day/);
    }, 60_000);
  }
});

describe('cassandra-gossip fails its gate when phi_convict_threshold is lowered', () => {
  it('threshold 8 → 5 (Cassandra\'s floor) breaches false_deaths.per_node_day; 8 → 4 (halved) is refused at the command line', async () => {
    const floor = await check(['cassandra-gossip', '--set', 'detector.phi_convict_threshold=5']);
    expect(floor.code).toBe(1);
    expect(floor.stdout).toMatch(/BREACHED\s+false_deaths\.per_node_day/);
    const halved = await check(['cassandra-gossip', '--set', 'detector.phi_convict_threshold=4']);
    expect(halved.code).toBe(2);
  }, 120_000);
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import type { CliIo } from '../../src/cli/io.js';
import { nfdsQos } from '../../src/analytic/index.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, env: {} };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

describe('hbsim configure', () => {
  it("prints the interval and shift of Chen's procedure, which meet the targets when checked forward", async () => {
    const c = capture();
    const code = await runCli(['configure', 'db-ha', '--detection-bound', '2s', '--mistake-recurrence', '1d', '--mistake-duration', '1s', '--no-simulate'], c.io);
    expect(code).toBe(0);
    // Whole milliseconds (#14: "interval: 664.544ms" is a setting no system takes).
    const m = /heartbeat interval (\d+ms|[\d.]+s), shift δ (\d+ms|[\d.]+s) \(whole milliseconds/.exec(c.stdout());
    expect(m).not.toBeNull();
    const us = (text: string) => Math.round(Number(text.replace(/m?s$/, '')) * (text.endsWith('ms') ? 1000 : 1_000_000));
    const intervalUs = us(m![1]!);
    const shiftUs = us(m![2]!);
    expect(intervalUs % 1000).toBe(0);
    expect(shiftUs % 1000).toBe(0);
    expect(intervalUs + shiftUs).toBe(2_000_000);
    // db-ha's link: 1 % loss, 1 ms + Exp(2 ms).
    const qos = nfdsQos({ intervalUs, shiftUs, lossProbability: 0.01, delay: { baseUs: 1000, random: { kind: 'exponential', meanUs: 2000 } } });
    expect(qos.meanMistakeRecurrenceS).toBeGreaterThanOrEqual(86_400);
    expect(qos.meanMistakeDurationS).toBeLessThanOrEqual(1);
  });

  it('says when the targets cannot be met, with exit code 1', async () => {
    const c = capture();
    const code = await runCli(['configure', 'db-ha', '--detection-bound', '1ms', '--mistake-recurrence', '1d', '--mistake-duration', '1s'], c.io);
    expect(code).toBe(1);
    expect(c.stdout()).toMatch(/Unreachable/);
  });

  it('refuses a missing or malformed target with exit code 2', async () => {
    const c = capture();
    expect(await runCli(['configure', '--detection-bound', 'soon', '--mistake-recurrence', '1d', '--mistake-duration', '1s'], c.io)).toBe(2);
    expect(c.stderr()).toMatch(/--detection-bound soon/);
  });

  it("re-simulates the suggestion on the preset as written and says when its faults break the target", async () => {
    const c = capture();
    expect(await runCli(['configure', 'db-ha', '--detection-bound', '2s', '--mistake-recurrence', '1d', '--mistake-duration', '1s'], c.io)).toBe(0);
    const line = /NFD-S: ([\d.]+) per node-day \(95 % CI ([\d.]+)–([\d.]+), \d+ in [\d.]+ node-hours\) against the i\.i\.d\. closed form's ([\d.]+): BREAKS the target/.exec(c.stdout());
    expect(line, c.stdout()).not.toBeNull();
    // The closed form promises under 1 per node-day; db-ha's GC pauses and bursts give several.
    expect(Number(line![4])).toBeLessThan(1);
    expect(Number(line![2])).toBeGreaterThan(1);
    expect(c.stdout()).toMatch(/fixed timeout: [\d.]+ per node-day .*: BREAKS the target/);
    expect(c.stdout()).toMatch(/The scenario's faults, which the i\.i\.d\. closed form does not model, break the target/);
  });

  it('on a link with only i.i.d. loss and delay, the simulation agrees with the closed form and nothing is said to break', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hbsim-configure-'));
    const file = join(dir, 'iid.yaml');
    writeFileSync(file, 'name: iid\nseed: 3\nduration: 4h\nreplications: 1\ncluster: { nodes: 20 }\nlink: { loss: 2%, delay: { base: 1ms, dist: exponential, mean: 2ms } }\n');
    const c = capture();
    expect(await runCli(['configure', file, '--detection-bound', '300ms', '--mistake-recurrence', '1h', '--mistake-duration', '1s'], c.io), c.stderr()).toBe(0);
    const line = /NFD-S: ([\d.]+) per node-day \(95 % CI ([\d.]+)–([\d.]+), (\d+) in [\d.]+ node-hours\) against the i\.i\.d\. closed form's ([\d.]+): (.*)/.exec(c.stdout());
    expect(line, c.stdout()).not.toBeNull();
    expect(Number(line![4])).toBeGreaterThan(20); // enough events for the interval to mean something
    const [low, high, predicted] = [Number(line![2]), Number(line![3]), Number(line![5])];
    expect(predicted).toBeGreaterThanOrEqual(low);
    expect(predicted).toBeLessThanOrEqual(high);
    expect(line![6]).not.toMatch(/BREAKS/);
    expect(c.stdout()).not.toMatch(/faults, which the i\.i\.d\. closed form does not model, break/);
  });
});

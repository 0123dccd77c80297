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
    const code = await runCli(['configure', 'db-ha', '--detection-bound', '2s', '--mistake-recurrence', '1d', '--mistake-duration', '1s'], c.io);
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
});

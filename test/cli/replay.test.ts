import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import type { CliIo } from '../../src/cli/io.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, env: {} };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

/** Two nodes beating every second for 10 minutes; b is silent for 5 s at 300 s. */
function writeLog(dir: string): string {
  const rows = ['node,arrival'];
  for (let k = 0; k < 600; k++) {
    rows.push(`a,${k + 0.002}`);
    if (k < 300 || k >= 305) rows.push(`b,${k + 0.5}`);
  }
  const path = join(dir, 'beats.csv');
  writeFileSync(path, rows.join('\n'));
  return path;
}

describe('hbsim replay', () => {
  it('lists each setting\'s state changes and writes the results contract', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hbsim-replay-'));
    const log = writeLog(dir);
    const c = capture();
    const code = await runCli(['replay', log, '--set', 'sweep.detector.timeout=[3s, 8s]', '--out', dir, '--no-report'], c.io);
    expect(code, c.stderr()).toBe(0);
    expect(c.stdout()).toMatch(/3s: 2 state changes/);
    expect(c.stdout()).toMatch(/\+302\.498 s .* b {2}ALIVE → SUSPECTED/); // b last heard at 299.5 s, 0.002 s after the log origin
    expect(c.stdout()).not.toMatch(/8s: \d+ state change/);
    const results = JSON.parse(readFileSync(join(dir, 'beats.replay.json'), 'utf8'));
    expect(results.schema).toBe('hbsim.results/1');
    expect(results.cells.map((cell: { id: string }) => cell.id)).toEqual(['3s', '8s']);
    expect(results.cells[0].metrics.false_suspicions.count).toBe(1);
  });

  it('reports a malformed log with file and line, exit code 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hbsim-replay-'));
    const log = join(dir, 'bad.csv');
    writeFileSync(log, 'node,arrival\na,1\na,later\n');
    const c = capture();
    expect(await runCli(['replay', log, '--out', dir], c.io)).toBe(2);
    expect(c.stderr()).toMatch(/bad\.csv:3: arrival must be a number/);
  });

  it('refuses to sweep the network of a recorded log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hbsim-replay-'));
    const c = capture();
    expect(await runCli(['replay', writeLog(dir), '--set', 'sweep.link.loss=[1%, 2%]', '--out', dir], c.io)).toBe(2);
    expect(c.stderr()).toMatch(/only sweep detector settings/);
  });
});

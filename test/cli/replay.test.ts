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

function write(dir: string, name: string, rows: readonly string[]): string {
  const path = join(dir, name);
  writeFileSync(path, ['node,arrival', ...rows].join('\n'));
  return path;
}

describe('hbsim replay on real logs (issue 14)', () => {
  it('checks a timeout against the log\'s own interval, not the default 1 s', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hbsim-replay-'));
    const rows: string[] = [];
    for (let k = 0; k < 600; k++) rows.push(`a,${(k * 0.1).toFixed(3)}`);
    const c = capture();
    const code = await runCli(['replay', write(dir, 'fast.csv', rows), '--set', 'detector.timeout=300ms', '--out', dir, '--no-report'], c.io);
    expect(code, c.stderr()).toBe(0);
    expect(c.stdout()).toMatch(/median interval 100 ?ms/);
  });

  it('reads epoch milliseconds as milliseconds, from the size of the timestamps', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hbsim-replay-'));
    const rows: string[] = [];
    for (let k = 0; k < 300; k++) rows.push(`a,${1_700_000_000_000 + k * 1000}`);
    const c = capture();
    expect(await runCli(['replay', write(dir, 'ms.csv', rows), '--out', dir, '--no-report'], c.io), c.stderr()).toBe(0);
    expect(c.stdout()).toMatch(/median interval 1 ?s\b/);
    expect(c.stdout()).toMatch(/Times read as epoch milliseconds/);
  });

  it('refuses to read relative milliseconds as seconds, and names the unit that fits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hbsim-replay-'));
    const rows: string[] = [];
    for (let k = 0; k < 300; k++) rows.push(`a,${k * 1000}`);
    const log = write(dir, 'rel-ms.csv', rows);
    const c = capture();
    expect(await runCli(['replay', log, '--out', dir, '--no-report'], c.io)).toBe(2);
    expect(c.stderr()).toMatch(/rel-ms\.csv: read as seconds, the median interval between heartbeats is 16\.7 min, not a plausible heartbeat interval; .*--unit ms \(median interval 1 s\)/);
    const again = capture();
    expect(await runCli(['replay', log, '--unit', 'ms', '--out', dir, '--no-report'], again.io), again.stderr()).toBe(0);
    expect(again.stdout()).toMatch(/median interval 1 ?s\b/);
    const wrong = capture();
    expect(await runCli(['replay', log, '--unit', 's', '--out', dir, '--no-report'], wrong.io)).toBe(2);
    expect(wrong.stderr()).toMatch(/with --unit s the median interval .* 16\.7 min/);
  });

  it('echoes the times of an ISO-8601 log as ISO-8601, and takes ISO crash marks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hbsim-replay-'));
    const rows: string[] = [];
    for (let k = 0; k < 60; k++) if (k < 20 || k > 26) rows.push(`a,2026-11-01T10:00:${String(k).padStart(2, '0')}.250Z`);
    const log = write(dir, 'iso.csv', rows);
    const c = capture();
    expect(await runCli(['replay', log, '--out', dir, '--no-report'], c.io), c.stderr()).toBe(0);
    expect(c.stdout()).toMatch(/\(log time 2026-11-01T10:00:22\.250001Z\)\s+a\s+ALIVE → SUSPECTED/);
    expect(c.stdout()).not.toMatch(/log time 17\d{8}/);
    const marked = capture();
    expect(await runCli(['replay', log, '--crash', 'a@2026-11-01T10:00:20.500Z', '--out', dir, '--no-report'], marked.io), marked.stderr()).toBe(0);
    const results = JSON.parse(readFileSync(join(dir, 'iso.replay.json'), 'utf8'));
    expect(results.cells[0].metrics.false_suspicions.count).toBe(0);
    expect(results.cells[0].metrics.detection_latency_ms.count).toBe(1);
    expect(results.scenario.replay.unit).toBe('iso-8601');
  });

  it('says what a short log can and cannot show instead of "no cell meets the targets"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hbsim-replay-'));
    const log = writeLog(dir); // 2 nodes × 10 min: far from the 72 node-hours 1/node-day needs
    const c = capture();
    expect(await runCli(['replay', log, '--set', 'sweep.detector.timeout=[3s, 8s]', '--out', dir], c.io), c.stderr()).toBe(0);
    expect(c.stdout()).toMatch(/This log \(0\.333 node-hours\) is too short to show a rate below 1 false suspicion per node-day: .* at least 72 node-hours of log\. It does show that 3s suspected 1 time, and that 3s misses the target/);
    const html = readFileSync(join(dir, 'beats.replay.html'), 'utf8');
    expect(html.includes('Log too short to judge the target'), 'label').toBe(true);
    expect(html.includes('too short to show a rate below 1 false suspicion per node-day'), 'sentence').toBe(true);
    expect(/No cell meets the targets/.test(html), 'no blame').toBe(false);
    // No crash marks, so no detection: no map of grey cells with an empty "NaN" legend.
    expect(html.includes('chart-heatmap-p99'), 'p99 map').toBe(false);
  });

  it('censors a node at the end of its own log instead of suspecting it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hbsim-replay-'));
    const rows: string[] = [];
    for (let k = 0; k < 600; k++) {
      rows.push(`a,${k}`);
      if (k < 300) rows.push(`gone,${k + 0.5}`); // its log ends half-way: rotated, removed, exporter stopped
    }
    const c = capture();
    expect(await runCli(['replay', write(dir, 'ends.csv', rows), '--out', dir, '--no-report'], c.io), c.stderr()).toBe(0);
    const results = JSON.parse(readFileSync(join(dir, 'ends.replay.json'), 'utf8'));
    expect(results.cells[0].metrics.false_suspicions.count).toBe(0);
    // Exposure: a for 599 s, gone from the origin to its own last beat at 299.5 s (not 599 s).
    expect(results.cells[0].metrics.node_hours).toBeCloseTo((599 + 299.5) / 3600, 5);
  });
});

/**
 * The real `hbsim` binary (bin/hbsim.js), spawned as a user would: exit codes,
 * what lands on stdout and stderr, and the results-file contract. Runs are kept to
 * simulated seconds or minutes with --set, so each spawn costs mostly Node's start.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/hbsim.js', import.meta.url));

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function hbsim(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: options.cwd ?? tmp(), env: { PATH: process.env.PATH ?? '', ...options.env }, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const tmp = () => mkdtempSync(join(tmpdir(), 'hbsim-cli-'));

const TYPO = `name: typo
heartbeat:
  intervl: 1s
link:
  delay: { dist: expo, mean: 2ms }
`;

describe('hbsim (the binary)', () => {
  it('shows help with examples and the exit codes, and exits 0', async () => {
    const r = await hbsim(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Examples:/);
    expect(r.stdout).toMatch(/hbsim run .*Run the default scenario/);
    expect(r.stdout).toMatch(/Exit codes: 0 success; 1 a check failed; 2 bad input or usage; 3 internal error/);
  });

  it('runs a preset, writes <out>/<name>.json and prints the summary table', async () => {
    const cwd = tmp();
    const r = await hbsim(['run', 'seed-demo', '--out', 'results'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^seed-demo — /);
    expect(r.stdout).toMatch(/cell +detect p50 +detect p99 +false susp\.\/node-day +95 % CI +mistake p50 +P_A +msgs\/node·s/);
    expect(r.stdout).toMatch(/\ndefault +2(\.\d+)? s /);
    expect(r.stderr).toMatch(/^wrote results\/seed-demo\.json and results\/seed-demo\.html \(\d+\.\d s\)\n$/);
    // No progress bar or colour when stderr is not a terminal, and no temporary file left behind.
    expect(r.stderr + r.stdout).not.toMatch(/\u001b|\r/);
    expect(readdirSync(join(cwd, 'results')).sort()).toEqual(['seed-demo.html', 'seed-demo.json']);
  });

  it('prints the results JSON with --json: the contract, byte-identical to the file, across runs and worker counts', async () => {
    const cwd = tmp();
    const grid = ['--set', 'sweep.heartbeat.interval=[1s]', '--set', 'sweep.detector.timeout=[3x, 6x]'];
    const args = ['run', 'db-ha', ...grid, ...['--set', 'duration=20m', '--set', 'warmup=0', '--replications', '2', '--seed', '7'], '--no-pause-survival', '--json'];
    const [a, b] = await Promise.all([hbsim([...args, '--workers', '1', '--out', 'a'], { cwd }), hbsim([...args, '--workers', '2', '--out', 'b'], { cwd })]);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toBe(readFileSync(join(cwd, 'a', 'db-ha.json'), 'utf8'));
    expect(b.stdout).toBe(a.stdout);
    const results = JSON.parse(a.stdout);
    expect(results).toMatchObject({
      schema: 'hbsim.results/1',
      tool: { name: 'hbsim', version: expect.any(String) },
      name: 'db-ha',
      source: 'preset:db-ha',
      seed: '7',
      replications: 2,
      scenario: { duration: '20m', warmup: '0s', seed: 7, replications: 2, heartbeat: { interval: '1s' }, detector: { timeout: '3x' } },
      swept: ['heartbeat.interval', 'detector.timeout'],
    });
    expect(results.cells.map((c: { id: string }) => c.id)).toEqual(['1s/3x', '1s/6x']);
    expect(results.cells[0].params).toEqual({ 'heartbeat.interval': '1s', 'detector.timeout': '3x' });
    expect(results.cells.map((c: { id: string }) => c.id)).toContain(results.sample.cell);
    const m = results.cells[0].metrics;
    for (const name of ['detection_latency_ms', 'detection_to_dead_ms']) expect(Object.keys(m[name])).toEqual(expect.arrayContaining(['count', 'mean', 'p50', 'p90', 'p99', 'max']));
    for (const name of ['false_suspicions', 'false_deaths']) expect(Object.keys(m[name])).toEqual(expect.arrayContaining(['count', 'per_node_hour', 'per_node_day', 'ci95_low', 'ci95_high']));
    expect(Object.keys(m.mistake_duration_ms)).toEqual(expect.arrayContaining(['count', 'mean', 'p50', 'p99', 'max']));
    expect(Object.keys(m.mistake_recurrence_s)).toContain('mean');
    for (const name of ['query_accuracy', 'messages_per_node_s', 'node_hours']) expect(typeof m[name]).toBe('number');
    // No wall-clock value anywhere: nothing that looks like a date or a run time.
    expect(a.stdout).not.toMatch(/\d{4}-\d{2}-\d{2}T|"(elapsed|wall|time)_?(ms|s)?"/);
  });

  it('reports a typo\'d key with file:line:column and a suggestion, exits 2 and writes nothing', async () => {
    const cwd = tmp();
    writeFileSync(join(cwd, 'typo.yaml'), TYPO);
    const r = await hbsim(['run', 'typo.yaml'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      [
        'typo.yaml:3:3 heartbeat.intervl: unknown field "intervl" (did you mean "interval"?)',
        'typo.yaml:5:18 link.delay.dist: expected one of constant, uniform, exponential, normal, lognormal, pareto, empirical, got "expo" (did you mean "exponential"?)',
        '',
      ].join('\n'),
    );
    expect(existsSync(join(cwd, 'reports'))).toBe(false);
  });

  it('names the --set in its errors and exits 2', async () => {
    const r = await hbsim(['run', 'seed-demo', '--set', 'link.loss=200%', '--set', 'heartbeat.intreval=1s']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      [
        '--set link.loss=200%: expected a probability in [0, 1], such as 0.01 or 1%, got "200%" (above 100%)',
        '--set heartbeat.intreval=1s: unknown field "intreval" (did you mean "interval"?)',
        '',
      ].join('\n'),
    );
  });

  it('exits 2 on a usage error, such as an unknown option', async () => {
    const option = await hbsim(['run', '--bogus']);
    expect(option.code).toBe(2);
    expect(option.stderr).toBe('hbsim: Unknown argument: bogus\nRun "hbsim run --help" for usage.\n');
  });

  it('validates files and presets, printing warnings with their line', async () => {
    const cwd = tmp();
    writeFileSync(join(cwd, 'late.yaml'), 'duration: 1m\nfaults:\n  - crash: { at: 2m }\n');
    const r = await hbsim(['validate', 'late.yaml', 'k8s'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('ok late.yaml: late, 10 nodes, heartbeat 1s, timeout 3s, 1 × 1m\nok preset:k8s: k8s, 100 nodes, heartbeat 10s, timeout 50s, 1 × 1d\n');
    expect(r.stderr).toBe('warning: late.yaml:3:18 faults.0.crash.at: the crash at 2m is after the end of the run (1m); it never happens\n');
  });

  it('lists presets with their descriptions', async () => {
    const list = await hbsim(['presets']);
    expect(list.code).toBe(0);
    for (const name of ['db-ha', 'seed-demo', 'k8s', 'k8s-pre-1.32', 'etcd', 'kafka-consumer', 'zookeeper', 'hdfs', 'elasticsearch', 'redis-sentinel']) {
      expect(list.stdout).toMatch(new RegExp(`^${name.replace('.', '\\.')} +\\S`, 'm'));
    }
    expect(list.stdout).toMatch(/^db-ha .*\(default\)$/m);
  });

  it('works from any directory and writes relative to it', async () => {
    const cwd = tmp();
    const r = await hbsim(['run', 'seed-demo', '--out', 'here'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(cwd, 'here', 'seed-demo.json'))).toBe(true);
  });

  it('refuses two scenarios that would write the same file', async () => {
    const r = await hbsim(['run', 'etcd', 'etcd', '--set', 'duration=1m']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^hbsim: preset:etcd and preset:etcd are both named "etcd"/);
  });

  it('never uses colour under NO_COLOR, even when forced', async () => {
    const plain = await hbsim(['validate', 'nope.yaml'], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(plain.code).toBe(2);
    expect(plain.stderr).toBe('nope.yaml: no such file\n');
  });
});

/**
 * `hbsim check` as CI runs it: the real binary, spawned, for what only a process
 * shows — exit codes 0, 1 and 2, stdout and stderr, the JUnit file on disk, and the
 * GitHub Actions annotations and step summary under GITHUB_ACTIONS=true.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseStrictXml, PYTHON_XML_TO_JSON, SMALL_EXPECT_LINE, smallScenario, type XmlElement } from '../check/support.js';

const BIN = fileURLToPath(new URL('../../bin/hbsim.js', import.meta.url));

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function hbsim(args: readonly string[], cwd: string, env: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

const tmp = () => mkdtempSync(join(tmpdir(), 'hbsim-check-'));

function inDir(text: string): string {
  const cwd = tmp();
  writeFileSync(join(cwd, 'small.yaml'), text);
  return cwd;
}

const HOLDS = ['detection_latency_ms.p99: "<= 5s"', 'false_suspicions.per_node_day: "<= 100"', 'query_accuracy: ">= 99%"'];

describe.concurrent('hbsim check (the binary)', () => {
  it('exits 0 and prints the table when every threshold holds', async () => {
    const cwd = inDir(smallScenario(HOLDS));
    const r = await hbsim(['check', 'small.yaml', '--workers', '1'], cwd);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      'small — small.yaml · seed 3 · 1 × 1h · 4.84 node-hours',
      'verdict  threshold                             measured   95 % interval  judged on',
      'held     detection_latency_ms.p99 <= 5s          2.96 s               –  point value',
      'held     false_suspicions.per_node_day <= 100      4.96      0.126–27.6  interval (exact Poisson)',
      'held     query_accuracy >= 99%                 99.988 %  99.969 %–100 %  interval (per-node ratio)',
      '',
      'hbsim check passed: all 3 thresholds in 1 scenario held',
      '',
    ]);
    expect(r.stderr).toMatch(/^wrote reports\/small\.json, reports\/small\.html \(\d+\.\d s\)\n$/);
    expect(existsSync(join(cwd, 'reports', 'small.html'))).toBe(true);
  });

  it('exits 1 on a breached threshold, with the failure in JUnit and an annotation at the threshold\'s line', async () => {
    const cwd = inDir(smallScenario([...HOLDS, 'detection_latency_ms.p50: "<= 1s"']));
    const summary = join(cwd, 'summary.md');
    writeFileSync(summary, '# earlier step\n');
    const r = await hbsim(['check', 'small.yaml', '--workers', '1', '--no-report', '--junit', 'out/junit.xml'], cwd, { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary, GITHUB_WORKSPACE: cwd });
    expect(r.code, r.stderr).toBe(1);
    const line = SMALL_EXPECT_LINE(3);
    expect(r.stdout).toContain(`  small.yaml:${line}:29 detection_latency_ms.p50 <= 1s: breached: 2.51 s is above 1 s (judged on the point value: the results carry no interval for it)\n`);
    expect(r.stdout).toContain('\nhbsim check failed: 1 threshold breached (4 thresholds in 1 scenario)\n');
    expect(r.stdout.split('\n').filter((l) => l.startsWith('::'))).toEqual([
      `::error file=small.yaml,line=${line},col=29,title=hbsim check small%3A threshold breached%3A detection_latency_ms.p50 <= 1s::detection_latency_ms.p50 <= 1s breached: measured 2.51 s, no interval (point value judged), bound <= 1 s. 2.51 s is above 1 s (judged on the point value: the results carry no interval for it).`,
    ]);

    const xml = readFileSync(join(cwd, 'out', 'junit.xml'), 'utf8');
    const root = parseStrictXml(xml);
    if (spawnSync('python3', ['--version']).status === 0) {
      expect(JSON.parse(execFileSync('python3', ['-c', PYTHON_XML_TO_JSON], { input: xml, encoding: 'utf8' })) as XmlElement).toEqual(root);
    }
    expect(root.attributes).toMatchObject({ tests: '4', failures: '1', errors: '0', skipped: '0' });
    const cases = root.children[0]!.children.filter((c) => c.tag === 'testcase');
    const failed = cases.filter((c) => c.children.some((k) => k.tag === 'failure'));
    expect(failed.map((c) => [c.attributes['name'], c.attributes['file'], c.attributes['line']])).toEqual([['detection_latency_ms.p50 <= 1s', 'small.yaml', String(line)]]);
    expect(failed[0]!.children.find((k) => k.tag === 'failure')!.attributes['message']).toBe('detection_latency_ms.p50 <= 1s breached: measured 2.51 s, no interval (point value judged), bound <= 1 s');

    const md = readFileSync(summary, 'utf8');
    expect(md.startsWith('# earlier step\n## ❌ hbsim check failed: 1 threshold breached (4 thresholds in 1 scenario)\n')).toBe(true);
    expect(md).toContain('<details>');
  });

  it('says "cannot tell" when the interval straddles the bound: a warning and exit 0, or exit 1 under inconclusive: fail', async () => {
    const straddle = ['false_suspicions.per_node_day: "<= 1"'];
    const warn = await hbsim(['check', 'small.yaml', '--workers', '1', '--no-report'], inDir(smallScenario(straddle)));
    expect(warn.code, warn.stderr).toBe(0);
    expect(warn.stdout).toContain(
      `  small.yaml:${SMALL_EXPECT_LINE(0)}:34 false_suspicions.per_node_day <= 1: cannot tell (warning): not enough simulated time to tell: the exact Poisson 95 % interval (0.126–27.6) straddles 1; the estimate 4.96 does not meet it; about 12 node-hours (×2.5 this run) would tell if the estimate held\n`,
    );
    expect(warn.stdout).toContain('hbsim check passed with warnings: 1 cannot tell (1 threshold in 1 scenario)\n');
    const fail = await hbsim(['check', 'small.yaml', '--workers', '1', '--no-report'], inDir(smallScenario(straddle, 'expect_options: { inconclusive: fail }')));
    expect(fail.code, fail.stderr).toBe(1);
    expect(fail.stdout).toContain('cannot tell (fails: inconclusive: fail)');
  });

  it('exits 2 with file:line for a malformed threshold and an unknown metric (with a suggestion), and runs nothing', async () => {
    const cwd = inDir(smallScenario(['detection_latency_ms.p99: "<= fast"', 'false_suspicion.per_node_day: "<= 0.1"']));
    const r = await hbsim(['check', 'small.yaml', '--junit', 'junit.xml'], cwd);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      [
        `small.yaml:${SMALL_EXPECT_LINE(0)}:29 expect.detection_latency_ms.p99: expected a condition such as "<= 5s", "< 0.1" or ">= 99.99%", with a duration such as 5s, or a number of milliseconds, got "<= fast" ("fast" is not a number or a duration)`,
        `small.yaml:${SMALL_EXPECT_LINE(1)}:3 expect.false_suspicion.per_node_day: unknown metric "false_suspicion.per_node_day"; metrics are named as in docs/results.md (e.g. false_suspicions.per_node_day) (did you mean "false_suspicions.per_node_day"?)`,
        '',
      ].join('\n'),
    );
    expect(existsSync(join(cwd, 'reports'))).toBe(false);
    expect(existsSync(join(cwd, 'junit.xml'))).toBe(false);
  });
});

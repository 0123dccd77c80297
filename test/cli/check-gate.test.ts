/**
 * `hbsim check` in-process (runCli with a captured CliIo): sweeps and --cell,
 * baselines, scenarios with nothing to check, usage errors, and where annotations
 * point. Runs use one worker (inline) and scenarios of simulated minutes.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { repositoryPath } from '../../src/cli/commands/check.js';
import type { CliIo } from '../../src/cli/io.js';
import { presetPath } from '../../src/scenarios/load.js';
import { smallScenario } from '../check/support.js';

function capture(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, env };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'hbsim-gate-'));

function scenarioFile(text: string, name = 'small.yaml'): { dir: string; file: string } {
  const dir = tmp();
  writeFileSync(join(dir, name), text);
  return { dir, file: join(dir, name) };
}

async function check(args: readonly string[], env: Record<string, string> = {}) {
  const c = capture(env);
  const code = await runCli(['check', '--workers', '1', '--no-report', ...args], c.io);
  return { code, stdout: c.stdout(), stderr: c.stderr() };
}

const SWEEP = smallScenario(['false_suspicions.per_node_day: "<= 100"'], 'sweep:\n  detector.timeout: [1.5x, 3x]\nexpect_options: { cell: 3x }\n');

describe('hbsim check (in-process)', () => {
  it('writes the same JUnit bytes for the same verdicts: no wall-clock time in it', async () => {
    const { dir, file } = scenarioFile(SWEEP);
    const a = await check([file, '--out', dir, '--junit', join(dir, 'a.xml')]);
    const b = await check([file, '--out', dir, '--junit', join(dir, 'b.xml')]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const xml = readFileSync(join(dir, 'a.xml'), 'utf8');
    expect(readFileSync(join(dir, 'b.xml'), 'utf8')).toBe(xml);
    expect([...xml.matchAll(/ time="([^"]*)"/g)].map((m) => m[1])).toSatisfy((times: string[]) => times.length > 0 && times.every((t) => t === '0.000'));
  });

  it('checks the cell expect_options names, or the one --cell names, and names cells in JUnit', async () => {
    const { dir, file } = scenarioFile(SWEEP);
    const named = await check([file, '--out', dir, '--junit', join(dir, 'a.xml')]);
    expect(named.code, named.stderr).toBe(0);
    // Only the named cell is simulated.
    expect(named.stdout).toMatch(/^small — .* · cell 3x only\n/);
    expect(JSON.parse(readFileSync(join(dir, 'small.json'), 'utf8'))).toMatchObject({ swept: ['detector.timeout'], cells: [{ id: '3x', params: { 'detector.timeout': '3x' } }] });
    expect(named.stdout).toMatch(/\nheld +false_suspicions\.per_node_day <= 100 +3x +/);
    expect(readFileSync(join(dir, 'a.xml'), 'utf8')).toContain('name="false_suspicions.per_node_day &lt;= 100 [cell 3x]"');
    // A 1.5 s timeout with 1 % loss and 1 s heartbeats suspects a node every ~100 s.
    const all = await check([file, '--out', dir, '--cell', 'all']);
    expect(all.code).toBe(1);
    expect(all.stdout).toMatch(/^small — .* · 2 of 2 cells checked\n/);
    expect(all.stdout).toMatch(/\nBREACHED +false_suspicions\.per_node_day <= 100 +1\.5x +/);
    const bad = await check([file, '--out', dir, '--cell', '3xx']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('hbsim: --cell 3xx: small has no such cell; its cells are 1.5x, 3x (or all, recommended); did you mean "3x"?\n');
  });

  it('saves a baseline, then flags what got worse when the timeout is halved: a warning, or exit 1 with --fail-on-regression', async () => {
    const { dir, file } = scenarioFile(smallScenario(['detection_latency_ms.p99: "<= 5s"']));
    const baselines = join(dir, 'baselines');
    const saved = await check([file, '--out', dir, '--save-baseline', baselines]);
    expect(saved.code, saved.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(baselines, 'small.json'), 'utf8'))).toMatchObject({ schema: 'hbsim.baseline/1', name: 'small', cells: [{ id: 'default' }] });

    const same = await check([file, '--out', dir, '--baseline', baselines, '--fail-on-regression']);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toContain('  baseline (seed 3, hbsim 0.1.0): nothing got worse, 0 better\n');

    const halved = ['--set', 'detector.timeout=1.5x'];
    const warned = await check([file, '--out', dir, '--baseline', baselines, ...halved]);
    expect(warned.code, warned.stderr).toBe(0);
    expect(warned.stdout).toMatch(/\n {2}baseline \(seed 3, hbsim 0\.1\.0\): \d+ worse, \d+ better; scenario fields changed since: detector\.timeout\n/);
    expect(warned.stdout).toMatch(/\n {4}worse: false_suspicions\.per_node_day: 4\.96 \(0\.126–27\.6\) → \S+ \(\S+\) \(the 95 % intervals do not overlap\)\n/);
    expect(warned.stdout).toContain('hbsim check passed with warnings:');

    const failed = await check([file, '--out', dir, '--baseline', baselines, '--fail-on-regression', '--junit', join(dir, 'j.xml'), ...halved]);
    expect(failed.code).toBe(1);
    expect(readFileSync(join(dir, 'j.xml'), 'utf8')).toMatch(/<testcase classname="small" name="no regression against the baseline" time="0.000">\n {6}<failure message="\d+ metrics got worse than the baseline \(seed 3, hbsim 0\.1\.0\)" type="regression">false_suspicions\.per_node_day got worse/);
  });

  it('refuses a missing baseline directory, an unreadable baseline and --fail-on-regression alone, before running anything', async () => {
    const { dir, file } = scenarioFile(smallScenario(['detection_latency_ms.p99: "<= 5s"']));
    const missing = await check([file, '--out', dir, '--baseline', join(dir, 'nope')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^hbsim: --baseline .*nope: no such directory \(save one first with hbsim check --save-baseline .*nope\)\n$/);
    writeFileSync(join(dir, 'small.json'), '{"schema": "something/2"}');
    const corrupt = await check([file, '--out', join(dir, 'out'), '--baseline', dir]);
    expect(corrupt.code).toBe(2);
    expect(corrupt.stderr).toMatch(/^hbsim: baseline .*small\.json has schema "something\/2"; expected "hbsim\.baseline\/1"/);
    const alone = await check([file, '--fail-on-regression']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toBe('hbsim: --fail-on-regression needs --baseline DIR to compare with\n');
  });

  it('notes a scenario that has no baseline yet, and compares the others', async () => {
    const { dir, file } = scenarioFile(smallScenario(['detection_latency_ms.p99: "<= 5s"']));
    const r = await check([file, '--out', dir, '--baseline', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`  note: no baseline ${join(dir, 'small.json')} to compare with\n`);
  });

  it('warns that a scenario without expect: has nothing to check, does not run it, and exits 0', async () => {
    const { dir, file } = scenarioFile(smallScenario([]));
    const r = await check([file, '--out', dir, '--junit', join(dir, 'j.xml')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`warning: ${file}: no expect: block, so nothing to check; not run\nwrote ${join(dir, 'j.xml')}\n`);
    expect(r.stdout).toBe('\nhbsim check had nothing to check: no thresholds in 1 scenario\n');
    expect(readFileSync(join(dir, 'j.xml'), 'utf8')).toContain('<property name="note" value="no expect: block, so nothing to check; not run"/>');
  });

  it('points annotations at files relative to the repository, presets included, and at nothing outside it', () => {
    const repo = join(presetPath('db-ha'), '..', '..', '..', '..');
    expect(repositoryPath('presets/db-ha.yaml', 'preset:db-ha', { GITHUB_WORKSPACE: repo })).toBe('src/scenarios/presets/db-ha.yaml');
    expect(repositoryPath('ci/my.yaml', 'ci/my.yaml', { GITHUB_WORKSPACE: '/work/repo' }, '/work/repo')).toBe('ci/my.yaml');
    expect(repositoryPath('../other/my.yaml', '../other/my.yaml', { GITHUB_WORKSPACE: '/work/repo' }, '/work/repo/sub')).toBe('other/my.yaml');
    expect(repositoryPath('/elsewhere/my.yaml', '/elsewhere/my.yaml', { GITHUB_WORKSPACE: '/work/repo' })).toBeUndefined();
  });
});

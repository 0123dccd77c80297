/**
 * `hbsim run|check --shard i/n`, `hbsim merge` and `--resume` as users run them: four
 * shard processes (each taking its index a different way: --shard, HBSIM_SHARD_INDEX,
 * JOB_COMPLETION_INDEX) merged into results and a report byte-identical to one run;
 * a run killed mid-way and resumed; every refusal with exit code 2 and its message.
 */
import { execFile, spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { toolVersion } from '../../src/results/tool-version.js';

const BIN = fileURLToPath(new URL('../../bin/hbsim.js', import.meta.url));
const tmp = () => mkdtempSync(join(tmpdir(), 'hbsim-shard-'));

/** db-ha cut to 4 cells × (2 replications + a pause search) = 12 tasks of 5 simulated minutes (about 4 s of CPU in all). */
const SCENARIO = ['db-ha', '--set', 'duration=5m', '--set', 'sweep.heartbeat.interval=[1s, 2s]', '--set', 'sweep.detector.timeout=[2x, 3x]', '--replications', '2', '--workers', '1'];
const TASKS = 12;
/** Spawned processes share this machine with whatever else runs: allow for a loaded one. */
const SLOW = 240_000;

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function hbsim(args: readonly string[], env: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: SLOW, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

async function inProcess(args: readonly string[], env: Record<string, string> = {}): Promise<Result> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, env });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

const bytes = (dir: string, name: string) => readFileSync(join(dir, name));

describe('hbsim run --shard i/n and hbsim merge (processes)', () => {
  it('four shard processes merged give the results and report of one run, byte for byte', async () => {
    const one = tmp();
    const parts = tmp();
    const merged = tmp();
    // The four shards run at once (as a CI matrix would), each told its index another way.
    const [single, ...shards] = await Promise.all([
      hbsim(['run', ...SCENARIO, '--out', one]),
      hbsim(['run', ...SCENARIO, '--out', parts, '--shard', '1/4']),
      hbsim(['run', ...SCENARIO, '--out', parts, '--shard-count', '4'], { HBSIM_SHARD_INDEX: '2' }),
      hbsim(['run', ...SCENARIO, '--out', parts, '--shard-count', '4'], { JOB_COMPLETION_INDEX: '2' }),
      hbsim(['run', ...SCENARIO, '--out', parts], { HBSIM_SHARD_COUNT: '4', JOB_COMPLETION_INDEX: '3' }),
    ]);
    expect(single!.code, single!.stderr).toBe(0);
    for (const s of shards) expect(s.code, s.stderr).toBe(0);
    expect(readdirSync(parts).sort()).toEqual([1, 2, 3, 4].map((i) => `db-ha.shard-${i}-of-4.json`));
    const m = await hbsim(['merge', parts, '--out', merged]);
    expect(m.code, m.stderr).toBe(0);
    expect(m.stderr).toMatch(new RegExp(`merge: 4 shards of db-ha, ${TASKS} tasks`));
    expect(bytes(merged, 'db-ha.json').equals(bytes(one, 'db-ha.json'))).toBe(true);
    expect(bytes(merged, 'db-ha.html').equals(bytes(one, 'db-ha.html'))).toBe(true);
    // Every shard did a quarter of the work.
    for (let i = 1; i <= 4; i++) expect((JSON.parse(readFileSync(join(parts, `db-ha.shard-${i}-of-4.json`), 'utf8')) as { outputs: unknown[] }).outputs).toHaveLength(TASKS / 4);
    // Nothing left behind: checkpoints are removed once their outputs are written.
    expect(existsSync(join(parts, '.hbsim-checkpoints'))).toBe(false);
    expect(existsSync(join(one, '.hbsim-checkpoints'))).toBe(false);
  }, SLOW);

  it('a run killed mid-way and resumed recomputes only the missing tasks, and writes the same bytes', async () => {
    const one = tmp();
    const out = tmp();
    const single = await hbsim(['run', ...SCENARIO, '--out', one]);
    expect(single.code).toBe(0);
    // Kill the run (SIGKILL: no clean-up at all) once at least 4 tasks are checkpointed.
    const child = spawn(process.execPath, [BIN, 'run', ...SCENARIO, '--out', out], { env: { PATH: process.env.PATH ?? '' }, stdio: 'ignore' });
    const dir = join(out, '.hbsim-checkpoints');
    const checkpointed = () => (existsSync(dir) ? readdirSync(dir).reduce((n, f) => n + readFileSync(join(dir, f), 'utf8').split('\n').filter((l) => l.endsWith('}')).length, 0) : 0);
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    for (let waited = 0; checkpointed() < 4 && waited < SLOW / 2 && child.exitCode === null; waited += 20) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await exited;
    expect(existsSync(join(out, 'db-ha.json'))).toBe(false);
    const [file] = readdirSync(dir);
    // On a loaded machine the run may checkpoint every task before the kill lands: keep
    // the first half then, as if it had been killed there (what is under test is that a
    // resume reads back exactly what was checkpointed and computes only the rest).
    if (checkpointed() > TASKS - 2) {
      const lines = readFileSync(join(dir, file!), 'utf8').split('\n').filter((l) => l.endsWith('}'));
      writeFileSync(join(dir, file!), `${lines.slice(0, TASKS / 2).join('\n')}\n`);
    }
    // And a torn line at the end, as a crash mid-write leaves.
    appendFileSync(join(dir, file!), '{"task":11,"sha256":"');
    const done = checkpointed();
    expect(done).toBeGreaterThanOrEqual(4);
    expect(done).toBeLessThan(TASKS);
    const resumed = await hbsim(['run', ...SCENARIO, '--out', out, '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`resume: db-ha: ${done} of ${TASKS} tasks read back from`);
    expect(resumed.stderr).toContain(`1 damaged checkpoint line ignored; computing ${TASKS - done}`);
    expect(bytes(out, 'db-ha.json').equals(bytes(one, 'db-ha.json'))).toBe(true);
    expect(bytes(out, 'db-ha.html').equals(bytes(one, 'db-ha.html'))).toBe(true);
    expect(existsSync(dir)).toBe(false);
  }, SLOW);
});

describe('Ctrl-C then --resume (in-process)', () => {
  it('stops with 130, keeps the finished tasks, and the resumed run computes only the rest', async () => {
    const args = ['run', ...SCENARIO, '--no-pause-survival'];
    const one = tmp();
    expect((await inProcess([...args, '--out', one])).code).toBe(0);
    const out = tmp();
    const dir = join(out, '.hbsim-checkpoints');
    const lines = () => (existsSync(dir) ? readdirSync(dir).reduce((n, f) => n + readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean).length, 0) : 0);
    const controller = new AbortController();
    // The inline runner yields between tasks, so this timer sees each task land.
    const timer = setInterval(() => {
      if (lines() >= 3) controller.abort();
    }, 1);
    const err: string[] = [];
    const code = await runCli([...args, '--out', out], { stdout: { write: () => {} }, stderr: { write: (s: string) => err.push(s) }, env: {}, signal: controller.signal });
    clearInterval(timer);
    expect(code).toBe(130);
    expect(err.join('')).toMatch(/interrupted; nothing written for it \(finished tasks are checkpointed: run again with --resume to continue\)/);
    expect(existsSync(join(out, 'db-ha.json'))).toBe(false);
    const done = lines();
    expect(done).toBeGreaterThanOrEqual(3);
    expect(done).toBeLessThan(8);
    const resumed = await inProcess([...args, '--out', out, '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`resume: db-ha: ${done} of 8 tasks read back`);
    expect(resumed.stderr).toContain(`computing ${8 - done}`);
    expect(bytes(out, 'db-ha.json').equals(bytes(one, 'db-ha.json'))).toBe(true);
    expect(bytes(out, 'db-ha.html').equals(bytes(one, 'db-ha.html'))).toBe(true);
  }, SLOW);
});

describe('hbsim merge refuses parts that are not every shard of one run (exit 2)', () => {
  const SMALL = ['db-ha', '--set', 'duration=5m', '--set', 'sweep.heartbeat.interval=[1s, 2s]', '--set', 'sweep.detector.timeout=[3x]', '--replications', '2', '--workers', '1', '--no-pause-survival'];
  const shardsOf = async (extra: string[], count: number) => {
    const dir = tmp();
    for (let i = 1; i <= count; i++) expect((await inProcess(['run', ...SMALL, ...extra, '--out', dir, '--shard', `${i}/${count}`])).code).toBe(0);
    return (i: number) => join(dir, `db-ha.shard-${i}-of-${count}.json`);
  };

  it('missing, duplicate, another seed, another scenario, another version, other options, other count; and merges the right ones', async () => {
    const parts = await shardsOf([], 3);
    const refused = async (args: string[], message: RegExp) => {
      const r = await inProcess(['merge', ...args, '--out', tmp()]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/internal error|at .*\.ts:\d+/);
    };
    await refused([parts(1), parts(3)], /missing shard 2\/3 of db-ha \(got 2 of 3\); run hbsim with --shard 2\/3 and merge again/);
    await refused([parts(1), parts(2), parts(3), parts(2)], /shard 2\/3 given twice/);
    const seed = await shardsOf(['--seed', '7'], 3);
    await refused([parts(1), seed(2), parts(3)], /is from another run than .*: seed "42" vs "7"/);
    const loss = await shardsOf(['--set', 'link.loss=2%'], 3);
    await refused([parts(1), loss(2), parts(3)], /is from another run than .*: the scenario or an option differs/);
    const survival = await shardsOf(['--pause-survival'], 3);
    await refused([parts(1), survival(2), parts(3)], /pause survival \(--no-pause-survival\) false vs true/);
    const two = await shardsOf([], 2);
    await refused([parts(1), parts(2), two(2)], /is shard 2\/2 but .* is shard 1\/3; every shard of a run must use the same count/);

    // Another hbsim version: every part says so (edited, as an old file would).
    const old = tmp();
    for (const i of [1, 2, 3]) {
      const p = JSON.parse(readFileSync(parts(i), 'utf8')) as { identity: { version: string }; tool: { version: string } };
      p.identity.version = '0.0.1';
      p.tool.version = '0.0.1';
      writeFileSync(join(old, `db-ha.shard-${i}-of-3.json`), JSON.stringify(p));
    }
    await refused([old], new RegExp(`computed by hbsim 0\\.0\\.1, this is hbsim ${toolVersion().replace(/\./g, '\\.')}`));
    // A tampered scenario: the digest no longer matches what the recipe loads.
    const tampered = tmp();
    for (const i of [1, 2, 3]) {
      const p = JSON.parse(readFileSync(parts(i), 'utf8')) as { recipe: { text: string } };
      p.recipe.text = p.recipe.text.replace('seed: 42', 'seed: 43');
      writeFileSync(join(tampered, `db-ha.shard-${i}-of-3.json`), JSON.stringify(p));
    }
    await refused([tampered], /digest does not match their scenario as this hbsim loads it \(seed "42" vs "43"\)/);
    // Not partial files at all.
    const results = tmp();
    expect((await inProcess(['run', ...SMALL, '--out', results])).code).toBe(0);
    await refused([join(results, 'db-ha.json')], /expected a partial results file .* got a complete results file/);
    await refused([join(results, 'nothing.json')], /nothing\.json: no such file/);
    await refused([tmp()], /a folder without partial results files/);
    await refused([], /Not enough non-option arguments|merge needs/);

    // The right parts, in any order, merge into the single run's bytes.
    const merged = tmp();
    const ok = await inProcess(['merge', parts(3), parts(1), parts(2), '--out', merged, '--no-report']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(bytes(merged, 'db-ha.json').equals(bytes(results, 'db-ha.json'))).toBe(true);
  }, SLOW);
});

describe('shard options', () => {
  it('refuse a bad shard spec, a missing index, conflicting sources, and options a shard cannot honour (exit 2)', async () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['--shard', '0/4'], {}, /--shard 0\/4: the index must be from 1 to 4 \(shards are counted from 1\)/],
      [['--shard', '5/4'], {}, /the index must be from 1 to 4/],
      [['--shard', 'two'], {}, /--shard two: expected i\/n, e\.g\. --shard 2\/4/],
      [['--shard', '1/0'], {}, /expected a whole number of shards from 1 to 10000/],
      [['--shard', '1/4', '--shard-count', '4'], {}, /either --shard i\/n or --shard-count n/],
      [['--shard-count', '4'], {}, /--shard-count 4 needs this process's shard index: --shard i\/4, HBSIM_SHARD_INDEX \(1\.\.4, e\.g\. from a CI matrix\) or JOB_COMPLETION_INDEX \(0\.\.3, set by a Kubernetes Indexed Job\)/],
      [['--shard-count', '4'], { JOB_COMPLETION_INDEX: '4' }, /JOB_COMPLETION_INDEX=4: expected a completion index from 0 to 3 for 4 shards/],
      [['--shard-count', '4'], { HBSIM_SHARD_INDEX: '0' }, /HBSIM_SHARD_INDEX=0: expected a shard index from 1 to 4/],
      [['--shard-count', '4'], { HBSIM_SHARD_INDEX: '2', JOB_COMPLETION_INDEX: '2' }, /name different shards \(2 and 3 of 4\)/],
      [[], { HBSIM_SHARD_COUNT: 'x', HBSIM_SHARD_INDEX: '1' }, /HBSIM_SHARD_COUNT "x": expected a whole number/],
      [['--shard', '1/2', '--json'], {}, /--json prints results, but a shard writes partial results/],
    ];
    for (const [args, env, message] of cases) {
      const r = await inProcess(['run', 'seed-demo', '--out', tmp(), ...args], env);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    const junit = await inProcess(['check', 'seed-demo', '--out', tmp(), '--shard', '1/2', '--junit', 'x.xml']);
    expect(junit.code).toBe(2);
    expect(junit.stderr).toMatch(/--junit: a shard only computes; give it to hbsim merge/);
  });
});

describe('hbsim check --shard and merge', () => {
  it('judges the merged results as hbsim check judges one run: same files, same verdicts, same exit code', async () => {
    // db-ha checks one cell of its sweep (expect_options.cell), with a pause threshold: 3 tasks.
    const args = ['check', 'db-ha', '--set', 'duration=20m', '--workers', '1'];
    const one = tmp();
    const single = await inProcess([...args, '--out', one]);
    const parts = tmp();
    for (const i of [1, 2]) {
      const r = await inProcess([...args, '--out', parts, '--shard', `${i}/2`]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe('');
    }
    const merged = tmp();
    const m = await inProcess(['merge', parts, '--out', merged, '--junit', join(merged, 'junit.xml')]);
    expect(m.code).toBe(single.code);
    expect(m.stdout).toBe(single.stdout);
    expect(m.stdout).toMatch(/cell 1s\/3x only/);
    expect(bytes(merged, 'db-ha.json').equals(bytes(one, 'db-ha.json'))).toBe(true);
    expect(bytes(merged, 'db-ha.html').equals(bytes(one, 'db-ha.html'))).toBe(true);
    expect(readFileSync(join(merged, 'junit.xml'), 'utf8')).toMatch(/<testsuite name="db-ha" tests="5"/);
    // Gate options belong to shards of hbsim check only.
    const runParts = tmp();
    expect((await inProcess(['run', 'seed-demo', '--out', runParts, '--shard', '1/1'])).code).toBe(0);
    const r = await inProcess(['merge', runParts, '--out', tmp(), '--junit', 'x.xml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--junit: these shards are of hbsim run, not hbsim check/);
  });
});

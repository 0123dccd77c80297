/**
 * bin/hbsim.cjs exits at 'beforeExit' without node's teardown of the isolate
 * (exitWithoutTeardown): only once the event loop is empty, so nothing is cut short.
 * The same stdout (through a pipe read slowly, past the pipe's 64 KiB buffer), stderr,
 * exit codes and files as node's own exit (HBSIM_EXIT_TEARDOWN=1); and when something
 * else listens to 'beforeExit' and schedules more work, that work still runs.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'hbsim.cjs');
const work = mkdtempSync(join(tmpdir(), 'hbsim-exit-'));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the command through a shell pipe whose reader starts after 0.5 s, so the process fills the pipe and waits on it. */
function slowlyRead(args: readonly string[], env: Record<string, string>, nodeFlags: readonly string[] = []): Promise<Run> {
  const out = join(work, `out-${Math.random().toString(36).slice(2)}`);
  const command = `${[process.execPath, ...nodeFlags, BIN, ...args].map((a) => `'${a}'`).join(' ')} | (sleep 0.5; cat > '${out}'); exit \${PIPESTATUS[0]}`;
  return new Promise((resolve) => {
    execFile('bash', ['--norc', '--noprofile', '-c', command], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env }, timeout: 120_000 }, (error, _stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout: readFileSync(out, 'utf8'), stderr: stderr.replace(/ \(\d+(\.\d+)? s\)/g, '') });
    });
  });
}

describe('exiting without the teardown', () => {
  it("prints, writes and exits exactly as node's own exit, through a pipe read late", async () => {
    const args = ['run', 'db-ha', '--no-report', '--json', '--replications', '2', '--no-pause-survival'];
    const fast = await slowlyRead([...args, '--out', join(work, 'fast')], {});
    const node = await slowlyRead([...args, '--out', join(work, 'node')], { HBSIM_EXIT_TEARDOWN: '1' });
    expect(fast.code, fast.stderr).toBe(0);
    expect(fast.stdout.length).toBeGreaterThan(65_536);
    expect(fast.stdout).toBe(node.stdout);
    expect(fast.stderr.replace(join(work, 'fast'), 'OUT')).toBe(node.stderr.replace(join(work, 'node'), 'OUT'));
    expect(readFileSync(join(work, 'fast', 'db-ha.json'), 'utf8')).toBe(readFileSync(join(work, 'node', 'db-ha.json'), 'utf8'));
    expect(JSON.parse(fast.stdout)).toEqual(JSON.parse(readFileSync(join(work, 'fast', 'db-ha.json'), 'utf8')));
  }, 120_000);

  it('keeps every exit code: 2 for a bad scenario, 2 for a usage error, 0 for --help', async () => {
    const bad = join(work, 'bad.yaml');
    writeFileSync(bad, 'name: bad\nduration: soon\n');
    for (const [args, code] of [
      [['run', bad, '--out', join(work, 'bad')], 2],
      [['run', '--no-such-option'], 2],
      [['--help'], 0],
    ] as const) {
      const fast = await slowlyRead(args, {});
      const node = await slowlyRead(args, { HBSIM_EXIT_TEARDOWN: '1' });
      expect(fast.code, `${args.join(' ')}: ${fast.stderr}`).toBe(code);
      expect(node.code).toBe(code);
      expect(fast.stdout).toBe(node.stdout);
      expect(fast.stderr).toBe(node.stderr);
    }
  }, 120_000);

  it("lets another 'beforeExit' listener's late work run (then node's own exit ends the process)", async () => {
    const late = join(work, 'late.mjs');
    writeFileSync(late, "let once = false;\nprocess.on('beforeExit', () => {\n  if (once) return;\n  once = true;\n  setTimeout(() => process.stdout.write('late work done\\n'), 50);\n});\n");
    const run = await slowlyRead(['presets'], {}, ['--import', late]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('db-ha');
    expect(run.stdout.endsWith('late work done\n')).toBe(true);
  }, 60_000);
});

/**
 * The command line in-process (runCli with a captured CliIo): the paths a spawned
 * binary cannot reach cheaply, such as an internal error, and the output helpers.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { colourEnabled } from '../../src/cli/colour.js';
import type { CliIo } from '../../src/cli/io.js';
import { formatAccuracy, formatMs, renderTable, sig } from '../../src/cli/table.js';
import { writeFileAtomic } from '../../src/io/atomic-write.js';

function capture(env: Record<string, string> = {}, failWrites = false) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: {
      write: (s: string) => {
        if (failWrites) throw new TypeError('stdout exploded');
        out.push(s);
      },
    },
    stderr: { write: (s: string) => err.push(s) },
    env,
  };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

describe('runCli', () => {
  it('turns an unexpected exception into exit code 3 and one line, with the stack only under HBSIM_DEBUG=1', async () => {
    const quiet = capture({}, true);
    expect(await runCli(['presets'], quiet.io)).toBe(3);
    expect(quiet.stderr()).toBe('hbsim: internal error: stdout exploded\nThis is a bug in hbsim. Run again with HBSIM_DEBUG=1 to see the stack trace, and please report it.\n');
    const debug = capture({ HBSIM_DEBUG: '1' }, true);
    expect(await runCli(['presets'], debug.io)).toBe(3);
    expect(debug.stderr()).toMatch(/^hbsim: internal error: stdout exploded\nTypeError: stdout exploded\n {4}at /);
  });

  it('reports an output directory it cannot write as bad input (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hbsim-out-'));
    const file = join(dir, 'not-a-dir');
    writeFileSync(file, 'x');
    const c = capture();
    expect(await runCli(['run', 'seed-demo', '--out', file], c.io)).toBe(2);
    // Checked before simulating (issue 16): the run never starts.
    expect(c.stderr()).toMatch(/^hbsim: --out .*not-a-dir: (not a directory|cannot create the directory \(EEXIST\))\n$/);
  });

  it('reports every bad file before running any', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hbsim-many-'));
    writeFileSync(join(dir, 'a.yaml'), 'link: { loss: 2 }\n');
    writeFileSync(join(dir, 'b.yaml'), 'seed: [1]\n');
    const c = capture();
    expect(await runCli(['run', join(dir, 'a.yaml'), 'seed-demo', join(dir, 'b.yaml'), '--out', dir], c.io)).toBe(2);
    expect(c.stderr().split('\n').filter(Boolean).map((l) => l.replace(dir, 'DIR'))).toEqual([
      'DIR/a.yaml:1:15 link.loss: expected a probability in [0, 1], such as 0.01 or 1%, got 2 (outside [0, 1])',
      'DIR/b.yaml:1:7 seed: expected a whole number ≥ 0 or a non-empty string, got a list of 1',
    ]);
    expect(readdirSync(dir).sort()).toEqual(['a.yaml', 'b.yaml']);
  });
});

describe('runCli, for what needs no process of its own', () => {
  it('shows each command\'s options and examples', async () => {
    const c = capture();
    expect(await runCli(['run', '--help'], c.io)).toBe(0);
    expect(c.stdout()).toMatch(/--set[\s\S]*--seed[\s\S]*--replications[\s\S]*--out[\s\S]*--json[\s\S]*Examples:[\s\S]*--set link\.loss=2%[\s\S]*Exit codes:/);
  });

  it('suggests a command for a misspelt one, and names --seed in its errors', async () => {
    const command = capture();
    expect(await runCli(['rnu'], command.io)).toBe(2);
    expect(command.stderr()).toBe('hbsim: Did you mean run?\nRun "hbsim --help" for usage.\n');
    const seed = capture();
    expect(await runCli(['validate', 'seed-demo', '--seed', '-3'], seed.io)).toBe(2);
    expect(seed.stderr()).toBe('--seed -3 seed: expected a number ≥ 0, got -3\n');
  });

  it('exits 2 when no command is given, or an unknown preset', async () => {
    const none = capture();
    expect(await runCli([], none.io)).toBe(2);
    expect(none.stderr()).toBe('hbsim: no command given\nRun "hbsim --help" for usage.\n');
    const preset = capture();
    expect(await runCli(['run', 'etc'], preset.io)).toBe(2);
    expect(preset.stderr()).toMatch(/^etc: no such preset or file; presets are .* \(did you mean "etcd"\?\)\n$/);
  });

  it('prints a preset as it is written, as a starting point', async () => {
    const c = capture();
    expect(await runCli(['presets', 'k8s'], c.io)).toBe(0);
    expect(c.stdout()).toBe(readFileSync(new URL('../../src/scenarios/presets/k8s.yaml', import.meta.url), 'utf8'));
  });

  it('colours the location of a problem when colour is forced', async () => {
    const c = capture({ FORCE_COLOR: '1' });
    expect(await runCli(['validate', 'nope.yaml'], c.io)).toBe(2);
    expect(c.stderr()).toBe('\u001b[1mnope.yaml\u001b[22m: no such file\n');
  });
});

describe('terminal output', () => {
  it('formats durations, rates and P_A for the table', () => {
    expect([formatMs(null), formatMs(0), formatMs(0.25), formatMs(12.34), formatMs(3250), formatMs(312_000), formatMs(4_680_000)]).toEqual([
      '–',
      '0 s',
      '250 µs',
      '12.3 ms',
      '3.25 s',
      '5.2 min',
      '1.3 h',
    ]);
    expect([sig(0), sig(0.10696), sig(24_500.3), sig(1e-7)]).toEqual(['0', '0.107', '24500', '1.00e-7']);
    expect([formatAccuracy(null), formatAccuracy(1), formatAccuracy(0.9), formatAccuracy(0.9999712)]).toEqual(['–', '1', '0.9000', '0.999971']);
  });

  it('aligns columns: text to the left, numbers to the right', () => {
    expect(renderTable(['cell', 'p50'], [['default', '3 s'], ['x', '12.5 s']], ['left', 'right'])).toEqual(['cell        p50', 'default     3 s', 'x        12.5 s']);
  });

  it('colours only a terminal, unless NO_COLOR or FORCE_COLOR says otherwise', () => {
    expect(colourEnabled({ write() {}, isTTY: true }, {})).toBe(true);
    expect(colourEnabled({ write() {}, isTTY: false }, {})).toBe(false);
    expect(colourEnabled({ write() {}, isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colourEnabled({ write() {}, isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(colourEnabled({ write() {} }, { FORCE_COLOR: '1' })).toBe(true);
    expect(colourEnabled({ write() {} }, { FORCE_COLOR: '0' })).toBe(false);
  });
});

describe('atomic writes', () => {
  it('replace the file whole, create missing directories and leave no temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hbsim-atomic-'));
    const path = join(dir, 'deep', 'er', 'r.json');
    writeFileAtomic(path, 'first');
    writeFileAtomic(path, 'second, longer');
    expect(readFileSync(path, 'utf8')).toBe('second, longer');
    expect(readdirSync(join(dir, 'deep', 'er'))).toEqual(['r.json']);
  });

  it('leave the old file untouched and no temporary file when the write fails', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hbsim-atomic-'));
    const path = join(dir, 'r.json');
    writeFileAtomic(path, 'old');
    // A directory where the file should go makes the rename fail after the data was written.
    expect(() => writeFileAtomic(dir, 'new')).toThrow();
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['r.json']);
  });
});
